// What the Socket.IO lessons share: netlab's Socket.IO server on a traced
// listener, Go clients whose connections can be traced, and explainers
// that label Engine.IO and Socket.IO inside HTTP bodies and WebSocket
// frames.

package lessons

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"sync"
	"time"

	"netlab/realtime/engineio"
	"netlab/realtime/socketio"
	"netlab/tcpsock"
	"netlab/trace"
)

// sioLab is a lesson's Socket.IO server and its clients' connections.
type sioLab struct {
	env *Env
	srv *socketio.Server
	url string // http://127.0.0.1:PORT/socket.io/

	mu    sync.Mutex
	conns []net.Conn // the clients', closed after the clients have said goodbye
}

// startSocketIO serves srvOpts on addr. Accepted connections are not
// traced: the lesson traces the client's end of the connection it shows.
func startSocketIO(ctx context.Context, env *Env, name, addr string, srvOpts socketio.Options) (*sioLab, error) {
	ln, err := env.Listen(ctx, name, addr)
	if err != nil {
		return nil, err
	}
	ln.TraceAccepted(false)
	if srvOpts.Rand == nil {
		srvOpts.Rand = env.NewRand()
	}
	srv := socketio.NewServer(srvOpts)
	mux := http.NewServeMux()
	mux.Handle("/socket.io/", srv)
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	env.Go(func() { _ = hs.Serve(ln) })
	lab := &sioLab{env: env, srv: srv, url: "http://" + ln.Addr().String() + "/socket.io/"}
	// Registered first, so run last: the clients (closed by their own
	// deferred calls) have sent their close packets by then.
	env.Defer(func() {
		lab.mu.Lock()
		for _, c := range lab.conns {
			c.Close()
		}
		lab.mu.Unlock()
		srv.Close()
		_ = hs.Close()
	})
	return lab, nil
}

// keep registers a client's connection to be closed at the lesson's end,
// and unblocks it at once if ctx ends first (Ctrl-C).
func (l *sioLab) keep(ctx context.Context, c net.Conn) {
	stop := context.AfterFunc(ctx, func() { _ = c.SetDeadline(time.Unix(1, 0)) })
	l.mu.Lock()
	defer l.mu.Unlock()
	l.conns = append(l.conns, closeFunc{c, stop})
}

// closeFunc closes a connection and stops its Ctrl-C watch.
type closeFunc struct {
	net.Conn
	stop func() bool
}

func (c closeFunc) Close() error {
	c.stop()
	return c.Conn.Close()
}

// client connects a Go client to the main namespace over WebSocket only
// (unless opts says otherwise); setup, if not nil, sets its handlers
// before it connects. With traced true its connections are traced and
// explained layer by layer; untraced, they are still real loopback TCP,
// just not shown. The lesson closes it at its end.
func (l *sioLab) client(ctx context.Context, name string, traced bool, auth any, opts socketio.ClientOptions, setup func(*socketio.ClientSocket)) (*socketio.ClientSocket, error) {
	env := l.env
	if opts.Engine.Transports == nil {
		opts.Engine.Transports = []string{"websocket"}
	}
	if opts.Engine.Rand == nil {
		opts.Engine.Rand = env.NewRand()
	}
	if opts.Rand == nil {
		opts.Rand = env.newMathRand()
	}
	opts.Engine.DialContext = func(_ context.Context, _, addr string) (net.Conn, error) {
		if err := tcpsock.CheckLoopback(addr); err != nil {
			return nil, err
		}
		if !traced {
			var d net.Dialer
			c, err := d.DialContext(ctx, "tcp", addr)
			if err == nil {
				l.keep(ctx, c)
			}
			return c, err
		}
		c, err := tcpsock.Dial(ctx, env.Recorder(), name, addr)
		if err != nil {
			return nil, err
		}
		l.keep(ctx, c)
		explainSocketIO(c)
		return c, nil
	}
	m := socketio.NewManager(l.url, opts)
	s, err := m.Socket("/", auth)
	if err != nil {
		return nil, err
	}
	env.Defer(m.Close)
	// Deferred last, so run first: leave as socket.io-client's disconnect()
	// does, DISCONNECT (41) before the connection closes.
	env.Defer(s.Disconnect)
	if setup != nil {
		setup(s)
	}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := s.Connect(cctx); err != nil {
		return nil, fmt.Errorf("%s could not connect: %w", name, err)
	}
	return s, nil
}

// newMathRand is a math/rand source from the lesson's seed (for the
// reconnection jitter).
func (e *Env) newMathRand() *rand.Rand {
	var seed [32]byte
	_, _ = e.NewRand().Read(seed[:])
	return rand.New(rand.NewChaCha8(seed))
}

// explainSocketIO explains both directions of a client's connection:
// HTTP (polling bodies labelled as Engine.IO payloads) and, if it upgrades
// to WebSocket, frames whose payloads are labelled too.
func explainSocketIO(c *tcpsock.Conn) {
	requests, responses := socketio.NewStreamExplainers()
	c.Explain(trace.Sent, requests)
	c.Explain(trace.Received, responses)
}

// waitFor waits for a value a handler hands over, for ctx, or for a
// bounded time: a lesson that does not get what it expects says so.
func waitFor[T any](ctx context.Context, ch <-chan T, what string) (T, error) {
	var zero T
	select {
	case v := <-ch:
		return v, nil
	case <-ctx.Done():
		return zero, ctx.Err()
	case <-time.After(10 * time.Second):
		return zero, fmt.Errorf("no %s within 10 s", what)
	}
}

// ackContext bounds a wait for an acknowledgement.
func ackContext(ctx context.Context, d time.Duration) (context.Context, context.CancelFunc) {
	return context.WithTimeout(ctx, d)
}

// errNotReceived is a lesson's own check failing.
var errNotReceived = errors.New("an expected event did not arrive")

var _ = engineio.ReasonTransportClose
