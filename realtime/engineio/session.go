// A session: its queue of packets for the client, its handlers, its
// heartbeat, and how it closes.

package engineio

import (
	"context"
	"net/http"
	"sync"
	"time"

	"netlab/wsframe"
)

// Session is one client's Engine.IO session. Send may be called from any
// number of goroutines; packets go out in the order Send was called.
type Session struct {
	id     string
	srv    *Server
	remote string
	header http.Header

	mu          sync.Mutex
	transport   string   // "polling" or "websocket"
	queue       []Packet // for the client, not sent yet
	spare       []Packet // the queue's other buffer, swapped in by writers
	getPending  bool     // a polling GET is waiting
	postActive  bool     // a polling POST is being read
	upgrading   bool     // a WebSocket has come for this session: no second one may
	probing     bool     // a WebSocket answered the probe; the upgrade is not finished
	ws          *wsframe.Conn
	writeMu     sync.Mutex // held by whoever writes queued packets to ws, from taking them to writing them
	flushing    bool       // a writer holds the WebSocket queue
	closed      bool
	lingering   bool       // closed, and waiting for a GET to hand the close packet to
	closeForGET PacketType // what a pending GET is answered with when the session closes
	reason      string
	detail      string
	pingTimer   *time.Timer
	pongTimer   *time.Timer

	deliverMu sync.Mutex // one packet at a time to the handlers
	onMessage func(data []byte, binary bool)
	onClose   func(reason string)

	wakeGET chan struct{} // cap 1: the queue or the state changed
	done    chan struct{} // closed when the session is closed and its close handler has returned
}

// ID is the session id (the sid of the handshake).
func (s *Session) ID() string { return s.id }

// Transport is "polling" or "websocket", the transport in use now.
func (s *Session) Transport() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.transport
}

// RemoteAddr is the client's endpoint as the first request came from.
func (s *Session) RemoteAddr() string { return s.remote }

// Header returns the headers of the request that opened the session.
func (s *Session) Header() http.Header { return s.header }

// Done is closed when the session has closed and its close handler has
// returned.
func (s *Session) Done() <-chan struct{} { return s.done }

// OnMessage sets the handler for the client's messages. It is called from
// one goroutine at a time, in the order the client sent them. Set it in
// Options.OnSession, before any message can arrive.
func (s *Session) OnMessage(f func(data []byte, binary bool)) { s.onMessage = f }

// OnClose sets the handler called once when the session closes.
func (s *Session) OnClose(f func(reason string)) { s.onClose = f }

// Send queues a message for the client.
func (s *Session) Send(data []byte, binary bool) error {
	return s.send(Packet{Type: Message, Data: data, Binary: binary})
}

// SendPackets queues packets that may be shared: the same Packets (and
// their bytes) can be sent to many sessions; nothing modifies them. They
// go out together: no other Send comes between them (a Socket.IO binary
// event and its attachments must not be split).
func (s *Session) SendPackets(ps ...Packet) error { return s.send(ps...) }

// Writable reports whether a packet sent now would go out at once: a
// WebSocket with nothing queued, or a polling GET waiting. Socket.IO's
// volatile events are dropped when it is false.
func (s *Session) Writable() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.probing || len(s.queue) > 0 {
		return false
	}
	return s.ws != nil || s.getPending
}

func (s *Session) send(ps ...Packet) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrSessionClosed
	}
	if len(s.queue)+len(ps) > s.srv.opts.MaxQueued {
		s.mu.Unlock()
		s.end(Close, ReasonTransportError, ErrSlowClient.Error())
		return ErrSlowClient
	}
	s.queue = append(s.queue, ps...)
	flush := s.ws != nil && !s.probing && !s.flushing
	if flush {
		s.flushing = true
	}
	s.mu.Unlock()
	if flush {
		s.srv.flushq <- s
		return nil
	}
	s.wake()
	return nil
}

// wake tells a waiting polling GET that something changed.
func (s *Session) wake() {
	select {
	case s.wakeGET <- struct{}{}:
	default:
	}
}

// deliver hands one packet from the client to the protocol and to the
// handlers, in order.
func (s *Session) deliver(p Packet) {
	switch p.Type {
	case Pong:
		s.gotPong()
	case Close:
		s.end(Noop, ReasonTransportClose, "the client sent a close packet")
	case Message:
		s.deliverMu.Lock()
		if f := s.onMessage; f != nil && !s.isClosed() {
			f(p.Data, p.Binary)
		}
		s.deliverMu.Unlock()
	}
	// Ping from a client (Engine.IO v3 clients), Upgrade and Noop outside
	// an upgrade, and Open, carry nothing to act on here.
}

// startHeartbeat schedules the first ping.
func (s *Session) startHeartbeat() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.closed {
		s.pingTimer = time.AfterFunc(s.srv.opts.PingInterval, s.ping)
	}
}

// ping sends a ping and gives the client PingTimeout to answer.
func (s *Session) ping() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.pongTimer = time.AfterFunc(s.srv.opts.PingTimeout, func() {
		s.end(Close, ReasonPingTimeout, "no pong within "+s.srv.opts.PingTimeout.String())
	})
	s.mu.Unlock()
	_ = s.send(Packet{Type: Ping})
}

// gotPong stops the timeout and schedules the next ping.
func (s *Session) gotPong() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || s.pongTimer == nil {
		return
	}
	if s.pongTimer.Stop() {
		s.pongTimer = nil
		s.pingTimer = time.AfterFunc(s.srv.opts.PingInterval, s.ping)
	}
}

// Close ends the session ("forced close"): a pending polling GET is
// answered with a close packet, a WebSocket gets a close frame, and the
// handlers hear of it once.
func (s *Session) Close() { s.end(Close, ReasonForcedClose, "closed by the server") }

// End closes the session for the given reason (one of the Reason
// constants: the layer above uses ReasonParseError) and detail.
func (s *Session) End(reason, detail string) { s.end(Close, reason, detail) }

// end closes the session; forGET is what a pending polling GET gets.
func (s *Session) end(forGET PacketType, reason, detail string) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed, s.closeForGET, s.reason, s.detail = true, forGET, reason, detail
	for _, t := range []*time.Timer{s.pingTimer, s.pongTimer} {
		if t != nil {
			t.Stop()
		}
	}
	ws := s.ws
	// After a parse error the client still gets what was queued for it
	// before the close frame, as from the reference server. (end is then
	// called by the session's reader, never by a writer holding writeMu.)
	flushFirst := ws != nil && reason == ReasonParseError
	// A polling client not waiting on a GET learns of a forced close, or
	// of the parse error its last POST caused, from its next GET, as from
	// the reference server: until then (or for a heartbeat's time) the
	// session can still be found.
	linger := ws == nil && !s.getPending && (reason == ReasonForcedClose || reason == ReasonParseError)
	s.lingering = linger
	s.mu.Unlock()
	s.wake()
	if linger {
		time.AfterFunc(s.srv.opts.PingInterval+s.srv.opts.PingTimeout, s.stopLingering)
	} else {
		s.srv.forget(s)
	}
	if ws != nil {
		// A close frame now, bounded in time; the WebSocket's reader sees the
		// client's answer (or the deadline) and ends the connection.
		if flushFirst {
			s.writeMu.Lock() // a writer's batch goes out first
			s.mu.Lock()
			pending := s.queue
			s.queue = nil
			s.mu.Unlock()
			_ = ws.SetWriteDeadline(time.Now().Add(time.Second))
			if len(pending) > 0 {
				_ = ws.WriteBatch(context.Background(), wsMessages(pending, nil))
			}
			_ = ws.StartClose(wsframe.CloseNormal, "")
			s.writeMu.Unlock()
		} else {
			_ = ws.SetWriteDeadline(time.Now().Add(time.Second))
			_ = ws.StartClose(wsframe.CloseNormal, "")
		}
		_ = ws.SetReadDeadline(time.Now().Add(wsframe.DefaultCloseTimeout))
	}
	// The close handler runs after any message being delivered, in its own
	// goroutine: end may be called from inside a message handler, which
	// holds deliverMu.
	go func() {
		s.deliverMu.Lock()
		defer s.deliverMu.Unlock()
		if f := s.onClose; f != nil {
			f(reason)
		}
		close(s.done)
	}()
}

// stopLingering forgets a closed session that was waiting for its last GET.
func (s *Session) stopLingering() {
	s.mu.Lock()
	linger := s.lingering
	s.lingering = false
	s.mu.Unlock()
	if linger {
		s.srv.forget(s)
	}
}

func (s *Session) isClosed() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.closed
}

// CloseReason returns why the session closed (one of the Reason
// constants), or "" while it is open.
func (s *Session) CloseReason() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reason
}

// CloseDetail says more about the reason: which rule the client broke,
// which write failed.
func (s *Session) CloseDetail() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.detail
}
