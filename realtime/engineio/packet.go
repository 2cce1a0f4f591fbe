// Engine.IO packets and their two encodings: one per WebSocket frame, or
// several in one HTTP body joined by the record separator 0x1e.

package engineio

import (
	"bytes"
	"encoding/base64"
	"fmt"
)

// A PacketType is the first character of an Engine.IO packet.
type PacketType byte

// The packet types of Engine.IO version 4.
const (
	Open    PacketType = '0' // the handshake: the session's parameters, as JSON
	Close   PacketType = '1' // the session ends
	Ping    PacketType = '2' // the server asks "are you there?" (or "probe" during an upgrade)
	Pong    PacketType = '3' // the answer
	Message PacketType = '4' // data for the layer above (Socket.IO)
	Upgrade PacketType = '5' // the client switches to WebSocket
	Noop    PacketType = '6' // nothing: ends a pending polling request during an upgrade
)

// String returns the protocol's name of the type.
func (t PacketType) String() string {
	switch t {
	case Open:
		return "open"
	case Close:
		return "close"
	case Ping:
		return "ping"
	case Pong:
		return "pong"
	case Message:
		return "message"
	case Upgrade:
		return "upgrade"
	case Noop:
		return "noop"
	}
	return fmt.Sprintf("PacketType(%q)", byte(t))
}

// A Packet is one Engine.IO packet. Binary packets are always messages.
type Packet struct {
	Type   PacketType
	Data   []byte
	Binary bool

	frame []byte // the WebSocket frame payload, made once by MessagePacket
}

// MessagePacket makes a message packet whose WebSocket form is encoded
// once: a broadcast hands the same packet, and the same bytes, to every
// session.
func MessagePacket(data []byte, binary bool) Packet {
	p := Packet{Type: Message, Data: data, Binary: binary}
	p.frame = p.wsPayload()
	return p
}

// MessageFrame makes a text message packet whose data is frame[1:]; it
// sets frame[0] to the message type '4'. A layer above that builds its
// message after one reserved byte gets a packet whose polling and
// WebSocket forms share one buffer: nothing is copied.
func MessageFrame(frame []byte) Packet {
	frame[0] = byte(Message)
	return Packet{Type: Message, Data: frame[1:], frame: frame}
}

// wsPayload is the packet as one WebSocket message: the type character and
// the data for text, the bare data for binary.
func (p Packet) wsPayload() []byte {
	if p.frame != nil {
		return p.frame
	}
	if p.Binary {
		return p.Data
	}
	b := make([]byte, 0, 1+len(p.Data))
	b = append(b, byte(p.Type))
	return append(b, p.Data...)
}

// recordSeparator joins packets in a polling payload.
const recordSeparator = 0x1e

// appendText appends p as text: its type character, then its data; a
// binary message as "b" and base64 (the polling encoding).
func appendText(dst []byte, p Packet) []byte {
	if p.Binary {
		dst = append(dst, 'b')
		return base64.StdEncoding.AppendEncode(dst, p.Data)
	}
	dst = append(dst, byte(p.Type))
	return append(dst, p.Data...)
}

// EncodePayload joins packets for a polling response body.
func EncodePayload(packets []Packet) []byte {
	var out []byte
	for i, p := range packets {
		if i > 0 {
			out = append(out, recordSeparator)
		}
		out = appendText(out, p)
	}
	return out
}

// DecodePayload splits a polling request body into packets. Every packet
// must have a known type; "b" packets must be valid base64.
func DecodePayload(body []byte) ([]Packet, error) {
	var out []Packet
	for _, part := range bytes.Split(body, []byte{recordSeparator}) {
		p, err := decodeText(part)
		if err != nil {
			return out, err
		}
		out = append(out, p)
	}
	return out, nil
}

// decodeText reads one packet in its text form.
func decodeText(b []byte) (Packet, error) {
	if len(b) == 0 {
		return Packet{}, fmt.Errorf("%w: an empty packet", ErrBadPacket)
	}
	if b[0] == 'b' {
		data, err := base64.StdEncoding.DecodeString(string(b[1:]))
		if err != nil {
			return Packet{}, fmt.Errorf("%w: binary packet not in base64: %v", ErrBadPacket, err)
		}
		return Packet{Type: Message, Data: data, Binary: true}, nil
	}
	t := PacketType(b[0])
	if t < Open || t > Noop {
		return Packet{}, fmt.Errorf("%w: type %q", ErrBadPacket, b[0])
	}
	return Packet{Type: t, Data: b[1:]}, nil
}
