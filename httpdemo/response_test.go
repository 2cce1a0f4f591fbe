// Tests of reading responses (RFC 9112, sections 4 and 6).

package httpdemo

import (
	"math"
	"slices"
	"strings"
	"testing"
)

type wantResponse struct {
	proto  string
	status int
	reason string
	fields Fields
	body   string
}

var responseTests = []struct {
	name   string
	method string // of the request this answers; "" means GET
	wire   string
	lim    Limits
	want   wantResponse
	rest   string // bytes after the response: they are not part of Raw
}{
	{
		name: "Content-Length body",
		wire: "HTTP/1.1 200 OK\r\n" + // status line
			"Content-Type: text/plain\r\n" +
			"Content-Length: 5\r\n" +
			"\r\n" + // empty line: the head ends
			"hello", // exactly Content-Length bytes
		want: wantResponse{"HTTP/1.1", 200, "OK",
			Fields{{"Content-Type", "text/plain"}, {"Content-Length", "5"}}, "hello"},
	},
	{
		name: "reason phrase with spaces",
		wire: "HTTP/1.1 404 Not Found\r\n" +
			"Content-Length: 0\r\n" +
			"\r\n",
		want: wantResponse{"HTTP/1.1", 404, "Not Found", Fields{{"Content-Length", "0"}}, ""},
	},
	{
		name: "no reason phrase",
		wire: "HTTP/1.1 200\r\n" + // the reason phrase is optional (RFC 9112, section 4)
			"Content-Length: 0\r\n" +
			"\r\n",
		want: wantResponse{"HTTP/1.1", 200, "", Fields{{"Content-Length", "0"}}, ""},
	},
	{
		name: "empty reason phrase after the space",
		wire: "HTTP/1.1 200 \r\n" +
			"Content-Length: 0\r\n" +
			"\r\n",
		want: wantResponse{"HTTP/1.1", 200, "", Fields{{"Content-Length", "0"}}, ""},
	},
	{
		name: "unknown status code",
		wire: "HTTP/1.1 599 Custom\r\n" +
			"Content-Length: 0\r\n" +
			"\r\n",
		want: wantResponse{"HTTP/1.1", 599, "Custom", Fields{{"Content-Length", "0"}}, ""},
	},
	{
		name: "chunked body",
		wire: "HTTP/1.1 200 OK\r\n" +
			"Transfer-Encoding: chunked\r\n" +
			"\r\n" +
			"7\r\n" + // chunk-size, hexadecimal
			"Mozilla\r\n" + // chunk-data, then CRLF
			"11\r\n" + // 0x11 = 17 bytes
			"Developer Network\r\n" +
			"0\r\n" + // last-chunk
			"\r\n", // the chunked body ends with an empty line
		want: wantResponse{"HTTP/1.1", 200, "OK",
			Fields{{"Transfer-Encoding", "chunked"}}, "MozillaDeveloper Network"},
	},
	{
		name: "chunked with extensions, trailers and upper-case hex",
		wire: "HTTP/1.1 200 OK\r\n" +
			"Transfer-Encoding: gzip, Chunked\r\n" + // chunked last, any case
			"Trailer: Expires\r\n" +
			"\r\n" +
			"A;name=value\r\n" + // 0xA = 10 bytes; an extension to ignore
			"0123456789\r\n" +
			"1a ; quoted=\"a;b\"\r\n" + // whitespace before ';' (BWS)
			"abcdefghijklmnopqrstuvwxyz\r\n" +
			"000;last\r\n" + // last-chunk = 1*("0")
			"Expires: never\r\n" + // a trailer field
			"X-Checksum: 42\r\n" +
			"\r\n",
		want: wantResponse{"HTTP/1.1", 200, "OK",
			Fields{{"Transfer-Encoding", "gzip, Chunked"}, {"Trailer", "Expires"}},
			"0123456789abcdefghijklmnopqrstuvwxyz"},
	},
	{
		name: "no length: the body runs until the server closes",
		wire: "HTTP/1.0 200 OK\r\n" +
			"Content-Type: text/plain\r\n" +
			"\r\n" +
			"everything\r\nuntil EOF\r\n",
		want: wantResponse{"HTTP/1.0", 200, "OK", Fields{{"Content-Type", "text/plain"}}, "everything\r\nuntil EOF\r\n"},
	},
	{
		name: "no length and no body",
		wire: "HTTP/1.1 200 OK\r\n" +
			"Connection: close\r\n" +
			"\r\n",
		want: wantResponse{"HTTP/1.1", 200, "OK", Fields{{"Connection", "close"}}, ""},
	},
	{
		name: "no length: body exactly at the limit",
		wire: "HTTP/1.1 200 OK\r\n" +
			"\r\n" +
			"abcd",
		lim:  Limits{MaxBody: 4},
		want: wantResponse{"HTTP/1.1", 200, "OK", nil, "abcd"},
	},
	{
		name: "no length: MaxBody the largest int64",
		wire: "HTTP/1.1 200 OK\r\n" +
			"\r\n" +
			"hello",
		lim:  Limits{MaxBody: math.MaxInt64}, // as good as no limit
		want: wantResponse{"HTTP/1.1", 200, "OK", nil, "hello"},
	},
	{
		name: "chunked body exactly at the limit",
		wire: "HTTP/1.1 200 OK\r\n" +
			"Transfer-Encoding: chunked\r\n" +
			"\r\n" +
			"2\r\n" +
			"ab\r\n" +
			"2\r\n" +
			"cd\r\n" +
			"0\r\n" +
			"\r\n",
		lim:  Limits{MaxBody: 4},
		want: wantResponse{"HTTP/1.1", 200, "OK", Fields{{"Transfer-Encoding", "chunked"}}, "abcd"},
	},
	{
		name:   "HEAD: Content-Length describes a body that is not sent",
		method: "HEAD",
		wire: "HTTP/1.1 200 OK\r\n" +
			"Content-Length: 1000\r\n" +
			"\r\n",
		rest: "HTTP/1.1 204 No Content\r\n\r\n", // the next response, not a body
		want: wantResponse{"HTTP/1.1", 200, "OK", Fields{{"Content-Length", "1000"}}, ""},
	},
	{
		name:   "HEAD: chunked announced, nothing sent",
		method: "HEAD",
		wire: "HTTP/1.1 200 OK\r\n" +
			"Transfer-Encoding: chunked\r\n" +
			"\r\n",
		want: wantResponse{"HTTP/1.1", 200, "OK", Fields{{"Transfer-Encoding", "chunked"}}, ""},
	},
	{
		name: "204 has no body",
		wire: "HTTP/1.1 204 No Content\r\n" +
			"\r\n",
		rest: "not a body",
		want: wantResponse{"HTTP/1.1", 204, "No Content", nil, ""},
	},
	{
		name: "304 has no body, whatever Content-Length says",
		wire: "HTTP/1.1 304 Not Modified\r\n" +
			"Content-Length: 42\r\n" + // the length of the cached body
			"\r\n",
		want: wantResponse{"HTTP/1.1", 304, "Not Modified", Fields{{"Content-Length", "42"}}, ""},
	},
	{
		name: "100 Continue: the final response follows",
		wire: "HTTP/1.1 100 Continue\r\n" +
			"\r\n",
		rest: "HTTP/1.1 200 OK\r\n" +
			"Content-Length: 2\r\n" +
			"\r\n" +
			"ok",
		want: wantResponse{"HTTP/1.1", 100, "Continue", nil, ""},
	},
	{
		name: "101 Switching Protocols: what follows is the new protocol",
		wire: "HTTP/1.1 101 Switching Protocols\r\n" +
			"Upgrade: websocket\r\n" +
			"Connection: Upgrade\r\n" +
			"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n" +
			"\r\n",
		rest: "\x81\x05hello", // a WebSocket frame
		want: wantResponse{"HTTP/1.1", 101, "Switching Protocols",
			Fields{{"Upgrade", "websocket"}, {"Connection", "Upgrade"}, {"Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="}}, ""},
	},
	{
		name: "keep-alive: the next response stays in the reader",
		wire: "HTTP/1.1 200 OK\r\n" +
			"Content-Length: 3\r\n" +
			"\r\n" +
			"one",
		rest: "HTTP/1.1 200 OK\r\n" +
			"Content-Length: 3\r\n" +
			"\r\n" +
			"two",
		want: wantResponse{"HTTP/1.1", 200, "OK", Fields{{"Content-Length", "3"}}, "one"},
	},
}

func TestReadResponse(t *testing.T) {
	for _, tt := range responseTests {
		for _, rd := range readers {
			t.Run(tt.name+"/"+rd.name, func(t *testing.T) {
				method := tt.method
				if method == "" {
					method = "GET"
				}
				br := rd.wrap(strings.NewReader(tt.wire + tt.rest))
				resp, err := ReadResponse(br, tt.lim, method)
				if err != nil {
					t.Fatalf("ReadResponse: %v", err)
				}
				checkResponse(t, resp, tt.want)
				if string(resp.Raw) != tt.wire {
					t.Errorf("Raw = %q, want %q", resp.Raw, tt.wire)
				}
				if r := rest(t, br); r != tt.rest {
					t.Errorf("left in the reader: %q, want %q", r, tt.rest)
				}
			})
		}
	}
}

func checkResponse(t *testing.T, resp *Response, want wantResponse) {
	t.Helper()
	if resp.Proto != want.proto || resp.Status != want.status || resp.Reason != want.reason {
		t.Errorf("status line = %q %d %q, want %q %d %q", resp.Proto, resp.Status, resp.Reason, want.proto, want.status, want.reason)
	}
	if !slices.Equal(resp.Fields, want.fields) {
		t.Errorf("fields = %q, want %q", resp.Fields, want.fields)
	}
	if string(resp.Body) != want.body {
		t.Errorf("body = %q, want %q", resp.Body, want.body)
	}
}

// TestReadResponseInterim reads an interim 100 Continue and then the final
// response from the same bytes, as a client does.
func TestReadResponseInterim(t *testing.T) {
	wire := "HTTP/1.1 100 Continue\r\n" +
		"\r\n" +
		"HTTP/1.1 103 Early Hints\r\n" +
		"Link: </style.css>; rel=preload\r\n" +
		"\r\n" +
		"HTTP/1.1 201 Created\r\n" +
		"Content-Length: 4\r\n" +
		"\r\n" +
		"done"
	want := []int{100, 103, 201}
	for _, rd := range readers {
		t.Run(rd.name, func(t *testing.T) {
			br := rd.wrap(strings.NewReader(wire))
			var raw []byte
			for _, status := range want {
				resp, err := ReadResponse(br, Limits{}, "POST")
				if err != nil {
					t.Fatalf("response %d: %v", status, err)
				}
				if resp.Status != status {
					t.Fatalf("status = %d, want %d", resp.Status, status)
				}
				raw = append(raw, resp.Raw...)
			}
			if string(raw) != wire {
				t.Errorf("the responses' Raw bytes joined = %q, want %q", raw, wire)
			}
		})
	}
}
