// A simulated network link: loss, duplication, delay, jitter and
// reordering, in virtual time, from a seed. Loopback can show none of these.

package packets

import (
	"container/heap"
	"fmt"
	"math/rand/v2"
	"time"
)

// SimulatedConditions say what netlab's simulated link does to the packets
// it carries. Nothing here is real: loopback never duplicates or reorders,
// and loses a packet only when its kernel's queue overflows, so a lesson
// that shows these faults uses a simulation, and says so.
//
// Each packet given to the link is, in order:
//
//  1. lost, with probability LossPercent;
//  2. otherwise duplicated, with probability DuplicatePercent: two copies
//     cross the link;
//  3. sent when the link is free: PacketGap after the previous packet (the
//     time a real link takes to put one packet on the wire);
//  4. delayed, each copy on its own, by Delay plus a random 0 to Jitter;
//  5. held back, each copy with probability ReorderPercent, by a random
//     further 0 to ReorderWindow, so packets sent within that window after
//     it can overtake it.
//
// Copies arrive in order of arrival time; jitter reorders too, when it is
// larger than PacketGap.
type SimulatedConditions struct {
	LossPercent      float64       // 0-100
	DuplicatePercent float64       // 0-100
	ReorderPercent   float64       // 0-100
	ReorderWindow    time.Duration // how late a held-back copy may arrive
	Delay            time.Duration // one-way delay of every copy
	Jitter           time.Duration // plus a random 0 to Jitter
	PacketGap        time.Duration // the link sends one packet per PacketGap at most
}

// Validate reports a percentage outside 0-100 or a negative time.
func (c SimulatedConditions) Validate() error {
	for _, p := range []float64{c.LossPercent, c.DuplicatePercent, c.ReorderPercent} {
		if !(p >= 0 && p <= 100) { // also refuses NaN
			return fmt.Errorf("simulated conditions: percentage %v: %w", p, ErrSimulatedConditions)
		}
	}
	for _, d := range []time.Duration{c.ReorderWindow, c.Delay, c.Jitter, c.PacketGap} {
		if d < 0 {
			return fmt.Errorf("simulated conditions: duration %v: %w", d, ErrSimulatedConditions)
		}
	}
	return nil
}

// A SimulatedFate is what the simulated link did with one packet, decided
// when it was sent.
type SimulatedFate struct {
	SendNo   int             // the packet's number on this link, from 1
	Lost     bool            // no copy will arrive
	Arrivals []time.Duration // when each copy will arrive: none, one, or two (duplicated)
}

// A SimulatedArrival is one copy of a packet coming out of the simulated
// link.
type SimulatedArrival struct {
	Packet    []byte        // the copy's bytes (its own)
	SendNo    int           // which packet, numbered from 1 in sending order
	Copy      int           // 1, or 2 for the copy a duplication made
	SentAt    time.Duration // virtual time it was given to the link
	At        time.Duration // virtual time it arrived
	Reordered bool          // a packet sent after it arrived before it
}

// String says what happened, and that it was simulated.
func (a SimulatedArrival) String() string {
	s := fmt.Sprintf("simulated: packet %d", a.SendNo)
	if a.Copy > 1 {
		s += " (duplicate copy)"
	}
	s += fmt.Sprintf(" sent at %v arrived at %v", a.SentAt, a.At)
	if a.Reordered {
		s += ", after a packet sent later (reordered)"
	}
	return s
}

// SimulatedLinkStats count what the simulated link did. They add up:
// Sent + Duplicated = Lost + Delivered + InFlight.
type SimulatedLinkStats struct {
	Sent       int // packets given to the link
	Lost       int // packets it dropped
	Duplicated int // extra copies it made
	Reordered  int // copies that arrived after a packet sent later
	Delivered  int // copies that came out (Next)
	InFlight   int // copies still on the link
}

// A SimulatedLink carries packets one way across a simulated network, in
// virtual time: Send puts a packet on it at a virtual time, Next takes out
// the copy that arrives first. The same conditions and the same random
// source give the same losses, copies and arrival times. Nothing sleeps and
// nothing runs in the background. It is not safe for concurrent use.
type SimulatedLink struct {
	cond   SimulatedConditions
	rng    *rand.Rand
	queue  arrivalQueue
	free   time.Duration // when the link can send the next packet
	sendNo int
	latest int // highest SendNo delivered so far
	stats  SimulatedLinkStats
}

// NewSimulatedLink returns a simulated link with the given conditions,
// drawing its randomness from src (rand.NewPCG(seed, stream) repeats it).
func NewSimulatedLink(cond SimulatedConditions, src rand.Source) (*SimulatedLink, error) {
	if err := cond.Validate(); err != nil {
		return nil, err
	}
	return &SimulatedLink{cond: cond, rng: rand.New(src)}, nil
}

// Send gives the link a packet at virtual time now, and returns its fate.
// The link keeps its own copy of p.
func (l *SimulatedLink) Send(now time.Duration, p []byte) SimulatedFate {
	l.sendNo++
	l.stats.Sent++
	// The same number of draws for every packet, whatever happens to it,
	// so that changing one percentage leaves the other faults in place.
	lost := l.chance(l.cond.LossPercent)
	dup := l.chance(l.cond.DuplicatePercent)
	var delays [2]time.Duration
	for i := range delays {
		delays[i] = l.cond.Delay + l.upTo(l.cond.Jitter)
		held, extra := l.chance(l.cond.ReorderPercent), l.upTo(l.cond.ReorderWindow)
		if held {
			delays[i] += extra
		}
	}
	fate := SimulatedFate{SendNo: l.sendNo, Lost: lost}
	if lost {
		l.stats.Lost++
		return fate
	}
	depart := max(now, l.free)
	l.free = depart + l.cond.PacketGap
	copies := 1
	if dup {
		copies = 2
		l.stats.Duplicated++
	}
	for i := range copies {
		at := depart + delays[i]
		fate.Arrivals = append(fate.Arrivals, at)
		heap.Push(&l.queue, SimulatedArrival{Packet: append([]byte(nil), p...), SendNo: l.sendNo,
			Copy: i + 1, SentAt: now, At: at})
		l.stats.InFlight++
	}
	return fate
}

// chance is true with probability percent/100.
func (l *SimulatedLink) chance(percent float64) bool { return l.rng.Float64()*100 < percent }

// upTo is a random duration from 0 to d, in whole microseconds (so that
// virtual times print short).
func (l *SimulatedLink) upTo(d time.Duration) time.Duration {
	return time.Duration(l.rng.Int64N(int64(d/time.Microsecond)+1)) * time.Microsecond
}

// NextAt returns the virtual time of the next arrival, and false when the
// link is empty.
func (l *SimulatedLink) NextAt() (time.Duration, bool) {
	if len(l.queue) == 0 {
		return 0, false
	}
	return l.queue[0].At, true
}

// Next takes the next copy out of the link, the one with the earliest
// arrival time (ties: the one sent first). It returns false when the link
// is empty.
func (l *SimulatedLink) Next() (SimulatedArrival, bool) {
	if len(l.queue) == 0 {
		return SimulatedArrival{}, false
	}
	a := heap.Pop(&l.queue).(SimulatedArrival)
	l.stats.InFlight--
	l.stats.Delivered++
	if a.SendNo < l.latest {
		a.Reordered = true
		l.stats.Reordered++
	}
	l.latest = max(l.latest, a.SendNo)
	return a, true
}

// Stats returns the counters.
func (l *SimulatedLink) Stats() SimulatedLinkStats { return l.stats }

// arrivalQueue orders copies by arrival time, then sending order, then
// copy: a min-heap for container/heap.
type arrivalQueue []SimulatedArrival

func (q arrivalQueue) Len() int { return len(q) }
func (q arrivalQueue) Less(i, j int) bool {
	a, b := q[i], q[j]
	if a.At != b.At {
		return a.At < b.At
	}
	if a.SendNo != b.SendNo {
		return a.SendNo < b.SendNo
	}
	return a.Copy < b.Copy
}
func (q arrivalQueue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *arrivalQueue) Push(x any)   { *q = append(*q, x.(SimulatedArrival)) }
func (q *arrivalQueue) Pop() any {
	old := *q
	x := old[len(old)-1]
	*q = old[:len(old)-1]
	return x
}
