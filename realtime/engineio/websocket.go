// The WebSocket transport: a session opened as a WebSocket, or a polling
// session upgraded to one (ping "probe", pong "probe", upgrade).

package engineio

import (
	"context"
	"net/http"
	"time"

	"netlab/wsframe"
)

// wsOptions are the WebSocket options for a session: messages up to
// MaxPayload, and buffers lent by the server's pools (a busy server holds
// thousands of connections, most of them idle).
func (s *Server) wsOptions() *wsframe.AcceptOptions {
	return &wsframe.AcceptOptions{
		Options: wsframe.Options{
			MaxMessage:     int64(s.opts.MaxPayload),
			ReadBufferSize: 1024, WriteBufferSize: 1024,
			ReadBufferPool: &s.readBuffers, WriteBufferPool: &s.writeBuffers,
		},
		CheckOrigin: wsframe.AnyOrigin,
	}
}

// openWebSocket serves a WebSocket: a new session when sess is nil, or the
// upgrade of a polling session. After the handshake the connection gets a
// goroutine of its own and the HTTP handler returns: net/http's goroutine,
// its stack grown by parsing the request, does not stay behind for every
// idle client.
func (s *Server) openWebSocket(w http.ResponseWriter, r *http.Request, sess *Session) {
	if sess != nil {
		// The first WebSocket to arrive claims the upgrade at once, before
		// its probe: a second one, even a moment later, is refused.
		sess.mu.Lock()
		busy := sess.closed || sess.transport != "polling" || sess.upgrading
		if !busy {
			sess.upgrading = true
		}
		sess.mu.Unlock()
		if busy {
			// "A client MUST NOT open more than one WebSocket connection per
			// session. Should it happen, the server MUST close the WebSocket
			// connection."
			if ws, _, err := wsframe.Upgrade(w, r, s.wsOptions()); err == nil {
				ws.CloseNow()
			}
			return
		}
	}
	if sess == nil {
		// A new session: its open packet goes out in the same write as the
		// 101 response.
		sess = s.newSession(r, "websocket")
		if sess == nil {
			http.Error(w, "the server is shutting down", http.StatusServiceUnavailable)
			return
		}
		opts := s.wsOptions()
		opts.Greeting = s.openPacket(sess.id, []string{}).wsPayload()
		ws, _, err := wsframe.Upgrade(w, r, opts)
		if err != nil {
			sess.end(Close, ReasonTransportError, "WebSocket handshake: "+err.Error())
			return
		}
		sess.attach(ws)
		sess.startHeartbeat()
		if !s.goReader(func() { sess.readWebSocket(ws) }) {
			ws.CloseNow()
		}
		return
	}
	ws, _, err := wsframe.Upgrade(w, r, s.wsOptions())
	if err != nil {
		sess.upgradeFailed()
		return // Upgrade answered the request with the reason
	}
	ok := s.goReader(func() {
		if !sess.probe(ws) {
			sess.upgradeFailed()
			ws.CloseNow()
			return
		}
		sess.readWebSocket(ws)
	})
	if !ok {
		sess.upgradeFailed()
		ws.CloseNow()
	}
}

// upgradeFailed lets another WebSocket try: the session goes on polling.
func (s *Session) upgradeFailed() {
	s.mu.Lock()
	s.upgrading, s.probing = false, false
	s.mu.Unlock()
}

// UpgradeTimeout bounds an upgrade, from the WebSocket's arrival to the
// client's "5" (the reference server's upgradeTimeout).
const UpgradeTimeout = 10 * time.Second

// goReader runs a WebSocket's reader in a goroutine Close waits for; it
// returns false once the server is closing.
func (s *Server) goReader(f func()) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.readers.Go(f)
	return true
}

// probe runs the upgrade on a new WebSocket: the client sends ping
// "probe", the server answers pong "probe" and ends any pending polling
// GET with noop; the client sends upgrade, and from then on the session's
// packets go over the WebSocket.
func (s *Session) probe(ws *wsframe.Conn) bool {
	ctx, cancel := context.WithTimeout(context.Background(), UpgradeTimeout)
	defer cancel()
	typ, data, err := ws.ReadMessage(ctx)
	if err != nil || typ != wsframe.TextMessage || string(data) != "2probe" {
		return false
	}
	if err := ws.WriteMessage(ctx, wsframe.TextMessage, []byte("3probe")); err != nil {
		return false
	}
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return false
	}
	s.probing = true
	s.mu.Unlock()
	s.wake() // a pending GET is answered with noop now, not on a timer
	for {
		typ, data, err := ws.ReadMessage(ctx)
		if err != nil {
			s.mu.Lock()
			s.probing = false
			s.mu.Unlock()
			return false
		}
		if typ == wsframe.TextMessage && len(data) == 1 && PacketType(data[0]) == Upgrade {
			s.attach(ws)
			return true
		}
		// noops and pings while the client finishes its polling request
	}
}

// attach makes ws the session's transport and sends what is queued.
func (s *Session) attach(ws *wsframe.Conn) {
	s.mu.Lock()
	s.transport, s.ws, s.probing = "websocket", ws, false
	flush := len(s.queue) > 0 && !s.flushing
	if flush {
		s.flushing = true
	}
	s.mu.Unlock()
	s.wake()
	if flush {
		s.srv.flushq <- s
	}
}

// readWebSocket reads the client's packets until the WebSocket ends. It
// handles what has arrived, then leaves the waiting for the next bytes to a
// new goroutine and returns. A goroutine's stack grows while it handles a
// packet (decoding, the Socket.IO handlers) and, parked afterwards, would
// keep that size; a fresh goroutine that only waits keeps the smallest
// stack Go has (2 KiB). On a server of thousands of idle connections that
// halves what each one costs.
func (s *Session) readWebSocket(ws *wsframe.Conn) {
	for {
		typ, data, err := ws.ReadMessage(context.Background())
		if err != nil {
			s.end(Close, ReasonTransportClose, "the WebSocket ended: "+err.Error())
			ws.CloseNow()
			return
		}
		p := Packet{Type: Message, Data: data, Binary: true}
		if typ == wsframe.TextMessage {
			if p, err = decodeText(data); err != nil {
				s.end(Close, ReasonTransportError, err.Error())
				ws.CloseNow()
				return
			}
		}
		s.deliver(p)
		if ws.Buffered() == 0 {
			break
		}
	}
	waiting := s.srv.goReader(func() {
		_ = ws.AwaitBytes() // an error shows again in ReadMessage
		s.readWebSocket(ws)
	})
	if !waiting { // the server is closing
		s.end(Close, ReasonServerShutdown, "Server.Close")
		ws.CloseNow()
	}
}

// flushWebSocket writes everything queued for the client, in batches,
// until the queue is empty. Only one writer flushes a session at a time.
func (s *Session) flushWebSocket() {
	var msgs []wsframe.Message
	for {
		s.writeMu.Lock()
		s.mu.Lock()
		if len(s.queue) == 0 || s.closed {
			s.flushing = false
			s.mu.Unlock()
			s.writeMu.Unlock()
			return
		}
		batch := s.queue
		s.queue, s.spare = s.spare[:0], nil
		ws := s.ws
		s.mu.Unlock()
		msgs = wsMessages(batch, msgs[:0])
		_ = ws.SetWriteDeadline(time.Now().Add(writeTimeout))
		err := ws.WriteBatch(context.Background(), msgs)
		s.writeMu.Unlock()
		clear(batch) // let the packets' bytes go
		s.mu.Lock()
		s.spare = batch[:0]
		s.mu.Unlock()
		if err != nil {
			s.end(Close, ReasonTransportError, err.Error())
			return
		}
	}
}

// wsMessages appends the packets as WebSocket messages, one each.
func wsMessages(ps []Packet, msgs []wsframe.Message) []wsframe.Message {
	for _, p := range ps {
		typ := wsframe.TextMessage
		if p.Binary {
			typ = wsframe.BinaryMessage
		}
		msgs = append(msgs, wsframe.Message{Type: typ, Data: p.wsPayload()})
	}
	return msgs
}
