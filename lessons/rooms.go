// Lesson "rooms": Socket.IO's rooms, which exist only on the server, and
// who gets an event sent to one.

package lessons

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"netlab/osi"
	"netlab/realtime/socketio"
)

func roomsLesson() Lesson {
	return Lesson{
		Name:     "rooms",
		Title:    "Socket.IO rooms: join, leave, and who gets a broadcast",
		Layers:   osi.Of(osi.Application),
		Question: "What is a Socket.IO room, and who receives an event sent to one?",
		Run:      runRooms,
	}
}

// roomsClient is one of the lesson's three students.
type roomsClient struct {
	name string
	s    *socketio.ClientSocket
	got  chan roomsMsg
}

// roomsMsg is a "said" or the "fence" that follows every broadcast.
type roomsMsg struct {
	fence int
	text  string
}

func runRooms(ctx context.Context, env *Env) error {
	if err := env.Step(ctx, "Three clients connect: each socket is already in one room, its own"); err != nil {
		return err
	}
	lab, err := startSocketIO(ctx, env, "server", env.ServerAddr(), socketio.Options{})
	if err != nil {
		return err
	}
	ns := lab.srv.Sockets()
	ns.OnConnection(func(s *socketio.Socket) {
		s.On("join", func(e *socketio.Event) {
			var room string
			_ = e.Args.Decode(0, &room)
			s.Join(room)
			_ = e.Ack()
		})
		s.On("leave", func(e *socketio.Event) {
			var room string
			_ = e.Args.Decode(0, &room)
			s.Leave(room)
			_ = e.Ack()
		})
	})
	names := map[string]string{} // socket id → name
	var clients []*roomsClient
	for _, name := range []string{"ana", "ben", "cleo"} {
		c := &roomsClient{name: name, got: make(chan roomsMsg, 16)}
		s, err := lab.client(ctx, name, false, nil, socketio.ClientOptions{}, func(s *socketio.ClientSocket) {
			s.On("said", func(e *socketio.Event) {
				var text string
				_ = e.Args.Decode(0, &text)
				c.got <- roomsMsg{text: text}
			})
			s.On("fence", func(e *socketio.Event) {
				var n int
				_ = e.Args.Decode(0, &n)
				c.got <- roomsMsg{fence: n}
			})
		})
		if err != nil {
			return err
		}
		c.s = s
		names[s.ID()] = name
		clients = append(clients, c)
	}
	ana, ben, cleo := clients[0], clients[1], clients[2]
	roomsTable := func(title string) {
		rooms := ns.Rooms()
		var rows [][]string
		for _, c := range clients {
			if c.s.Connected() {
				rows = append(rows, []string{c.s.ID() + " (" + c.name + "'s own)", c.name})
			}
		}
		var named []string
		for room := range rooms {
			named = append(named, room)
		}
		slices.Sort(named)
		for _, room := range named {
			var who []string
			for _, id := range rooms[room] {
				who = append(who, names[id])
			}
			slices.Sort(who)
			rows = append(rows, []string{room, strings.Join(who, ", ")})
		}
		env.Table(title, []string{"room", "members"}, rows)
	}
	roomsTable("Rooms on the server")
	env.SayAt(osi.Application, "Three real WebSocket connections (not traced here: the events lesson shows the "+
		"bytes). Nothing about rooms crossed them: rooms are a table in the server's memory. Each socket starts "+
		"in one room named by its own id, which is how the server sends to one socket: it sends to that room.")

	if err := env.Step(ctx, "Joining is an event the server decides to honour"); err != nil {
		return err
	}
	joins := []struct {
		c    *roomsClient
		room string
	}{{ana, "math"}, {ben, "math"}, {ben, "art"}, {cleo, "art"}}
	for _, j := range joins {
		actx, cancel := ackContext(ctx, 5*time.Second)
		_, err := j.c.s.EmitWithAck(actx, "join", j.room)
		cancel()
		if err != nil {
			return fmt.Errorf("%s could not join %s: %w", j.c.name, j.room, err)
		}
	}
	roomsTable("Rooms after the joins")
	env.SayAt(osi.Application, "On the wire, ana's join was an ordinary event, 420[\"join\",\"math\"], and the "+
		"server's ack 430[] says it is done. \"join\" is just this lesson's event name: Socket.IO has no join "+
		"packet. The server's handler called socket.Join(\"math\"); the client has no way to join by itself, "+
		"and it is never told which rooms it is in.")

	// broadcast sends "said" through b, then a "fence" to everyone, and
	// reports who got the "said": each client's handlers run in order, so
	// once its fence arrives, anything sent before it has arrived too.
	fence := 0
	broadcast := func(call string, b socketio.Broadcast, text string) ([]string, error) {
		if err := b.Emit("said", text); err != nil {
			return nil, err
		}
		fence++
		if err := ns.Emit("fence", fence); err != nil {
			return nil, err
		}
		row := []string{call}
		for _, c := range clients {
			if !c.s.Connected() {
				row = append(row, "(gone)")
				continue
			}
			n := 0
			for {
				m, err := waitFor(ctx, c.got, "fence")
				if err != nil {
					return nil, fmt.Errorf("%s: %w", c.name, err)
				}
				if m.fence == fence {
					break
				}
				if m.text == text {
					n++
				}
			}
			row = append(row, [...]string{"—", "got it", "TWICE"}[min(n, 2)])
		}
		return row, nil
	}
	cols := []string{"the server called", "ana", "ben", "cleo"}

	if err := env.Step(ctx, "Sending to rooms"); err != nil {
		return err
	}
	var rows [][]string
	anaServer := ns.Socket(ana.s.ID())
	for _, b := range []struct {
		call string
		b    socketio.Broadcast
		text string
	}{
		{`To("math").Emit`, ns.To("math"), "2 + 2 = 4"},
		{`To("art").Emit`, ns.To("art"), "colour wheel"},
		{`To("math", "art").Emit`, ns.To("math", "art"), "both rooms"},
		{`To("math").Except("art").Emit`, ns.To("math").Except("art"), "math but not art"},
		{`ana's socket.To("math").Emit`, anaServer.To("math"), "from ana, to math"},
		{`To(cleo's id).Emit`, ns.To(cleo.s.ID()), "private to cleo"},
	} {
		row, err := broadcast(b.call, b.b, b.text)
		if err != nil {
			return err
		}
		rows = append(rows, row)
	}
	env.Table("Who got each \"said\"", cols, rows)
	if rows[2][2] != "got it" || rows[4][1] != "—" {
		return fmt.Errorf("rooms did not select as expected: %v", rows)
	}
	env.SayAt(osi.Application, "ben is in both rooms and got the message to math and art once: the server "+
		"takes the union of the rooms' members, then removes those of excepted rooms. Sent from ana's socket, "+
		"To(\"math\") leaves ana out: that is how \"everyone else in the room\" is written. A socket's id is a "+
		"room too: To(cleo's id) is a private message.")

	if err := env.Step(ctx, "Leaving, and disconnecting"); err != nil {
		return err
	}
	actx, cancel := ackContext(ctx, 5*time.Second)
	_, err = ben.s.EmitWithAck(actx, "leave", "math")
	cancel()
	if err != nil {
		return err
	}
	row, err := broadcast(`To("math").Emit, after ben left math`, ns.To("math"), "after ben left")
	if err != nil {
		return err
	}
	gone := make(chan string, 1)
	ns.Socket(cleo.s.ID()).OnDisconnect(func(reason string) { gone <- reason })
	cleo.s.Disconnect()
	reason, err := waitFor(ctx, gone, "cleo's disconnection")
	if err != nil {
		return err
	}
	row2, err := broadcast(`To("art").Emit, after cleo left`, ns.To("art"), "after cleo left")
	if err != nil {
		return err
	}
	env.Table("Who got each \"said\"", cols, [][]string{row, row2})
	actx, cancel = ackContext(ctx, 5*time.Second)
	_, err = ben.s.EmitWithAck(actx, "leave", "art")
	cancel()
	if err != nil {
		return err
	}
	if _, ok := ns.Rooms()["art"]; ok {
		return fmt.Errorf("the room art outlived its last member")
	}
	roomsTable("Rooms after ben left art too")
	env.SayAt(osi.Application, "cleo disconnected (the server's reason: %q) and the server took her out of "+
		"every room: rooms hold connected sockets only. When ben left art too, art had no member and ceased "+
		"to exist; a room is created the moment someone joins it.", reason)

	env.Answer("A room is a named set of sockets kept by the server, in memory; nothing about it crosses the " +
		"wire. The server puts a socket in a room (here when the client asks with an event of our own, " +
		"\"join\"), and takes it out on leave or disconnection. An event sent to rooms goes to every socket " +
		"in any of them, once each, minus the sockets of excepted rooms, and minus the sender when a socket " +
		"sends it. Each member receives the same ordinary 42[...] packet; a client cannot tell a room " +
		"message from a direct one. Every socket is also in a room named by its own id.")
	return nil
}
