// Labelling Engine.IO on the wire, for the lessons: which packet type each
// message is, and where a polling payload's packets begin and end.

package engineio

import (
	"encoding/json"
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
	if len(body) > 0 && !startsPacket(body[0]) {
		return explainRefusal(body)
	}
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

// startsPacket says whether b can begin a packet in a polling payload: a
// type digit, or "b" for base64 binary.
func startsPacket(b byte) bool { return b >= '0' && b <= '6' || b == 'b' }

// errorCodes are the codes of the reference server's JSON refusals.
var errorCodes = map[int]string{
	0: "the transport is neither polling nor websocket",
	1: "no session has this sid (it ended, or never was)",
	2: "a handshake must be a GET",
	3: "the request breaks the protocol (a second GET or POST at once, a polling request on an upgraded session…)",
	4: "refused by the server's own check",
	5: "EIO is not 4: another protocol version",
}

// explainRefusal labels a body that is no payload: the server's refusal,
// as the reference server's JSON {"code", "message"} or as plain text.
func explainRefusal(body []byte) []osi.Annotation {
	var e struct {
		Code    *int   `json:"code"`
		Message string `json:"message"`
	}
	if json.Unmarshal(body, &e) == nil && e.Code != nil {
		meaning := errorCodes[*e.Code]
		if meaning == "" {
			meaning = "an error code of this server's own"
		}
		return []osi.Annotation{{Start: 0, End: len(body), Field: "refusal (JSON)", Value: fmt.Sprintf("code %d, %q", *e.Code, e.Message),
			Meaning: "not a payload: the server refused the request (with 400); " + meaning, Layer: osi.Application}}
	}
	return []osi.Annotation{{Start: 0, End: len(body), Field: "refusal (text)", Value: quote(body),
		Meaning: "not a payload: the server's error, for people (its HTTP status says which)", Layer: osi.Application}}
}
