// The Socket.IO server: options, namespaces, and the Engine.IO server
// underneath.

package socketio

import (
	crand "crypto/rand"
	"encoding/base64"
	"io"
	"net/http"
	"sync"
	"time"

	"netlab/realtime/engineio"
)

// DefaultConnectTimeout is how long a client may stay in no namespace, as
// the reference server's connectTimeout.
const DefaultConnectTimeout = 45 * time.Second

// Options configure a Server.
type Options struct {
	// Engine sets the Engine.IO parameters (ping interval and timeout,
	// maxPayload). Its OnSession is the Server's own.
	Engine engineio.Options
	// Recovery turns connection state recovery on when it is not nil.
	Recovery *Recovery
	// ConnectTimeout closes a session that has joined no namespace by then.
	ConnectTimeout time.Duration
	// Rand is where ids (the session's, each socket's, the private ids of
	// recovery) come from; nil is crypto/rand. A lesson passes a seeded
	// source so that its transcript repeats.
	Rand io.Reader
}

// lockedReader lets goroutines share one random source.
type lockedReader struct {
	mu sync.Mutex
	r  io.Reader
}

func (l *lockedReader) Read(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return io.ReadFull(l.r, p)
}

// Server is a Socket.IO server. Mount it at /socket.io/ on a net/http
// server; the main namespace "/" exists from the start, others come with
// Of.
type Server struct {
	opts Options
	eio  *engineio.Server

	mu     sync.Mutex
	nsps   map[string]*Namespace
	closed bool
}

// NewServer returns a server with the main namespace.
func NewServer(opts Options) *Server {
	if opts.ConnectTimeout <= 0 {
		opts.ConnectTimeout = DefaultConnectTimeout
	}
	if opts.Recovery != nil {
		r := opts.Recovery.normalized()
		opts.Recovery = &r
	}
	if opts.Rand == nil {
		opts.Rand = crand.Reader
	} else {
		opts.Rand = &lockedReader{r: opts.Rand}
	}
	s := &Server{opts: opts, nsps: map[string]*Namespace{}}
	eopts := opts.Engine
	if eopts.Rand == nil {
		eopts.Rand = opts.Rand
	}
	eopts.OnSession = s.onSession
	s.eio = engineio.NewServer(eopts)
	s.Of("/")
	return s
}

// Engine is the Engine.IO server underneath.
func (s *Server) Engine() *engineio.Server { return s.eio }

// ServeHTTP serves Engine.IO's requests.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.eio.ServeHTTP(w, r) }

// Of returns the namespace with that name ("/" or "/name"), making it if
// it does not exist yet. Clients may only join namespaces made this way.
func (s *Server) Of(name string) *Namespace {
	if name == "" || name[0] != '/' {
		name = "/" + name
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if ns, ok := s.nsps[name]; ok {
		return ns
	}
	ns := newNamespace(s, name)
	s.nsps[name] = ns
	return ns
}

// Sockets is shorthand for the main namespace.
func (s *Server) Sockets() *Namespace { return s.Of("/") }

func (s *Server) namespace(name string) *Namespace {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nsps[name]
}

// Close disconnects every client ("server shutting down") and stops the
// server's goroutines and timers.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	nsps := make([]*Namespace, 0, len(s.nsps))
	for _, ns := range s.nsps {
		nsps = append(nsps, ns)
	}
	s.mu.Unlock()
	s.eio.Close()
	for _, ns := range nsps {
		ns.close()
	}
}

// newID is a random id like the reference server's: 20 characters of
// URL-safe base64.
func (s *Server) newID() string {
	var raw [15]byte
	_, _ = io.ReadFull(s.opts.Rand, raw[:])
	return base64.RawURLEncoding.EncodeToString(raw[:])
}

// onSession starts the Socket.IO side of a new Engine.IO session.
func (s *Server) onSession(sess *engineio.Session) {
	c := &conn{srv: s, eio: sess, sockets: map[string]*Socket{}}
	sess.OnMessage(c.onMessage)
	sess.OnClose(c.onClose)
	c.connectTimer = time.AfterFunc(s.opts.ConnectTimeout, c.connectTimedOut)
}
