// Labelling Engine.IO on the wire, for the lessons: which packet type each
// message is, and where a polling payload's packets begin and end.

package engineio

import (
	"fmt"

	"netlab/osi"
)

// meaning says what each packet type is for.
var meaning = map[PacketType]string{
	Open:    "the handshake: the session id, the upgrades offered, the heartbeat timing and the largest payload",
	Close:   "the session ends",
	Ping:    "are you there? (sent by the server every pingInterval; \"probe\" during an upgrade)",
	Pong:    "yes: the answer to a ping, due within pingTimeout",
	Message: "data for the layer above",
	Upgrade: "the client switches to the WebSocket it probed; polling stops",
	Noop:    "nothing: ends a pending polling GET so that the client can finish its upgrade",
}

// ExplainPacket labels one Engine.IO packet: a WebSocket message (binary
// true for a binary one) or one packet of a polling payload. inner, if
// not nil, labels a text message's data (from its offset 0).
func ExplainPacket(b []byte, binary bool, inner func(data []byte) []osi.Annotation) []osi.Annotation {
	app := osi.Application
	if binary {
		return []osi.Annotation{{Start: 0, End: len(b), Field: "Engine.IO binary message",
			Value: fmt.Sprintf("%d bytes", len(b)), Meaning: "raw bytes, no type character: over WebSocket a binary frame is always a message", Layer: app}}
	}
	if len(b) == 0 {
		return []osi.Annotation{{Start: 0, End: 0, Field: "Engine.IO packet", Value: "empty", Meaning: "not a valid packet", Layer: app}}
	}
	if b[0] == 'b' {
		return []osi.Annotation{{Start: 0, End: 1, Field: "Engine.IO binary marker", Value: "b",
			Meaning: "a binary message in a text-only polling payload", Layer: app},
			{Start: 1, End: len(b), Field: "base64 data", Value: fmt.Sprintf("%d characters", len(b)-1),
				Meaning: "the bytes in base64: a third larger than raw", Layer: app}}
	}
	t := PacketType(b[0])
	m, ok := meaning[t]
	if !ok {
		m = "not an Engine.IO packet type"
	}
	out := []osi.Annotation{{Start: 0, End: 1, Field: "Engine.IO type", Value: fmt.Sprintf("%c (%v)", b[0], t), Meaning: m, Layer: app}}
	if len(b) == 1 {
		return out
	}
	if t == Message && inner != nil {
		return append(out, osi.Shift(inner(b[1:]), 1)...)
	}
	field, mean := "data", ""
	switch t {
	case Open:
		field, mean = "handshake JSON", "sid names the session in every later request"
	case Ping, Pong:
		field, mean = "probe", "the upgrade's test: the WebSocket works both ways"
	}
	return append(out, osi.Annotation{Start: 1, End: len(b), Field: field, Value: quote(b[1:]), Meaning: mean, Layer: app})
}

// ExplainPayload labels a polling body: its packets and the record
// separators between them.
func ExplainPayload(body []byte, inner func(data []byte) []osi.Annotation) []osi.Annotation {
	var out []osi.Annotation
	start := 0
	for i := 0; i <= len(body); i++ {
		if i < len(body) && body[i] != recordSeparator {
			continue
		}
		out = append(out, osi.Shift(ExplainPacket(body[start:i], false, inner), start)...)
		if i < len(body) {
			out = append(out, osi.Annotation{Start: i, End: i + 1, Field: "record separator", Value: "0x1e",
				Meaning: "the next packet starts: one HTTP body carries several packets", Layer: osi.Application})
		}
		start = i + 1
	}
	return out
}

// quote shows data, cut at 80 bytes.
func quote(b []byte) string {
	if len(b) > 80 {
		return fmt.Sprintf("%q…", b[:80])
	}
	return fmt.Sprintf("%q", b)
}
