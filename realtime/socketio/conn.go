// One client's Engine.IO session seen from Socket.IO: the packets it
// sends, reassembled with their binary attachments, routed to the socket
// of their namespace.

package socketio

import (
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"netlab/realtime/engineio"
)

// conn is the Socket.IO state of one Engine.IO session.
type conn struct {
	srv *Server
	eio *engineio.Session

	mu           sync.Mutex
	sockets      map[string]*Socket // by namespace
	closed       bool
	connectTimer *time.Timer

	// A binary packet waiting for its attachments. Only the delivery
	// goroutine touches these: Engine.IO delivers one message at a time.
	partial *Packet
	bins    [][]byte
}

// onMessage handles one Engine.IO message from the client.
func (c *conn) onMessage(data []byte, binary bool) {
	if binary {
		if c.partial == nil {
			c.parseError("a binary message when no binary packet announced one")
			return
		}
		c.bins = append(c.bins, data)
		if len(c.bins) == c.partial.Attachments {
			p, bins := *c.partial, c.bins
			c.partial, c.bins = nil, nil
			c.dispatch(p, bins)
		}
		return
	}
	if c.partial != nil {
		c.parseError(fmt.Sprintf("a text message while %d binary attachments were still due", c.partial.Attachments-len(c.bins)))
		return
	}
	p, err := ParsePacket(data)
	if err != nil {
		c.parseError(err.Error())
		return
	}
	if p.Type == PacketBinaryEvent || p.Type == PacketBinaryAck {
		c.partial = &p
		return
	}
	c.dispatch(p, nil)
}

// parseError closes the session, as the reference server does when its
// decoder throws.
func (c *conn) parseError(detail string) {
	c.eio.End(engineio.ReasonParseError, detail)
}

// dispatch routes a whole packet.
func (c *conn) dispatch(p Packet, bins [][]byte) {
	if p.Type == PacketConnect {
		c.connect(p)
		return
	}
	c.mu.Lock()
	s := c.sockets[p.Namespace]
	c.mu.Unlock()
	if s == nil {
		return // not in that namespace: the reference server ignores the packet
	}
	switch p.Type {
	case PacketDisconnect:
		s.closeFor("client namespace disconnect")
	case PacketEvent, PacketBinaryEvent:
		if p.Data == nil {
			return // an event without a name: the reference server drops it too
		}
		var all []json.RawMessage
		if err := json.Unmarshal(p.Data, &all); err != nil {
			c.parseError(err.Error())
			return
		}
		args := Args{JSON: all[1:], Binary: bins}
		if err := args.checkBinary(p); err != nil {
			c.parseError(err.Error())
			return
		}
		s.onEvent(eventName(all[0]), args, p.ID, p.HasID)
	case PacketAck, PacketBinaryAck:
		var all []json.RawMessage
		if p.Data == nil {
			p.Data = json.RawMessage("[]") // an ack without arguments
		}
		if err := json.Unmarshal(p.Data, &all); err != nil {
			c.parseError(err.Error())
			return
		}
		args := Args{JSON: all, Binary: bins}
		if err := args.checkBinary(p); err != nil {
			c.parseError(err.Error())
			return
		}
		if p.HasID {
			s.acks.resolve(p.ID, args)
		}
	}
}

// eventName is the event's name: a string, or a number's JSON text.
func eventName(j json.RawMessage) string {
	var name string
	if json.Unmarshal(j, &name) == nil {
		return name
	}
	return string(j)
}

// connect joins a namespace, or refuses.
func (c *conn) connect(p Packet) {
	ns := c.srv.namespace(p.Namespace)
	if ns == nil {
		c.send(Packet{Type: PacketConnectError, Namespace: p.Namespace, Data: json.RawMessage(`{"message":"Invalid namespace"}`)})
		return
	}
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	if _, dup := c.sockets[ns.name]; dup {
		c.mu.Unlock()
		return // already there: the reference server ignores a second CONNECT
	}
	if c.connectTimer != nil {
		c.connectTimer.Stop()
		c.connectTimer = nil
	}
	c.mu.Unlock()
	auth := p.Data
	if auth == nil {
		auth = json.RawMessage("{}")
	}
	ns.connect(c, auth)
}

// add registers a connected socket; false if the session closed meanwhile.
func (c *conn) add(s *Socket) bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return false
	}
	c.sockets[s.ns.name] = s
	return true
}

func (c *conn) remove(s *Socket) {
	c.mu.Lock()
	if c.sockets[s.ns.name] == s {
		delete(c.sockets, s.ns.name)
	}
	c.mu.Unlock()
}

// send queues one packet without attachments.
func (c *conn) send(p Packet) error {
	return c.eio.SendPackets(engineio.Packet{Type: engineio.Message, Data: p.AppendText(nil)})
}

// onClose disconnects every socket of the session with its reason.
func (c *conn) onClose(reason string) {
	c.mu.Lock()
	c.closed = true
	if c.connectTimer != nil {
		c.connectTimer.Stop()
	}
	sockets := make([]*Socket, 0, len(c.sockets))
	for _, s := range c.sockets {
		sockets = append(sockets, s)
	}
	c.mu.Unlock()
	for _, s := range sockets {
		s.closeFor(reason)
	}
}

func (c *conn) connectTimedOut() {
	c.mu.Lock()
	idle := len(c.sockets) == 0 && !c.closed
	c.mu.Unlock()
	if idle {
		c.eio.End(engineio.ReasonForcedClose, "no namespace joined within the connect timeout")
	}
}
