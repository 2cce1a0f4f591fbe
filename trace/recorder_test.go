// Tests for the recorder: numbering, ordering, holding back, keeping.

package trace

import (
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// orderSink records the events it is given, in the order given, and fails
// the test if two calls ever overlap (the recorder promises they do not).
type orderSink struct {
	t      *testing.T
	inside atomic.Int32
	mu     sync.Mutex
	got    []Event
}

func (s *orderSink) Event(e Event) {
	if n := s.inside.Add(1); n != 1 {
		s.t.Errorf("sink called concurrently (%d calls inside)", n)
	}
	defer s.inside.Add(-1)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.got = append(s.got, e)
}

func (s *orderSink) events() []Event {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.got)
}

// seqs returns the sequence numbers of es, in order.
func seqs(es []Event) []int64 {
	out := make([]int64, len(es))
	for i, e := range es {
		out[i] = e.Seq
	}
	return out
}

// upTo returns 0, 1, ..., n-1.
func upTo(n int) []int64 {
	out := make([]int64, n)
	for i := range out {
		out[i] = int64(i)
	}
	return out
}

func TestRecordNumbersAndStamps(t *testing.T) {
	sink := &orderSink{t: t}
	r := NewRecorder(Options{Clock: StepClock(time.Microsecond), Sinks: []Sink{sink}})
	texts := []string{"zero", "one", "two", "three"}
	for _, text := range texts {
		r.Record(Event{Kind: KindSay, Text: text})
	}
	got := sink.events()
	if len(got) != len(texts) {
		t.Fatalf("sink got %d events, want %d", len(got), len(texts))
	}
	for i, e := range got {
		if e.Seq != int64(i) {
			t.Errorf("event %d: Seq = %d, want %d", i, e.Seq, i)
		}
		if want := time.Duration(i) * time.Microsecond; e.T != want {
			t.Errorf("event %d: T = %v, want %v", i, e.T, want)
		}
		if e.Text != texts[i] {
			t.Errorf("event %d: Text = %q, want %q", i, e.Text, texts[i])
		}
	}
}

// Record overwrites whatever Seq and T the caller put in the event.
func TestRecordIgnoresCallerSeqAndT(t *testing.T) {
	r := NewRecorder(Options{Clock: StepClock(time.Second), Keep: true})
	r.Record(Event{Kind: KindSay, Seq: 42, T: time.Hour})
	got := r.Events()
	if len(got) != 1 || got[0].Seq != 0 || got[0].T != 0 {
		t.Errorf("Events() = %+v, want one event with Seq 0 and T 0", got)
	}
}

// A ticket taken by Begin and not yet committed holds back every later
// event: the sink sees nothing past it until Commit, then everything in
// sequence order.
func TestBeginHoldsBackLaterEvents(t *testing.T) {
	sink := &orderSink{t: t}
	r := NewRecorder(Options{Clock: StepClock(time.Microsecond), Keep: true, Sinks: []Sink{sink}})

	r.Record(Event{Kind: KindSay, Text: "before"})   // seq 0
	write := r.Begin()                               // seq 1: a write that blocks
	r.Record(Event{Kind: KindSay, Text: "during 1"}) // seq 2
	r.Record(Event{Kind: KindSay, Text: "during 2"}) // seq 3

	if got, want := seqs(sink.events()), []int64{0}; !slices.Equal(got, want) {
		t.Fatalf("with seq 1 open, the sink got %v, want %v", got, want)
	}
	if got, want := seqs(r.Events()), []int64{0}; !slices.Equal(got, want) {
		t.Fatalf("with seq 1 open, Events() = %v, want %v", got, want)
	}

	write.Commit(Event{Kind: KindWrite, Conn: 1, Data: []byte("hi")})

	got := sink.events()
	if want := upTo(4); !slices.Equal(seqs(got), want) {
		t.Fatalf("after Commit, the sink got %v, want %v", seqs(got), want)
	}
	wantKinds := []Kind{KindSay, KindWrite, KindSay, KindSay}
	for i, e := range got {
		if e.Kind != wantKinds[i] {
			t.Errorf("event %d: Kind = %q, want %q", i, e.Kind, wantKinds[i])
		}
	}
	// The write is stamped when it began, not when it was committed.
	if want := 1 * time.Microsecond; got[1].T != want {
		t.Errorf("write: T = %v, want %v (the time of Begin)", got[1].T, want)
	}
	if got, want := seqs(r.Events()), upTo(4); !slices.Equal(got, want) {
		t.Errorf("after Commit, Events() = %v, want %v", got, want)
	}
}

// Tickets committed in the reverse of the order they were taken come out
// in the order they were taken.
func TestCommitOutOfOrder(t *testing.T) {
	sink := &orderSink{t: t}
	r := NewRecorder(Options{Sinks: []Sink{sink}})
	tickets := []Ticket{r.Begin(), r.Begin(), r.Begin()}
	for i := len(tickets) - 1; i >= 1; i-- {
		tickets[i].Commit(Event{Kind: KindSay})
		if got := sink.events(); len(got) != 0 {
			t.Fatalf("with seq 0 open, the sink got %v", seqs(got))
		}
	}
	tickets[0].Commit(Event{Kind: KindSay})
	if got, want := seqs(sink.events()), upTo(3); !slices.Equal(got, want) {
		t.Errorf("the sink got %v, want %v", got, want)
	}
}

// Many goroutines record at once, some through Begin and Commit with other
// events in between: every sink still sees 0..n-1 exactly once, in order,
// never two calls at a time. Run with -race.
func TestConcurrentRecording(t *testing.T) {
	const goroutines, perGoroutine = 32, 200
	sinks := []*orderSink{{t: t}, {t: t}}
	r := NewRecorder(Options{Keep: true, Sinks: []Sink{sinks[0], sinks[1]}})

	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range perGoroutine {
				e := Event{Kind: KindWrite, Conn: g + 1, Offset: int64(i)}
				if i%3 == 0 {
					ticket := r.Begin()
					r.Record(Event{Kind: KindSay, Conn: g + 1, Step: -1}) // lands inside the open ticket
					ticket.Commit(e)
				} else {
					r.Record(e)
				}
			}
		})
	}
	wg.Wait()

	n := goroutines * (perGoroutine + (perGoroutine+2)/3)
	for i, sink := range sinks {
		if got, want := seqs(sink.events()), upTo(n); !slices.Equal(got, want) {
			t.Errorf("sink %d: got %d events, want Seq 0..%d in order", i, len(got), n-1)
		}
	}
	kept := r.Events()
	if got, want := seqs(kept), upTo(n); !slices.Equal(got, want) {
		t.Errorf("Events(): got %d events, want Seq 0..%d in order", len(got), n-1)
	}
	// Each goroutine's own writes appear in the order it made them.
	next := make(map[int]int64)
	for _, e := range kept {
		if e.Kind != KindWrite {
			continue
		}
		if e.Offset != next[e.Conn] {
			t.Fatalf("goroutine %d: write %d came where write %d was due", e.Conn, e.Offset, next[e.Conn])
		}
		next[e.Conn]++
	}
}

func TestKeep(t *testing.T) {
	tests := []struct {
		keep bool
		want int
	}{
		{keep: false, want: 0},
		{keep: true, want: 3},
	}
	for _, tt := range tests {
		r := NewRecorder(Options{Keep: tt.keep})
		for range 3 {
			r.Record(Event{Kind: KindSay})
		}
		if got := len(r.Events()); got != tt.want {
			t.Errorf("Keep: %t: len(Events()) = %d, want %d", tt.keep, got, tt.want)
		}
	}
}

// Events returns a copy: editing it changes nothing for the next caller.
func TestEventsReturnsCopy(t *testing.T) {
	r := NewRecorder(Options{Keep: true})
	r.Record(Event{Kind: KindSay, Text: "kept"})
	first := r.Events()
	first[0].Text = "changed"
	if got := r.Events()[0].Text; got != "kept" {
		t.Errorf("Events()[0].Text = %q after editing an earlier result, want %q", got, "kept")
	}
}

// The sinks are copied from Options: the caller's slice can be reused.
func TestNewRecorderCopiesSinks(t *testing.T) {
	var calls atomic.Int32
	counting := SinkFunc(func(Event) { calls.Add(1) })
	sinks := []Sink{counting}
	r := NewRecorder(Options{Sinks: sinks})
	sinks[0] = SinkFunc(func(Event) { t.Error("the recorder used the caller's edited slice") })
	r.Record(Event{Kind: KindSay})
	if got := calls.Load(); got != 1 {
		t.Errorf("sink called %d times, want 1", got)
	}
}

func TestIDs(t *testing.T) {
	r := NewRecorder(Options{})
	for want := 1; want <= 3; want++ {
		if got := r.NewConnID(); got != want {
			t.Errorf("NewConnID() = %d, want %d", got, want)
		}
	}
	// Listener ids count on their own.
	for want := 1; want <= 2; want++ {
		if got := r.NewListenerID(); got != want {
			t.Errorf("NewListenerID() = %d, want %d", got, want)
		}
	}
}

func TestStepClock(t *testing.T) {
	clock := StepClock(250 * time.Millisecond)
	for i, want := range []time.Duration{0, 250 * time.Millisecond, 500 * time.Millisecond, 750 * time.Millisecond} {
		if got := clock(); got != want {
			t.Errorf("call %d: got %v, want %v", i, got, want)
		}
	}
}

// Two recorders on StepClocks given the same script give the same trace:
// what makes transcripts reproducible.
func TestStepClockDeterminism(t *testing.T) {
	script := func() []Event {
		r := NewRecorder(Options{Clock: StepClock(time.Millisecond), Keep: true})
		r.Record(Event{Kind: KindLesson, Lesson: "demo"})
		ticket := r.Begin()
		r.Record(Event{Kind: KindSay, Text: "while writing"})
		ticket.Commit(Event{Kind: KindWrite, Conn: r.NewConnID(), Data: []byte("x")})
		r.Record(Event{Kind: KindClose, Conn: 1})
		return r.Events()
	}
	a, b := script(), script()
	if len(a) != 4 {
		t.Fatalf("got %d events, want 4", len(a))
	}
	for i := range a {
		if a[i].Seq != b[i].Seq || a[i].T != b[i].T || a[i].Kind != b[i].Kind {
			t.Errorf("event %d differs between runs: %+v and %+v", i, a[i], b[i])
		}
		if want := time.Duration(i) * time.Millisecond; a[i].T != want {
			t.Errorf("event %d: T = %v, want %v", i, a[i].T, want)
		}
	}
}

func TestMonotonicClock(t *testing.T) {
	clock := MonotonicClock()
	prev := clock()
	if prev < 0 {
		t.Fatalf("first reading %v is negative", prev)
	}
	for range 1000 {
		now := clock()
		if now < prev {
			t.Fatalf("clock ran backwards: %v after %v", now, prev)
		}
		prev = now
	}
}

func TestEventEnd(t *testing.T) {
	e := Event{Kind: KindWrite, Offset: 10, Data: []byte("hello")}
	if got, want := e.End(), int64(15); got != want {
		t.Errorf("End() = %d, want %d", got, want)
	}
}
