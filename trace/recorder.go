// The recorder: numbers events, orders them, and hands them to sinks.

package trace

import (
	"sync"
	"time"
)

// A Sink receives the trace's events one at a time, in sequence order.
// Event is never called concurrently for the same recorder.
type Sink interface {
	Event(Event)
}

// SinkFunc adapts a function to a Sink.
type SinkFunc func(Event)

// Event calls f(e).
func (f SinkFunc) Event(e Event) { f(e) }

// A Clock returns the time elapsed since the trace began. Lessons use a
// monotonic wall clock; tests inject a counter so transcripts repeat.
type Clock func() time.Duration

// MonotonicClock returns a Clock that starts at zero now and reads the
// monotonic clock, so it never runs backwards when the wall clock is set.
func MonotonicClock() Clock {
	start := time.Now()
	return func() time.Duration { return time.Since(start) }
}

// StepClock returns a Clock that advances by step on every call: a fake
// clock for reproducible transcripts. It is safe for concurrent use only
// under the recorder's lock, which is the only place the recorder calls it.
func StepClock(step time.Duration) Clock {
	var now time.Duration
	return func() time.Duration { now += step; return now - step }
}

// A Recorder builds one trace. It is safe for concurrent use: sockets on
// many goroutines record into it at once.
//
// An operation that may block (a write) takes its place in the trace before
// it starts and fills it in when it ends; events after it are held back
// until then, so every sink sees a causally ordered trace. A place may hold
// several events (a write and the annotations of what it wrote); sequence
// numbers are given as events are delivered, so they run without gaps.
type Recorder struct {
	mu        sync.Mutex
	clock     Clock
	sinks     []Sink
	next      int64             // next place to hand out
	delivered int64             // next place to give to sinks
	seq       int64             // next sequence number
	pending   map[int64][]Event // places filled but waiting for an earlier one
	conns     int
	listeners int
	keep      bool
	events    []Event
}

// Options configure a Recorder.
type Options struct {
	Clock Clock // nil: MonotonicClock()
	Keep  bool  // keep every event in memory for Events()
	Sinks []Sink
}

// NewRecorder returns a recorder that delivers events to the given sinks.
func NewRecorder(opts Options) *Recorder {
	clock := opts.Clock
	if clock == nil {
		clock = MonotonicClock()
	}
	return &Recorder{
		clock:   clock,
		sinks:   append([]Sink(nil), opts.Sinks...),
		pending: make(map[int64][]Event),
		keep:    opts.Keep,
	}
}

// A Ticket is a place in the trace reserved by Begin and filled by Commit.
type Ticket struct {
	r     *Recorder
	place int64
	t     time.Duration
}

// Begin reserves the next place in the trace, stamped with the current
// time. The caller must call Commit exactly once, even if the operation
// failed: later events wait for it.
func (r *Recorder) Begin() Ticket {
	r.mu.Lock()
	defer r.mu.Unlock()
	t := Ticket{r: r, place: r.next, t: r.clock()}
	r.next++
	return t
}

// Commit fills the reserved place with e and, right after it, more (which
// may be none). All of them carry the ticket's time; Seq is set on delivery.
func (t Ticket) Commit(e Event, more ...Event) {
	r := t.r
	group := make([]Event, 0, 1+len(more))
	for _, x := range append([]Event{e}, more...) {
		x.T = t.t
		group = append(group, x)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	r.pending[t.place] = group
	for {
		next, ok := r.pending[r.delivered]
		if !ok {
			return
		}
		delete(r.pending, r.delivered)
		r.delivered++
		for _, ev := range next {
			ev.Seq = r.seq
			r.seq++
			if r.keep {
				r.events = append(r.events, ev)
			}
			for _, s := range r.sinks {
				s.Event(ev)
			}
		}
	}
}

// Record appends e, and the events in more right after it, to the trace now.
func (r *Recorder) Record(e Event, more ...Event) { r.Begin().Commit(e, more...) }

// NewConnID returns a fresh connection id (1, 2, ...).
func (r *Recorder) NewConnID() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.conns++
	return r.conns
}

// NewListenerID returns a fresh listener id (1, 2, ...).
func (r *Recorder) NewListenerID() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.listeners++
	return r.listeners
}

// Events returns a copy of every event delivered so far. It is empty unless
// the recorder was made with Options.Keep.
func (r *Recorder) Events() []Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Event(nil), r.events...)
}
