// Test helpers: a real server on a loopback port, Go clients dialled to
// it, and bounded waits.

package socketio_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"netlab/realtime/engineio"
	"netlab/realtime/socketio"
)

// waitLimit bounds every wait: a bug shows as a failure, not a hang.
const waitLimit = 10 * time.Second

// transportModes are the three ways a client can connect.
var transportModes = map[string][]string{
	"polling":         {"polling"},
	"websocket":       {"websocket"},
	"polling+upgrade": {"polling", "websocket"},
}

// startServer runs srv on a loopback port and returns its Socket.IO URL.
// Cleanup closes the server and the HTTP listener.
func startServer(t testing.TB, srv *socketio.Server) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/socket.io/", srv)
	hs := &http.Server{Handler: mux, ReadHeaderTimeout: waitLimit}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	t.Cleanup(func() {
		srv.Close()
		_ = hs.Close()
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("http.Server.Serve: %v", err)
		}
	})
	return "http://" + ln.Addr().String() + "/socket.io/"
}

// newServer is a server with short pings, so that tests of the heartbeat
// run fast, and recovery as asked.
func newServer(recovery *socketio.Recovery) *socketio.Server {
	return socketio.NewServer(socketio.Options{
		Engine:   engineio.Options{PingInterval: 300 * time.Millisecond, PingTimeout: 200 * time.Millisecond},
		Recovery: recovery,
	})
}

// dial connects a Go client to the main namespace; cleanup closes it.
func dial(t testing.TB, url string, transports []string, auth any, opts socketio.ClientOptions) *socketio.ClientSocket {
	t.Helper()
	opts.Engine.Transports = transports
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	s, err := socketio.Dial(ctx, url, auth, opts)
	if err != nil {
		t.Fatalf("Dial %s over %v: %v", url, transports, err)
	}
	t.Cleanup(s.Manager().Close)
	return s
}

// recv collects values from handlers and waits for them.
type recv[T any] struct {
	ch chan T
}

func newRecv[T any]() *recv[T] { return &recv[T]{ch: make(chan T, 1024)} }

func (r *recv[T]) put(v T) { r.ch <- v }

// len says how many values wait.
func (r *recv[T]) len() int { return len(r.ch) }

func (r *recv[T]) next(t testing.TB, what string) T {
	t.Helper()
	select {
	case v := <-r.ch:
		return v
	case <-time.After(waitLimit):
		t.Fatalf("no %s within %v", what, waitLimit)
		panic("unreachable")
	}
}

// none checks that nothing more arrives within d.
func (r *recv[T]) none(t testing.TB, d time.Duration, what string) {
	t.Helper()
	select {
	case v := <-r.ch:
		t.Fatalf("unexpected %s: %v", what, v)
	case <-time.After(d):
	}
}

// onConnection returns a channel of the server's new sockets on ns.
func onConnection(ns *socketio.Namespace) *recv[*socketio.Socket] {
	r := newRecv[*socketio.Socket]()
	ns.OnConnection(r.put)
	return r
}

var _ sync.Mutex
