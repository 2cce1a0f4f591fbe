// Tests of Serve, ServeWith and Stop over real loopback TCP.

package httpdemo

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// listen opens a listener on a free loopback port (never ":0", which would
// listen on every interface).
func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln
}

// get sends a GET written by hand on c and reads the answer by hand.
func get(t *testing.T, c net.Conn, br *bufio.Reader, target string) *Response {
	t.Helper()
	req := AppendRequest(nil, "GET", target, Fields{{"Host", c.RemoteAddr().String()}}, nil)
	if _, err := c.Write(req); err != nil {
		t.Fatalf("write request: %v", err)
	}
	resp, err := ReadResponse(br, Limits{}, "GET")
	if err != nil {
		t.Fatalf("read response: %v", err)
	}
	return resp
}

func dial(t *testing.T, ln net.Listener) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// stopped fails the test unless the server's goroutine has returned.
func stopped(t *testing.T, s *Server) {
	t.Helper()
	select {
	case <-s.done:
	default:
		t.Error("the server's goroutine is still running")
	}
}

var hello = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain")
	io.WriteString(w, "hello "+r.URL.Path)
})

func TestServe(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ln := listen(t)
	srv := Serve(t.Context(), ln, hello)

	c := dial(t, ln)
	br := bufio.NewReader(c)
	for _, target := range []string{"/one", "/two"} { // two requests on one kept-alive connection
		resp := get(t, c, br, target)
		if resp.Status != 200 || string(resp.Body) != "hello "+target {
			t.Errorf("GET %s: %d %q, want 200 %q", target, resp.Status, resp.Body, "hello "+target)
		}
	}

	if err := srv.Stop(); err != nil {
		t.Errorf("Stop: %v", err)
	}
	stopped(t, srv)
	// Stop closed the kept-alive connection and the listener.
	if n, err := br.ReadByte(); err == nil {
		t.Errorf("after Stop, the connection still delivers %q", n)
	}
	if c, err := net.Dial("tcp", ln.Addr().String()); err == nil {
		c.Close()
		t.Error("after Stop, the listener still accepts connections")
	}
}

func TestServeWith(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	type key struct{}
	ctx := context.WithValue(t.Context(), key{}, "from the caller")
	var states []http.ConnState
	hs := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			v, _ := r.Context().Value(key{}).(string)
			io.WriteString(w, v)
		}),
		ConnState: func(_ net.Conn, st http.ConnState) { states = append(states, st) }, // one connection: no race
	}
	ln := listen(t)
	srv := ServeWith(ctx, ln, hs)
	if hs.ReadHeaderTimeout != 10*time.Second {
		t.Errorf("ReadHeaderTimeout = %v, want the 10s default", hs.ReadHeaderTimeout)
	}

	c := dial(t, ln)
	resp := get(t, c, bufio.NewReader(c), "/")
	if string(resp.Body) != "from the caller" {
		t.Errorf("the request's context carries %q, want the value from ServeWith's ctx", resp.Body)
	}
	if err := srv.Stop(); err != nil {
		t.Errorf("Stop: %v", err)
	}
	// Stop waited for the connection's goroutine, which reports StateClosed
	// last: the caller's hook saw the whole life of the connection.
	want := []http.ConnState{http.StateNew, http.StateActive, http.StateIdle, http.StateClosed}
	if len(states) != len(want) || states[0] != want[0] || states[len(states)-1] != want[len(want)-1] {
		t.Errorf("the caller's ConnState hook saw %v, want %v", states, want)
	}
}

func TestServeWithKeepsReadHeaderTimeout(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	hs := &http.Server{Handler: hello, ReadHeaderTimeout: time.Second}
	srv := ServeWith(t.Context(), listen(t), hs)
	if err := srv.Stop(); err != nil {
		t.Errorf("Stop: %v", err)
	}
	if hs.ReadHeaderTimeout != time.Second {
		t.Errorf("ReadHeaderTimeout = %v, want the 1s set by the caller", hs.ReadHeaderTimeout)
	}
}

// TestStopWhileBusy stops a server with a connection idle between
// requests, one halfway through sending its head, and one whose handler is
// waiting: Stop ends them all and returns after every handler has.
func TestStopWhileBusy(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	started := make(chan struct{})
	returned := make(chan struct{})
	handler := http.NewServeMux()
	handler.Handle("/", hello)
	handler.HandleFunc("/wait", func(w http.ResponseWriter, r *http.Request) {
		defer close(returned)
		close(started)
		<-r.Context().Done() // a long poll, until the server stops
	})
	ln := listen(t)
	srv := Serve(t.Context(), ln, handler)

	idle := dial(t, ln)
	get(t, idle, bufio.NewReader(idle), "/")

	half := dial(t, ln)
	if _, err := io.WriteString(half, "GET / HTTP/1.1\r\nHost: x"); err != nil {
		t.Fatal(err)
	}

	waiting := dial(t, ln)
	req := AppendRequest(nil, "POST", "/wait", Fields{{"Host", "x"}, {"Content-Length", "5"}}, []byte("hello"))
	if _, err := waiting.Write(req); err != nil {
		t.Fatal(err)
	}
	<-started

	if err := srv.Stop(); err != nil {
		t.Errorf("Stop: %v", err)
	}
	stopped(t, srv)
	select {
	case <-returned:
	default:
		t.Error("Stop returned before the waiting handler did")
	}
	for name, c := range map[string]net.Conn{"idle": idle, "half": half, "waiting": waiting} {
		if _, err := io.ReadAll(c); err != nil && !errors.Is(err, net.ErrClosed) && !isReset(err) {
			t.Errorf("%s connection: %v, want it closed by the server", name, err)
		}
	}
}

// isReset reports whether err is a connection reset: a server that closes
// a connection with unread bytes in its buffer sends RST, not FIN.
func isReset(err error) bool { return errors.Is(err, syscall.ECONNRESET) }

// TestStopWhenContextDone: the server stops when its context is done,
// before anyone calls Stop.
func TestStopWhenContextDone(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ctx, cancel := context.WithCancel(t.Context())
	ln := listen(t)
	srv := Serve(ctx, ln, hello)
	c := dial(t, ln)
	get(t, c, bufio.NewReader(c), "/")

	cancel()
	select {
	case <-srv.done:
	case <-time.After(10 * time.Second): // a bound on failure, not a wait for success
		t.Fatal("the server did not stop when its context was done")
	}
	if err := srv.Stop(); err != nil {
		t.Errorf("Stop after the context ended: %v", err)
	}
}

// TestStopTwice: Stop may be called again, as deferred clean-up often does.
func TestStopTwice(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	srv := Serve(t.Context(), listen(t), hello)
	for i := range 2 {
		if err := srv.Stop(); err != nil {
			t.Errorf("Stop #%d: %v", i+1, err)
		}
	}
}

// TestStopReportsServeError: when the server ends for a reason other than
// Stop, Stop says why.
func TestStopReportsServeError(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	ln := listen(t)
	ln.Close() // Serve cannot accept on a closed listener
	srv := Serve(t.Context(), ln, hello)
	<-srv.done // had Stop come first, Serve would return http.ErrServerClosed
	if err := srv.Stop(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Stop = %v, want the error that ended Serve (net.ErrClosed)", err)
	}
}
