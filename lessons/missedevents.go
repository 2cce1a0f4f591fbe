// Lesson "missed-events": a client cut off while the server broadcasts,
// without and with connection state recovery, and the client's own emits
// made reliable with acknowledgements and retries.

package lessons

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"netlab/osi"
	"netlab/realtime/socketio"
)

func missedEventsLesson() Lesson {
	return Lesson{
		Name:     "missed-events",
		Title:    "Missed events: reconnection, backoff, and recovering what was missed",
		Layers:   osi.Of(osi.Transport, osi.Application),
		Question: "What happens to events sent while a client is disconnected, and how can it get them back?",
		Run:      runMissedEvents,
	}
}

// headlines is how many events each part broadcasts: two before the cut,
// three during it, one after.
const headlines = 6

// newsReader is a client that follows the room "news".
type newsReader struct {
	name      string
	s         *socketio.ClientSocket
	got       chan int  // each headline, as received
	connected chan bool // each connection: recovered or not, once in the room
	mu        sync.Mutex
	attempts  []time.Duration // the reconnection delays drawn
	ids       []string
}

// joinNewsOnConnect sets a client's handlers: every headline is handed
// over; at each connection the client joins "news" (as an application
// must after a connection that was not recovered: the new socket is in no
// room), unless the server recovered its rooms.
func (r *newsReader) handlers(s *socketio.ClientSocket) {
	s.On("headline", func(e *socketio.Event) {
		var n int
		_ = e.Args.Decode(0, &n)
		r.got <- n
	})
	s.OnConnect(func() {
		r.mu.Lock()
		r.ids = append(r.ids, s.ID())
		r.mu.Unlock()
		if s.Recovered() {
			r.connected <- true
			return
		}
		// Handlers run on the connection's reading goroutine: the ack can
		// only arrive once this one returns, so wait for it on another.
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			_, err := s.EmitWithAck(ctx, "join", "news")
			if err == nil {
				r.connected <- false
			}
		}()
	})
}

func (r *newsReader) options() socketio.ClientOptions {
	return socketio.ClientOptions{OnReconnectAttempt: func(_ int, d time.Duration) {
		r.mu.Lock()
		r.attempts = append(r.attempts, d)
		r.mu.Unlock()
	}}
}

// joinHandler lets clients join rooms, and tells the lesson when a socket
// leaves.
func joinHandler(ns *socketio.Namespace, left chan<- string) {
	ns.OnConnection(func(s *socketio.Socket) {
		s.On("join", func(e *socketio.Event) {
			var room string
			_ = e.Args.Decode(0, &room)
			s.Join(room)
			_ = e.Ack()
		})
		s.OnDisconnect(func(reason string) { left <- reason })
	})
}

// cutAndBroadcast runs one part: headlines 1–2 while r is connected, a cut
// (r's TCP connection closes with no goodbye, as when Wi-Fi drops), 3–5
// while it is gone, r's reconnection, then 6. It returns what r got, in
// order, and the server's reason for the disconnection.
func cutAndBroadcast(ctx context.Context, env *Env, ns *socketio.Namespace, r *newsReader, left <-chan string) ([]int, string, error) {
	var got []int
	send := func(n int) error { return ns.To("news").Emit("headline", n) }
	for n := 1; n <= 2; n++ {
		if err := send(n); err != nil {
			return nil, "", err
		}
		v, err := waitFor(ctx, r.got, "headline "+strconv.Itoa(n))
		if err != nil {
			return nil, "", err
		}
		got = append(got, v)
	}
	r.s.Manager().Engine().Drop()
	reason, err := waitFor(ctx, left, "the server noticing the cut")
	if err != nil {
		return nil, "", err
	}
	for n := 3; n <= 5; n++ {
		if err := send(n); err != nil {
			return nil, "", err
		}
	}
	if _, err := waitFor(ctx, r.connected, r.name+"'s reconnection"); err != nil {
		return nil, "", err
	}
	if err := send(headlines); err != nil {
		return nil, "", err
	}
	for {
		v, err := waitFor(ctx, r.got, "headline 6")
		if err != nil {
			return nil, "", err
		}
		got = append(got, v)
		if v == headlines {
			return got, reason, nil
		}
	}
}

// headlineTable shows, for each headline, whether r got it.
func headlineTable(env *Env, title string, got []int) {
	count := map[int]int{}
	for _, n := range got {
		count[n]++
	}
	var rows [][]string
	for n := 1; n <= headlines; n++ {
		when := "before the cut"
		switch {
		case n >= 3 && n <= 5:
			when = "while cut off"
		case n == headlines:
			when = "after reconnecting"
		}
		verdict := [...]string{"MISSED", "received", "received TWICE"}[min(count[n], 2)]
		rows = append(rows, []string{strconv.Itoa(n), when, verdict})
	}
	env.Table(title, []string{"headline", "sent", "the client"}, rows)
}

func runMissedEvents(ctx context.Context, env *Env) error {
	if err := env.Step(ctx, "Without recovery: a client cut off misses what was sent meanwhile"); err != nil {
		return err
	}
	plain, err := startSocketIO(ctx, env, "server", env.ServerAddr(), socketio.Options{})
	if err != nil {
		return err
	}
	left := make(chan string, 4)
	joinHandler(plain.srv.Sockets(), left)
	dana := &newsReader{name: "dana", got: make(chan int, 16), connected: make(chan bool, 4)}
	dana.s, err = plain.client(ctx, "dana", false, nil, dana.options(), dana.handlers)
	if err != nil {
		return err
	}
	if _, err := waitFor(ctx, dana.connected, "dana in the room"); err != nil {
		return err
	}
	got, reason, err := cutAndBroadcast(ctx, env, plain.srv.Sockets(), dana, left)
	if err != nil {
		return err
	}
	headlineTable(env, "dana, with the default delivery (recovery off)", got)
	dana.mu.Lock()
	ids, delays := dana.ids, dana.attempts
	dana.mu.Unlock()
	if len(ids) != 2 || ids[0] == ids[1] || len(delays) == 0 || dana.s.Recovered() {
		return fmt.Errorf("dana's reconnection: ids %v, delays %v, recovered %v", ids, delays, dana.s.Recovered())
	}
	env.SayAt(osi.Transport, "dana's client closed its TCP connection without a word at layer 7: no WebSocket "+
		"close frame, no Engine.IO close (1), no Socket.IO DISCONNECT (41), only TCP's own FIN. The server's read "+
		"ended at once and it dropped her socket (reason %q). Had the network just gone silent (no FIN at all), "+
		"only the heartbeat would have told: no pong within pingInterval + pingTimeout (45 s by default).", reason)
	env.SayAt(osi.Application, "Headlines 3 to 5 went to a room dana was no longer in: the server keeps no copy, "+
		"so they are lost for her. She came back as a new socket (id %s, was %s) in no room; her own code "+
		"rejoined \"news\" and she got headline 6. That is at-most-once delivery: no duplicates, no "+
		"guarantee.", ids[1], ids[0])

	if err := env.Step(ctx, "The reconnection delays: exponential backoff with jitter"); err != nil {
		return err
	}
	var rows [][]string
	b := socketio.DefaultBackoff
	for n := 0; n < 6; n++ {
		lo, hi := b.Range(n)
		rows = append(rows, []string{strconv.Itoa(n + 1),
			(time.Duration(1<<n) * b.Min).String(),
			fmt.Sprintf("%v – %v", lo, hi),
		})
	}
	env.Table("socket.io-client's schedule: d = 1s × 2^(n-1); d ± ⌊r × 0.5 × d⌋ (minus when ⌊10r⌋ is even); at most 5s",
		[]string{"attempt n", "d", "what the formula can give"}, rows)
	env.Say("The documentation says \"±50%%\"; the formula cannot go below -45%%: one random r picks both the "+
		"size and the sign, and a minus needs ⌊10r⌋ even, so r < 0.9. From the fifth attempt on the cap "+
		"wins and every client waits exactly 5 s. dana's first attempt waited %v (drawn from the lesson's seed) "+
		"and succeeded. The jitter matters when a server restarts: its thousands of clients spread their "+
		"returns over a second instead of arriving in the same millisecond.", delays[0])

	if err := env.Step(ctx, "With connection state recovery: the same cut, nothing missed"); err != nil {
		return err
	}
	recov, err := startSocketIO(ctx, env, "recovering server", env.AnyPortAddr(), socketio.Options{Recovery: &socketio.Recovery{}})
	if err != nil {
		return err
	}
	left2 := make(chan string, 4)
	joinHandler(recov.srv.Sockets(), left2)
	eli := &newsReader{name: "eli", got: make(chan int, 16), connected: make(chan bool, 4)}
	eli.s, err = recov.client(ctx, "eli", true, nil, eli.options(), eli.handlers)
	if err != nil {
		return err
	}
	if _, err := waitFor(ctx, eli.connected, "eli in the room"); err != nil {
		return err
	}
	got, _, err = cutAndBroadcast(ctx, env, recov.srv.Sockets(), eli, left2)
	if err != nil {
		return err
	}
	headlineTable(env, "eli, with recovery on", got)
	eli.mu.Lock()
	ids = eli.ids
	eli.mu.Unlock()
	want := []int{1, 2, 3, 4, 5, 6}
	if fmt.Sprint(got) != fmt.Sprint(want) || !eli.s.Recovered() || len(ids) != 2 || ids[0] != ids[1] {
		return fmt.Errorf("eli got %v, recovered %v, ids %v; want %v, true, the same id twice", got, eli.s.Recovered(), ids, want)
	}
	env.SayAt(osi.Application, "Read eli's trace. The server's CONNECT answer carried a pid, a private id, "+
		"and every headline a last argument, its offset. eli's new connection sent both back in its CONNECT "+
		"(40{\"pid\":…,\"offset\":…}); the server answered with the same sid and pid and, in the same write, "+
		"headlines 3, 4 and 5 that it had kept for the room (the official server sends the missed events just "+
		"before its CONNECT answer instead; the client holds them until it is connected, so a handler sees the "+
		"same order). eli's socket kept its id and its room; her code did not rejoin. Each headline arrived "+
		"once, in order.")
	env.Say("The offset is an ordinary last argument: socket.io-client hands it to handlers too, and netlab's " +
		"client does the same (Event.Offset names it). The server keeps events and sessions for 2 minutes " +
		"and within a memory budget; a client gone longer, or one whose server restarted, connects as a new " +
		"socket with recovered = false and must catch up by itself.")

	if err := env.Step(ctx, "The other direction: the client's emits, with an ack and retries"); err != nil {
		return err
	}
	var (
		omu     sync.Mutex
		applied = map[string]int{}
		seen    = map[string]int{}
	)
	plain.srv.Sockets().OnConnection(func(s *socketio.Socket) {
		s.On("order", func(e *socketio.Event) {
			var id string
			_ = e.Args.Decode(0, &id)
			omu.Lock()
			seen[id]++
			first := seen[id] == 1
			if first {
				applied[id]++
			}
			omu.Unlock()
			if first {
				// The order is stored, then the connection breaks before
				// the ack leaves: the client cannot know it arrived.
				s.CloseTransport()
				return
			}
			_ = e.Ack("stored") // a repeat: already applied, acknowledged again
		})
	})
	fay := &newsReader{name: "fay", got: make(chan int, 1), connected: make(chan bool, 4)}
	fay.s, err = plain.client(ctx, "fay", false, nil, fay.options(), fay.handlers)
	if err != nil {
		return err
	}
	if _, err := waitFor(ctx, fay.connected, "fay connected"); err != nil {
		return err
	}
	var tries [][]string
	const ackWait = 2500 * time.Millisecond
	for try := 1; ; try++ {
		actx, cancel := ackContext(ctx, ackWait)
		_, err := fay.s.EmitWithAck(actx, "order", "order-7", "2 coffees")
		cancel()
		if err == nil {
			tries = append(tries, []string{strconv.Itoa(try), "acknowledged"})
			break
		}
		if !errors.Is(err, socketio.ErrAckTimeout) || try == 3 {
			return fmt.Errorf("fay's order: %w", err)
		}
		tries = append(tries, []string{strconv.Itoa(try), fmt.Sprintf("no ack within %v: send again", ackWait)})
	}
	env.Table("fay emits order-7 until it is acknowledged", []string{"try", "outcome"}, tries)
	omu.Lock()
	received, done := seen["order-7"], applied["order-7"]
	omu.Unlock()
	if received < 2 || done != 1 {
		return fmt.Errorf("the server received order-7 %d times and applied it %d times", received, done)
	}
	env.SayAt(osi.Application, "The server received order-7 %d times: the first arrived, then the connection "+
		"broke before the ack could leave. A sender that waits for an ack and retries gets at-least-once "+
		"delivery: duplicates are possible. Because the order carries its own id, the server applied it once "+
		"and acknowledged the repeat. socket.io-client has this built in (the ackTimeout and retries options).",
		received)

	env.Answer("By default nothing keeps them: an event sent while a client is disconnected is lost for " +
		"it (at most once), and the client reconnects by itself, first after 0.55 to 1.5 s, then 1.1 to 3 s, " +
		"up to 5 s (backoff with jitter), as a new socket in no room. With connection state recovery on, the " +
		"server keeps every event it sends to rooms (a socket's own id is a room, so direct emits too; never " +
		"volatile ones, nor those that wait for an ack) with an offset, and the session by a private id, for " +
		"2 minutes: a client that comes back in time gets its id, " +
		"its rooms and every missed event, once each, in order, and recovered is true on both sides; later, " +
		"or after a server restart, it must resynchronise by itself. In the other direction, a client that " +
		"waits for an ack and retries gets at-least-once delivery; an id in each event lets the server drop " +
		"the duplicates.")
	return nil
}
