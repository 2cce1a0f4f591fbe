// Tests for the traced listener.

package tcpsock

import (
	"context"
	"errors"
	"net"
	"strconv"
	"testing"
	"time"

	"netlab/trace"
)

func TestListenAndCloseEvents(t *testing.T) {
	rec := trace.NewRecorder(trace.Options{Keep: true})
	l, err := Listen(t.Context(), rec, "server", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	if _, port, _ := net.SplitHostPort(addr); port != strconv.Itoa(l.Port()) || l.Port() == 0 {
		t.Errorf("Port() = %d, Addr() = %s: want the kernel's chosen port in both", l.Port(), addr)
	}
	for i := range 3 {
		if err := l.Close(); err != nil {
			t.Errorf("Close() call %d: %v, want nil", i+1, err)
		}
	}
	if _, err := l.Accept(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Accept after Close: %v, want net.ErrClosed", err)
	}

	want := []trace.Event{
		{Seq: 0, Kind: trace.KindListen, Listener: 1, Name: "server", Local: addr},
		{Seq: 1, Kind: trace.KindUnlisten, Listener: 1, Name: "server", Local: addr},
	}
	got := rec.Events()
	if len(got) != len(want) {
		t.Fatalf("got %d events, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		got[i].T = 0
		if got[i].Seq != want[i].Seq || got[i].Kind != want[i].Kind || got[i].Listener != want[i].Listener ||
			got[i].Name != want[i].Name || got[i].Local != want[i].Local {
			t.Errorf("event %d = %+v, want %+v", i, got[i], want[i])
		}
	}
}

// acceptResult is what AcceptNamed returned, on the goroutine that called it.
type acceptResult struct {
	c   *Conn
	err error
}

// AcceptNamed returns promptly when its context ends, with the context's
// error wrapped, and the listener still accepts afterwards.
func TestAcceptNamedHonoursContext(t *testing.T) {
	tests := []struct {
		name    string
		ctx     func(context.Context) (context.Context, context.CancelFunc)
		cancel  bool // cancel from the test once AcceptNamed has been called
		wantErr error
	}{
		{
			name: "cancelled before the call",
			ctx: func(parent context.Context) (context.Context, context.CancelFunc) {
				ctx, cancel := context.WithCancel(parent)
				cancel()
				return ctx, cancel
			},
			wantErr: context.Canceled,
		},
		{
			name:    "cancelled while waiting",
			ctx:     context.WithCancel,
			cancel:  true,
			wantErr: context.Canceled,
		},
		{
			name: "deadline passes while waiting",
			ctx: func(parent context.Context) (context.Context, context.CancelFunc) {
				return context.WithTimeout(parent, 20*time.Millisecond)
			},
			wantErr: context.DeadlineExceeded,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := trace.NewRecorder(trace.Options{Keep: true})
			l, err := Listen(t.Context(), rec, "server", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { l.Close() })

			ctx, cancel := tt.ctx(t.Context())
			defer cancel()
			done := make(chan acceptResult, 1)
			go func() {
				c, err := l.AcceptNamed(ctx, "server")
				done <- acceptResult{c, err}
			}()
			if tt.cancel {
				cancel()
			}
			var res acceptResult
			select {
			case res = <-done:
			case <-time.After(5 * time.Second): // a failure guard, not synchronisation
				l.Close() // unblocks the goroutine so the test can end
				<-done
				t.Fatal("AcceptNamed did not return within 5s of its context ending")
			}
			if !errors.Is(res.err, tt.wantErr) {
				t.Fatalf("AcceptNamed: %v, want it to wrap %v", res.err, tt.wantErr)
			}
			if res.c != nil {
				t.Errorf("AcceptNamed returned a connection with its error")
			}

			// The listener is not spoiled: the next accept works.
			client, err := Dial(t.Context(), nil, "client", l.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			defer client.Close()
			server, err := l.AcceptNamed(t.Context(), "server")
			if err != nil {
				t.Fatalf("AcceptNamed after a cancelled one: %v", err)
			}
			server.Close()
		})
	}
}

// A connection waiting in the backlog is not handed out once the context
// is done.
func TestAcceptNamedCancelledWithConnectionWaiting(t *testing.T) {
	l, err := Listen(t.Context(), nil, "server", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	client, err := Dial(t.Context(), nil, "client", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	c, err := l.AcceptNamed(ctx, "server")
	if !errors.Is(err, context.Canceled) {
		if c != nil {
			c.Close()
		}
		t.Fatalf("AcceptNamed with a cancelled context: %v, want context.Canceled", err)
	}
}

func TestTraceAccepted(t *testing.T) {
	rec := trace.NewRecorder(trace.Options{Keep: true})
	l, err := Listen(t.Context(), rec, "server", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })

	tests := []struct {
		traced bool
		name   string
	}{
		{traced: true, name: "default"},
		{traced: false, name: "TraceAccepted(false)"},
		{traced: true, name: "TraceAccepted(true) again"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if i > 0 {
				l.TraceAccepted(tt.traced)
			}
			client, err := Dial(t.Context(), nil, "client", l.Addr().String()) // untraced: only the server's end counts
			if err != nil {
				t.Fatal(err)
			}
			defer client.Close()
			before := len(rec.Events())
			server, err := l.AcceptNamed(t.Context(), "server")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := server.Write([]byte("hi")); err != nil {
				t.Fatal(err)
			}
			server.Close()

			added := rec.Events()[before:]
			if tt.traced {
				if server.ID() == 0 || len(added) != 3 {
					t.Errorf("traced: ID() = %d and %d new events (%+v), want an id and open, write, close", server.ID(), len(added), added)
				}
			} else if server.ID() != 0 || len(added) != 0 {
				t.Errorf("untraced: ID() = %d and %d new events (%+v), want 0 and none", server.ID(), len(added), added)
			}
		})
	}
}

// Accept makes Listener a net.Listener: it names the accepted end after the
// listener.
func TestAcceptAsNetListener(t *testing.T) {
	l, err := Listen(t.Context(), nil, "web", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var nl net.Listener = l
	t.Cleanup(func() { nl.Close() })
	client, err := Dial(t.Context(), nil, "client", nl.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	nc, err := nl.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	c, ok := nc.(*Conn)
	if !ok {
		t.Fatalf("Accept returned %T, want *Conn", nc)
	}
	if c.Name() != "web" || c.Role() != RoleServer {
		t.Errorf("Name(), Role() = %q, %q, want %q, %q", c.Name(), c.Role(), "web", RoleServer)
	}
}

// Over IPv6 loopback too, where the machine has it.
func TestListenIPv6Loopback(t *testing.T) {
	rec := trace.NewRecorder(trace.Options{Keep: true})
	l, err := Listen(t.Context(), rec, "server", "[::1]:0")
	if err != nil {
		t.Skipf("no IPv6 loopback here: %v", err)
	}
	t.Cleanup(func() { l.Close() })
	client, err := Dial(t.Context(), rec, "client", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	if got := client.RemoteAddr().String(); got != l.Addr().String() {
		t.Errorf("client.RemoteAddr() = %s, want %s", got, l.Addr())
	}
}
