// The Engine.IO server: options, the session table, and the routing of
// each HTTP request to a handshake, a polling request or a WebSocket.

package engineio

import (
	crand "crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"runtime"
	"sync"
	"time"
)

// Defaults, as the reference server's.
const (
	DefaultPingInterval = 25 * time.Second
	DefaultPingTimeout  = 20 * time.Second
	DefaultMaxPayload   = 1_000_000
	DefaultMaxQueued    = 4096
)

// Options configure a Server.
type Options struct {
	PingInterval time.Duration // how often the server pings
	PingTimeout  time.Duration // how long a pong may take before the session is closed
	MaxPayload   int           // the largest polling body or WebSocket message accepted
	// MaxQueued bounds the packets waiting for one client; a client that
	// falls that far behind is closed rather than allowed to hold memory.
	MaxQueued int
	// OnSession is called for each new session, before any of its packets
	// is delivered: it sets the session's handlers.
	OnSession func(*Session)
	// Rand is where session ids come from; nil is crypto/rand. A lesson
	// passes a seeded source so that its transcript repeats.
	Rand io.Reader
	// AllowOrigin lets web pages from other origins poll (CORS): "" lets
	// none (socket.io's default since v3), "*" any, anything else that one
	// origin (like "http://127.0.0.1:8080"). A browser only needs it for
	// polling: a WebSocket handshake is not subject to CORS, and the
	// server accepts any Origin there.
	AllowOrigin string
}

func (o Options) normalized() Options {
	if o.PingInterval <= 0 {
		o.PingInterval = DefaultPingInterval
	}
	if o.PingTimeout <= 0 {
		o.PingTimeout = DefaultPingTimeout
	}
	if o.MaxPayload <= 0 {
		o.MaxPayload = DefaultMaxPayload
	}
	if o.MaxQueued <= 0 {
		o.MaxQueued = DefaultMaxQueued
	}
	return o
}

// Server serves Engine.IO sessions over HTTP long-polling and WebSocket.
// Mount it on a path of a net/http server (Socket.IO uses /socket.io/).
type Server struct {
	opts Options

	mu       sync.Mutex
	sessions map[string]*Session
	closed   bool

	flushq  chan *Session // WebSocket sessions with packets to write
	workers sync.WaitGroup
	readers sync.WaitGroup // one per WebSocket
	stop    chan struct{}

	// The WebSocket connections' buffers, lent only while a connection
	// reads or writes: most of a busy server's connections are idle.
	readBuffers, writeBuffers sync.Pool
}

// NewServer returns a server. It starts a few goroutines that write to
// WebSocket clients (not one per client: writes for a client that has
// several packets queued go out together); Close stops them.
func NewServer(opts Options) *Server {
	s := &Server{
		opts:     opts.normalized(),
		sessions: map[string]*Session{},
		flushq:   make(chan *Session, 1<<16),
		stop:     make(chan struct{}),
	}
	for range 4 * runtime.GOMAXPROCS(0) {
		s.workers.Go(s.flushLoop)
	}
	return s
}

// Options returns the server's options, defaults filled in.
func (s *Server) Options() Options { return s.opts }

// Close closes every session, waits for their close handlers and for
// their WebSocket connections to end, and stops the writers.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	all := make([]*Session, 0, len(s.sessions))
	for _, sess := range s.sessions {
		all = append(all, sess)
	}
	s.mu.Unlock()
	for _, sess := range all {
		sess.end(Close, ReasonServerShutdown, "Server.Close")
	}
	for _, sess := range all {
		<-sess.done
	}
	// Each WebSocket reader ends when its client answers the close frame,
	// or at the close deadline.
	s.readers.Wait()
	close(s.stop)
	s.workers.Wait()
}

// Sessions returns how many sessions are open.
func (s *Server) Sessions() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.sessions)
}

// ServeHTTP routes a request: a handshake (no sid), a polling GET or POST,
// or a WebSocket (a new session, or an upgrade of a polling one).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	allowed := s.allowCORS(w, r)
	if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
		// A browser's preflight, before a request that is not "simple"
		// (one with extra headers, for instance).
		if !allowed {
			badRequest(w, 3, "Bad request")
			return
		}
		w.Header().Set("Access-Control-Allow-Methods", "GET, POST")
		if h := r.Header.Get("Access-Control-Request-Headers"); h != "" {
			w.Header().Set("Access-Control-Allow-Headers", h)
		}
		w.WriteHeader(http.StatusNoContent)
		return
	}
	q := r.URL.Query()
	// "If a mandatory query parameter is missing, then the server MUST
	// respond with an HTTP 400 error status."
	if q.Get("EIO") != "4" {
		badRequest(w, 5, "Unsupported protocol version")
		return
	}
	transport := q.Get("transport")
	if transport != "polling" && transport != "websocket" {
		badRequest(w, 0, "Transport unknown")
		return
	}
	sid := q.Get("sid")
	if sid == "" {
		switch {
		case transport == "websocket":
			s.openWebSocket(w, r, nil)
		case r.Method != http.MethodGet:
			badRequest(w, 2, "Bad handshake method")
		default:
			s.openPolling(w, r)
		}
		return
	}
	sess := s.lookup(sid)
	if sess == nil {
		badRequest(w, 1, "Session ID unknown")
		return
	}
	if transport == "websocket" {
		s.openWebSocket(w, r, sess)
		return
	}
	switch r.Method {
	case http.MethodGet:
		sess.pollGET(w, r)
	case http.MethodPost:
		sess.pollPOST(w, r)
	default:
		badRequest(w, 3, "Bad request")
	}
}

// allowCORS adds the CORS response fields when the request comes from a
// web page of an allowed origin, and says whether it does. The Origin is
// echoed, not "*", so that pages that send cookies (withCredentials) work
// too.
func (s *Server) allowCORS(w http.ResponseWriter, r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" || s.opts.AllowOrigin == "" || s.opts.AllowOrigin != "*" && s.opts.AllowOrigin != origin {
		return false
	}
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", origin)
	h.Set("Access-Control-Allow-Credentials", "true")
	h.Add("Vary", "Origin")
	return true
}

// badRequest answers 400 with the reference server's error body.
func badRequest(w http.ResponseWriter, code int, message string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusBadRequest)
	b, _ := json.Marshal(map[string]any{"code": code, "message": message})
	_, _ = w.Write(b)
}

func (s *Server) lookup(sid string) *Session {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.sessions[sid]
}

// newSession registers a session; it returns nil once the server is closed.
func (s *Server) newSession(r *http.Request, transport string) *Session {
	sess := &Session{
		id:        s.newID(),
		srv:       s,
		transport: transport,
		remote:    r.RemoteAddr,
		header:    r.Header.Clone(),
		wakeGET:   make(chan struct{}, 1),
		done:      make(chan struct{}),
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.sessions[sess.id] = sess
	s.mu.Unlock()
	if s.opts.OnSession != nil {
		s.opts.OnSession(sess)
	}
	return sess
}

// newID is a random session id: 20 characters of URL-safe base64.
func (s *Server) newID() string {
	var raw [15]byte
	if s.opts.Rand != nil {
		s.mu.Lock()
		_, _ = io.ReadFull(s.opts.Rand, raw[:])
		s.mu.Unlock()
	} else {
		_, _ = crand.Read(raw[:])
	}
	return base64.RawURLEncoding.EncodeToString(raw[:])
}

func (s *Server) forget(sess *Session) {
	s.mu.Lock()
	delete(s.sessions, sess.id)
	if len(s.sessions) == 0 {
		s.sessions = map[string]*Session{} // a map never shrinks: let the grown one go
	}
	s.mu.Unlock()
}

// openPacket is the handshake's JSON.
func (s *Server) openPacket(sid string, upgrades []string) Packet {
	b, _ := json.Marshal(struct {
		SID          string   `json:"sid"`
		Upgrades     []string `json:"upgrades"`
		PingInterval int64    `json:"pingInterval"`
		PingTimeout  int64    `json:"pingTimeout"`
		MaxPayload   int      `json:"maxPayload"`
	}{sid, upgrades, s.opts.PingInterval.Milliseconds(), s.opts.PingTimeout.Milliseconds(), s.opts.MaxPayload})
	return Packet{Type: Open, Data: b}
}

// flushLoop writes queued packets to WebSocket clients until Close.
func (s *Server) flushLoop() {
	for {
		select {
		case sess := <-s.flushq:
			sess.flushWebSocket()
		case <-s.stop:
			return
		}
	}
}

// writeTimeout bounds one batch of writes to a WebSocket client: a client
// that stops reading is closed instead of holding a writer.
const writeTimeout = 10 * time.Second
