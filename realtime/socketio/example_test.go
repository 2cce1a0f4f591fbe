package socketio_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"time"

	"netlab/realtime/engineio"
	"netlab/realtime/socketio"
)

// A server with one event handler, and a client that emits to it and waits
// for the acknowledgement: Socket.IO's request and answer, over one
// WebSocket on loopback.
func Example() {
	srv := socketio.NewServer(socketio.Options{})
	srv.Sockets().OnConnection(func(s *socketio.Socket) {
		s.On("add", func(e *socketio.Event) {
			var a, b int
			_ = e.Args.Decode(0, &a)
			_ = e.Args.Decode(1, &b)
			_ = e.Ack(a + b) // the answer goes back as 43<id>[5]
		})
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	hs := &http.Server{Handler: srv, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = hs.Serve(ln) }()
	defer hs.Close()
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	client, err := socketio.Dial(ctx, "http://"+ln.Addr().String()+"/socket.io/", nil, socketio.ClientOptions{
		Engine: engineio.ClientOptions{Transports: []string{"websocket"}},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer client.Manager().Close()
	sum, err := client.EmitWithAck(ctx, "add", 2, 3) // sent as 420["add",2,3]
	fmt.Println(sum, err)
	client.Disconnect()
	// Output: 5 <nil>
}
