// The environment a lesson runs in: its trace, its pace, its sockets.

package lessons

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"strconv"
	"sync"
	"time"

	"netlab/osi"
	"netlab/tcpsock"
	"netlab/trace"
	"netlab/wsframe"
)

// A Pacer decides when the next step may start. The terminal's pacer waits
// for Enter (`--step`); without one, steps follow each other at once.
type Pacer interface {
	Wait(ctx context.Context, step int, title string) error
}

// Env is what a lesson runs with. Its methods record into the trace; the
// sockets it opens are closed when the lesson ends, whatever happened.
type Env struct {
	rec    *trace.Recorder
	rand   *rand.ChaCha8 // the lesson's randomness, from its seed; under mu
	pacer  Pacer
	host   string
	port   int
	lesson Lesson

	mu       sync.Mutex
	step     int
	answer   string
	cleanups []func()
	workers  sync.WaitGroup
}

// Go runs f on its own goroutine (a server's handler, say). The lesson's
// end waits for it, after closing every socket, so f must return once its
// sockets are closed.
func (e *Env) Go(f func()) {
	e.workers.Add(1)
	go func() {
		defer e.workers.Done()
		f()
	}()
}

// NewRand returns a new random source derived from the lesson's seed. The
// same seed gives the same sources in the same order, so a lesson's random
// bytes (WebSocket keys and masks) repeat with --seed.
func (e *Env) NewRand() io.Reader {
	e.mu.Lock()
	defer e.mu.Unlock()
	var seed [32]byte
	_, _ = e.rand.Read(seed[:])
	return rand.NewChaCha8(seed)
}

// wsDial returns WebSocket client options with the lesson's randomness.
func (e *Env) wsDial() *wsframe.DialOptions {
	return &wsframe.DialOptions{Options: wsframe.Options{Rand: e.NewRand()}}
}

// Events returns the lesson's trace so far (the capture lesson writes it
// as a capture file).
func (e *Env) Events() []trace.Event { return e.rec.Events() }

// Recorder returns the lesson's trace recorder, for packages that take one.
func (e *Env) Recorder() *trace.Recorder { return e.rec }

// Step starts the next numbered step. With a pacer, it first waits for it.
func (e *Env) Step(ctx context.Context, title string) error {
	e.mu.Lock()
	e.step++
	n := e.step
	e.mu.Unlock()
	if e.pacer != nil {
		if err := e.pacer.Wait(ctx, n, title); err != nil {
			return err
		}
	}
	e.rec.Record(trace.Event{Kind: trace.KindStep, Step: n, Title: title})
	return ctx.Err()
}

// Say explains something. Arguments are formatted as by fmt.Sprintf.
func (e *Env) Say(format string, args ...any) {
	e.rec.Record(trace.Event{Kind: trace.KindSay, Text: fmt.Sprintf(format, args...)})
}

// SayAt explains something that happens in one OSI layer.
func (e *Env) SayAt(layer osi.Layer, format string, args ...any) {
	e.rec.Record(trace.Event{Kind: trace.KindSay, Layer: layer, Text: fmt.Sprintf(format, args...)})
}

// Table shows rows of values under column headings.
func (e *Env) Table(title string, columns []string, rows [][]string) {
	e.rec.Record(trace.Event{Kind: trace.KindTable, Title: title, Columns: columns, Rows: rows})
}

// Answer answers the lesson's question. Every lesson ends with exactly one
// call; the runner records the answer last, after the lesson's sockets are
// closed, so the trace ends with it.
func (e *Env) Answer(format string, args ...any) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.answer = fmt.Sprintf(format, args...)
}

// Packet records a packet that did not cross one of the lesson's sockets:
// built by the lesson, or carried by the simulated network (then
// Simulated must be true, and every renderer says so).
func (e *Env) Packet(p trace.Event) {
	p.Kind = trace.KindPacket
	e.rec.Record(p)
}

// ServerAddr is where the lesson's main server listens: the host chosen on
// the command line (127.0.0.1 by default) and its port (0 by default: the
// kernel picks a free one).
func (e *Env) ServerAddr() string {
	return net.JoinHostPort(e.host, strconv.Itoa(e.port))
}

// AnyPortAddr is the lesson's host with port 0, for extra servers.
func (e *Env) AnyPortAddr() string { return net.JoinHostPort(e.host, "0") }

// Defer registers f to run when the lesson ends, last registered first.
func (e *Env) Defer(f func()) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.cleanups = append(e.cleanups, f)
}

// Listen opens a traced listener that is closed when the lesson ends.
func (e *Env) Listen(ctx context.Context, name, addr string) (*tcpsock.Listener, error) {
	l, err := tcpsock.Listen(ctx, e.rec, name, addr)
	if err != nil {
		return nil, &SetupError{Op: "listen", Addr: addr, Err: err}
	}
	e.Defer(func() { l.Close() })
	return l, nil
}

// Dial opens a traced connection that is closed when the lesson ends.
func (e *Env) Dial(ctx context.Context, name, addr string) (*tcpsock.Conn, error) {
	c, err := tcpsock.Dial(ctx, e.rec, name, addr)
	if err != nil {
		return nil, &SetupError{Op: "dial", Addr: addr, Err: err}
	}
	e.own(ctx, c)
	return c, nil
}

// Accept waits for one connection on l, names its end, and closes it when
// the lesson ends.
func (e *Env) Accept(ctx context.Context, l *tcpsock.Listener, name string) (*tcpsock.Conn, error) {
	c, err := l.AcceptNamed(ctx, name)
	if err != nil {
		return nil, err
	}
	e.own(ctx, c)
	return c, nil
}

// own closes c when the lesson ends, and unblocks its reads and writes as
// soon as ctx is done (Ctrl-C), by moving its deadline to the past.
func (e *Env) own(ctx context.Context, c *tcpsock.Conn) {
	stop := context.AfterFunc(ctx, func() { _ = c.SetDeadline(time.Unix(1, 0)) })
	e.Defer(func() { stop(); c.Close() })
}

// A SetupError says a lesson could not open the sockets it needs: the
// address is in use, not allowed, or not loopback. The CLI prints it as
// one line naming the address.
type SetupError struct {
	Op   string // "listen" or "dial"
	Addr string
	Err  error
}

func (e *SetupError) Error() string {
	return fmt.Sprintf("cannot %s on %s: %s", e.Op, e.Addr, describeSetup(e.Err))
}

func (e *SetupError) Unwrap() error { return e.Err }

func describeSetup(err error) string {
	var opErr *net.OpError
	if errors.As(err, &opErr) && opErr.Err != nil {
		return tcpsock.Describe(opErr.Err)
	}
	return err.Error()
}
