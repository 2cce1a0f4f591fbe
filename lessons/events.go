// Lesson "events": what happens when a Socket.IO client emits an event,
// when the server does, and when the server broadcasts.

package lessons

import (
	"context"
	"fmt"
	"time"

	"netlab/osi"
	"netlab/realtime/socketio"
)

func eventsLesson() Lesson {
	return Lesson{
		Name:     "events",
		Title:    "Socket.IO events: emit, on, acknowledgements, broadcast",
		Layers:   osi.Of(osi.Application),
		Question: "What happens when a Socket.IO client emits an event, and when the server emits one?",
		Run:      runEvents,
	}
}

func runEvents(ctx context.Context, env *Env) error {
	if err := env.Step(ctx, "Connect: a WebSocket, Engine.IO's open packet, Socket.IO's CONNECT"); err != nil {
		return err
	}
	lab, err := startSocketIO(ctx, env, "server", env.ServerAddr(), socketio.Options{})
	if err != nil {
		return err
	}
	ns := lab.srv.Sockets()
	chats := make(chan string, 4)
	sockets := make(chan *socketio.Socket, 4)
	ns.OnConnection(func(s *socketio.Socket) {
		s.On("chat", func(e *socketio.Event) {
			var text string
			_ = e.Args.Decode(0, &text)
			chats <- text
			_ = e.Ack(map[string]any{"stored": true, "chars": len(text)})
		})
		sockets <- s
	})

	// alice's handlers hand each event over to the lesson.
	got := map[string]chan *socketio.Event{"online": make(chan *socketio.Event, 4),
		"news": make(chan *socketio.Event, 1), "user joined": make(chan *socketio.Event, 1)}
	alice, err := lab.client(ctx, "alice", true, nil, socketio.ClientOptions{}, func(s *socketio.ClientSocket) {
		for name, ch := range got {
			s.On(name, func(e *socketio.Event) { ch <- e })
		}
	})
	if err != nil {
		return err
	}
	aliceServer, err := waitFor(ctx, sockets, "connection")
	if err != nil {
		return err
	}
	// The server's code announces the count to everyone. (It waits for
	// alice to have her answer first only so that each message shows as a
	// read of its own, the same on every run.)
	if err := ns.Emit("online", ns.Len()); err != nil {
		return err
	}
	if _, err := waitFor(ctx, got["online"], `"online" for alice`); err != nil {
		return err
	}
	env.SayAt(osi.Application, "Three hellos, one per layer above TCP. WebSocket's: an HTTP GET with Upgrade, "+
		"answered 101. Engine.IO's: the server's first message, 0 (open) and JSON with the session id and the "+
		"heartbeat (the server will ping every pingInterval ms). Socket.IO's: alice sends 40 (4 = an Engine.IO "+
		"message, 0 = CONNECT to the namespace \"/\") and the server answers 40 with the socket's id: %s.", alice.ID())
	env.Say("Then the server emitted \"online\" to everyone: the last 42 message above.")

	if err := env.Step(ctx, "The client emits \"chat\" and asks for an acknowledgement"); err != nil {
		return err
	}
	actx, cancel := ackContext(ctx, 5*time.Second)
	ack, err := alice.EmitWithAck(actx, "chat", "hello, everyone")
	cancel()
	if err != nil {
		return fmt.Errorf("alice's chat was not acknowledged: %w", err)
	}
	text, err := waitFor(ctx, chats, "chat on the server")
	if err != nil {
		return err
	}
	env.SayAt(osi.Application, "alice's emit became one WebSocket frame: 42, then 0, then [\"chat\",\"hello, everyone\"]. "+
		"The 0 after 42 is an ack id: it asks for an answer. On the server, the handler registered with "+
		"socket.On(\"chat\") ran with the argument %q: an event is a name looked up in a table of handlers, "+
		"nothing more. The handler's Ack went back as 43 with the same id 0 and its arguments: %s. That is "+
		"how a Socket.IO client gets a reply: there is no response by default, only if it asks.", text, ack)

	if err := env.Step(ctx, "The server emits: no request needed"); err != nil {
		return err
	}
	answered := make(chan string, 1)
	alice.On("question", func(e *socketio.Event) {
		var q string
		_ = e.Args.Decode(0, &q)
		answered <- q
		_ = e.Ack("blue")
	})
	if err := aliceServer.Emit("news", map[string]any{"headline": "server time", "at": "09:00"}); err != nil {
		return err
	}
	news, err := waitFor(ctx, got["news"], `"news"`)
	if err != nil {
		return err
	}
	qctx, cancel := ackContext(ctx, 5*time.Second)
	reply, err := aliceServer.EmitWithAck(qctx, "question", "favourite colour?")
	cancel()
	if err != nil {
		return fmt.Errorf("alice did not answer the server's question: %w", err)
	}
	if _, err := waitFor(ctx, answered, "the question"); err != nil {
		return err
	}
	env.SayAt(osi.Application, "The server wrote 42[\"news\",%s] whenever it liked: alice had sent nothing that "+
		"asked for it. Then it asked a question with an ack id of its own (420[...]); alice's handler answered, "+
		"and 430[%s] went back. Acks work the same way in both directions; each side counts its own ids.",
		news.Args.String(), reply)

	if err := env.Step(ctx, "A second client connects: a broadcast"); err != nil {
		return err
	}
	bobOnline := make(chan *socketio.Event, 1)
	bob, err := lab.client(ctx, "bob", false, nil, socketio.ClientOptions{}, func(s *socketio.ClientSocket) {
		s.On("online", func(e *socketio.Event) { bobOnline <- e })
		s.On("user joined", func(*socketio.Event) { bobOnline <- nil })
	})
	if err != nil {
		return err
	}
	bobServer, err := waitFor(ctx, sockets, "bob's connection")
	if err != nil {
		return err
	}
	// Everyone but the newcomer hears that someone joined; everyone, the
	// newcomer included, gets the new count.
	if err := bobServer.Broadcast().Emit("user joined", bob.ID()); err != nil {
		return err
	}
	joined, err := waitFor(ctx, got["user joined"], `"user joined"`)
	if err != nil {
		return err
	}
	if err := ns.Emit("online", ns.Len()); err != nil {
		return err
	}
	online, err := waitFor(ctx, got["online"], `"online"`)
	if err != nil {
		return err
	}
	var count int
	_ = online.Args.Decode(0, &count)
	var joinedID string
	_ = joined.Args.Decode(0, &joinedID)
	if joinedID != bob.ID() || count != 2 {
		return fmt.Errorf("alice heard %q joined and %d online, want %q and 2", joinedID, count, bob.ID())
	}
	// bob's handlers run in order: "online" came after any "user joined".
	bobGot, err := waitFor(ctx, bobOnline, `"online" for bob`)
	if err != nil {
		return err
	}
	if bobGot == nil {
		return fmt.Errorf(`bob heard "user joined" about himself`)
	}
	env.Table("What bob's connection made the server send", []string{"event", "call on the server", "alice", "bob"}, [][]string{
		{"user joined", "socket.Broadcast().Emit(...)", "yes", "no: everyone but the sender"},
		{"online", "namespace.Emit(...)", "yes", "yes: everyone"},
	})
	env.Say("A broadcast is not a packet type: the server writes the same 42[...] message to each socket it "+
		"selected, and netlab encodes it once for all of them. bob's connection is not traced, but it got %q "+
		"too; alice's trace shows only what reached her.", "online")

	env.Answer("An emit is one packet: 42 (an Engine.IO message holding a Socket.IO EVENT) and a JSON array " +
		"whose first element is the event's name. The receiver looks the name up in its handlers and runs the " +
		"one registered with on; that is all an event is. Nothing comes back unless the sender asked: a number " +
		"after 42 is an ack id, and the handler's answer returns as 43 with the same number. The server emits " +
		"exactly the same way, whenever it likes, with no request: the WebSocket is open both ways. A broadcast " +
		"is the server sending that same packet to every socket it selects.")
	return nil
}
