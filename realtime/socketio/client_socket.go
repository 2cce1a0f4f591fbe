// A client's socket in one namespace: connect (and reconnect, asking for
// recovery), emit with or without an ack, buffer while offline, and the
// handlers.

package socketio

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sync"

	"netlab/realtime/engineio"
)

// MaxOfflineBuffer bounds the events a disconnected socket keeps for
// later: a client offline for long should not grow without limit.
const MaxOfflineBuffer = 10_000

// ErrOfflineBufferFull is returned by Emit when MaxOfflineBuffer events
// already wait for the connection.
var ErrOfflineBufferFull = errors.New("socketio: too many events wait for the connection")

// A ClientSocket is the client's side of one namespace. Handlers run one
// at a time, in the order the server sent the events.
type ClientSocket struct {
	m    *Manager
	nsp  string
	auth json.RawMessage

	mu          sync.Mutex
	active      bool // it wants to be connected (Connect, and no Disconnect since)
	connected   bool
	id, pid     string
	lastOffset  *string
	recovered   bool
	connectedCh chan struct{} // closed at each connection; replaced at each disconnection
	connErr     error         // the last CONNECT_ERROR or connection failure
	errCh       chan struct{} // closed when connErr is set (for Connect)
	received    []*Event      // events that came before the CONNECT answer
	offline     [][]engineio.Packet
	handlers    eventHandlers
	onConnect   []func()
	onDisc      []func(reason string)
	onError     []func(error)
	acks        ackTable
}

// Namespace is the socket's namespace.
func (s *ClientSocket) Namespace() string { return s.nsp }

// Manager is the socket's manager.
func (s *ClientSocket) Manager() *Manager { return s.m }

// ID is the id the server gave, or "" while disconnected.
func (s *ClientSocket) ID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.id
}

// Connected reports whether the socket is connected now.
func (s *ClientSocket) Connected() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.connected
}

// Recovered reports whether the last connection recovered the earlier
// session: same id, rooms, and missed events delivered first.
func (s *ClientSocket) Recovered() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.recovered
}

// LastOffset is the offset of the last event received, sent back on
// reconnection; "" when the server has recovery off or sent nothing yet.
func (s *ClientSocket) LastOffset() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lastOffset == nil {
		return ""
	}
	return *s.lastOffset
}

func (s *ClientSocket) isActive() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.active
}

// On sets the handler for an event, replacing any before it (one per
// event: where socket.io keeps a list, a handler here can call others);
// nil removes it.
func (s *ClientSocket) On(event string, f func(*Event)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handlers.set(event, f)
}

// Off removes the handler for an event (socket.io's off).
func (s *ClientSocket) Off(event string) { s.On(event, nil) }

// OnAny adds a handler that sees every event first.
func (s *ClientSocket) OnAny(f func(*Event)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.handlers.addAny(f)
}

// OnConnect adds a handler for each connection (reconnections included).
func (s *ClientSocket) OnConnect(f func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onConnect = append(s.onConnect, f)
}

// OnDisconnect adds a handler for each disconnection, with the reason
// ("io server disconnect", "io client disconnect", "transport close",
// "ping timeout"...).
func (s *ClientSocket) OnDisconnect(f func(reason string)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onDisc = append(s.onDisc, f)
}

// OnConnectError adds a handler for a refused or failed connection.
func (s *ClientSocket) OnConnectError(f func(error)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onError = append(s.onError, f)
}

// Connect connects the socket, and waits for the server's answer or ctx.
// After a disconnection that was not asked for, the manager reconnects
// by itself.
func (s *ClientSocket) Connect(ctx context.Context) error {
	s.mu.Lock()
	s.active = true
	s.connErr = nil
	s.errCh = make(chan struct{})
	connected, failed := s.connectedCh, s.errCh
	already := s.connected
	s.mu.Unlock()
	if already {
		return nil
	}
	s.m.mu.Lock()
	s.m.closed = false
	eio := s.m.eio
	s.m.mu.Unlock()
	if eio != nil {
		s.sendConnect(eio)
	} else {
		s.m.open()
	}
	select {
	case <-connected:
		return nil
	case <-failed:
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.connErr
	case <-ctx.Done():
		return fmt.Errorf("socketio: connect %s: %w", s.nsp, context.Cause(ctx))
	}
}

// sendConnect sends CONNECT, with the auth payload and, once the server
// has given a private id, the recovery fields pid and offset.
func (s *ClientSocket) sendConnect(eio *engineio.Client) {
	s.mu.Lock()
	data := s.auth
	if s.pid != "" {
		fields, _ := marshalJSON(struct {
			PID    string  `json:"pid"`
			Offset *string `json:"offset,omitempty"`
		}{s.pid, s.lastOffset})
		data = mergeObjects(fields, s.auth)
	}
	s.mu.Unlock()
	p := Packet{Type: PacketConnect, Namespace: s.nsp, Data: data}
	_ = eio.Send(p.AppendText(nil), false)
}

// mergeObjects joins two JSON objects' members (b's win in a reader that
// keeps the last of a repeated name, as JSON.parse does).
func mergeObjects(a, b json.RawMessage) json.RawMessage {
	if len(b) <= 2 || jsonKind(b) != '{' {
		return a
	}
	out := append([]byte(nil), a[:len(a)-1]...)
	out = append(out, ',')
	return append(out, trimLeftSpace(b)[1:]...)
}

func trimLeftSpace(b []byte) []byte {
	for len(b) > 0 && (b[0] == ' ' || b[0] == '\t' || b[0] == '\n' || b[0] == '\r') {
		b = b[1:]
	}
	return b
}

// onPacket handles a packet for this namespace.
func (s *ClientSocket) onPacket(eio *engineio.Client, p Packet, bins [][]byte) {
	switch p.Type {
	case PacketConnect:
		var reply struct {
			SID string `json:"sid"`
			PID string `json:"pid"`
		}
		if json.Unmarshal(p.Data, &reply) != nil || reply.SID == "" {
			_ = eio.Close()
			return
		}
		s.onConnected(eio, reply.SID, reply.PID)
	case PacketConnectError:
		var e struct {
			Message string `json:"message"`
		}
		msg := string(p.Data)
		if json.Unmarshal(p.Data, &e) == nil && e.Message != "" {
			msg = e.Message
		}
		s.mu.Lock()
		s.active = false // a refusal is final, as in socket.io-client
		s.mu.Unlock()
		s.connectError(fmt.Errorf("%w: %s", ErrConnectRefused, msg))
		s.m.socketLeft()
	case PacketDisconnect:
		s.mu.Lock()
		s.active = false
		s.mu.Unlock()
		s.onClose("io server disconnect")
		s.m.socketLeft()
	case PacketEvent, PacketBinaryEvent:
		var all []json.RawMessage
		if json.Unmarshal(p.Data, &all) != nil || len(all) == 0 {
			return
		}
		e := &Event{Name: eventName(all[0]), Args: Args{JSON: all[1:], Binary: bins}}
		if p.HasID {
			id, nsp := p.ID, s.nsp
			e.reply = func(a Args) error { return eio.SendPackets(encodeEvent(nsp, nil, a, id, true)...) }
		}
		s.onEvent(e)
	case PacketAck, PacketBinaryAck:
		var all []json.RawMessage
		if p.Data != nil && json.Unmarshal(p.Data, &all) != nil {
			return
		}
		if p.HasID {
			s.acks.resolve(p.ID, Args{JSON: all, Binary: bins})
		}
	}
}

// onConnected records the server's answer, delivers what came before it,
// and sends what was emitted offline.
func (s *ClientSocket) onConnected(eio *engineio.Client, id, pid string) {
	s.mu.Lock()
	s.recovered = pid != "" && pid == s.pid
	s.id, s.pid, s.connected = id, pid, true
	if !s.recovered {
		s.lastOffset = nil
	}
	close(s.connectedCh)
	early := s.received
	s.received = nil
	offline := s.offline
	s.offline = nil
	hs := s.onConnect
	s.mu.Unlock()
	for _, e := range early {
		s.onEvent(e)
	}
	for _, pkts := range offline {
		_ = eio.SendPackets(pkts...)
	}
	for _, h := range hs {
		h()
	}
}

// onEvent runs the handlers, or keeps the event until the socket is
// connected.
func (s *ClientSocket) onEvent(e *Event) {
	s.mu.Lock()
	if !s.connected {
		s.received = append(s.received, e)
		s.mu.Unlock()
		return
	}
	if s.pid != "" && e.Args.Len() > 0 && jsonKind(e.Args.JSON[e.Args.Len()-1]) == '"' {
		var off string
		if json.Unmarshal(e.Args.JSON[e.Args.Len()-1], &off) == nil {
			e.Offset = off
			s.lastOffset = &off
		}
	}
	run := s.handlers.forEvent(e)
	s.mu.Unlock()
	run()
}

// onClose marks the socket disconnected and tells the handlers.
func (s *ClientSocket) onClose(reason string) {
	s.mu.Lock()
	if !s.connected {
		s.mu.Unlock()
		return
	}
	s.connected, s.id = false, ""
	s.connectedCh = make(chan struct{})
	hs := s.onDisc
	s.mu.Unlock()
	for _, h := range hs {
		h(reason)
	}
}

// connectError records a failed or refused connection.
func (s *ClientSocket) connectError(err error) {
	s.mu.Lock()
	s.connErr = err
	if s.errCh != nil {
		select {
		case <-s.errCh:
		default:
			close(s.errCh)
		}
	}
	hs := s.onError
	s.mu.Unlock()
	for _, h := range hs {
		h(err)
	}
}

// Emit sends an event, now if connected, else when the socket connects
// (up to MaxOfflineBuffer events wait).
func (s *ClientSocket) Emit(event string, values ...any) error {
	args, err := ArgsOf(values...)
	if err != nil {
		return err
	}
	return s.send(event, args, 0, false)
}

// EmitArgs sends an event with arguments as they are.
func (s *ClientSocket) EmitArgs(event string, args Args) error {
	return s.send(event, args, 0, false)
}

// EmitWithAck sends an event asking for an acknowledgement and waits for
// it or for ctx. Offline, the event waits for the connection like any
// other; ctx bounds the whole wait.
func (s *ClientSocket) EmitWithAck(ctx context.Context, event string, values ...any) (Args, error) {
	args, err := ArgsOf(values...)
	if err != nil {
		return Args{}, err
	}
	id, answer := s.acks.register()
	defer s.acks.forget(id)
	if err := s.send(event, args, id, true); err != nil {
		return Args{}, err
	}
	return answer.wait(ctx)
}

func (s *ClientSocket) send(event string, args Args, id int64, hasID bool) error {
	if reservedEvents[event] {
		return ErrReservedEvent
	}
	name, _ := marshalJSON(event)
	pkts := encodeEvent(s.nsp, name, args, id, hasID)
	s.mu.Lock()
	if !s.connected {
		defer s.mu.Unlock()
		if len(s.offline) >= MaxOfflineBuffer {
			return ErrOfflineBufferFull
		}
		s.offline = append(s.offline, pkts)
		return nil
	}
	s.mu.Unlock()
	eio := s.m.Engine()
	if eio == nil {
		s.mu.Lock()
		s.offline = append(s.offline, pkts)
		s.mu.Unlock()
		return nil
	}
	return eio.SendPackets(pkts...)
}

// Disconnect leaves the namespace (DISCONNECT) and stops reconnecting it;
// the connection closes when no namespace uses it.
func (s *ClientSocket) Disconnect() {
	s.mu.Lock()
	s.active = false
	connected := s.connected
	s.mu.Unlock()
	if eio := s.m.Engine(); eio != nil && connected {
		p := Packet{Type: PacketDisconnect, Namespace: s.nsp}
		_ = eio.Send(p.AppendText(nil), false)
	}
	s.onClose("io client disconnect")
	s.m.socketLeft()
}
