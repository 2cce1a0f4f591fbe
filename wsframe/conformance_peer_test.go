// An independent RFC 6455 peer for the conformance suite: its own frame
// encoder and decoder written from the figure of section 5.2, its own
// opening handshake (section 4), so that wsframe is never checked against
// itself; and the harness that runs a table of cases against netlab's
// server.

package wsframe_test

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
	"unicode/utf8"

	"netlab/wsframe"
)

// The peer's own copy of the protocol's constants. They are written out
// again here on purpose: a test that borrowed wsframe's would agree with
// wsframe even where both are wrong.
const (
	// peerGUID is the string of section 1.3.
	peerGUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

	// Opcodes (section 5.2).
	opCont   byte = 0x0
	opText   byte = 0x1
	opBinary byte = 0x2
	opClose  byte = 0x8
	opPing   byte = 0x9
	opPong   byte = 0xA

	// Bits of byte 0: FIN, RSV1-3, and the opcode in the low four bits.
	b0FIN    byte = 0x80
	b0RSV1   byte = 0x40
	b0RSV2   byte = 0x20
	b0RSV3   byte = 0x10
	b0Opcode byte = 0x0F

	// Bits of byte 1: MASK, and the 7-bit payload length.
	b1MASK byte = 0x80
	b1Len  byte = 0x7F

	// Values of the 7-bit length that announce a longer length field.
	len7Is16 = 126 // "the following 2 bytes interpreted as a 16-bit unsigned integer"
	len7Is64 = 127 // "the following 8 bytes interpreted as a 64-bit unsigned integer"

	// peerMaxPayload bounds what the decoder accepts from the side under
	// test: the suite's largest message, and some room.
	peerMaxPayload = 9 << 20

	// peerTimeout bounds every blocking read and write of the peer: a
	// side under test that never answers fails its case instead of
	// hanging the suite.
	peerTimeout = 10 * time.Second
)

// peerKey is the masking key the peer puts on its frames: the one of the
// RFC's examples (section 5.7).
var peerKey = [4]byte{0x37, 0xfa, 0x21, 0x3d}

// lenForm chooses how the encoder writes the payload length.
type lenForm int

const (
	lenMinimal lenForm = iota // the shortest form, as section 5.2 asks of a sender
	len16                     // always 126 and a 16-bit length
	len64                     // always 127 and a 64-bit length
)

// A rawFrame is one frame as the peer sees it: the header's fields and the
// payload, unmasked.
type rawFrame struct {
	fin     bool
	rsv     byte // RSV bits as they sit in byte 0: b0RSV1|b0RSV2|b0RSV3
	op      byte
	masked  bool
	key     [4]byte
	payload []byte
	form    lenForm // how the length is written (encoder) or was written (decoder)
}

// clientFrame is a frame as a client must send it: masked (section 5.1).
func clientFrame(fin bool, op byte, payload []byte) rawFrame {
	return rawFrame{fin: fin, op: op, masked: true, key: peerKey, payload: payload}
}

// serverFrame is a frame as a server must send it: not masked.
func serverFrame(fin bool, op byte, payload []byte) rawFrame {
	return rawFrame{fin: fin, op: op, payload: payload}
}

// closePayload is a close frame's body: the 2-byte code, then the reason
// (section 5.5.1).
func closePayload(code uint16, reason string) []byte {
	return append(binary.BigEndian.AppendUint16(nil, code), reason...)
}

// wire encodes f, following the figure of section 5.2 field by field.
func (f rawFrame) wire() []byte {
	// Byte 0: FIN, RSV1-3, opcode.
	b0 := f.op & b0Opcode
	if f.fin {
		b0 |= b0FIN
	}
	b0 |= f.rsv & (b0RSV1 | b0RSV2 | b0RSV3)

	// Byte 1: MASK, and the 7-bit length or a marker for a longer one.
	var b1 byte
	if f.masked {
		b1 |= b1MASK
	}
	n := uint64(len(f.payload))
	var ext []byte // the extended payload length, 0, 2 or 8 bytes
	switch {
	case f.form == len64 || f.form == lenMinimal && n > 0xFFFF:
		b1 |= len7Is64
		ext = binary.BigEndian.AppendUint64(nil, n)
	case f.form == len16 || f.form == lenMinimal && n > 125:
		b1 |= len7Is16
		ext = binary.BigEndian.AppendUint16(nil, uint16(n))
	default:
		b1 |= byte(n)
	}

	b := []byte{b0, b1}
	b = append(b, ext...)
	if f.masked {
		b = append(b, f.key[:]...) // the masking key
	}
	start := len(b)
	b = append(b, f.payload...)
	if f.masked {
		// Section 5.3: octet i of the payload is XORed with octet i MOD 4
		// of the masking key.
		for i := range f.payload {
			b[start+i] ^= f.key[i%4]
		}
	}
	return b
}

// wires concatenates the frames' wire forms.
func wires(frames ...rawFrame) []byte {
	var b []byte
	for _, f := range frames {
		b = append(b, f.wire()...)
	}
	return b
}

// readRawFrame decodes one frame from r. It refuses a length over max
// before allocating anything, and records which length form was used, so
// callers can check that the side under test writes the shortest one.
func readRawFrame(r io.Reader, max uint64) (rawFrame, error) {
	var hdr [2]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return rawFrame{}, err
	}
	f := rawFrame{
		fin:    hdr[0]&b0FIN != 0,
		rsv:    hdr[0] & (b0RSV1 | b0RSV2 | b0RSV3),
		op:     hdr[0] & b0Opcode,
		masked: hdr[1]&b1MASK != 0,
	}
	n := uint64(hdr[1] & b1Len)
	switch n {
	case len7Is16:
		var ext [2]byte
		if _, err := io.ReadFull(r, ext[:]); err != nil {
			return f, fmt.Errorf("16-bit length: %w", err)
		}
		n, f.form = uint64(binary.BigEndian.Uint16(ext[:])), len16
		if n <= 125 {
			return f, fmt.Errorf("length %d written in 16 bits: the sender must use the shortest form", n)
		}
	case len7Is64:
		var ext [8]byte
		if _, err := io.ReadFull(r, ext[:]); err != nil {
			return f, fmt.Errorf("64-bit length: %w", err)
		}
		n, f.form = binary.BigEndian.Uint64(ext[:]), len64
		if n <= 0xFFFF {
			return f, fmt.Errorf("length %d written in 64 bits: the sender must use the shortest form", n)
		}
	}
	if n > max {
		return f, fmt.Errorf("length %d over the peer's limit of %d", n, max)
	}
	if f.masked {
		if _, err := io.ReadFull(r, f.key[:]); err != nil {
			return f, fmt.Errorf("masking key: %w", err)
		}
	}
	f.payload = make([]byte, n)
	if _, err := io.ReadFull(r, f.payload); err != nil {
		return f, fmt.Errorf("payload of %d bytes: %w", n, err)
	}
	if f.masked {
		for i := range f.payload {
			f.payload[i] ^= f.key[i%4]
		}
	}
	return f, nil
}

// closeCode returns the code a close frame's payload carries, or 1005 for
// an empty payload ("no status code was actually present", section 7.4.1).
func closeCode(payload []byte) uint16 {
	if len(payload) < 2 {
		return 1005
	}
	return binary.BigEndian.Uint16(payload)
}

// badClosePayload says what is wrong with a close frame's payload as the
// side under test sent it, or "" (section 5.5.1: a code of two bytes, or
// nothing; then a UTF-8 reason).
func badClosePayload(payload []byte) string {
	switch {
	case len(payload) == 1:
		return "a 1-byte payload"
	case len(payload) > 2 && !utf8.Valid(payload[2:]):
		return "a reason that is not UTF-8"
	}
	return ""
}

// describe writes a frame for a failure message.
func (f rawFrame) describe() string {
	s := fmt.Sprintf("op=0x%X fin=%v", f.op, f.fin)
	if f.rsv != 0 {
		s += fmt.Sprintf(" rsv=%03b", f.rsv>>4)
	}
	if f.masked {
		s += " masked"
	}
	if f.op == opClose {
		return s + fmt.Sprintf(" code=%d reason=%q", closeCode(f.payload), f.payload[min(2, len(f.payload)):])
	}
	if len(f.payload) > 40 {
		return s + fmt.Sprintf(" %d bytes %q...", len(f.payload), f.payload[:40])
	}
	return s + fmt.Sprintf(" %q", f.payload)
}

// acceptFor computes Sec-WebSocket-Accept for key (section 4.2.2, step 5.4).
func acceptFor(key string) string {
	sum := sha1.Sum([]byte(key + peerGUID))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// peerWSKey is the key of the RFC's example in section 1.3: "dGhlIHNhbXBsZSBub25jZQ==".
const peerWSKey = "dGhlIHNhbXBsZSBub25jZQ=="

// upgradeRequest is a correct opening handshake (section 4.1) for host.
func upgradeRequest(host string) string {
	return "GET /echo HTTP/1.1\r\n" +
		"Host: " + host + "\r\n" +
		"Upgrade: websocket\r\n" +
		"Connection: Upgrade\r\n" +
		"Sec-WebSocket-Key: " + peerWSKey + "\r\n" +
		"Sec-WebSocket-Version: 13\r\n" +
		"\r\n"
}

// A peer is the raw-TCP end of a connection under test.
type peer struct {
	t  testing.TB
	nc net.Conn
	br *bufio.Reader
}

// dialPeer connects to addr over TCP; t.Cleanup closes the connection.
func dialPeer(t testing.TB, addr string) *peer {
	t.Helper()
	nc, err := net.DialTimeout("tcp", addr, peerTimeout)
	if err != nil {
		t.Fatalf("dial %s: %v", addr, err)
	}
	t.Cleanup(func() { nc.Close() })
	return &peer{t: t, nc: nc, br: bufio.NewReaderSize(nc, 64<<10)}
}

// newPeer wraps an accepted connection (the peer as a server).
func newPeer(t testing.TB, nc net.Conn) *peer {
	return &peer{t: t, nc: nc, br: bufio.NewReaderSize(nc, 64<<10)}
}

// write sends b, in one write or one byte per write, and returns the
// first error. Go disables Nagle's algorithm on TCP sockets, so each
// 1-byte write leaves in its own segment.
func (p *peer) write(b []byte, chop bool) error {
	if err := p.nc.SetWriteDeadline(time.Now().Add(peerTimeout)); err != nil {
		return err
	}
	if !chop {
		_, err := p.nc.Write(b)
		return err
	}
	for i := range b {
		if _, err := p.nc.Write(b[i : i+1]); err != nil {
			return fmt.Errorf("byte %d of %d: %w", i, len(b), err)
		}
	}
	return nil
}

// writeAsync sends b from another goroutine, so the peer can read what
// the other side answers while it still sends (neither side then blocks on
// a full socket buffer). The returned function waits for the writer and
// returns its error; t.Cleanup also waits for it.
func (p *peer) writeAsync(b []byte, chop bool) (wait func() error) {
	done := make(chan error, 1)
	go func() { done <- p.write(b, chop) }()
	var err error
	var waited bool
	wait = func() error {
		if !waited {
			err, waited = <-done, true
		}
		return err
	}
	p.t.Cleanup(func() {
		p.nc.Close() // unblocks a writer stuck on a peer that stopped reading
		wait()
	})
	return wait
}

// readFrame reads the next frame, within peerTimeout.
func (p *peer) readFrame() (rawFrame, error) {
	if err := p.nc.SetReadDeadline(time.Now().Add(peerTimeout)); err != nil {
		return rawFrame{}, err
	}
	return readRawFrame(p.br, peerMaxPayload)
}

// handshake sends an opening handshake, chopped into 1-byte writes if
// chop is set and followed in the same write by pipelined bytes, and
// checks the server's 101 response as section 4.1 tells a client to.
func (p *peer) handshake(chop bool, pipelined []byte) {
	p.t.Helper()
	req := append([]byte(upgradeRequest(p.nc.RemoteAddr().String())), pipelined...)
	if err := p.write(req, chop); err != nil {
		p.t.Fatalf("send the opening handshake: %v", err)
	}
	resp := p.readResponse()
	resp.Body.Close()
	if resp.StatusCode != http.StatusSwitchingProtocols {
		p.t.Fatalf("handshake: got status %d, want 101", resp.StatusCode)
	}
	for _, c := range []struct{ field, want string }{
		{"Upgrade", "websocket"},
		{"Connection", "upgrade"},
		{"Sec-WebSocket-Accept", acceptFor(peerWSKey)},
	} {
		if got := resp.Header.Get(c.field); !strings.EqualFold(got, c.want) {
			p.t.Fatalf("handshake: got %s %q, want %q", c.field, got, c.want)
		}
	}
}

// readResponse reads an HTTP response head with net/http's parser: a
// second, independent judge of "a real HTTP response".
func (p *peer) readResponse() *http.Response {
	p.t.Helper()
	if err := p.nc.SetReadDeadline(time.Now().Add(peerTimeout)); err != nil {
		p.t.Fatal(err)
	}
	resp, err := http.ReadResponse(p.br, nil)
	if err != nil {
		p.t.Fatalf("read the server's HTTP response: %v", err)
	}
	return resp
}

// expectEnd checks that the other side ends the TCP connection (a FIN, or
// a reset) within the bound, and sends nothing more before it: after its
// close frame, or after a refused handshake's response.
func (p *peer) expectEnd(within time.Duration) {
	p.t.Helper()
	if err := p.nc.SetReadDeadline(time.Now().Add(within)); err != nil {
		p.t.Error(err) // not Fatal: the raw server calls this on its own goroutine
		return
	}
	var b [512]byte
	n, err := p.br.Read(b[:])
	switch {
	case n > 0:
		p.t.Errorf("got %d more bytes (% x...), want the TCP connection to end", n, b[:min(n, 16)])
	case isConnEnd(err):
	case errors.Is(err, os.ErrDeadlineExceeded):
		p.t.Errorf("the TCP connection was still open after %v, want it ended", within)
	default:
		p.t.Errorf("got error %v, want the TCP connection to end (EOF or a reset)", err)
	}
}

// isConnEnd reports whether err is the end of a TCP connection: FIN (EOF)
// or RST.
func isConnEnd(err error) bool {
	return errors.Is(err, io.EOF) || errors.Is(err, syscall.ECONNRESET)
}

// results keeps what each connection of a server under test ended with
// (what its handler returned, or why its handshake was refused), by the
// client's address, so a case can check the rule the server names as well
// as the bytes it sends.
type results struct {
	mu sync.Mutex
	m  map[string]chan error
}

func (r *results) slot(client string) chan error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.m == nil {
		r.m = map[string]chan error{}
	}
	ch, ok := r.m[client]
	if !ok {
		ch = make(chan error, 1)
		r.m[client] = ch
	}
	return ch
}

func (r *results) put(client net.Addr, err error) { r.slot(client.String()) <- err }

// get waits for what the server's side of the client's connection ended with.
func (r *results) get(t *testing.T, client net.Addr) error {
	t.Helper()
	select {
	case err := <-r.slot(client.String()):
		return err
	case <-time.After(peerTimeout):
		t.Fatalf("the server's side of %v did not finish within %v", client, peerTimeout)
		return nil
	}
}

// A server is a server under test: where it listens, and what each of its
// connections ended with.
type server struct {
	addr     string
	external bool // a server in another process: its handlers' results are not known
	results
}

// externalTargets reads NETLAB_WS_TARGETS, which points the server cases at
// servers in other processes, such as `netlab ws serve`: a comma-separated
// list of MAXMESSAGE=IP:PORT, where MAXMESSAGE 0 is the default limit. .ci/run
// uses it to drive the real command with this suite.
func externalTargets(t *testing.T) map[int64]string {
	spec := os.Getenv("NETLAB_WS_TARGETS")
	if spec == "" {
		return nil
	}
	targets := map[int64]string{}
	for _, item := range strings.Split(spec, ",") {
		limit, addr, ok := strings.Cut(strings.TrimSpace(item), "=")
		n, err := strconv.ParseInt(limit, 10, 64)
		if !ok || err != nil {
			t.Fatalf("NETLAB_WS_TARGETS: %q is not MAXMESSAGE=IP:PORT", item)
		}
		targets[n] = addr
	}
	return targets
}

// startEchoServer starts wsframe.Serve with the Echo handler on loopback;
// t.Cleanup stops it and waits for every handler.
func startEchoServer(t *testing.T, opts *wsframe.AcceptOptions) *server {
	t.Helper()
	if targets := externalTargets(t); targets != nil {
		var o wsframe.AcceptOptions
		if opts != nil {
			o = *opts
		}
		addr, ok := targets[o.MaxMessage]
		o.MaxMessage = 0
		if !ok || !reflect.DeepEqual(o, wsframe.AcceptOptions{}) {
			t.Skipf("NETLAB_WS_TARGETS has no external server with these options (MaxMessage %d)", opts.MaxMessage)
		}
		return &server{addr: addr, external: true}
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	s := &server{addr: ln.Addr().String()}
	ctx, cancel := context.WithCancel(context.Background())
	served := make(chan error, 1)
	go func() {
		served <- wsframe.Serve(ctx, ln, opts,
			func(ctx context.Context, c *wsframe.Conn, _ *wsframe.Handshake) {
				s.put(c.RemoteAddr(), wsframe.Echo(ctx, c))
			},
			s.put)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-served; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return s
}

// handshakeMode says how the peer sends its opening handshake.
type handshakeMode int

const (
	handshakeWhole     handshakeMode = iota // one write, then the case's bytes
	handshakeChopped                        // 1-byte writes
	handshakePipelined                      // one write that carries the case's bytes too
)

// A serverCase is bytes the peer sends after the handshake and what the
// server must answer.
type serverCase struct {
	name       string
	maxMessage int64         // AcceptOptions.MaxMessage; 0 means the default
	handshake  handshakeMode // how the opening handshake is sent
	send       []byte        // the peer's frames
	chop       bool          // send them in 1-byte writes
	want       []rawFrame    // what the server must send before its close frame
	// wantClose is the code of the close frame the server must send; 1005
	// means a close frame with no payload. 0 means the server must not
	// close by itself: the peer then sends a close frame with 1000 after
	// send, and the server must answer it with 1000.
	wantClose uint16
	rule      error // the sentinel the server's handler must return; nil for a clean close
}

// runServerCases runs each case on its own connection, in parallel, with
// one server per distinct MaxMessage.
func runServerCases(t *testing.T, cases []serverCase) {
	t.Helper()
	servers := map[int64]*server{}
	for _, tc := range cases {
		srv, ok := servers[tc.maxMessage]
		if !ok {
			srv = startEchoServer(t, &wsframe.AcceptOptions{Options: wsframe.Options{MaxMessage: tc.maxMessage}})
			servers[tc.maxMessage] = srv
		}
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			runServerCase(t, srv, tc)
		})
	}
}

func runServerCase(t *testing.T, srv *server, tc serverCase) {
	p := dialPeer(t, srv.addr)
	send, wantClose := tc.send, tc.wantClose
	if wantClose == 0 {
		send = slices.Concat(send, clientFrame(true, opClose, closePayload(1000, "")).wire())
		wantClose = 1000
	}

	// 1. The handshake, and the case's frames: written by another
	// goroutine while this one reads the answers.
	var wait func() error
	switch tc.handshake {
	case handshakeWhole, handshakeChopped:
		p.handshake(tc.handshake == handshakeChopped, nil)
		wait = p.writeAsync(send, tc.chop)
	case handshakePipelined:
		p.handshake(tc.chop, send)
		wait = func() error { return nil }
	}

	// 2. The frames the server must send, in order.
	for i, want := range tc.want {
		got, err := p.readFrame()
		if err != nil {
			t.Fatalf("frame %d: %v; want %s", i, err, want.describe())
		}
		if !sameFrame(got, want) {
			t.Fatalf("frame %d: got %s, want %s", i, got.describe(), want.describe())
		}
	}

	// 3. The server's close frame, unmasked, with the code.
	got, err := p.readFrame()
	switch {
	case err != nil:
		t.Fatalf("reading the close frame: %v; want a close frame with code %d", err, wantClose)
	case got.op != opClose || !got.fin || got.rsv != 0 || got.masked:
		t.Fatalf("got %s, want a close frame with code %d", got.describe(), wantClose)
	case badClosePayload(got.payload) != "":
		t.Errorf("got a close frame with %s: %s", badClosePayload(got.payload), got.describe())
	case closeCode(got.payload) != wantClose:
		t.Errorf("got close code %d (%s), want %d", closeCode(got.payload), got.describe(), wantClose)
	}

	// 4. Then nothing but the end of the TCP connection (section 7.1.1:
	// the server closes first).
	p.expectEnd(2 * time.Second)
	if err := wait(); err != nil && tc.wantClose == 0 {
		t.Errorf("sending the case's frames: %v", err)
	}

	// 5. The rule the server's handler names (known only in this process).
	p.nc.Close()
	if srv.external {
		return
	}
	herr := srv.get(t, p.nc.LocalAddr())
	switch {
	case tc.rule == nil && herr != nil:
		t.Errorf("the handler returned %v, want nil (a clean close)", herr)
	case tc.rule != nil && !errors.Is(herr, tc.rule):
		t.Errorf("the handler returned %v, want %v", herr, tc.rule)
	}
	var pe *wsframe.ProtocolError
	if errors.As(herr, &pe) && uint16(pe.Code) != wantClose {
		t.Errorf("ProtocolError.Code = %d, want %d", pe.Code, wantClose)
	}
}

// sameFrame compares every field a server's frame must match.
func sameFrame(got, want rawFrame) bool {
	return got.fin == want.fin && got.rsv == want.rsv && got.op == want.op &&
		got.masked == want.masked && bytes.Equal(got.payload, want.payload)
}

// Builders for the tables: c* is what the client (the peer) sends, masked;
// s* what the server must send.
func cText(s string) []byte  { return clientFrame(true, opText, []byte(s)).wire() }
func cBin(p []byte) []byte   { return clientFrame(true, opBinary, p).wire() }
func cPing(p []byte) []byte  { return clientFrame(true, opPing, p).wire() }
func cClose(p []byte) []byte { return clientFrame(true, opClose, p).wire() }
func cFrag(fin bool, op byte, p string) []byte {
	return clientFrame(fin, op, []byte(p)).wire()
}
func sText(s string) rawFrame { return serverFrame(true, opText, []byte(s)) }
func sBin(p []byte) rawFrame  { return serverFrame(true, opBinary, p) }
func sPong(p []byte) rawFrame { return serverFrame(true, opPong, p) }

// textPayload is n bytes of ASCII; binPayload n bytes of every value,
// invalid UTF-8 included.
func textPayload(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = 'a' + byte(i%26)
	}
	return b
}

func binPayload(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*31 + 7)
	}
	return b
}

// perByteFragments splits a text message into one fragment per byte: the
// first a text frame with FIN clear, the last a continuation with FIN set.
func perByteFragments(op byte, p []byte) []byte {
	var b []byte
	for i := range p {
		fop := opCont
		if i == 0 {
			fop = op
		}
		b = append(b, clientFrame(i == len(p)-1, fop, p[i:i+1]).wire()...)
	}
	return b
}
