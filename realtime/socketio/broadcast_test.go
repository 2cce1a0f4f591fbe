// Broadcasts: who gets what (rooms as a union, each socket once, except,
// all but the sender), emits from many goroutines at once, and the
// server's acks with a timeout.

package socketio_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"netlab/realtime/socketio"
)

// crowdOf connects one client per name over WebSocket, and returns the
// server's socket and the client's socket for each name.
func crowdOf(t *testing.T, srv *socketio.Server, url string, names ...string) (map[string]*socketio.Socket, map[string]*socketio.ClientSocket) {
	t.Helper()
	conns := onConnection(srv.Sockets())
	server, client := map[string]*socketio.Socket{}, map[string]*socketio.ClientSocket{}
	for _, name := range names {
		client[name] = dial(t, url, []string{"websocket"}, nil, socketio.ClientOptions{NoReconnect: true})
		server[name] = conns.next(t, "connection of "+name)
	}
	return server, client
}

// heard records, per client, the "said" texts it got until its "fence".
type heard struct {
	mu     sync.Mutex
	texts  map[string][]string
	fenced *recv[string]
}

func listen(clients map[string]*socketio.ClientSocket) *heard {
	h := &heard{texts: map[string][]string{}, fenced: newRecv[string]()}
	for name, c := range clients {
		c.On("said", func(e *socketio.Event) {
			var text string
			_ = e.Args.Decode(0, &text)
			h.mu.Lock()
			h.texts[name] = append(h.texts[name], text)
			h.mu.Unlock()
		})
		c.On("fence", func(*socketio.Event) { h.fenced.put(name) })
	}
	return h
}

// TestBroadcastRecipients: each way of choosing recipients reaches exactly
// the sockets it should, once each.
func TestBroadcastRecipients(t *testing.T) {
	srv := newServer(nil)
	url := startServer(t, srv)
	server, client := crowdOf(t, srv, url, "ana", "ben", "cleo", "dan")
	server["ana"].Join("x")
	server["ben"].Join("x", "y")
	server["cleo"].Join("y")
	ns := srv.Sockets()
	h := listen(client)

	emits := []struct {
		text string
		b    socketio.Broadcast
		want []string
	}{
		{"to x", ns.To("x"), []string{"ana", "ben"}},
		{"to x and y", ns.To("x", "y"), []string{"ana", "ben", "cleo"}},
		{"to x except y", ns.To("x").Except("y"), []string{"ana"}},
		{"all except x", ns.Except("x"), []string{"cleo", "dan"}},
		{"all but ana", server["ana"].Broadcast(), []string{"ben", "cleo", "dan"}},
		{"ana to x", server["ana"].To("x"), []string{"ben"}},
		{"to dan's own room", ns.To(server["dan"].ID()), []string{"dan"}},
		{"to an empty room", ns.To("nobody"), nil},
	}
	for _, e := range emits {
		if err := e.b.Emit("said", e.text); err != nil {
			t.Fatalf("%s: %v", e.text, err)
		}
	}
	// Everyone gets the fence after what came before it: one connection
	// each, written in order.
	if err := ns.Emit("fence"); err != nil {
		t.Fatal(err)
	}
	for range client {
		h.fenced.next(t, "fence")
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	for name := range client {
		var want []string
		for _, e := range emits {
			if slices.Contains(e.want, name) {
				want = append(want, e.text)
			}
		}
		if !slices.Equal(h.texts[name], want) {
			t.Errorf("%s heard %q, want %q", name, h.texts[name], want)
		}
	}
}

// TestConcurrentEmits: goroutines emit at once, to one socket and to a
// room; every event arrives, and each goroutine's events in the order it
// sent them. (Run with -race, it also checks that emitting from many
// goroutines is safe.)
func TestConcurrentEmits(t *testing.T) {
	const senders, each = 8, 200
	srv := newServer(nil)
	url := startServer(t, srv)
	server, client := crowdOf(t, srv, url, "ana", "ben")
	for _, s := range server {
		s.Join("room")
	}
	type seen struct {
		mu   sync.Mutex
		next map[int]int // per sender, the next number expected
		bad  string
		done *recv[struct{}]
	}
	got := map[string]*seen{}
	for name, c := range client {
		s := &seen{next: map[int]int{}, done: newRecv[struct{}]()}
		got[name] = s
		c.On("n", func(e *socketio.Event) {
			var g, i int
			_ = e.Args.Decode(0, &g)
			_ = e.Args.Decode(1, &i)
			s.mu.Lock()
			defer s.mu.Unlock()
			if i != s.next[g] && s.bad == "" {
				s.bad = fmt.Sprintf("sender %d: event %d after %d", g, i, s.next[g]-1)
			}
			s.next[g] = i + 1
			if i == each-1 {
				s.done.put(struct{}{})
			}
		})
	}
	var wg sync.WaitGroup
	for g := range senders {
		wg.Go(func() {
			for i := range each {
				var err error
				if g%2 == 0 {
					err = srv.Sockets().To("room").Emit("n", g, i) // both clients
				} else {
					err = server["ana"].Emit("n", g, i) // ana only
				}
				if err != nil {
					t.Errorf("sender %d, event %d: %v", g, i, err)
					return
				}
			}
		})
	}
	wg.Wait()
	for name, s := range got {
		want := senders / 2 // the room's senders
		if name == "ana" {
			want = senders
		}
		for range want {
			s.done.next(t, name+"'s last event from a sender")
		}
		s.mu.Lock()
		if s.bad != "" {
			t.Errorf("%s: %s", name, s.bad)
		}
		s.mu.Unlock()
	}
}

// TestServerAcks: the server asks a room and gets every member's answer;
// a socket that never answers makes the wait end at the deadline with
// ErrAckTimeout, and the answers that did come.
func TestServerAcks(t *testing.T) {
	srv := newServer(nil)
	url := startServer(t, srv)
	server, client := crowdOf(t, srv, url, "ana", "ben", "cleo")
	for name, c := range client {
		if name == "cleo" {
			continue // cleo has no handler: she never answers
		}
		c.On("ping?", func(e *socketio.Event) { _ = e.Ack(name) })
	}
	for _, s := range server {
		s.Join("all")
	}

	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	answers, err := srv.Sockets().To("all").Except(server["cleo"].ID()).EmitWithAck(ctx, "ping?")
	if err != nil || len(answers) != 2 {
		t.Fatalf("ana and ben: %d answers, %v; want 2, nil", len(answers), err)
	}
	var names []string
	for _, a := range answers {
		var n string
		_ = a.Decode(0, &n)
		names = append(names, n)
	}
	slices.Sort(names)
	if !slices.Equal(names, []string{"ana", "ben"}) {
		t.Errorf("answers from %v, want ana and ben", names)
	}

	const limit = 200 * time.Millisecond
	short, cancelShort := context.WithTimeout(context.Background(), limit)
	defer cancelShort()
	start := time.Now()
	answers, err = srv.Sockets().To("all").EmitWithAck(short, "ping?")
	if !errors.Is(err, socketio.ErrAckTimeout) || len(answers) != 2 || time.Since(start) < limit {
		t.Errorf("with cleo silent: %d answers, %v after %v; want 2 answers and ErrAckTimeout after %v", len(answers), err, time.Since(start), limit)
	}
	short2, cancelShort2 := context.WithTimeout(context.Background(), limit)
	defer cancelShort2()
	if _, err := server["cleo"].EmitWithAck(short2, "ping?"); !errors.Is(err, socketio.ErrAckTimeout) {
		t.Errorf("cleo alone: %v, want ErrAckTimeout", err)
	}
}
