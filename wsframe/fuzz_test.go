// Fuzz targets for every parser of outside bytes: the client's opening
// handshake, the frame stream, and UTF-8 text. Findings go under
// testdata/fuzz/ and run as ordinary tests from then on:
//
//	go test ./wsframe -run '^$' -fuzz '^FuzzReadFrame$' -fuzztime 3m

package wsframe

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
	"time"
	"unicode/utf8"

	"netlab/httpdemo"
)

// fuzzConn is a net.Conn whose reads come from a fixed byte string and
// whose writes are kept (or dropped). Reads never block: at the end of the
// bytes the peer has closed (io.EOF). Deadlines are accepted and ignored.
type fuzzConn struct {
	r      io.Reader
	w      bytes.Buffer
	keep   bool // keep what is written
	closed bool
}

func newFuzzConn(r io.Reader, keep bool) *fuzzConn { return &fuzzConn{r: r, keep: keep} }

func (c *fuzzConn) Read(p []byte) (int, error) {
	if c.closed {
		return 0, net.ErrClosed
	}
	return c.r.Read(p)
}

func (c *fuzzConn) Write(p []byte) (int, error) {
	if c.closed {
		return 0, net.ErrClosed
	}
	if c.keep {
		c.w.Write(p)
	}
	return len(p), nil
}

func (c *fuzzConn) Close() error        { c.closed = true; return nil }
func (c *fuzzConn) LocalAddr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080} }
func (c *fuzzConn) RemoteAddr() net.Addr {
	return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 50000}
}
func (c *fuzzConn) SetDeadline(time.Time) error      { return nil }
func (c *fuzzConn) SetReadDeadline(time.Time) error  { return nil }
func (c *fuzzConn) SetWriteDeadline(time.Time) error { return nil }

// handshakeSeeds are client requests: the RFC's, variations a real client
// sends, and requests that break each rule of section 4.2.1.
var handshakeSeeds = []string{
	rfcRequest,
	rfcRequest + "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", // with a frame right behind it
	"GET / HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUpgrade: WebSocket\r\nConnection: keep-alive, Upgrade\r\n" +
		"Sec-WebSocket-Key: AQIDBAUGBwgJCgsMDQ4PEA==\r\nSec-WebSocket-Version: 13\r\n\r\n",
	"POST /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
	"GET /chat HTTP/1.0\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n",
	"GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n\r\n",
	"GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: c2hvcnQ=\r\nSec-WebSocket-Version: 13\r\n\r\n",
	"GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: http://evil.example\r\n\r\n",
	"GET /chat HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nContent-Length: 3\r\n\r\nabc",
	"GET /chat HTTP/1.1\nHost: a\n\n",
	"GET /chat HTTP/1.1\r\n\r\n",
	"GET /chat HTTP/1.1\r\nHost: a\r\nX-Long: " + strings.Repeat("a", 5000) + "\r\n\r\n",
	"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", // a TLS ClientHello on the plain port
	"",
}

// FuzzAcceptHandshake: Accept never panics or hangs on any request; it
// returns a connection or an error, never both; what it writes is exactly
// Handshake.Response; a refusal is a well-formed HTTP response whose
// status is the HandshakeError's; and the bytes arriving one at a time
// give the same result.
func FuzzAcceptHandshake(f *testing.F) {
	for _, s := range handshakeSeeds {
		f.Add([]byte(s))
	}
	opts := &AcceptOptions{Subprotocols: []string{"chat"}, MaxHead: 4096, HandshakeTimeout: time.Second}
	f.Fuzz(func(t *testing.T, data []byte) {
		accept := func(r io.Reader) (*Conn, *Handshake, error, *fuzzConn) {
			nc := newFuzzConn(r, true)
			c, hs, err := Accept(context.Background(), nc, opts)
			return c, hs, err, nc
		}
		c, hs, err, nc := accept(bytes.NewReader(data))
		if (c == nil) == (err == nil) || hs == nil {
			t.Fatalf("Accept = %v, %v, %v; want a connection or an error, and a Handshake", c, hs, err)
		}
		if !bytes.Equal(nc.w.Bytes(), hs.Response) {
			t.Fatalf("wrote %q, Handshake.Response is %q", nc.w.Bytes(), hs.Response)
		}
		var herr *HandshakeError
		switch {
		case err == nil:
			checkSwitching(t, hs, c)
			if nc.closed {
				t.Fatal("Accept closed the connection it returned")
			}
		case errors.As(err, &herr):
			checkRefusal(t, herr, hs.Response)
			if !nc.closed {
				t.Fatal("a refused connection was left open")
			}
		default: // the request never arrived whole: nothing to answer
			if len(hs.Response) != 0 || !nc.closed {
				t.Fatalf("error %v: wrote %q, closed %v; want nothing written and the connection closed", err, hs.Response, nc.closed)
			}
		}
		c2, hs2, err2, _ := accept(iotest.OneByteReader(bytes.NewReader(data)))
		if (c2 == nil) != (c == nil) || !bytes.Equal(hs2.Response, hs.Response) || (err == nil) != (err2 == nil) {
			t.Fatalf("one byte at a time: %v, %q; whole: %v, %q", err2, hs2.Response, err, hs.Response)
		}
	})
}

// checkSwitching checks an accepted handshake's 101 response.
func checkSwitching(t *testing.T, hs *Handshake, c *Conn) {
	t.Helper()
	if !bytes.HasPrefix(hs.Response, []byte("HTTP/1.1 101 Switching Protocols\r\n")) {
		t.Fatalf("accepted with %q", hs.Response)
	}
	resp, err := httpdemo.ReadResponseHead(bufio.NewReader(bytes.NewReader(hs.Response)), httpdemo.Limits{})
	if err != nil {
		t.Fatalf("the 101 response %q does not parse: %v", hs.Response, err)
	}
	if got, _ := resp.Fields.Get("Sec-WebSocket-Accept"); got != AcceptKey(hs.Key) || hs.Accept != got {
		t.Fatalf("Sec-WebSocket-Accept %q, want %q for key %q", got, AcceptKey(hs.Key), hs.Key)
	}
	if p := c.Subprotocol(); p != "" && p != "chat" {
		t.Fatalf("subprotocol %q, the server offers only \"chat\"", p)
	}
}

// checkRefusal checks a refusal: "HTTP/1.1 ", a status the server uses
// for refusals, the one-line reason as the body.
func checkRefusal(t *testing.T, herr *HandshakeError, response []byte) {
	t.Helper()
	if !bytes.HasPrefix(response, []byte("HTTP/1.1 ")) {
		t.Fatalf("refusal %q does not start with \"HTTP/1.1 \"", response)
	}
	switch herr.Status {
	case http.StatusBadRequest, http.StatusForbidden, http.StatusMethodNotAllowed,
		http.StatusUpgradeRequired, http.StatusRequestHeaderFieldsTooLarge:
	default:
		t.Fatalf("refused with status %d", herr.Status)
	}
	resp, err := httpdemo.ReadResponse(bufio.NewReader(bytes.NewReader(response)), httpdemo.Limits{}, http.MethodGet)
	if err != nil {
		t.Fatalf("refusal %q does not parse: %v", response, err)
	}
	if resp.Status != herr.Status || string(resp.Body) != herr.Reason()+"\n" || len(resp.Raw) != len(response) {
		t.Fatalf("refusal %q: status %d, body %q; want %d, %q", response, resp.Status, resp.Body, herr.Status, herr.Reason()+"\n")
	}
}

// fuzzMaxMessage bounds messages in FuzzReadFrame: small enough that any
// allocation beyond it stands out.
const fuzzMaxMessage = 1 << 16

// frameSeeds are frame streams, each as a client sends them (masked) and
// as a server does (unmasked): section 5.7's examples and streams that
// break each rule of section 5.
func frameSeeds() [][]byte {
	key := [4]byte{0x37, 0xfa, 0x21, 0x3d}
	type fr struct {
		fin     bool
		op      Opcode
		payload []byte
	}
	streams := [][]fr{
		{{true, OpText, []byte("Hello")}},
		{{false, OpText, []byte("Hel")}, {true, OpContinuation, []byte("lo")}},
		{{true, OpPing, []byte("Hello")}, {true, OpPong, []byte("Hello")}},
		{{true, OpBinary, seq(256)}},
		{{false, OpText, []byte("\xe2\x82")}, {true, OpPing, nil}, {true, OpContinuation, []byte("\xac")}},
		{{false, OpText, []byte("a")}, {true, OpContinuation, []byte("\xed\xa0\x80")}},
		{{true, OpText, []byte("\xf4\x90\x80\x80")}},
		{{true, OpClose, []byte("\x03\xe8bye")}, {true, OpText, []byte("after close")}},
		{{true, OpClose, []byte("\x03")}},
		{{true, OpClose, []byte("\x03\xed")}},
		{{true, OpClose, []byte("\x0f\xa0\xff")}},
		{{true, OpClose, nil}},
		{{true, OpContinuation, []byte("x")}},
		{{false, OpText, []byte("x")}, {true, OpBinary, []byte("y")}},
		{{false, OpPing, nil}},
		{{true, OpPing, seq(126)}},
		{{true, 0x3, nil}},
		{{true, 0xB, nil}},
	}
	var out [][]byte
	for _, frames := range streams {
		var masked, unmasked []byte
		for _, f := range frames {
			masked = append(masked, maskedFrame(f.fin, f.op, key, f.payload)...)
			unmasked = AppendHeader(unmasked, Header{Fin: f.fin, Op: f.op, Length: int64(len(f.payload))})
			unmasked = append(unmasked, f.payload...)
		}
		out = append(out, masked, unmasked)
	}
	// The largest message the limit allows, as a client sends it. (Large
	// seeds are few: the fuzzer minimizes what it finds from them slowly.)
	out = append(out, maskedFrame(true, OpBinary, key, seq(fuzzMaxMessage)))
	return append(out,
		[]byte{0xc1, 0x80}, // RSV1 set
		[]byte{0x81, 0x7e, 0x00, 0x05, 'H', 'e', 'l', 'l', 'o'},            // non-minimal 16-bit length
		[]byte{0x82, 0x7f, 0x80, 0, 0, 0, 0, 0, 0, 0},                      // top bit of the 64-bit length
		[]byte{0x82, 0x7f, 0, 0, 0, 0, 0, 1, 0, 1},                         // 65537 bytes: over the limit
		[]byte{0x82, 0x7f, 0, 0, 0, 0, 0x20, 0, 0, 0},                      // 512 MiB claimed, none sent
		[]byte{0x82, 0x7f, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff}, // 2^63-1 bytes
	)
}

// FuzzReadFrame: any bytes after the handshake, read by a server and by a
// client with MaxMessage 64 KiB. Reading never panics and never allocates
// much beyond the limit; every frame returned obeys the RFC's rules for
// its role and round-trips through AppendHeader and ParseHeader; every
// text message returned is valid UTF-8; every error is a ProtocolError or
// a CloseError and sticks; and ReadFrame and ReadMessage agree on the
// messages and on how the stream ends.
func FuzzReadFrame(f *testing.F) {
	for _, s := range frameSeeds() {
		f.Add(s)
	}
	opts := &Options{MaxMessage: fuzzMaxMessage}
	f.Fuzz(func(t *testing.T, data []byte) {
		type result struct {
			fromFrames, fromMessages []string
			frameErr, messageErr     error
		}
		var results [2]result
		roles := [2]Role{RoleServer, RoleClient}
		alloc := allocatedDuring(func() {
			for i, role := range roles {
				r := &results[i]
				r.fromFrames, r.frameErr = readAllFrames(t, NewConn(newFuzzConn(bytes.NewReader(data), false), nil, role, opts), role)
				r.fromMessages, r.messageErr = readAllMessages(t, NewConn(newFuzzConn(iotest.HalfReader(bytes.NewReader(data)), false), nil, role, opts))
			}
		})
		// Each of the four readers may hold a message of the limit, the
		// test keeps copies, and there are buffers and error text; nothing
		// may grow with the length a header claims.
		if limit := 12*fuzzMaxMessage + 16*uint64(len(data)) + 256<<10; alloc > limit {
			t.Fatalf("reading %d bytes allocated %d bytes, limit %d", len(data), alloc, limit)
		}
		for i, r := range results {
			if !slices.Equal(r.fromFrames, r.fromMessages) {
				t.Fatalf("%v: frame by frame %d messages, whole messages %d", roles[i], len(r.fromFrames), len(r.fromMessages))
			}
			if !sameEnd(r.frameErr, r.messageErr) {
				t.Fatalf("%v: frame by frame ends with %v, whole messages with %v", roles[i], r.frameErr, r.messageErr)
			}
		}
	})
}

// readAllFrames reads frames until an error, checks each, and returns the
// data messages they make up.
func readAllFrames(t *testing.T, c *Conn, role Role) ([]string, error) {
	var msgs []string
	var open []byte
	var buf []byte
	for {
		f, err := c.ReadFrame(context.Background(), buf)
		if err != nil {
			checkReadError(t, c, err)
			return msgs, err
		}
		buf = f.Payload
		h := f.Header
		switch {
		case int64(len(f.Payload)) != h.Length || h.Length > fuzzMaxMessage:
			t.Fatalf("%v: frame %v with a %d-byte payload, limit %d", role, h, len(f.Payload), fuzzMaxMessage)
		case h.Masked != (role == RoleServer):
			t.Fatalf("%v accepted a frame with MASK %v", role, h.Masked)
		case h.Rsv != 0 || h.Op.reserved():
			t.Fatalf("%v accepted %v", role, h)
		case h.Op.IsControl() && (!h.Fin || h.Length > MaxControlPayload):
			t.Fatalf("%v accepted control frame %v", role, h)
		}
		wire := AppendHeader(nil, h)
		back, n, err := ParseHeader(wire)
		if err != nil || back != h || n != h.Size() || n != len(wire) {
			t.Fatalf("%v round-trips as %v, %d, %v (wire % x)", h, back, n, err, wire)
		}
		if h.Op.IsData() {
			open = append(open, f.Payload...)
			if h.Fin {
				msgs = append(msgs, string(open))
				open = open[:0]
			}
		}
	}
}

// readAllMessages reads whole messages until an error.
func readAllMessages(t *testing.T, c *Conn) ([]string, error) {
	var msgs []string
	var buf []byte
	for {
		typ, msg, err := c.AppendMessage(context.Background(), buf)
		if err != nil {
			checkReadError(t, c, err)
			return msgs, err
		}
		if len(msg) > fuzzMaxMessage || typ == TextMessage && !utf8.Valid(msg) {
			t.Fatalf("%v message of %d bytes (valid UTF-8 %v), limit %d", typ, len(msg), utf8.Valid(msg), fuzzMaxMessage)
		}
		msgs = append(msgs, string(msg))
		buf = msg
	}
}

// checkReadError: a read ends with the peer's close or a broken rule, and
// the connection keeps saying so.
func checkReadError(t *testing.T, c *Conn, err error) {
	var pe *ProtocolError
	var ce *CloseError
	if !errors.As(err, &pe) && !errors.As(err, &ce) {
		t.Fatalf("read error %v (%T), want a *ProtocolError or *CloseError", err, err)
	}
	if _, again := c.ReadFrame(context.Background(), nil); again != err {
		t.Fatalf("after %v, the next read says %v", err, again)
	}
}

// sameEnd reports whether two reads of one stream ended the same way: the
// same broken rule, or the same close code.
func sameEnd(a, b error) bool {
	var pa, pb *ProtocolError
	if errors.As(a, &pa) && errors.As(b, &pb) {
		return pa.Rule == pb.Rule && pa.Code == pb.Code
	}
	var ca, cb *CloseError
	if errors.As(a, &ca) && errors.As(b, &cb) {
		return *ca == *cb
	}
	return false
}

// allocatedDuring returns the heap bytes f allocated.
func allocatedDuring(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// FuzzUTF8: the validator fed in two pieces, split anywhere, says after
// each piece whether the bytes so far can still become valid UTF-8, and at
// the end agrees with utf8.Valid.
func FuzzUTF8(f *testing.F) {
	for _, tt := range utf8Tests {
		f.Add([]byte(tt.b), uint(len(tt.b)/2))
	}
	f.Fuzz(func(t *testing.T, data []byte, split uint) {
		i := int(split % uint(len(data)+1))
		var v utf8Validator
		first := v.Write(data[:i])
		if want := utf8PrefixValid(data[:i]); first != want {
			t.Fatalf("Write(% x) = %v, want %v", data[:i], first, want)
		}
		second := v.Write(data[i:])
		if want := utf8PrefixValid(data); second != want {
			t.Fatalf("Write(% x) then Write(% x) = %v, want %v", data[:i], data[i:], second, want)
		}
		if got, want := v.Complete(), utf8.Valid(data); got != want {
			t.Fatalf("% x split at %d: Complete = %v, utf8.Valid = %v", data, i, got, want)
		}
	})
}
