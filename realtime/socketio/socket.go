// A server-side socket: one client in one namespace. Its handlers, its
// rooms, and what it sends.

package socketio

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"sync"
)

// A Socket is one client's membership of one namespace. Its event
// handlers run one at a time, in the order the client sent the events, on
// the goroutine that reads the client's connection: a handler that waits
// for something the same client must send (EmitWithAck to that client)
// must wait in a goroutine of its own.
type Socket struct {
	ns   *Namespace
	conn *conn
	auth json.RawMessage

	id, pid   string // pid is the private id for recovery; "" when recovery is off
	startSeq  uint64 // the recovery log's position when the socket first connected
	recovered bool
	rooms     []string // joined rooms, under ns.mu

	mu           sync.Mutex
	connected    bool
	reason       string
	handlers     eventHandlers
	onDisconnect []func(reason string)
	acks         ackTable
}

func newSocket(ns *Namespace, c *conn, auth json.RawMessage) *Socket {
	return &Socket{ns: ns, conn: c, auth: auth, id: ns.srv.newID()}
}

// connectReply is the CONNECT packet that answers the client's: the
// socket's id, and its private id when recovery is on.
func (s *Socket) connectReply() Packet {
	var data []byte
	if s.pid != "" {
		data, _ = marshalJSON(struct {
			SID string `json:"sid"`
			PID string `json:"pid"`
		}{s.id, s.pid})
	} else {
		data, _ = marshalJSON(struct {
			SID string `json:"sid"`
		}{s.id})
	}
	return Packet{Type: PacketConnect, Namespace: s.ns.name, Data: data}
}

// ID is the socket's public id; it is also the name of a room the socket
// is always in.
func (s *Socket) ID() string { return s.id }

// Namespace is the socket's namespace.
func (s *Socket) Namespace() *Namespace { return s.ns }

// Auth is the payload of the client's CONNECT packet ({} when it sent none).
func (s *Socket) Auth() json.RawMessage { return s.auth }

// Header returns the headers of the HTTP request that opened the session.
func (s *Socket) Header() http.Header { return s.conn.eio.Header() }

// RemoteAddr is the client's endpoint.
func (s *Socket) RemoteAddr() string { return s.conn.eio.RemoteAddr() }

// Transport is "polling" or "websocket".
func (s *Socket) Transport() string { return s.conn.eio.Transport() }

// Recovered reports whether this socket continues an earlier one: same
// id, same rooms, and the events it missed were sent first.
func (s *Socket) Recovered() bool { return s.recovered }

// Connected reports whether the socket is still in its namespace.
func (s *Socket) Connected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connected
}

// On sets the handler for an event, replacing any before it (one per
// event: where socket.io keeps a list, a handler here can call others);
// nil removes it.
func (s *Socket) On(event string, f func(*Event)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handlers.set(event, f)
}

// Off removes the handler for an event (socket.io's off).
func (s *Socket) Off(event string) { s.On(event, nil) }

// OnAny adds a handler that sees every event, before its own handler.
func (s *Socket) OnAny(f func(*Event)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handlers.addAny(f)
}

// OnDisconnect adds a handler called once when the socket leaves, with
// the reason ("client namespace disconnect", "transport close", "ping
// timeout"...).
func (s *Socket) OnDisconnect(f func(reason string)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onDisconnect = append(s.onDisconnect, f)
}

// onEvent runs the handlers for an event from the client.
func (s *Socket) onEvent(name string, args Args, id int64, hasID bool) {
	e := &Event{Name: name, Args: args, socket: s}
	if hasID {
		e.reply = func(a Args) error {
			return s.conn.eio.SendPackets(encodeEvent(s.ns.name, nil, a, id, true)...)
		}
	}
	s.mu.Lock()
	run := s.handlers.forEvent(e)
	s.mu.Unlock()
	run()
}

// Emit sends an event to this client. With recovery on, the event is kept
// (and carries an offset) so that the client gets it even if it is
// disconnected now and recovers in time.
func (s *Socket) Emit(event string, values ...any) error {
	args, err := ArgsOf(values...)
	if err != nil {
		return err
	}
	return s.EmitArgs(event, args)
}

// EmitArgs sends an event with arguments as they are (the bytes an Event
// brought, for instance).
func (s *Socket) EmitArgs(event string, args Args) error {
	if reservedEvents[event] {
		return ErrReservedEvent
	}
	if s.ns.recovery != nil {
		return Broadcast{ns: s.ns, rooms: []string{s.id}}.EmitArgs(event, args)
	}
	if !s.Connected() {
		return ErrDisconnected
	}
	name, _ := marshalJSON(event)
	return s.conn.eio.SendPackets(encodeEvent(s.ns.name, name, args, 0, false)...)
}

// EmitWithAck sends an event that asks for an acknowledgement and waits
// for it, for ctx, or for the socket to disconnect. Events with an ack are
// never kept for recovery: the answer could not reach a new connection.
func (s *Socket) EmitWithAck(ctx context.Context, event string, values ...any) (Args, error) {
	if reservedEvents[event] {
		return Args{}, ErrReservedEvent
	}
	args, err := ArgsOf(values...)
	if err != nil {
		return Args{}, err
	}
	return s.EmitArgsWithAck(ctx, event, args)
}

// EmitArgsWithAck is EmitWithAck with arguments as they are.
func (s *Socket) EmitArgsWithAck(ctx context.Context, event string, args Args) (Args, error) {
	if reservedEvents[event] {
		return Args{}, ErrReservedEvent
	}
	if !s.Connected() {
		return Args{}, ErrDisconnected
	}
	id, answer := s.acks.register()
	defer s.acks.forget(id)
	name, _ := marshalJSON(event)
	if err := s.conn.eio.SendPackets(encodeEvent(s.ns.name, name, args, id, true)...); err != nil {
		return Args{}, err
	}
	return answer.wait(ctx)
}

// Join puts the socket in rooms.
func (s *Socket) Join(rooms ...string) {
	s.ns.mu.Lock()
	defer s.ns.mu.Unlock()
	if !s.Connected() {
		return
	}
	for _, r := range rooms {
		s.ns.joinLocked(s, r)
	}
}

// Leave takes the socket out of a room. Leaving its own room does nothing.
func (s *Socket) Leave(room string) {
	s.ns.mu.Lock()
	defer s.ns.mu.Unlock()
	s.ns.leaveLocked(s, room)
}

// Rooms are the rooms the socket is in, its own first.
func (s *Socket) Rooms() []string {
	s.ns.mu.RLock()
	defer s.ns.mu.RUnlock()
	return append([]string{s.id}, s.rooms...)
}

// In reports whether the socket is in a room.
func (s *Socket) In(room string) bool {
	s.ns.mu.RLock()
	defer s.ns.mu.RUnlock()
	return room == s.id || slices.Contains(s.rooms, room)
}

// Broadcast selects every socket of the namespace but this one.
func (s *Socket) Broadcast() Broadcast { return Broadcast{ns: s.ns, except: []string{s.id}} }

// To selects the sockets in the rooms, but not this one.
func (s *Socket) To(rooms ...string) Broadcast { return s.Broadcast().To(rooms...) }

// Disconnect makes the socket leave its namespace: the client gets a
// DISCONNECT packet and will not reconnect by itself ("server namespace
// disconnect"). The connection stays open for its other namespaces.
func (s *Socket) Disconnect() {
	if !s.Connected() {
		return
	}
	_ = s.conn.send(Packet{Type: PacketDisconnect, Namespace: s.ns.name})
	s.closeFor("server namespace disconnect")
}

// CloseTransport ends the whole connection as if it broke ("forced
// close"): the client reconnects, and with recovery on it gets its state
// back.
func (s *Socket) CloseTransport() { s.conn.eio.Close() }

// DisconnectReason is why the socket left, or "" while it is connected.
func (s *Socket) DisconnectReason() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.reason
}

// closeFor ends the socket once: out of its rooms (kept for recovery if
// the reason allows), pending acks failed, handlers told.
func (s *Socket) closeFor(reason string) {
	s.mu.Lock()
	if !s.connected {
		s.mu.Unlock()
		return
	}
	s.connected, s.reason = false, reason
	hs := s.onDisconnect
	s.mu.Unlock()
	s.ns.mu.Lock()
	s.ns.removeLocked(s, reason)
	s.ns.mu.Unlock()
	s.conn.remove(s)
	s.acks.failAll()
	for _, h := range hs {
		h(reason)
	}
}
