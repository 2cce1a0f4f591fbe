// Labelling Socket.IO on the wire, for the lessons: the packet type, the
// attachments, the namespace, the ack id, the event name and arguments.

package socketio

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"netlab/osi"
	"netlab/realtime/engineio"
	"netlab/wsframe"
)

var packetMeaning = map[PacketType]string{
	PacketConnect:      "join a namespace (from the client, with its auth payload) or the server's yes (with the socket's id)",
	PacketDisconnect:   "leave a namespace",
	PacketEvent:        "an event: a name and arguments, as a JSON array",
	PacketAck:          "the answer to the event that carried the same id",
	PacketConnectError: "the server refuses the namespace",
	PacketBinaryEvent:  "an event with binary arguments: they follow as binary messages",
	PacketBinaryAck:    "an answer with binary arguments: they follow as binary messages",
}

// ExplainPacketText labels a Socket.IO packet in its text form.
func ExplainPacketText(b []byte) []osi.Annotation {
	app := osi.Application
	if len(b) == 0 {
		return nil
	}
	t := PacketType(b[0])
	m, ok := packetMeaning[t]
	if !ok {
		m = "not a Socket.IO packet type: the server closes the connection"
	}
	out := []osi.Annotation{{Start: 0, End: 1, Field: "Socket.IO type", Value: fmt.Sprintf("%c (%v)", b[0], t), Meaning: m, Layer: app}}
	i := 1
	if t == PacketBinaryEvent || t == PacketBinaryAck {
		if dash := bytes.IndexByte(b[i:], '-'); dash >= 0 {
			out = append(out, osi.Annotation{Start: i, End: i + dash + 1, Field: "attachments", Value: string(b[i : i+dash]),
				Meaning: "how many binary messages follow; placeholders in the JSON point to them by number", Layer: app})
			i += dash + 1
		}
	}
	if i < len(b) && b[i] == '/' {
		end := bytes.IndexByte(b[i:], ',')
		if end < 0 {
			end = len(b) - i
		} else {
			end++
		}
		out = append(out, osi.Annotation{Start: i, End: i + end, Field: "namespace", Value: string(bytes.TrimSuffix(b[i:i+end], []byte(","))),
			Meaning: "which channel of the connection; absent means \"/\"", Layer: app})
		i += end
	}
	j := i
	for j < len(b) && b[j] >= '0' && b[j] <= '9' {
		j++
	}
	if j > i {
		mean := "the sender wants an answer: the ACK carries the same id"
		if t == PacketAck || t == PacketBinaryAck {
			mean = "answers the event that carried this id"
		}
		out = append(out, osi.Annotation{Start: i, End: j, Field: "ack id", Value: string(b[i:j]), Meaning: mean, Layer: app})
		i = j
	}
	if i < len(b) {
		out = append(out, explainData(t, b[i:], i)...)
	}
	return out
}

// explainData labels the JSON: an event's name and each argument, or the
// whole object.
func explainData(t PacketType, data []byte, at int) []osi.Annotation {
	app := osi.Application
	if t != PacketEvent && t != PacketBinaryEvent && t != PacketAck && t != PacketBinaryAck {
		mean := ""
		switch t {
		case PacketConnect:
			mean = "from the client: its auth payload; from the server: sid (the socket's id) and, with recovery on, pid (a private id to ask for recovery with)"
		case PacketConnectError:
			mean = "why the namespace was refused"
		}
		return []osi.Annotation{{Start: at, End: at + len(data), Field: "payload", Value: quoteData(data), Meaning: mean, Layer: app}}
	}
	elems := arrayElements(data)
	if elems == nil {
		return []osi.Annotation{{Start: at, End: at + len(data), Field: "payload", Value: quoteData(data), Meaning: "not a JSON array", Layer: app}}
	}
	var out []osi.Annotation
	for k, e := range elems {
		field, mean := "argument "+strconv.Itoa(k+1), ""
		if t == PacketEvent || t == PacketBinaryEvent {
			field = "argument " + strconv.Itoa(k)
			if k == 0 {
				field, mean = "event name", "the handler the receiver runs"
			}
		}
		v := data[e[0]:e[1]]
		if _, ok := placeholderNum(json.RawMessage(v)); ok {
			mean = "a placeholder: the binary message of that number stands here"
		}
		out = append(out, osi.Annotation{Start: at + e[0], End: at + e[1], Field: field, Value: quoteData(v), Meaning: mean, Layer: app})
	}
	return out
}

// arrayElements returns the [start, end) offsets of a JSON array's
// elements, or nil if data is not an array.
func arrayElements(data []byte) [][2]int {
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('[') {
		return nil
	}
	out := [][2]int{}
	for dec.More() {
		start := int(dec.InputOffset())
		for start < len(data) && (data[start] == ',' || data[start] == ' ' || data[start] == '\t' || data[start] == '\n' || data[start] == '\r') {
			start++
		}
		var raw json.RawMessage
		if dec.Decode(&raw) != nil {
			return nil
		}
		out = append(out, [2]int{start, int(dec.InputOffset())})
	}
	return out
}

func quoteData(b []byte) string {
	if len(b) > 60 {
		return string(b[:60]) + "…"
	}
	return string(b)
}

// ExplainWebSocketMessage labels a WebSocket message of a Socket.IO
// connection: Engine.IO's type, then Socket.IO's packet. Use it with
// wsframe.StreamExplainer.ExplainPayloads.
func ExplainWebSocketMessage(op wsframe.Opcode, payload []byte) []osi.Annotation {
	switch op {
	case wsframe.OpText:
		return engineio.ExplainPacket(payload, false, ExplainPacketText)
	case wsframe.OpBinary:
		return engineio.ExplainPacket(payload, true, nil)
	}
	return nil
}

// ExplainPollingBody labels an HTTP long-polling body of a Socket.IO
// connection. Use it with httpdemo.StreamExplainer.ExplainBodies.
func ExplainPollingBody(body []byte) []osi.Annotation {
	if string(body) == "ok" {
		return []osi.Annotation{{Start: 0, End: 2, Field: "POST answer", Value: "ok", Meaning: "the server took the packets", Layer: osi.Application}}
	}
	return engineio.ExplainPayload(body, ExplainPacketText)
}
