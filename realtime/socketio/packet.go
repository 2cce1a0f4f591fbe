// Socket.IO packets: the type digit, the attachment count of binary
// packets, the namespace, the acknowledgement id and the JSON payload, in
// that order, each part present only when needed.

package socketio

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
)

// A PacketType is the first character of a Socket.IO packet.
type PacketType byte

// The packet types of protocol version 5.
const (
	PacketConnect      PacketType = '0' // join a namespace (client), or the answer with the socket's id (server)
	PacketDisconnect   PacketType = '1' // leave a namespace
	PacketEvent        PacketType = '2' // an event: ["name", args...]
	PacketAck          PacketType = '3' // the answer to an event that carried an ack id
	PacketConnectError PacketType = '4' // the server refuses to join a namespace
	PacketBinaryEvent  PacketType = '5' // an event whose binary arguments follow as separate messages
	PacketBinaryAck    PacketType = '6' // an ack whose binary arguments follow
)

// String returns the protocol's name of the type.
func (t PacketType) String() string {
	switch t {
	case PacketConnect:
		return "CONNECT"
	case PacketDisconnect:
		return "DISCONNECT"
	case PacketEvent:
		return "EVENT"
	case PacketAck:
		return "ACK"
	case PacketConnectError:
		return "CONNECT_ERROR"
	case PacketBinaryEvent:
		return "BINARY_EVENT"
	case PacketBinaryAck:
		return "BINARY_ACK"
	}
	return fmt.Sprintf("PacketType(%q)", byte(t))
}

// MaxAttachments is the most binary attachments one packet may announce,
// as the reference parser allows: the count comes from outside bytes and
// sizes what the server waits for.
const MaxAttachments = 10

// maxAckID is the largest ack id accepted: JavaScript numbers are exact up
// to 2^53-1, and socket.io clients count up from 0.
const maxAckID = 1<<53 - 1

// A Packet is one Socket.IO packet, as text. Binary attachments travel as
// the Engine.IO messages that follow it.
type Packet struct {
	Type        PacketType
	Namespace   string // "/" is the main namespace
	ID          int64  // the ack id, when HasID
	HasID       bool
	Attachments int             // how many binary messages follow (binary packets only)
	Data        json.RawMessage // the payload, as sent; nil when there is none
}

// AppendText appends the packet's wire form to dst.
func (p Packet) AppendText(dst []byte) []byte {
	dst = append(dst, byte(p.Type))
	if p.Type == PacketBinaryEvent || p.Type == PacketBinaryAck {
		dst = strconv.AppendInt(dst, int64(p.Attachments), 10)
		dst = append(dst, '-')
	}
	if p.Namespace != "" && p.Namespace != "/" {
		dst = append(dst, p.Namespace...)
		dst = append(dst, ',')
	}
	if p.HasID {
		dst = strconv.AppendInt(dst, p.ID, 10)
	}
	return append(dst, p.Data...)
}

// String is the packet's wire form.
func (p Packet) String() string { return string(p.AppendText(nil)) }

// ParsePacket reads a packet in its text form. It accepts what the
// reference parser (socket.io-parser 4.2) accepts, with two limits of its
// own: an ack id is digits only, at most 2^53-1.
func ParsePacket(b []byte) (Packet, error) {
	if len(b) == 0 {
		return Packet{}, fmt.Errorf("%w: an empty packet", ErrBadPacket)
	}
	p := Packet{Type: PacketType(b[0]), Namespace: "/"}
	if p.Type < PacketConnect || p.Type > PacketBinaryAck {
		return Packet{}, fmt.Errorf("%w: unknown packet type %q", ErrBadPacket, b[0])
	}
	rest := b[1:]
	if p.Type == PacketBinaryEvent || p.Type == PacketBinaryAck {
		dash := bytes.IndexByte(rest, '-')
		if dash < 0 {
			return Packet{}, fmt.Errorf("%w: a binary packet without its attachment count and '-'", ErrBadPacket)
		}
		n, err := strconv.Atoi(string(rest[:dash]))
		if err != nil || n < 1 {
			return Packet{}, fmt.Errorf("%w: attachment count %q", ErrBadPacket, rest[:dash])
		}
		if n > MaxAttachments {
			return Packet{}, fmt.Errorf("%w: %d attachments, more than %d", ErrBadPacket, n, MaxAttachments)
		}
		p.Attachments, rest = n, rest[dash+1:]
	}
	if len(rest) > 0 && rest[0] == '/' {
		end := bytes.IndexByte(rest, ',')
		if end < 0 {
			p.Namespace, rest = string(rest), nil
		} else {
			p.Namespace, rest = string(rest[:end]), rest[end+1:]
		}
	}
	digits := 0
	for digits < len(rest) && rest[digits] >= '0' && rest[digits] <= '9' {
		digits++
	}
	if digits > 0 {
		id, err := strconv.ParseInt(string(rest[:digits]), 10, 64)
		if err != nil || id > maxAckID {
			return Packet{}, fmt.Errorf("%w: ack id %s is larger than 2^53-1", ErrBadPacket, rest[:digits])
		}
		p.ID, p.HasID, rest = id, true, rest[digits:]
	}
	if len(rest) > 0 {
		if !json.Valid(rest) {
			return Packet{}, fmt.Errorf("%w: the payload is not JSON: %.40q", ErrBadPacket, rest)
		}
		p.Data = json.RawMessage(rest)
	}
	if err := p.checkPayload(); err != nil {
		return Packet{}, err
	}
	return p, nil
}

// reservedEvents are names a client may not send: they mean something
// else on one side or the other.
var reservedEvents = map[string]bool{
	"connect": true, "connect_error": true, "disconnect": true,
	"disconnecting": true, "newListener": true, "removeListener": true,
}

// checkPayload applies the reference parser's rules for each type's
// payload. Like the reference parser, it lets any type come without one.
func (p Packet) checkPayload() error {
	kind := jsonKind(p.Data)
	if kind == 0 {
		return nil
	}
	ok := false
	switch p.Type {
	case PacketConnect:
		ok = kind == '{'
	case PacketDisconnect:
		ok = kind == 0
	case PacketConnectError:
		ok = kind == '{' || kind == '"'
	case PacketAck, PacketBinaryAck:
		ok = kind == '['
	case PacketEvent, PacketBinaryEvent:
		if kind == '[' {
			var first []json.RawMessage
			if json.Unmarshal(p.Data, &first) == nil && len(first) > 0 {
				switch jsonKind(first[0]) {
				case 'n':
					ok = true
				case '"':
					var name string
					ok = json.Unmarshal(first[0], &name) == nil && !reservedEvents[name]
				}
			}
		}
	}
	if !ok {
		return fmt.Errorf("%w: invalid payload for %v: %.40q", ErrBadPacket, p.Type, p.Data)
	}
	return nil
}

// jsonKind is the kind of a JSON value by its first byte: '{', '[', '"',
// 'n' for a number, 'l' for a literal (true, false, null), 0 for nothing.
func jsonKind(v []byte) byte {
	v = bytes.TrimLeft(v, " \t\r\n")
	if len(v) == 0 {
		return 0
	}
	switch c := v[0]; {
	case c == '{' || c == '[' || c == '"':
		return c
	case c == '-' || (c >= '0' && c <= '9'):
		return 'n'
	}
	return 'l'
}
