// A traced TCP listener: the socket that waits for connections.

package tcpsock

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"netlab/trace"
)

// Listener is a listening TCP socket on loopback whose accepted connections
// are traced. It implements net.Listener, so a net/http server can use it.
type Listener struct {
	tl   *net.TCPListener
	rec  *trace.Recorder
	id   int
	name string

	untracedConns atomic.Bool

	closeOnce sync.Once
	closeErr  error
}

// Listen opens a listening socket on a loopback address such as
// "127.0.0.1:0" (port 0: the kernel picks a free ephemeral port).
func Listen(ctx context.Context, rec *trace.Recorder, name, addr string) (*Listener, error) {
	if err := CheckLoopback(addr); err != nil {
		return nil, err
	}
	var lc net.ListenConfig
	nl, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", addr, err)
	}
	l := &Listener{tl: nl.(*net.TCPListener), rec: rec, name: name}
	if rec != nil {
		l.id = rec.NewListenerID()
		rec.Record(trace.Event{Kind: trace.KindListen, Listener: l.id, Name: name, Local: l.Addr().String()})
	}
	return l, nil
}

// Accept waits for the next connection; its end is named after the listener.
func (l *Listener) Accept() (net.Conn, error) {
	c, err := l.AcceptNamed(context.Background(), l.name)
	if err != nil {
		return nil, err
	}
	return c, nil
}

// AcceptNamed waits for the next connection until ctx is done, and names
// the accepted end. Call it from one goroutine at a time: cancellation
// works through the listener's deadline, which concurrent calls share.
func (l *Listener) AcceptNamed(ctx context.Context, name string) (*Conn, error) {
	unblocked := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		_ = l.tl.SetDeadline(time.Unix(1, 0))
		close(unblocked)
	})
	nc, err := l.tl.Accept()
	if !stop() {
		// The func has started but may not have set its deadline yet: wait
		// for it, or that past deadline could land after this reset and
		// fail every later Accept.
		<-unblocked
		_ = l.tl.SetDeadline(time.Time{})
		if err == nil {
			nc.Close()
		}
		return nil, fmt.Errorf("accept on %s: %w", l.Addr(), ctx.Err())
	}
	if err != nil {
		return nil, fmt.Errorf("accept on %s: %w", l.Addr(), err)
	}
	rec := l.rec
	if l.untracedConns.Load() {
		rec = nil
	}
	return Wrap(nc, rec, RoleServer, name), nil
}

// TraceAccepted says whether accepted connections are traced (the default)
// or not. A lesson that traces the client's end of every connection turns
// it off for the server, whose bytes would only repeat the client's.
func (l *Listener) TraceAccepted(on bool) { l.untracedConns.Store(!on) }

// Close stops listening. Connections already accepted stay open.
func (l *Listener) Close() error {
	l.closeOnce.Do(func() {
		l.closeErr = l.tl.Close()
		if l.rec != nil {
			l.rec.Record(trace.Event{Kind: trace.KindUnlisten, Listener: l.id, Name: l.name, Local: l.Addr().String()})
		}
	})
	if errors.Is(l.closeErr, net.ErrClosed) {
		return nil
	}
	return l.closeErr
}

// Addr returns the listening endpoint, with the port the kernel chose.
func (l *Listener) Addr() net.Addr { return l.tl.Addr() }

// Port returns the listening port.
func (l *Listener) Port() int { return l.tl.Addr().(*net.TCPAddr).Port }
