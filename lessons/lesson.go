// The lesson type and the registry of every lesson.

package lessons

import (
	"context"
	"sort"
	"strings"

	"netlab/osi"
)

// A Lesson answers one question with a live demonstration.
type Lesson struct {
	Name     string  // what to type after `netlab run`
	Title    string  // a few words
	Layers   osi.Set // the OSI layers it shows
	Question string  // the question it answers
	Run      func(ctx context.Context, env *Env) error
}

// All returns every lesson, in the order a course would take them.
func All() []Lesson {
	return []Lesson{
		socketsLesson(),
		clientServerLesson(),
		httpLesson(),
		handshakeLesson(),
		framesLesson(),
		duplexLesson(),
		eventsLesson(),
		roomsLesson(),
		missedEventsLesson(),
		socketIOWireLesson(),
		pollingVsWSLesson(),
		packetsLesson(),
		ipFragmentsLesson(),
		captureLesson(),
	}
}

// Find returns the lesson with the given name.
func Find(name string) (Lesson, bool) {
	for _, l := range All() {
		if l.Name == name {
			return l, true
		}
	}
	return Lesson{}, false
}

// Names returns every lesson's name, in course order.
func Names() []string {
	var out []string
	for _, l := range All() {
		out = append(out, l.Name)
	}
	return out
}

// Nearest returns the lesson name closest to name (by edit distance, ties
// broken alphabetically), for "did you mean …". It returns "" when nothing
// is close enough to be a likely typo.
func Nearest(name string) string {
	names := Names()
	sort.Strings(names)
	// A prefix counts as distance 1; between equals, the smaller true
	// distance wins ("socket" is nearer "sockets" than "socketio-wire").
	best, bestD, bestTrue := "", len(name)/2+2, 0
	for _, n := range names {
		trueD := editDistance(strings.ToLower(name), n)
		d := trueD
		if strings.HasPrefix(n, strings.ToLower(name)) && name != "" {
			d = min(d, 1)
		}
		if d < bestD || (d == bestD && best != "" && trueD < bestTrue) {
			best, bestD, bestTrue = n, d, trueD
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
