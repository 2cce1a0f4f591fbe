// Explaining a WebSocket byte stream as it passes: the handshake's HTTP
// head, then frame after frame, the way a protocol analyser dissects it.

package wsframe

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net/http"

	"netlab/httpdemo"
	"netlab/osi"
)

// maxExplained bounds the bytes a StreamExplainer holds: a frame larger
// than this has its header explained and its payload passed over.
const maxExplained = 1 << 20

// StreamExplainer labels one direction of a WebSocket connection. It
// implements osi.StreamExplainer.
type StreamExplainer struct {
	buf    []byte
	off    int64 // stream offset of buf[0]
	inHead bool  // still in the opening handshake's HTTP head
	skip   int64 // payload bytes of an oversized frame still to pass over
	done   bool  // the stream is not (or no longer) WebSocket frames

	payload func(op Opcode, payload []byte) []osi.Annotation
}

// ExplainPayloads adds an explainer for what the frames carry (a protocol
// above WebSocket, such as Engine.IO): f gets each whole frame's unmasked
// payload and labels it from offset 0. It returns s.
func (s *StreamExplainer) ExplainPayloads(f func(op Opcode, payload []byte) []osi.Annotation) *StreamExplainer {
	s.payload = f
	return s
}

// NewStreamExplainer returns an explainer for a direction that starts
// with the opening handshake (handshake true) or directly with frames.
func NewStreamExplainer(handshake bool) *StreamExplainer {
	return &StreamExplainer{inHead: handshake}
}

// Feed implements osi.StreamExplainer.
func (s *StreamExplainer) Feed(p []byte) []osi.Explanation {
	if s.done {
		return nil
	}
	if s.skip > 0 {
		n := min(s.skip, int64(len(p)))
		s.skip -= n
		s.off += n
		p = p[n:]
	}
	s.buf = append(s.buf, p...)
	var out []osi.Explanation
	for !s.done && len(s.buf) > 0 {
		x, used, ok := s.next()
		if !ok {
			break
		}
		if x.Fields != nil {
			x.Offset = s.off
			out = append(out, x)
		}
		s.buf = s.buf[used:]
		s.off += int64(used)
	}
	if len(s.buf) == 0 {
		s.buf = nil // let a large buffer go
	}
	return out
}

// next explains the unit at the start of the buffer, if it is whole.
func (s *StreamExplainer) next() (osi.Explanation, int, bool) {
	if s.inHead {
		// A head longer than DefaultMaxHead is given up on whether its end
		// has arrived or not, so the verdict does not depend on how the
		// stream was cut into reads.
		end := bytes.Index(s.buf, []byte("\r\n\r\n"))
		if end < 0 || end+4 > DefaultMaxHead {
			if end >= 0 || len(s.buf) > DefaultMaxHead {
				s.done = true
			}
			return osi.Explanation{}, 0, false
		}
		head := s.buf[:end+4]
		s.inHead = false
		fields, switching := explainHead(head)
		if !switching {
			s.done = true // a refusal: what follows is an HTTP body, not frames
		}
		return osi.Explanation{Fields: fields}, len(head), true
	}
	h, n, err := ParseHeader(s.buf)
	switch {
	case errors.Is(err, ErrShortHeader):
		return osi.Explanation{}, 0, false
	case err != nil:
		s.done = true
		return osi.Explanation{Fields: []osi.Annotation{{Start: 0, End: n, Field: "not a valid frame header",
			Value: err.Error(), Layer: osi.Application}}}, n, true
	case h.Length > maxExplained:
		fields := headerFields(h, s.buf[:n])
		fields = append(fields, osi.Annotation{Start: n, End: n, Field: "payload",
			Value: fmt.Sprintf("%d bytes, too long to show", h.Length), Layer: osi.Application})
		have := int64(len(s.buf) - n)
		if have > h.Length {
			have = h.Length
		}
		s.skip = h.Length - have
		return osi.Explanation{Fields: fields}, n + int(have), true
	case int64(len(s.buf)-n) < h.Length:
		return osi.Explanation{}, 0, false
	}
	v, err := ExplainFrame(s.buf)
	if err != nil {
		return osi.Explanation{}, 0, false
	}
	if s.payload != nil && len(v.Payload) > 0 && v.Header.Fin && v.Header.Op != OpContinuation {
		v.Fields = append(v.Fields, osi.Shift(s.payload(v.Header.Op, v.Payload), v.HeaderLen)...)
	}
	return osi.Explanation{Fields: v.Fields}, v.Size(), true
}

// explainHead labels a request or response head, and says whether it is
// the 101 that switches the connection to WebSocket (or a request, after
// which the client sends frames only if the server agreed).
func explainHead(head []byte) ([]osi.Annotation, bool) {
	br := bufio.NewReader(bytes.NewReader(head))
	if bytes.HasPrefix(head, []byte("HTTP/")) {
		resp, err := httpdemo.ReadResponseHead(br, httpdemo.Limits{MaxHead: len(head)})
		if err != nil {
			return []osi.Annotation{{Start: 0, End: len(head), Field: "HTTP response head", Value: err.Error(), Layer: osi.Application}}, false
		}
		return resp.Annotations(), resp.Status == http.StatusSwitchingProtocols
	}
	req, err := httpdemo.ReadRequestHead(br, httpdemo.Limits{MaxHead: len(head)})
	if err != nil {
		return []osi.Annotation{{Start: 0, End: len(head), Field: "HTTP request head", Value: err.Error(), Layer: osi.Application}}, false
	}
	return req.Annotations(), true
}
