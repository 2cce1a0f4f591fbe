// The reference server: Socket.IO and Engine.IO endpoints and their handlers.

package refserver

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"netlab/realtime/engineio"
	"netlab/realtime/socketio"
)

// Options configure the reference server.
type Options struct {
	PingInterval time.Duration
	PingTimeout  time.Duration
	// Recovery turns connection state recovery on (the CONNECT reply then
	// carries a pid, and every kept event an offset as its last argument).
	Recovery bool
	// ConnectTimeout closes a session that joins no namespace in time
	// (socketio.Options; 0 is socket.io's 45 s).
	ConnectTimeout time.Duration
	// AllowOrigin lets web pages of other origins poll (engineio.Options).
	AllowOrigin string
	// Log, when set, gets a line for each connection and disconnection.
	Log func(format string, args ...any)
}

// MaxBroadcast bounds the "broadcast" demo event's count: the number
// comes from a client.
const MaxBroadcast = 100_000

// AskTimeout is how long the "ask" demo event waits for the client's
// answer to its "question".
const AskTimeout = 5 * time.Second

// Server serves Socket.IO at /socket.io/ and the Engine.IO echo at
// /engine.io/.
type Server struct {
	SocketIO *socketio.Server
	Echo     *engineio.Server
	mux      *http.ServeMux
}

// New returns the reference server.
func New(o Options) *Server {
	eopts := engineio.Options{PingInterval: o.PingInterval, PingTimeout: o.PingTimeout, AllowOrigin: o.AllowOrigin}
	sopts := socketio.Options{Engine: eopts, ConnectTimeout: o.ConnectTimeout}
	if o.Recovery {
		sopts.Recovery = &socketio.Recovery{}
	}
	log := o.Log
	if log == nil {
		log = func(string, ...any) {}
	}
	s := &Server{SocketIO: socketio.NewServer(sopts), mux: http.NewServeMux()}
	echo := eopts
	echo.OnSession = func(sess *engineio.Session) {
		sess.OnMessage(func(data []byte, binary bool) { _ = sess.Send(data, binary) })
	}
	s.Echo = engineio.NewServer(echo)
	for _, name := range []string{"/", "/custom"} {
		ns := s.SocketIO.Of(name)
		ns.OnConnection(func(sock *socketio.Socket) { handle(ns, sock, log) })
	}
	s.mux.Handle("/socket.io/", s.SocketIO)
	s.mux.Handle("/engine.io/", s.Echo)
	return s
}

// ServeHTTP routes to Socket.IO or the echo.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// Close disconnects everyone.
func (s *Server) Close() {
	s.SocketIO.Close()
	s.Echo.Close()
}

// said is the "said" event's argument.
type said struct {
	From string `json:"from"`
	Room string `json:"room"`
	Text any    `json:"text"`
}

// handle sets a socket's handlers.
func handle(ns *socketio.Namespace, s *socketio.Socket, log func(string, ...any)) {
	log("%s %s connected: id %s, %s, recovered %v", s.RemoteAddr(), ns.Name(), s.ID(), s.Transport(), s.Recovered())
	s.OnDisconnect(func(reason string) {
		log("%s %s disconnected: id %s, %s", s.RemoteAddr(), ns.Name(), s.ID(), reason)
	})
	_ = s.EmitArgs("auth", socketio.Args{JSON: []json.RawMessage{s.Auth()}})
	s.On("message", func(e *socketio.Event) { _ = s.EmitArgs("message-back", e.Args) })
	s.On("message-with-ack", func(e *socketio.Event) { _ = e.AckArgs(e.Args) })
	s.On("join", func(e *socketio.Event) {
		s.Join(room(e.Args))
		_ = e.Ack()
	})
	s.On("leave", func(e *socketio.Event) {
		s.Leave(room(e.Args))
		_ = e.Ack()
	})
	s.On("say", func(e *socketio.Event) {
		var text any
		if e.Args.Len() > 1 {
			_ = e.Args.Decode(1, &text)
		}
		r := room(e.Args)
		_ = ns.To(r).Emit("said", said{From: s.ID(), Room: r, Text: text})
	})
	s.On("ask", func(e *socketio.Event) {
		// The answer arrives on the connection this handler was called
		// from, so the wait runs on its own goroutine; it ends with the
		// answer, the timeout, or the socket's disconnection.
		go func() {
			ctx, cancel := context.WithTimeout(context.Background(), AskTimeout)
			defer cancel()
			answer, err := s.EmitArgsWithAck(ctx, "question", e.Args)
			if err != nil {
				log("%s %s: question unanswered: %v", s.RemoteAddr(), ns.Name(), err)
				return
			}
			_ = e.AckArgs(answer)
		}()
	})
	s.On("kick", func(*socketio.Event) { s.CloseTransport() })
	s.On("broadcast", func(e *socketio.Event) {
		var n int
		if e.Args.Len() > 0 {
			_ = e.Args.Decode(0, &n)
		}
		for i := 1; i <= min(n, MaxBroadcast); i++ {
			_ = ns.Emit("tick", i)
		}
		_ = e.Ack()
	})
}

// room is the first argument as a room name: a string as it is, anything
// else as its JSON text.
func room(a socketio.Args) string {
	if a.Len() == 0 {
		return ""
	}
	var r string
	if a.Decode(0, &r) == nil {
		return r
	}
	return string(a.JSON[0])
}
