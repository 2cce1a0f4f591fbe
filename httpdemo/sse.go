// Server-Sent Events on the wire (HTML Living Standard, section 9.2).

package httpdemo

import (
	"bytes"
	"strconv"

	"netlab/osi"
)

// ExplainSSEEvent labels one Server-Sent Events event as it sits in a
// stream: its lines ("id: 7", "data: {...}", any other field) and the empty
// line that ends it. offset is where the event starts in b.
func ExplainSSEEvent(b []byte, offset int) []osi.Annotation {
	var out []osi.Annotation
	pos := offset
	for pos < len(b) {
		eol := bytes.IndexByte(b[pos:], '\n')
		if eol < 0 {
			return out
		}
		line := b[pos : pos+eol]
		if len(line) == 0 {
			out = append(out, osi.Annotation{Start: pos, End: pos + 1, Field: "empty line", Value: `\n`,
				Meaning: "the event ends: the browser dispatches it", Layer: osi.Application})
			return out
		}
		name, value, _ := bytes.Cut(line, []byte(":"))
		value = bytes.TrimPrefix(value, []byte(" "))
		meaning := map[string]string{
			"id":    "the event's id: a reconnecting browser sends it back as Last-Event-ID",
			"data":  "the event's data (here one update's JSON)",
			"event": "the event's type",
			"retry": "how long a browser waits before reconnecting, in ms",
		}[string(name)]
		out = append(out, osi.Annotation{Start: pos, End: pos + eol + 1, Field: string(name) + ":",
			Value: strconv.Quote(string(value)), Meaning: meaning, Layer: osi.Application})
		pos += eol + 1
	}
	return out
}
