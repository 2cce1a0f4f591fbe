package lessons

import (
	"bytes"
	"context"
	"errors"
	"net"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"netlab/osi"
	"netlab/trace"
)

// TestMain fails the package if any lesson leaves a goroutine running.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestRegistry(t *testing.T) {
	seen := map[string]bool{}
	for _, l := range All() {
		switch {
		case l.Name == "" || l.Title == "" || l.Question == "" || l.Run == nil:
			t.Errorf("lesson %q is missing its name, title, question or Run", l.Name)
		case seen[l.Name]:
			t.Errorf("two lessons are named %q", l.Name)
		case l.Layers == 0:
			t.Errorf("lesson %q declares no OSI layer", l.Name)
		case !strings.HasSuffix(l.Question, "?"):
			t.Errorf("lesson %q: question %q does not end in a question mark", l.Name, l.Question)
		}
		seen[l.Name] = true
		if got, ok := Find(l.Name); !ok || got.Name != l.Name {
			t.Errorf("Find(%q) = %q, %v", l.Name, got.Name, ok)
		}
	}
	if _, ok := Find("no-such-lesson"); ok {
		t.Error(`Find("no-such-lesson") found something`)
	}
}

func TestNearest(t *testing.T) {
	tests := []struct{ in, want string }{
		{"sockts", "sockets"},
		{"socket", "sockets"},
		{"SOCKETS", "sockets"},
		{"htp", "http"},
		{"client", "client-server"},
		{"clientserver", "client-server"},
		{"zzzzzzzzzzzz", ""},
	}
	for _, tt := range tests {
		if got := Nearest(tt.in); got != tt.want {
			t.Errorf("Nearest(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestTraceIsConsistent checks invariants on every lesson's trace: where
// both ends of a connection are traced, what one end read is exactly what
// the other wrote (a prefix of it); read and write offsets run without gaps;
// every annotation lies within bytes the trace holds.
func TestTraceIsConsistent(t *testing.T) {
	for _, l := range All() {
		t.Run(l.Name, func(t *testing.T) {
			events := runForTest(t, l)
			type stream struct{ sent, received []byte }
			streams := map[int]*stream{}
			opens := map[int]trace.Event{}
			for _, e := range events {
				s := streams[e.Conn]
				if s == nil {
					s = &stream{}
					streams[e.Conn] = s
				}
				switch e.Kind {
				case trace.KindOpen:
					opens[e.Conn] = e
				case trace.KindWrite:
					if e.Offset != int64(len(s.sent)) {
						t.Errorf("conn %d: write at offset %d, want %d", e.Conn, e.Offset, len(s.sent))
					}
					s.sent = append(s.sent, e.Data...)
				case trace.KindRead:
					if e.Offset != int64(len(s.received)) {
						t.Errorf("conn %d: read at offset %d, want %d", e.Conn, e.Offset, len(s.received))
					}
					s.received = append(s.received, e.Data...)
				}
			}
			for _, e := range events {
				if e.Kind != trace.KindAnnotate {
					continue
				}
				have := len(streams[e.Conn].sent)
				if e.Dir == trace.Received {
					have = len(streams[e.Conn].received)
				}
				for _, f := range e.Fields {
					if f.Start < 0 || f.End < f.Start || e.Offset+int64(f.End) > int64(have) {
						t.Errorf("conn %d: annotation %q [%d,%d) at %d is outside the %d bytes traced", e.Conn, f.Field, f.Start, f.End, e.Offset, have)
					}
					if !f.Layer.Valid() {
						t.Errorf("conn %d: annotation %q has no layer", e.Conn, f.Field)
					}
				}
			}
			for a, oa := range opens {
				for b, ob := range opens {
					if oa.Local != ob.Remote || oa.Remote != ob.Local {
						continue
					}
					if got, sent := streams[b].received, streams[a].sent; !bytes.HasPrefix(sent, got) {
						t.Errorf("conn %d read %q, but its peer (conn %d) wrote %q", b, got, a, sent)
					}
				}
			}
			if last := events[len(events)-1]; last.Kind != trace.KindAnswer || last.Answer == "" {
				t.Errorf("the trace ends with %q, want the answer", last.Kind)
			}
		})
	}
}

func TestRunWithoutAnswer(t *testing.T) {
	l := Lesson{Name: "mute", Title: "t", Layers: osi.Of(osi.Transport), Question: "q?",
		Run: func(ctx context.Context, env *Env) error { return nil }}
	if err := Run(t.Context(), l, RunOptions{}); !errors.Is(err, ErrNoAnswer) {
		t.Fatalf("Run = %v, want ErrNoAnswer", err)
	}
}

// TestRunCannotListen: a lesson whose port is taken fails with a
// SetupError naming the address, and leaves nothing running (TestMain
// checks the goroutines). A lesson that opens no socket at all (ip-fragments
// builds its packets in memory) has no port to lose, and runs.
func TestRunCannotListen(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	port := busy.Addr().(*net.TCPAddr).Port
	for _, l := range All() {
		var sockets atomic.Int32
		sink := trace.SinkFunc(func(e trace.Event) {
			if e.Kind == trace.KindListen || e.Kind == trace.KindOpen {
				sockets.Add(1)
			}
		})
		err := Run(t.Context(), l, RunOptions{Port: port, Sinks: []trace.Sink{sink}})
		if err == nil && sockets.Load() == 0 {
			continue
		}
		var se *SetupError
		if !errors.As(err, &se) {
			t.Fatalf("%s: Run = %v, want a SetupError", l.Name, err)
		}
		if !strings.Contains(err.Error(), busy.Addr().String()) || !strings.Contains(err.Error(), "address already in use") {
			t.Errorf("%s: error %q does not name %s and the reason", l.Name, err, busy.Addr())
		}
	}
}

func TestRunRefusesOtherAddresses(t *testing.T) {
	l, _ := Find("sockets")
	err := Run(t.Context(), l, RunOptions{Host: "192.0.2.1"})
	var se *SetupError
	if !errors.As(err, &se) {
		t.Fatalf("Run on 192.0.2.1 = %v, want a SetupError", err)
	}
}

// TestRunCancelled: Ctrl-C (a cancelled context) stops a lesson promptly
// and closes everything it opened.
func TestRunCancelled(t *testing.T) {
	for _, l := range All() {
		ctx, cancel := context.WithCancel(t.Context())
		stepSeen := make(chan struct{}, 1)
		sink := trace.SinkFunc(func(e trace.Event) {
			if e.Kind == trace.KindStep && e.Step == 2 {
				cancel()
				stepSeen <- struct{}{}
			}
		})
		start := time.Now()
		err := Run(ctx, l, RunOptions{Sinks: []trace.Sink{sink}})
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s: Run after cancel = %v, want context.Canceled", l.Name, err)
		}
		if time.Since(start) > 5*time.Second {
			t.Errorf("%s: took %v to stop", l.Name, time.Since(start))
		}
		select {
		case <-stepSeen:
		default:
			t.Errorf("%s: never reached step 2", l.Name)
		}
	}
}

// TestIPv6 runs each lesson on ::1 when this machine has IPv6 loopback.
func TestIPv6(t *testing.T) {
	ln, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback here: %v", err)
	}
	ln.Close()
	for _, l := range All() {
		var events []trace.Event
		sink := trace.SinkFunc(func(e trace.Event) { events = append(events, e) })
		if err := Run(t.Context(), l, RunOptions{Host: "::1", Sinks: []trace.Sink{sink}}); err != nil {
			t.Fatalf("%s on ::1: %v", l.Name, err)
		}
		for _, e := range events {
			if e.Kind == trace.KindOpen && !strings.HasPrefix(e.Local, "[::1]:") {
				t.Errorf("%s: connection on %s, want [::1]", l.Name, e.Local)
			}
		}
	}
}

// TestCatalogueHasTheLessonsLayers: the osi catalogue's entry for this
// package is the union of the lessons' own layers.
func TestCatalogueHasTheLessonsLayers(t *testing.T) {
	var union osi.Set
	for _, l := range All() {
		union |= l.Layers
	}
	for _, p := range osi.Packages() {
		if p.Path == "lessons" && p.Layers != union {
			t.Errorf("osi catalogue says lessons show layers %v; the lessons declare %v", p.Layers, union)
		}
	}
}
