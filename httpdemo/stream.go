// Explaining an HTTP/1.1 byte stream as it passes, message after message
// (RFC 9112, sections 2, 6 and 9.3): heads, bodies framed by
// Content-Length or chunked coding, keep-alive sequences, and the point
// where an Upgrade hands the connection to another protocol.

package httpdemo

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"

	"netlab/osi"
)

// Bounds on what a StreamExplainer holds. A body longer than maxExplained
// has its head explained and its bytes passed over (Content-Length), or
// ends the explaining (chunked, until close: their end cannot be found
// without reading them).
const (
	maxExplained  = 1 << 20
	maxStreamHead = 64 << 10
)

// The states of an Upgrade request (RFC 9110, section 7.8).
const (
	upgradeNone     = iota
	upgradeAsked    // the client asked; it waits for the answer before sending more
	upgradeSwitched // the server answered 101: another protocol follows both heads
	upgradeRefused  // the server answered otherwise: HTTP goes on
)

// exchange is what the two directions of one connection share: the methods
// of requests still waiting for their responses (a response to HEAD has
// no body, RFC 9112 section 6.3), and the fate of an Upgrade request.
type exchange struct {
	mu       sync.Mutex
	waiting  []sentRequest
	upgrade  int
	protocol string
}

// sentRequest is a request whose response has not been explained yet.
type sentRequest struct {
	method  string
	upgrade bool // it asked to switch protocols
}

// A StreamExplainer labels one direction of an HTTP/1.1 connection, the
// client's requests or the server's responses, as a protocol analyser
// dissects a stream. It implements osi.StreamExplainer. The two explainers
// NewStreamExplainers returns may be fed from different goroutines; each
// one's own Feed and End must not be called concurrently.
type StreamExplainer struct {
	requests   bool
	x          *exchange
	buf        []byte
	off        int64 // stream offset of buf[0]
	skip       int64 // body bytes of an oversized message still to pass over
	scanned    int   // bytes of buf already searched for the end of a head
	done       bool  // no longer following: the stream broke a rule, or ended
	waiting    bool  // an Upgrade request went out: waiting for the answer
	switchNext bool  // the message being consumed is the 101 that switches
	switchAt   int64 // stream offset where another protocol begins, or -1
	err        error

	body func(body []byte) []osi.Annotation
}

// ExplainBodies adds an explainer for what message bodies carry (a
// protocol above HTTP, such as Engine.IO's polling payloads): f gets each
// whole Content-Length body and labels it from offset 0. It returns s.
func (s *StreamExplainer) ExplainBodies(f func(body []byte) []osi.Annotation) *StreamExplainer {
	s.body = f
	return s
}

// withBody adds the body explainer's labels to a message's.
func (s *StreamExplainer) withBody(fields []osi.Annotation, raw []byte) []osi.Annotation {
	if s.body == nil {
		return fields
	}
	for _, f := range fields {
		if f.Field == "body" && f.End == len(raw) && f.Start < f.End {
			return append(fields, osi.Shift(s.body(raw[f.Start:f.End]), f.Start)...)
		}
	}
	return fields
}

// NewStreamExplainers returns explainers for the two directions of one
// HTTP/1.1 connection: the client's requests and the server's responses.
func NewStreamExplainers() (requests, responses *StreamExplainer) {
	x := &exchange{}
	return &StreamExplainer{requests: true, x: x, switchAt: -1}, &StreamExplainer{x: x, switchAt: -1}
}

// Switched reports whether the connection switched protocols (a 101
// response to an Upgrade request), the stream offset in this direction at
// which the new protocol's bytes begin, and the protocol the response's
// Upgrade field named (such as "websocket"). The request explainer learns
// of the switch from its partner: feed it again (even nil) after the
// response.
func (s *StreamExplainer) Switched() (offset int64, protocol string, ok bool) {
	if s.switchAt < 0 {
		return 0, "", false
	}
	s.x.mu.Lock()
	defer s.x.mu.Unlock()
	return s.switchAt, s.x.protocol, true
}

// Err says why the explainer stopped before the end of the stream: a
// message that breaks RFC 9112, one too large to hold, or a stream that
// ended inside a message. It is nil while the explainer follows.
func (s *StreamExplainer) Err() error { return s.err }

// feedChunk is how much of a Feed is taken at a time: a caller may hand
// over a whole reassembled stream at once, which holds many messages.
const feedChunk = 64 << 10

// Feed implements osi.StreamExplainer.
func (s *StreamExplainer) Feed(p []byte) []osi.Explanation {
	var out []osi.Explanation
	for first := true; first || len(p) > 0; first = false {
		if s.done || s.switchAt >= 0 {
			return out
		}
		if s.skip > 0 {
			n := min(s.skip, int64(len(p)))
			s.skip -= n
			s.off += n
			p = p[n:]
		}
		n := min(len(p), feedChunk)
		if len(s.buf)+n > maxExplained+maxStreamHead {
			s.stop(fmt.Errorf("%w: more than %d bytes of one message", ErrBodyTooLarge, maxExplained))
			s.buf = nil
			return out
		}
		s.buf = append(s.buf, p[:n]...)
		p = p[n:]
		out = append(out, s.run(false)...)
	}
	return out
}

// End is called when the stream ends: a response that runs until the
// connection closes is complete now, and a message cut short is
// explained as far as it got.
func (s *StreamExplainer) End() []osi.Explanation {
	if s.done || s.switchAt >= 0 {
		return nil
	}
	out := s.run(true)
	if !s.done && s.switchAt < 0 && s.skip > 0 {
		s.stop(fmt.Errorf("the stream ends %d bytes before the end of a body: %w", s.skip, io.ErrUnexpectedEOF))
	}
	return out
}

// run explains every whole message in the buffer.
func (s *StreamExplainer) run(atEnd bool) []osi.Explanation {
	var out []osi.Explanation
	for !s.done && s.switchAt < 0 && len(s.buf) > 0 {
		x, used, ok := s.next(atEnd)
		if !ok {
			break
		}
		x.Offset = s.off
		s.buf = s.buf[used:]
		s.off += int64(used)
		s.scanned = 0
		if s.switchNext {
			s.switchAt, s.switchNext = s.off, false
		}
		if x.Fields != nil {
			out = append(out, x)
		}
	}
	if len(s.buf) == 0 || s.done {
		s.buf = nil // let a large buffer go
	}
	if s.waiting && s.switchAt < 0 {
		s.answered() // a request explainer fed nil after the 101
	}
	return out
}

func (s *StreamExplainer) stop(err error) {
	s.done, s.err = true, err
}

// next explains the message at the start of the buffer if it is whole (or,
// at the end of the stream, as far as it goes). It returns the
// explanation, the bytes it used, and whether it used any.
func (s *StreamExplainer) next(atEnd bool) (osi.Explanation, int, bool) {
	if s.waiting && !s.answered() {
		return osi.Explanation{}, 0, false
	}
	// RFC 9112, section 2.2: "a server that is expecting to receive and
	// parse a request-line SHOULD ignore at least one empty line (CRLF)
	// received prior to the request-line".
	if s.requests && bytes.HasPrefix(s.buf, []byte("\r\n")) {
		return osi.Explanation{}, 2, true
	}
	end := bytes.Index(s.buf[s.scanned:], []byte("\r\n\r\n"))
	if end < 0 {
		s.scanned = max(0, len(s.buf)-3)
		var err error
		switch {
		case len(s.buf) > maxStreamHead:
			err = fmt.Errorf("%w: no end of head in %d bytes", ErrHeadTooLarge, maxStreamHead)
		case atEnd:
			err = fmt.Errorf("the stream ends %d bytes into a message head: %w", len(s.buf), io.ErrUnexpectedEOF)
		default:
			return osi.Explanation{}, 0, false
		}
		n := len(s.buf)
		s.stop(err)
		return failure(n, "message head", err), n, true
	}
	return s.message(s.scanned+end+4, atEnd)
}

// answered reports whether the server answered an Upgrade request, and
// takes the request explainer past it: switched, or back to HTTP.
func (s *StreamExplainer) answered() bool {
	s.x.mu.Lock()
	defer s.x.mu.Unlock()
	switch s.x.upgrade {
	case upgradeSwitched:
		s.switchAt, s.waiting = s.off, false
	case upgradeRefused:
		s.waiting, s.x.upgrade = false, upgradeNone
		return true
	}
	return false
}

// failure labels bytes that could not be read as HTTP.
func failure(n int, what string, err error) osi.Explanation {
	return osi.Explanation{Fields: []osi.Annotation{{Start: 0, End: n, Field: "not valid HTTP: " + what,
		Value: err.Error(), Layer: osi.Application}}}
}

// framing is how a message's body is delimited (RFC 9112, section 6.3).
type framing int

const (
	byLength   framing = iota // Content-Length bytes, or none
	byChunks                  // chunked transfer coding
	untilClose                // a response that runs until the connection closes
)

// message explains the message whose head is the first headLen bytes.
func (s *StreamExplainer) message(headLen int, atEnd bool) (osi.Explanation, int, bool) {
	br := bufio.NewReader(bytes.NewReader(s.buf[:headLen]))
	lim := Limits{MaxHead: headLen}
	var h *Head
	var fields []osi.Annotation
	method, status := "", 0
	if s.requests {
		req, err := ReadRequestHead(br, lim)
		if err != nil {
			s.stop(err)
			return failure(headLen, "request head", err), headLen, true
		}
		h, method, fields = &req.Head, req.Method, req.Annotations()
	} else {
		resp, err := ReadResponseHead(br, lim)
		if err != nil {
			s.stop(err)
			return failure(headLen, "response head", err), headLen, true
		}
		h, status, fields = &resp.Head, resp.Status, resp.Annotations()
		method = s.requestMethod()
	}
	how, size, err := bodyFraming(h, s.requests, method, status)
	if err != nil {
		s.stop(err)
		return failure(headLen, "body framing", err), headLen, true
	}
	have := int64(len(s.buf) - headLen)
	switch {
	case how == byLength && size > maxExplained:
		fields = append(fields, osi.Annotation{Start: headLen, End: headLen + int(size), Field: "body",
			Value: strconv.FormatInt(size, 10) + " bytes, too long to show", Layer: osi.Application})
		s.skip = size - min(have, size)
		s.after(h, method, status)
		return osi.Explanation{Fields: fields}, headLen + int(min(have, size)), true
	case how == byLength && have >= size:
		s.after(h, method, status)
		return s.explain(headLen+int(size), method), headLen + int(size), true
	case how == untilClose && atEnd:
		s.after(h, method, status)
		return s.explain(len(s.buf), method), len(s.buf), true
	case how == byChunks:
		n, err := s.chunkedEnd(headLen, method)
		if err == nil {
			s.after(h, method, status)
			return s.explain(n, method), n, true
		}
		if !errors.Is(err, io.ErrUnexpectedEOF) || atEnd {
			s.stop(err)
			fields = append(fields, osi.Annotation{Start: headLen, End: len(s.buf), Field: "chunked body", Value: err.Error(), Layer: osi.Application})
			return osi.Explanation{Fields: fields}, len(s.buf), true
		}
	case atEnd: // a Content-Length body cut short
		err := fmt.Errorf("the stream ends %d bytes into a body of %d: %w", have, size, io.ErrUnexpectedEOF)
		s.stop(err)
		fields = append(fields, osi.Annotation{Start: headLen, End: len(s.buf), Field: "body (cut short)", Value: err.Error(), Layer: osi.Application})
		return osi.Explanation{Fields: fields}, len(s.buf), true
	}
	return osi.Explanation{}, 0, false // wait for more of the body
}

// bodyFraming says how the body after head h is delimited, and its length
// when Content-Length gives it (RFC 9112, section 6.3, rules 1-7).
func bodyFraming(h *Head, request bool, method string, status int) (framing, int64, error) {
	if !request && (method == http.MethodHead || status/100 == 1 || status == http.StatusNoContent || status == http.StatusNotModified) {
		return byLength, 0, nil
	}
	if codings := h.Fields.Values("Transfer-Encoding"); len(codings) > 0 {
		if finalCoding(codings) == "chunked" {
			return byChunks, 0, nil
		}
		if request {
			return 0, 0, fmt.Errorf("%w: a request's Transfer-Encoding must end in chunked", ErrBadTransferEncoding)
		}
		return untilClose, 0, nil
	}
	n, ok, err := contentLength(h)
	switch {
	case err != nil:
		return 0, 0, err
	case ok:
		return byLength, n, nil
	case request:
		return byLength, 0, nil
	}
	return untilClose, 0, nil
}

// chunkedEnd finds where the chunked message starting the buffer ends.
func (s *StreamExplainer) chunkedEnd(headLen int, method string) (int, error) {
	br := bufio.NewReader(bytes.NewReader(s.buf[headLen:]))
	_, raw, err := readChunked(br, Limits{MaxBody: maxExplained})
	if err != nil {
		return 0, err
	}
	return headLen + len(raw), nil
}

// explain labels the whole message in the first n bytes of the buffer.
func (s *StreamExplainer) explain(n int, method string) osi.Explanation {
	br := bufio.NewReader(bytes.NewReader(s.buf[:n]))
	lim := Limits{MaxHead: n, MaxBody: maxExplained}
	if s.requests {
		req, err := ReadRequest(br, lim)
		if err != nil {
			return failure(n, "request", err)
		}
		return osi.Explanation{Fields: s.withBody(req.Annotations(), s.buf[:n])}
	}
	resp, err := ReadResponse(br, lim, method)
	if err != nil {
		return failure(n, "response", err)
	}
	return osi.Explanation{Fields: s.withBody(resp.Annotations(), s.buf[:n])}
}

// requestMethod is the method of the request a response answers: the
// oldest still unanswered (responses come in request order, RFC 9112
// section 9.3).
func (s *StreamExplainer) requestMethod() string {
	s.x.mu.Lock()
	defer s.x.mu.Unlock()
	if len(s.x.waiting) == 0 {
		return http.MethodGet // the capture began after the request: assume GET
	}
	return s.x.waiting[0].method
}

// after records what a whole message means for the connection: a request's
// method, for its response; an Upgrade asked, answered or refused.
func (s *StreamExplainer) after(h *Head, method string, status int) {
	s.x.mu.Lock()
	defer s.x.mu.Unlock()
	if s.requests {
		_, asks := h.Fields.Get("Upgrade")
		asks = asks && h.Fields.HasToken("Connection", "upgrade")
		if len(s.x.waiting) < 1024 { // a bound: pipelining never goes this deep
			s.x.waiting = append(s.x.waiting, sentRequest{method, asks})
		}
		if asks {
			up, _ := h.Fields.Get("Upgrade")
			s.waiting, s.x.upgrade, s.x.protocol = true, upgradeAsked, up
		}
		return
	}
	// An interim 1xx response other than 101 leaves its request waiting
	// for the final one.
	if status/100 == 1 && status != http.StatusSwitchingProtocols || len(s.x.waiting) == 0 {
		return
	}
	answered := s.x.waiting[0]
	s.x.waiting = s.x.waiting[1:]
	if !answered.upgrade || s.x.upgrade != upgradeAsked {
		return
	}
	// RFC 9110, section 15.2.2: the server "will switch to the protocols
	// defined by the response's Upgrade header field immediately after the
	// empty line that terminates the 101 response".
	if status != http.StatusSwitchingProtocols {
		s.x.upgrade = upgradeRefused
		return
	}
	s.x.upgrade, s.switchNext = upgradeSwitched, true
	if up, ok := h.Fields.Get("Upgrade"); ok {
		s.x.protocol = up
	}
}
