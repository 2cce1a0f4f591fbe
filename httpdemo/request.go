// Requests: written by hand, read by hand (RFC 9112, sections 3 and 6).

package httpdemo

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"

	"netlab/osi"
)

// AppendRequest appends an HTTP/1.1 request to dst exactly as given: the
// request line, the fields in order, the empty line, and the body. It adds
// nothing: a lesson shows what it asked for. Set Host yourself (RFC 9112,
// section 3.2: a client MUST send Host in every HTTP/1.1 request).
func AppendRequest(dst []byte, method, target string, fields Fields, body []byte) []byte {
	dst = append(dst, method...)
	dst = append(dst, ' ')
	dst = append(dst, target...)
	dst = append(dst, " HTTP/1.1\r\n"...)
	for _, f := range fields {
		dst = append(dst, f.Name...)
		dst = append(dst, ": "...)
		dst = append(dst, f.Value...)
		dst = append(dst, "\r\n"...)
	}
	dst = append(dst, "\r\n"...)
	return append(dst, body...)
}

// A Request is a request as read from the wire.
type Request struct {
	Head
	Method, Target, Proto string
	Major, Minor          int
	Body                  []byte
	Raw                   []byte // head and body, exactly as read
}

// ReadRequest reads one request: its head, then a body framed by
// Content-Length or chunked coding (a request with neither has no body,
// RFC 9112 section 6.3 rule 7).
func ReadRequest(br *bufio.Reader, lim Limits) (*Request, error) {
	req, err := ReadRequestHead(br, lim)
	if err != nil {
		return req, err
	}
	body, raw, err := readBody(br, &req.Head, lim, false)
	req.Body, req.Raw = body, append(req.Raw[:len(req.Raw):len(req.Raw)], raw...)
	if err != nil {
		return req, fmt.Errorf("read request body: %w", err)
	}
	return req, nil
}

// ReadRequestHead reads a request's head (request line and header fields)
// and leaves any body unread: for a reader, such as a WebSocket server,
// that decides from the head what comes next.
func ReadRequestHead(br *bufio.Reader, lim Limits) (*Request, error) {
	h, err := readHead(br, lim.maxHead())
	req := &Request{}
	if h != nil {
		req.Head, req.Raw = *h, h.Raw
	}
	if err != nil {
		return req, fmt.Errorf("read request head: %w", err)
	}
	if err := req.parseRequestLine(); err != nil {
		return req, err
	}
	return req, nil
}

// parseRequestLine splits "METHOD SP request-target SP HTTP-version".
func (r *Request) parseRequestLine() error {
	parts := strings.Split(r.StartLine, " ")
	if len(parts) != 3 || !isToken(parts[0]) || parts[1] == "" {
		return fmt.Errorf("%w: %q", ErrBadRequestLine, r.StartLine)
	}
	major, minor, ok := parseVersion(parts[2])
	if !ok {
		return fmt.Errorf("%w: version %q", ErrBadRequestLine, parts[2])
	}
	r.Method, r.Target, r.Proto, r.Major, r.Minor = parts[0], parts[1], parts[2], major, minor
	return nil
}

// parseVersion reads "HTTP/x.y" with one digit each (RFC 9112, section 2.3).
func parseVersion(v string) (major, minor int, ok bool) {
	if len(v) != 8 || !strings.HasPrefix(v, "HTTP/") || v[6] != '.' ||
		v[5] < '0' || v[5] > '9' || v[7] < '0' || v[7] > '9' {
		return 0, 0, false
	}
	return int(v[5] - '0'), int(v[7] - '0'), true
}

// Annotations labels every part of the request, offsets from its first byte.
func (r *Request) Annotations() []osi.Annotation {
	m, t := len(r.Method), len(r.Target)
	out := []osi.Annotation{
		{Start: 0, End: m, Field: "method", Value: r.Method, Meaning: methodMeaning(r.Method), Layer: osi.Application},
		{Start: m + 1, End: m + 1 + t, Field: "request-target", Value: r.Target, Meaning: "the resource asked for", Layer: osi.Application},
		{Start: m + t + 2, End: m + t + 10, Field: "HTTP-version", Value: r.Proto, Layer: osi.Application},
	}
	out = append(out, r.fieldAnnotations()...)
	return append(out, bodyAnnotations(&r.Head, len(r.Head.Raw), r.Raw)...)
}

func methodMeaning(m string) string {
	switch m {
	case "GET":
		return "read the resource; no body"
	case "POST":
		return "send data to the resource"
	case "HEAD":
		return "like GET, but only the head comes back"
	}
	return ""
}

// ExplainRequest parses one request from b and labels its parts. It
// returns the labels it could make and the error that stopped it.
func ExplainRequest(b []byte) ([]osi.Annotation, error) {
	req, err := ReadRequest(bufio.NewReader(bytes.NewReader(b)), Limits{})
	if err != nil {
		return nil, err
	}
	return req.Annotations(), nil
}

// contentLength reads Content-Length. RFC 9110, section 8.6: a list of
// identical values may be accepted as one; anything else is an error.
func contentLength(h *Head) (int64, bool, error) {
	vals := h.Fields.Values("Content-Length")
	if len(vals) == 0 {
		return 0, false, nil
	}
	var n int64 = -1
	for _, v := range vals {
		for _, part := range strings.Split(v, ",") {
			part = strings.TrimSpace(part)
			x, err := strconv.ParseInt(part, 10, 64)
			if err != nil || part[0] < '0' || part[0] > '9' || (n >= 0 && x != n) { // 1*DIGIT: no sign
				return 0, true, fmt.Errorf("%w: %q", ErrBadContentLength, v)
			}
			n = x
		}
	}
	return n, true, nil
}

// readBody reads the body that h announces. untilClose says whether a
// message with neither Content-Length nor chunked coding runs to the end of
// the connection (responses) or is empty (requests). It returns the body
// (decoded) and the raw bytes read for it.
func readBody(br *bufio.Reader, h *Head, lim Limits, untilClose bool) (body, raw []byte, err error) {
	if codings := h.Fields.Values("Transfer-Encoding"); len(codings) > 0 {
		// RFC 9112, section 6.3: chunked must be the final coding, or a
		// request's length cannot be known ("the server MUST respond with
		// the 400 (Bad Request) status code and then close the
		// connection"); a response then runs until the connection closes.
		// A request with both Transfer-Encoding and Content-Length is the
		// shape of request smuggling, and "ought to be handled as an error".
		if _, hasLength := h.Fields.Get("Content-Length"); hasLength && !untilClose {
			return nil, nil, fmt.Errorf("%w: a request with both Transfer-Encoding and Content-Length", ErrBadTransferEncoding)
		}
		if finalCoding(codings) == "chunked" {
			return readChunked(br, lim)
		}
		if !untilClose {
			return nil, nil, fmt.Errorf("%w: %q does not end in chunked", ErrBadTransferEncoding, strings.Join(codings, ", "))
		}
		return readUntilClose(br, lim)
	}
	n, ok, err := contentLength(h)
	if err != nil {
		return nil, nil, err
	}
	switch {
	case ok && n > lim.maxBody():
		return nil, nil, fmt.Errorf("%w: Content-Length %d > %d", ErrBodyTooLarge, n, lim.maxBody())
	case ok:
		body, err = readExactly(br, n)
		return body, body, err
	case untilClose:
		return readUntilClose(br, lim)
	}
	return nil, nil, nil
}

// finalCoding returns the last transfer coding listed, in lower case.
func finalCoding(values []string) string {
	parts := strings.Split(values[len(values)-1], ",")
	return strings.ToLower(strings.TrimSpace(parts[len(parts)-1]))
}

// readUntilClose reads a body that ends when the connection does.
func readUntilClose(br *bufio.Reader, lim Limits) (body, raw []byte, err error) {
	body, err = io.ReadAll(io.LimitReader(br, lim.maxBody()+1))
	if int64(len(body)) > lim.maxBody() {
		return body[:lim.maxBody()], body[:lim.maxBody()], fmt.Errorf("%w (%d)", ErrBodyTooLarge, lim.maxBody())
	}
	return body, body, err
}

// readExactly reads n bytes, growing its buffer as bytes arrive rather
// than allocating all n at once: a peer that announces a large length and
// sends little costs little memory.
func readExactly(r io.Reader, n int64) ([]byte, error) {
	var b bytes.Buffer
	if n <= 64<<10 {
		b.Grow(int(n))
	}
	_, err := io.CopyN(&b, r, n)
	return b.Bytes(), noEOF(err)
}
