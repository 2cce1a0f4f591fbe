// Tests of writing and reading requests (RFC 9112, sections 3 and 6).

package httpdemo

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

// readers are the ways a test hands bytes to a parser: all at once, and
// the way TCP delivers them, in pieces of whatever size the network chose.
var readers = []struct {
	name string
	wrap func(io.Reader) *bufio.Reader
}{
	{"whole", bufio.NewReader},
	{"OneByteReader", func(r io.Reader) *bufio.Reader { return bufio.NewReader(iotest.OneByteReader(r)) }},
	{"HalfReader", func(r io.Reader) *bufio.Reader { return bufio.NewReader(iotest.HalfReader(r)) }},
	{"DataErrReader", func(r io.Reader) *bufio.Reader { return bufio.NewReader(iotest.DataErrReader(r)) }},
	// The smallest bufio buffer: lines longer than 16 bytes arrive in
	// several ReadSlice calls (bufio.ErrBufferFull).
	{"16-byte buffer", func(r io.Reader) *bufio.Reader { return bufio.NewReaderSize(iotest.HalfReader(r), 16) }},
}

// rest returns what the parser left unread in br.
func rest(t *testing.T, br *bufio.Reader) string {
	t.Helper()
	b, err := io.ReadAll(br)
	if err != nil {
		t.Fatalf("reading what the parser left: %v", err)
	}
	return string(b)
}

type wantRequest struct {
	method, target, proto string
	major, minor          int
	fields                Fields
	body                  string
}

var requestTests = []struct {
	name string
	wire string
	lim  Limits
	want wantRequest
	rest string // bytes after the request: they are not part of Raw
}{
	{
		name: "GET without body",
		wire: "GET /index.html HTTP/1.1\r\n" + // request line
			"Host: example.com\r\n" +
			"\r\n", // empty line: the head ends
		want: wantRequest{method: "GET", target: "/index.html", proto: "HTTP/1.1", major: 1, minor: 1,
			fields: Fields{{"Host", "example.com"}}},
	},
	{
		name: "fields kept in wire order and spelling",
		wire: "GET / HTTP/1.1\r\n" +
			"host: example.com\r\n" + // lower case, as sent
			"ACCEPT: */*\r\n" +
			"X-Empty:\r\n" + // an empty value is allowed (RFC 9110, section 5.5)
			"Cookie: a=1\r\n" +
			"Cookie: b=2\r\n" + // repeated: both kept, in order
			"X-Spaces: \t padded \t\r\n" + // optional whitespace around the value is not part of it
			"\r\n",
		want: wantRequest{method: "GET", target: "/", proto: "HTTP/1.1", major: 1, minor: 1,
			fields: Fields{{"host", "example.com"}, {"ACCEPT", "*/*"}, {"X-Empty", ""},
				{"Cookie", "a=1"}, {"Cookie", "b=2"}, {"X-Spaces", "padded"}}},
	},
	{
		name: "HTTP/1.0 with an absolute target",
		wire: "GET http://example.com/a?b=c HTTP/1.0\r\n" +
			"\r\n",
		want: wantRequest{method: "GET", target: "http://example.com/a?b=c", proto: "HTTP/1.0", major: 1, minor: 0},
	},
	{
		name: "OPTIONS asterisk form",
		wire: "OPTIONS * HTTP/1.1\r\n" +
			"Host: example.com\r\n" +
			"\r\n",
		want: wantRequest{method: "OPTIONS", target: "*", proto: "HTTP/1.1", major: 1, minor: 1,
			fields: Fields{{"Host", "example.com"}}},
	},
	{
		name: "method is any token",
		wire: "M-SEARCH * HTTP/1.1\r\n" +
			"\r\n",
		want: wantRequest{method: "M-SEARCH", target: "*", proto: "HTTP/1.1", major: 1, minor: 1},
	},
	{
		name: "Content-Length body",
		wire: "POST /form HTTP/1.1\r\n" +
			"Host: example.com\r\n" +
			"Content-Type: text/plain\r\n" +
			"Content-Length: 11\r\n" +
			"\r\n" +
			"hello world", // 11 bytes
		want: wantRequest{method: "POST", target: "/form", proto: "HTTP/1.1", major: 1, minor: 1,
			fields: Fields{{"Host", "example.com"}, {"Content-Type", "text/plain"}, {"Content-Length", "11"}},
			body:   "hello world"},
	},
	{
		name: "Content-Length body with CRLF inside",
		wire: "POST / HTTP/1.1\r\n" +
			"Content-Length: 6\r\n" +
			"\r\n" +
			"a\r\n\r\nb", // the body is bytes, not lines
		want: wantRequest{method: "POST", target: "/", proto: "HTTP/1.1", major: 1, minor: 1,
			fields: Fields{{"Content-Length", "6"}}, body: "a\r\n\r\nb"},
	},
	{
		name: "Content-Length 0",
		wire: "POST / HTTP/1.1\r\n" +
			"Content-Length: 0\r\n" +
			"\r\n",
		want: wantRequest{method: "POST", target: "/", proto: "HTTP/1.1", major: 1, minor: 1,
			fields: Fields{{"Content-Length", "0"}}},
	},
	{
		name: "identical Content-Length values are one (RFC 9110, section 8.6)",
		wire: "POST / HTTP/1.1\r\n" +
			"Content-Length: 3, 3\r\n" +
			"content-length: 3\r\n" +
			"\r\n" +
			"abc",
		want: wantRequest{method: "POST", target: "/", proto: "HTTP/1.1", major: 1, minor: 1,
			fields: Fields{{"Content-Length", "3, 3"}, {"content-length", "3"}}, body: "abc"},
	},
	{
		name: "Content-Length with leading zeros",
		wire: "POST / HTTP/1.1\r\n" +
			"Content-Length: 003\r\n" +
			"\r\n" +
			"abc",
		want: wantRequest{method: "POST", target: "/", proto: "HTTP/1.1", major: 1, minor: 1,
			fields: Fields{{"Content-Length", "003"}}, body: "abc"},
	},
	{
		name: "body exactly at the limit",
		wire: "POST / HTTP/1.1\r\n" +
			"Content-Length: 4\r\n" +
			"\r\n" +
			"abcd",
		lim: Limits{MaxBody: 4},
		want: wantRequest{method: "POST", target: "/", proto: "HTTP/1.1", major: 1, minor: 1,
			fields: Fields{{"Content-Length", "4"}}, body: "abcd"},
	},
	{
		name: "head exactly at the limit",
		wire: "GET / HTTP/1.1\r\n" + // 16 bytes
			"A: b\r\n" + // 6
			"\r\n", // 2: 24 in all
		lim:  Limits{MaxHead: 24},
		want: wantRequest{method: "GET", target: "/", proto: "HTTP/1.1", major: 1, minor: 1, fields: Fields{{"A", "b"}}},
	},
	{
		name: "chunked body",
		wire: "POST /upload HTTP/1.1\r\n" +
			"Host: example.com\r\n" +
			"Transfer-Encoding: chunked\r\n" +
			"\r\n" +
			"5\r\n" + // chunk-size
			"hello\r\n" + // chunk-data
			"6\r\n" +
			" world\r\n" +
			"0\r\n" + // last-chunk
			"\r\n", // no trailer fields: the empty line ends the body
		want: wantRequest{method: "POST", target: "/upload", proto: "HTTP/1.1", major: 1, minor: 1,
			fields: Fields{{"Host", "example.com"}, {"Transfer-Encoding", "chunked"}}, body: "hello world"},
	},
	{
		name: "chunked body with extensions, trailer and upper-case hex",
		wire: "POST /upload HTTP/1.1\r\n" +
			"Transfer-Encoding: chunked\r\n" +
			"Trailer: X-Checksum\r\n" +
			"\r\n" +
			"C;part=1\r\n" + // 0xC = 12 bytes, with a chunk extension
			"hello, world\r\n" +
			"1A\r\n" + // 0x1A = 26 bytes
			"abcdefghijklmnopqrstuvwxyz\r\n" +
			"0;done\r\n" +
			"X-Checksum: 42\r\n" + // a trailer field
			"\r\n",
		want: wantRequest{method: "POST", target: "/upload", proto: "HTTP/1.1", major: 1, minor: 1,
			fields: Fields{{"Transfer-Encoding", "chunked"}, {"Trailer", "X-Checksum"}},
			body:   "hello, worldabcdefghijklmnopqrstuvwxyz"},
	},
	{
		name: "neither Content-Length nor chunked: no body (RFC 9112, section 6.3 rule 7)",
		wire: "POST / HTTP/1.1\r\n" +
			"\r\n",
		rest: "these bytes belong to the next message",
		want: wantRequest{method: "POST", target: "/", proto: "HTTP/1.1", major: 1, minor: 1},
	},
	{
		name: "pipelined: the next request stays in the reader",
		wire: "POST /a HTTP/1.1\r\n" +
			"Content-Length: 2\r\n" +
			"\r\n" +
			"ab",
		rest: "GET /b HTTP/1.1\r\n" +
			"\r\n",
		want: wantRequest{method: "POST", target: "/a", proto: "HTTP/1.1", major: 1, minor: 1,
			fields: Fields{{"Content-Length", "2"}}, body: "ab"},
	},
}

func TestReadRequest(t *testing.T) {
	for _, tt := range requestTests {
		for _, rd := range readers {
			t.Run(tt.name+"/"+rd.name, func(t *testing.T) {
				br := rd.wrap(strings.NewReader(tt.wire + tt.rest))
				req, err := ReadRequest(br, tt.lim)
				if err != nil {
					t.Fatalf("ReadRequest: %v", err)
				}
				got := wantRequest{req.Method, req.Target, req.Proto, req.Major, req.Minor, req.Fields, string(req.Body)}
				checkRequest(t, got, tt.want)
				if string(req.Raw) != tt.wire {
					t.Errorf("Raw = %q, want %q", req.Raw, tt.wire)
				}
				if !bytes.HasPrefix(req.Raw, req.Head.Raw) || !bytes.HasSuffix(req.Head.Raw, []byte("\r\n\r\n")) {
					t.Errorf("Head.Raw = %q is not the head at the start of Raw %q", req.Head.Raw, req.Raw)
				}
				if r := rest(t, br); r != tt.rest {
					t.Errorf("left in the reader: %q, want %q", r, tt.rest)
				}
			})
		}
	}
}

func checkRequest(t *testing.T, got, want wantRequest) {
	t.Helper()
	if got.method != want.method || got.target != want.target || got.proto != want.proto {
		t.Errorf("request line = %q %q %q, want %q %q %q", got.method, got.target, got.proto, want.method, want.target, want.proto)
	}
	if got.major != want.major || got.minor != want.minor {
		t.Errorf("version = %d.%d, want %d.%d", got.major, got.minor, want.major, want.minor)
	}
	if !slices.Equal(got.fields, want.fields) {
		t.Errorf("fields = %q, want %q", got.fields, want.fields)
	}
	if got.body != want.body {
		t.Errorf("body = %q, want %q", got.body, want.body)
	}
}

// TestReadRequestKeepAlive reads several requests from one connection's
// bytes, one after another, as a server does on a kept-alive connection.
func TestReadRequestKeepAlive(t *testing.T) {
	var wire []byte
	var want []string
	for _, tt := range requestTests {
		if tt.lim == (Limits{}) && tt.rest == "" {
			wire = append(wire, tt.wire...)
			want = append(want, tt.wire)
		}
	}
	for _, rd := range readers {
		t.Run(rd.name, func(t *testing.T) {
			br := rd.wrap(bytes.NewReader(wire))
			for i, w := range want {
				req, err := ReadRequest(br, Limits{})
				if err != nil {
					t.Fatalf("request %d: %v", i, err)
				}
				if string(req.Raw) != w {
					t.Fatalf("request %d: Raw = %q, want %q", i, req.Raw, w)
				}
			}
			if _, err := ReadRequest(br, Limits{}); !errors.Is(err, io.EOF) {
				t.Errorf("after the last request: error = %v, want io.EOF", err)
			}
		})
	}
}

// TestReadRequestEOF: a connection that ends before a request starts is a
// clean end (io.EOF); one that ends inside a request is not.
func TestReadRequestEOF(t *testing.T) {
	for _, rd := range readers {
		t.Run(rd.name, func(t *testing.T) {
			req, err := ReadRequest(rd.wrap(strings.NewReader("")), Limits{})
			if err == nil || !errors.Is(err, io.EOF) {
				t.Errorf("ReadRequest(empty) error = %v, want io.EOF", err)
			}
			if req == nil || len(req.Raw) != 0 {
				t.Errorf("ReadRequest(empty) = %+v, want a request with no Raw bytes", req)
			}
		})
	}
}

func TestAppendRequest(t *testing.T) {
	tests := []struct {
		name   string
		method string
		target string
		fields Fields
		body   string
		want   string
		prefix string
	}{
		{
			name:   "GET",
			method: "GET", target: "/hello",
			fields: Fields{{"Host", "example.com"}, {"Connection", "close"}},
			want: "GET /hello HTTP/1.1\r\n" +
				"Host: example.com\r\n" +
				"Connection: close\r\n" +
				"\r\n",
		},
		{
			name:   "POST with body",
			method: "POST", target: "/echo",
			fields: Fields{{"Host", "h"}, {"Content-Length", "5"}},
			body:   "hello",
			want: "POST /echo HTTP/1.1\r\n" +
				"Host: h\r\n" +
				"Content-Length: 5\r\n" +
				"\r\n" +
				"hello",
		},
		{
			name:   "nothing added: no Host unless asked",
			method: "GET", target: "/",
			want: "GET / HTTP/1.1\r\n" +
				"\r\n",
		},
		{
			name:   "appends to dst",
			prefix: "earlier bytes",
			method: "GET", target: "/",
			want: "earlier bytes" +
				"GET / HTTP/1.1\r\n" +
				"\r\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := AppendRequest([]byte(tt.prefix), tt.method, tt.target, tt.fields, []byte(tt.body))
			if string(got) != tt.want {
				t.Fatalf("AppendRequest = %q, want %q", got, tt.want)
			}
			// What AppendRequest writes, ReadRequest reads back.
			req, err := ReadRequest(bufio.NewReader(bytes.NewReader(got[len(tt.prefix):])), Limits{})
			if err != nil {
				t.Fatalf("ReadRequest(AppendRequest(...)): %v", err)
			}
			checkRequest(t,
				wantRequest{req.Method, req.Target, req.Proto, req.Major, req.Minor, req.Fields, string(req.Body)},
				wantRequest{tt.method, tt.target, "HTTP/1.1", 1, 1, tt.fields, tt.body})
		})
	}
}
