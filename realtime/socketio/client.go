// The Go client: a Manager holds the Engine.IO connection and reconnects
// it; each ClientSocket is one namespace on it, as in socket.io-client.

package socketio

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"netlab/realtime/engineio"
)

// ClientOptions configure a Manager.
type ClientOptions struct {
	// Engine chooses the transports ("polling" then "websocket" by
	// default), headers and the TCP dialer. Its handlers are the Manager's.
	Engine engineio.ClientOptions
	// NoReconnect turns automatic reconnection off.
	NoReconnect bool
	// Backoff is the reconnection schedule: the zero value is
	// DefaultBackoff; otherwise unset Min, Max and Factor take its values
	// and Jitter 0 means none.
	Backoff Backoff
	// Attempts bounds the reconnection attempts in a row; 0 is unlimited,
	// socket.io-client's default.
	Attempts int
	// Rand draws the jitter; nil uses a random seed. A lesson passes a
	// seeded one so that its delays are the same on every run.
	Rand *rand.Rand
	// OnReconnectAttempt, if set, hears of each attempt before its delay.
	OnReconnectAttempt func(attempt int, delay time.Duration)
	// OnReconnect, if set, hears of a successful reconnection.
	OnReconnect func(attempts int)
}

// A Manager is a client's connection to one server, shared by the
// namespaces it joins, and its reconnection.
type Manager struct {
	url  string
	opts ClientOptions

	mu         sync.Mutex
	eio        *engineio.Client
	opening    bool
	closed     bool // Close was called: no more reconnections
	sockets    map[string]*ClientSocket
	backoff    backoffState
	retryTimer *time.Timer
	reconnects bool // a reconnection run is in progress

	// A binary packet waiting for its attachments (the delivery goroutine's).
	partial *Packet
	bins    [][]byte
}

// NewManager returns a manager for the server at url
// (http://127.0.0.1:3000/socket.io/). It connects when a socket does.
func NewManager(url string, opts ClientOptions) *Manager {
	if opts.Backoff == (Backoff{}) {
		opts.Backoff = DefaultBackoff
	}
	opts.Backoff = opts.Backoff.withDefaults()
	rnd := opts.Rand
	if rnd == nil {
		rnd = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	return &Manager{url: url, opts: opts, sockets: map[string]*ClientSocket{}, backoff: backoffState{b: opts.Backoff, rnd: rnd}}
}

// Dial connects to the main namespace of the server at url and waits for
// the server's answer (or ctx). auth is sent with CONNECT (nil for none).
func Dial(ctx context.Context, url string, auth any, opts ClientOptions) (*ClientSocket, error) {
	s, err := NewManager(url, opts).Socket("/", auth)
	if err != nil {
		return nil, err
	}
	if err := s.Connect(ctx); err != nil {
		s.m.Close()
		return nil, err
	}
	return s, nil
}

// Socket returns the manager's socket for a namespace, making it if
// needed; auth (any JSON object value, or nil) goes with its CONNECT.
func (m *Manager) Socket(namespace string, auth any) (*ClientSocket, error) {
	if namespace == "" || namespace[0] != '/' {
		namespace = "/" + namespace
	}
	var raw json.RawMessage
	if auth != nil {
		j, err := marshalJSON(auth)
		if err != nil || jsonKind(j) != '{' {
			return nil, fmt.Errorf("socketio: auth must encode as a JSON object, got %.40q (%v)", j, err)
		}
		raw = j
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if s := m.sockets[namespace]; s != nil {
		return s, nil
	}
	s := &ClientSocket{m: m, nsp: namespace, auth: raw, connectedCh: make(chan struct{})}
	m.sockets[namespace] = s
	return s, nil
}

// Transport is the transport in use, or "" while disconnected.
func (m *Manager) Transport() string {
	m.mu.Lock()
	eio := m.eio
	m.mu.Unlock()
	if eio == nil {
		return ""
	}
	return eio.Transport()
}

// Engine is the Engine.IO session in use, or nil while disconnected.
func (m *Manager) Engine() *engineio.Client {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.eio
}

// Close disconnects every socket and stops reconnecting.
func (m *Manager) Close() {
	m.mu.Lock()
	m.closed = true
	if m.retryTimer != nil {
		m.retryTimer.Stop()
	}
	eio := m.eio
	m.mu.Unlock()
	if eio != nil {
		_ = eio.Close()
		<-eio.Done()
	}
}

// open starts the Engine.IO session if there is none, in the background.
func (m *Manager) open() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.eio != nil || m.opening || m.closed || m.reconnects {
		return
	}
	m.opening = true
	go m.dial()
}

// dial opens the Engine.IO session; on success every active socket sends
// its CONNECT, on failure a reconnection is scheduled.
func (m *Manager) dial() {
	eopts := m.opts.Engine
	var eio *engineio.Client
	var ready = make(chan struct{})
	eopts.OnMessage = func(data []byte, binary bool) {
		<-ready
		m.onMessage(eio, data, binary)
	}
	eopts.OnClose = func(reason, _ string) {
		<-ready
		m.onEngineClose(eio, reason)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, err := engineio.Dial(ctx, m.url, eopts)
	m.mu.Lock()
	m.opening = false
	if err != nil {
		m.mu.Unlock()
		close(ready)
		m.connectFailed(err)
		return
	}
	eio = c
	if m.closed {
		m.mu.Unlock()
		close(ready)
		_ = c.Close()
		return
	}
	m.eio = c
	wasReconnecting := m.reconnects
	attempts := m.backoff.attempts
	m.reconnects = false
	m.backoff.reset()
	sockets := m.activeSocketsLocked()
	m.mu.Unlock()
	close(ready)
	if wasReconnecting && m.opts.OnReconnect != nil {
		m.opts.OnReconnect(attempts)
	}
	for _, s := range sockets {
		s.sendConnect(c)
	}
}

func (m *Manager) activeSocketsLocked() []*ClientSocket {
	var out []*ClientSocket
	for _, s := range m.sockets {
		if s.isActive() {
			out = append(out, s)
		}
	}
	return out
}

// connectFailed reports a failed connection to the sockets, and retries.
func (m *Manager) connectFailed(err error) {
	m.mu.Lock()
	sockets := m.activeSocketsLocked()
	m.mu.Unlock()
	for _, s := range sockets {
		s.connectError(err)
	}
	m.scheduleReconnect()
}

// scheduleReconnect waits the backoff's next delay, then dials again.
func (m *Manager) scheduleReconnect() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.closed || m.opts.NoReconnect || len(m.activeSocketsLocked()) == 0 {
		m.reconnects = false
		return
	}
	if m.opts.Attempts > 0 && m.backoff.attempts >= m.opts.Attempts {
		m.reconnects = false
		return
	}
	attempt, delay := m.backoff.next()
	m.reconnects = true
	if f := m.opts.OnReconnectAttempt; f != nil {
		f(attempt, delay)
	}
	m.retryTimer = time.AfterFunc(delay, func() {
		m.mu.Lock()
		if m.closed || m.eio != nil || m.opening {
			m.mu.Unlock()
			return
		}
		m.opening = true
		m.mu.Unlock()
		m.dial()
	})
}

// onEngineClose disconnects the sockets and, unless the client closed on
// purpose, reconnects.
func (m *Manager) onEngineClose(eio *engineio.Client, reason string) {
	m.mu.Lock()
	if m.eio != eio {
		m.mu.Unlock()
		return
	}
	m.eio = nil
	m.partial, m.bins = nil, nil
	closed := m.closed
	sockets := make([]*ClientSocket, 0, len(m.sockets))
	for _, s := range m.sockets {
		sockets = append(sockets, s)
	}
	m.mu.Unlock()
	if closed {
		reason = "io client disconnect"
	}
	for _, s := range sockets {
		s.onClose(reason)
	}
	if !closed {
		m.scheduleReconnect()
	}
}

// onMessage reassembles and routes the server's packets.
func (m *Manager) onMessage(eio *engineio.Client, data []byte, binary bool) {
	if binary {
		if m.partial == nil {
			_ = eio.Close()
			return
		}
		m.bins = append(m.bins, data)
		if len(m.bins) == m.partial.Attachments {
			p, bins := *m.partial, m.bins
			m.partial, m.bins = nil, nil
			m.route(eio, p, bins)
		}
		return
	}
	p, err := ParsePacket(data)
	if err != nil || m.partial != nil {
		_ = eio.Close() // the server broke the protocol
		return
	}
	if p.Type == PacketBinaryEvent || p.Type == PacketBinaryAck {
		m.partial = &p
		return
	}
	m.route(eio, p, nil)
}

// route hands a packet to its namespace's socket.
func (m *Manager) route(eio *engineio.Client, p Packet, bins [][]byte) {
	m.mu.Lock()
	s := m.sockets[p.Namespace]
	m.mu.Unlock()
	if s != nil {
		s.onPacket(eio, p, bins)
	}
}

// socketLeft closes the connection once no socket wants it.
func (m *Manager) socketLeft() {
	m.mu.Lock()
	idle := len(m.activeSocketsLocked()) == 0
	eio := m.eio
	if idle {
		m.closed = true
		if m.retryTimer != nil {
			m.retryTimer.Stop()
		}
	}
	m.mu.Unlock()
	if idle && eio != nil {
		_ = eio.Close()
	}
}
