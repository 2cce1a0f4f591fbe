// The Go client against the Go server, in each transport mode: connect,
// emit and ack both ways, binary, namespaces, and what the server sees.

package socketio_test

import (
	"bytes"
	"context"
	"testing"

	"netlab/realtime/socketio"
)

func TestClientServerRoundTrips(t *testing.T) {
	for mode, transports := range transportModes {
		t.Run(mode, func(t *testing.T) {
			srv := newServer(nil)
			conns := onConnection(srv.Sockets())
			srv.Sockets().OnConnection(func(s *socketio.Socket) {
				s.On("echo", func(e *socketio.Event) { _ = s.EmitArgs("echo-back", e.Args) })
				s.On("add", func(e *socketio.Event) {
					var a, b int
					_ = e.Args.Decode(0, &a)
					_ = e.Args.Decode(1, &b)
					_ = e.Ack(a + b)
				})
			})
			url := startServer(t, srv)
			c := dial(t, url, transports, map[string]string{"token": "t1"}, socketio.ClientOptions{})
			s := conns.next(t, "connection")
			if string(s.Auth()) != `{"token":"t1"}` {
				t.Errorf("server saw auth %s", s.Auth())
			}
			if s.ID() != c.ID() {
				t.Errorf("server id %q, client id %q", s.ID(), c.ID())
			}

			echoes := newRecv[*socketio.Event]()
			c.On("echo-back", echoes.put)
			bin := []byte{0, 1, 2, 255}
			if err := c.Emit("echo", "text", 42, map[string]any{"k": []any{true, nil}}, bin); err != nil {
				t.Fatal(err)
			}
			e := echoes.next(t, "echo-back")
			if got := e.Args.String(); got != `"text", 42, {"k":[true,null]}, <4 bytes>` {
				t.Errorf("echo-back args %s", got)
			}
			if b, ok := e.Args.Bytes(3); !ok || !bytes.Equal(b, bin) {
				t.Errorf("binary argument %v %v, want %v", b, ok, bin)
			}

			ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
			defer cancel()
			ans, err := c.EmitWithAck(ctx, "add", 2, 3)
			if err != nil || ans.String() != "5" {
				t.Errorf("ack of add(2, 3): %v %v, want 5", ans, err)
			}

			// The server asks, the client answers.
			c.On("question", func(e *socketio.Event) {
				var q string
				_ = e.Args.Decode(0, &q)
				_ = e.Ack("answer to " + q)
			})
			got, err := s.EmitWithAck(ctx, "question", "life")
			if err != nil || got.String() != `"answer to life"` {
				t.Errorf("client's ack: %v %v", got, err)
			}

			// Off: the echo's handler is gone. The server handles one
			// socket's events in order and answers on one connection, so
			// the echo-back arrives before the ack of the "add" sent after.
			c.Off("echo-back")
			if err := c.Emit("echo", "unheard"); err != nil {
				t.Fatal(err)
			}
			if _, err := c.EmitWithAck(ctx, "add", 1, 1); err != nil {
				t.Fatal(err)
			}
			if echoes.len() != 0 {
				t.Errorf("echo-back reached its handler after Off")
			}
		})
	}
}
