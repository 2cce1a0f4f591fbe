// Namespaces: independent channels on one connection, each with its own
// sockets, rooms, handlers and recovery log.

package socketio

import (
	"encoding/json"
	"slices"
	"sync"

	"netlab/realtime/engineio"
)

// A Namespace is one channel of a Server ("/", "/chat"...). A client
// joins it with a CONNECT packet and gets a Socket in it.
type Namespace struct {
	srv  *Server
	name string

	// mu guards the sockets, the rooms and the recovery log. A broadcast
	// that is kept for recovery holds it while it queues its packets to
	// every client, so that a client being restored gets each event
	// exactly once: from the log or live, never both, never neither.
	mu       sync.RWMutex
	sockets  map[string]*Socket              // by id
	rooms    map[string]map[*Socket]struct{} // joined rooms (a socket's own room is implicit)
	recovery *recoveryLog                    // nil when recovery is off

	hmu          sync.Mutex
	onConnection []func(*Socket)
	middleware   []func(*Socket) error
}

func newNamespace(srv *Server, name string) *Namespace {
	ns := &Namespace{srv: srv, name: name, sockets: map[string]*Socket{}, rooms: map[string]map[*Socket]struct{}{}}
	if srv.opts.Recovery != nil {
		ns.recovery = newRecoveryLog(*srv.opts.Recovery, ns, srv.opts.Rand)
	}
	return ns
}

// Name is the namespace's name.
func (n *Namespace) Name() string { return n.name }

// OnConnection adds a handler for every socket that joins. It runs after
// the CONNECT reply is queued and before the socket's first event is
// handled: set the socket's handlers there.
func (n *Namespace) OnConnection(f func(*Socket)) {
	n.hmu.Lock()
	defer n.hmu.Unlock()
	n.onConnection = append(n.onConnection, f)
}

// Use adds a middleware: it runs before a socket joins, and an error
// refuses the socket with CONNECT_ERROR {"message": err.Error()}. A socket
// whose state is recovered skips the middleware, as the reference server
// does by default.
func (n *Namespace) Use(f func(*Socket) error) {
	n.hmu.Lock()
	defer n.hmu.Unlock()
	n.middleware = append(n.middleware, f)
}

// Len is the number of connected sockets.
func (n *Namespace) Len() int {
	n.mu.RLock()
	defer n.mu.RUnlock()
	return len(n.sockets)
}

// Socket returns the connected socket with that id, or nil.
func (n *Namespace) Socket(id string) *Socket {
	n.mu.RLock()
	defer n.mu.RUnlock()
	return n.sockets[id]
}

// Emit sends an event to every socket of the namespace.
func (n *Namespace) Emit(event string, values ...any) error {
	return n.broadcast().Emit(event, values...)
}

// To selects the sockets in any of the rooms (In is the same).
func (n *Namespace) To(rooms ...string) Broadcast { return n.broadcast().To(rooms...) }

// In selects the sockets in any of the rooms.
func (n *Namespace) In(rooms ...string) Broadcast { return n.To(rooms...) }

// Except leaves out the sockets in any of the rooms.
func (n *Namespace) Except(rooms ...string) Broadcast { return n.broadcast().Except(rooms...) }

// Volatile makes a broadcast that skips clients not ready to take it now.
func (n *Namespace) Volatile() Broadcast { return n.broadcast().Volatile() }

func (n *Namespace) broadcast() Broadcast { return Broadcast{ns: n} }

// recoveryRequest is what a reconnecting client's CONNECT carries.
type recoveryRequest struct {
	PID    *string `json:"pid"`
	Offset *string `json:"offset"`
}

// connect makes a socket for a CONNECT packet: restored from its earlier
// session when the client asks and the server still can, else new after
// the middleware agrees.
func (n *Namespace) connect(c *conn, auth json.RawMessage) {
	s := newSocket(n, c, auth)
	if n.recovery != nil {
		var req recoveryRequest
		if json.Unmarshal(auth, &req) == nil && req.PID != nil {
			if n.restore(s, *req.PID, req.Offset) {
				n.connected(s)
				return
			}
		}
	}
	n.hmu.Lock()
	mws := n.middleware
	n.hmu.Unlock()
	for _, mw := range mws {
		if err := mw(s); err != nil {
			msg, _ := marshalJSON(map[string]string{"message": err.Error()})
			_ = c.send(Packet{Type: PacketConnectError, Namespace: n.name, Data: msg})
			return
		}
	}
	n.mu.Lock()
	if n.recovery != nil {
		s.pid = n.srv.newID()
		s.startSeq = n.recovery.seq
	}
	ok := n.addLocked(s)
	if ok {
		_ = c.send(s.connectReply())
	}
	n.mu.Unlock()
	if ok {
		n.connected(s)
	}
}

// restore gives s the id, rooms and missed events of the session pid,
// after the offset (or after the session began, when the client saw no
// event). It reports false when the session is unknown, expired, or its
// events are no longer all kept.
func (n *Namespace) restore(s *Socket, pid string, offset *string) bool {
	n.mu.Lock()
	defer n.mu.Unlock()
	prev, missed, ok := n.recovery.restore(pid, offset)
	if !ok {
		return false
	}
	s.id, s.pid, s.startSeq, s.recovered = prev.sid, prev.pid, prev.startSeq, true
	if old := n.sockets[s.id]; old != nil {
		return false // the old socket is still connected: nothing to recover
	}
	if !n.addLocked(s) {
		return false
	}
	for _, room := range prev.rooms {
		n.joinLocked(s, room)
	}
	// The answer and the missed events are queued in one go: they leave in
	// one write, before anything sent after.
	reply := s.connectReply()
	all := []engineio.Packet{{Type: engineio.Message, Data: reply.AppendText(nil)}}
	for _, pkts := range missed {
		all = append(all, pkts...)
	}
	_ = s.conn.eio.SendPackets(all...)
	return true
}

// addLocked registers a socket in the namespace and its connection.
func (n *Namespace) addLocked(s *Socket) bool {
	if !s.conn.add(s) {
		return false
	}
	s.mu.Lock()
	s.connected = true
	s.mu.Unlock()
	n.sockets[s.id] = s
	return true
}

// connected runs the connection handlers.
func (n *Namespace) connected(s *Socket) {
	n.hmu.Lock()
	hs := n.onConnection
	n.hmu.Unlock()
	for _, h := range hs {
		h(s)
	}
}

// joinLocked puts s in a room.
func (n *Namespace) joinLocked(s *Socket, room string) {
	if room == s.id {
		return // every socket is in its own room already
	}
	members := n.rooms[room]
	if members == nil {
		members = map[*Socket]struct{}{}
		n.rooms[room] = members
	}
	if _, in := members[s]; in {
		return
	}
	members[s] = struct{}{}
	s.rooms = append(s.rooms, room)
}

// leaveLocked takes s out of a room; an empty room ceases to exist.
func (n *Namespace) leaveLocked(s *Socket, room string) {
	members := n.rooms[room]
	if _, in := members[s]; !in {
		return
	}
	delete(members, s)
	if len(members) == 0 {
		delete(n.rooms, room)
		if len(n.rooms) == 0 {
			n.rooms = map[string]map[*Socket]struct{}{} // a map never shrinks: let the grown one go
		}
	}
	for i, r := range s.rooms {
		if r == room {
			s.rooms = append(s.rooms[:i], s.rooms[i+1:]...)
			break
		}
	}
}

// removeLocked takes a disconnecting socket out of every room, keeping
// its session for recovery if the reason allows.
func (n *Namespace) removeLocked(s *Socket, reason string) {
	if n.recovery != nil && recoverable(reason) {
		rooms := append([]string{s.id}, s.rooms...)
		n.recovery.persist(storedSession{sid: s.id, pid: s.pid, rooms: rooms, startSeq: s.startSeq})
	}
	for len(s.rooms) > 0 {
		n.leaveLocked(s, s.rooms[len(s.rooms)-1])
	}
	if n.sockets[s.id] == s {
		delete(n.sockets, s.id)
		if len(n.sockets) == 0 {
			n.sockets = map[string]*Socket{} // a map never shrinks: let the grown one go
		}
	}
}

// recoverable are the reasons after which the reference server keeps a
// session for recovery: the connection was lost, not ended on purpose.
func recoverable(reason string) bool {
	switch reason {
	case engineio.ReasonTransportError, engineio.ReasonTransportClose, engineio.ReasonForcedClose,
		engineio.ReasonPingTimeout, engineio.ReasonServerShutdown, "forced server close":
		return true
	}
	return false
}

// RoomSize is the number of sockets in a room.
func (n *Namespace) RoomSize(room string) int {
	n.mu.RLock()
	defer n.mu.RUnlock()
	size := len(n.rooms[room])
	if s := n.sockets[room]; s != nil {
		if _, in := n.rooms[room][s]; !in {
			size++
		}
	}
	return size
}

// Rooms returns the rooms sockets have joined, by name, each with its
// members' ids, sorted. A socket's own room is not listed.
func (n *Namespace) Rooms() map[string][]string {
	n.mu.RLock()
	defer n.mu.RUnlock()
	out := make(map[string][]string, len(n.rooms))
	for room, members := range n.rooms {
		ids := make([]string, 0, len(members))
		for s := range members {
			ids = append(ids, s.id)
		}
		slices.Sort(ids)
		out[room] = ids
	}
	return out
}

func (n *Namespace) close() {
	if n.recovery != nil {
		n.mu.Lock()
		n.recovery.stop()
		n.mu.Unlock()
	}
}
