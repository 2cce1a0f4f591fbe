// Responses, read by hand (RFC 9112, sections 4 and 6).

package httpdemo

import (
	"bufio"
	"bytes"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"netlab/osi"
)

// A Response is a response as read from the wire.
type Response struct {
	Head
	Proto  string
	Status int
	Reason string
	Body   []byte // decoded (chunks joined)
	Raw    []byte // head and body, exactly as read
}

// ReadResponse reads one response to a request made with method. The body
// is framed as RFC 9112, section 6.3 says: none for HEAD, 1xx, 204 and 304;
// chunked if Transfer-Encoding ends in chunked; Content-Length bytes if
// given; otherwise everything until the server closes.
func ReadResponse(br *bufio.Reader, lim Limits, method string) (*Response, error) {
	resp, err := ReadResponseHead(br, lim)
	if err != nil {
		return resp, err
	}
	if method == http.MethodHead || resp.Status/100 == 1 || resp.Status == 204 || resp.Status == 304 {
		return resp, nil
	}
	body, raw, err := readBody(br, &resp.Head, lim, true)
	resp.Body, resp.Raw = body, append(resp.Raw[:len(resp.Raw):len(resp.Raw)], raw...)
	if err != nil {
		return resp, fmt.Errorf("read response body: %w", err)
	}
	return resp, nil
}

// ReadResponseHead reads a response's head and leaves the body unread: for
// a reader, such as a WebSocket client, for which a 101 response is followed
// by another protocol.
func ReadResponseHead(br *bufio.Reader, lim Limits) (*Response, error) {
	h, err := readHead(br, lim.maxHead())
	resp := &Response{}
	if h != nil {
		resp.Head, resp.Raw = *h, h.Raw
	}
	if err != nil {
		return resp, fmt.Errorf("read response head: %w", err)
	}
	if err := resp.parseStatusLine(); err != nil {
		return resp, err
	}
	return resp, nil
}

// parseStatusLine splits "HTTP-version SP status-code SP [reason-phrase]".
func (r *Response) parseStatusLine() error {
	version, rest, ok := strings.Cut(r.StartLine, " ")
	major, _, vok := parseVersion(version)
	if !ok || !vok || major != 1 {
		return fmt.Errorf("%w: %q", ErrBadStatusLine, r.StartLine)
	}
	code, reason, _ := strings.Cut(rest, " ")
	status, err := strconv.Atoi(code)
	if err != nil || len(code) != 3 || status < 100 {
		return fmt.Errorf("%w: status code %q", ErrBadStatusLine, code)
	}
	r.Proto, r.Status, r.Reason = version, status, reason
	return nil
}

// Annotations labels every part of the response, offsets from its first byte.
func (r *Response) Annotations() []osi.Annotation {
	v := len(r.Proto)
	out := []osi.Annotation{
		{Start: 0, End: v, Field: "HTTP-version", Value: r.Proto, Layer: osi.Application},
		{Start: v + 1, End: v + 4, Field: "status-code", Value: strconv.Itoa(r.Status),
			Meaning: statusMeaning(r.Status), Layer: osi.Application},
	}
	if r.Reason != "" {
		out = append(out, osi.Annotation{Start: v + 5, End: v + 5 + len(r.Reason), Field: "reason-phrase",
			Value: r.Reason, Meaning: "for people; programs read the code", Layer: osi.Application})
	}
	out = append(out, r.fieldAnnotations()...)
	return append(out, bodyAnnotations(&r.Head, len(r.Head.Raw), r.Raw)...)
}

func statusMeaning(code int) string {
	class := map[int]string{1: "informational", 2: "success", 3: "redirection", 4: "client error", 5: "server error"}[code/100]
	text := http.StatusText(code)
	if text == "" {
		return class
	}
	return class + ": " + text
}

// ExplainResponse parses one response (to a GET) from b and labels its parts.
func ExplainResponse(b []byte) ([]osi.Annotation, error) {
	resp, err := ReadResponse(bufio.NewReader(bytes.NewReader(b)), Limits{}, http.MethodGet)
	if err != nil {
		return nil, err
	}
	return resp.Annotations(), nil
}
