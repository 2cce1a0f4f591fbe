// Turning an event or an ack into the Engine.IO messages that carry it:
// the packet's text, then one binary message per attachment.

package socketio

import (
	"encoding/json"

	"netlab/realtime/engineio"
)

// encodeEvent encodes an event (or, with name nil, an ack) as Engine.IO
// packets, built once: a broadcast hands the same packets to every client.
func encodeEvent(namespace string, name []byte, args Args, id int64, hasID bool) []engineio.Packet {
	p := Packet{Type: PacketEvent, Namespace: namespace, ID: id, HasID: hasID}
	if name == nil {
		p.Type = PacketAck
	}
	if len(args.Binary) > 0 {
		p.Type += PacketBinaryEvent - PacketEvent // BINARY_EVENT, or BINARY_ACK
		p.Attachments = len(args.Binary)
	}
	// One buffer: a byte for Engine.IO's type, the packet's head, the JSON.
	size := 24 + len(namespace) + len(name)
	for _, j := range args.JSON {
		size += len(j) + 1
	}
	frame := p.AppendText(make([]byte, 1, size))
	frame = appendArray(frame, name, args.JSON)
	out := make([]engineio.Packet, 1, 1+len(args.Binary))
	out[0] = engineio.MessageFrame(frame)
	for _, b := range args.Binary {
		out = append(out, engineio.MessagePacket(b, true))
	}
	return out
}

// withOffset returns args with the recovery offset as a last argument, as
// the reference server does: the client keeps the last string argument of
// every event it gets and sends it back when it reconnects.
func withOffset(args Args, offset string) Args {
	j, _ := marshalJSON(offset)
	out := Args{JSON: make([]json.RawMessage, len(args.JSON), len(args.JSON)+1), Binary: args.Binary}
	copy(out.JSON, args.JSON)
	out.JSON = append(out.JSON, j)
	return out
}

// packetBytes is what a stored packet costs: its text and attachments.
func packetBytes(pkts []engineio.Packet) int {
	n := 0
	for _, p := range pkts {
		n += len(p.Data) + 64
	}
	return n
}
