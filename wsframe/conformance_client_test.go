// The conformance suite against netlab's CLIENT (wsframe.Dial): the
// independent peer plays the server, checks the client's opening handshake
// (RFC 6455, section 4.1), answers with what the case needs, and checks
// every frame the client sends: masked (section 5.3), with the right close
// code when the client fails the connection (section 7.1.7).

package wsframe_test

import (
	"encoding/base64"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"netlab/wsframe"
)

// startRawServer listens on loopback and serves one connection: it reads
// the client's opening handshake, checks it as section 4.2.1 tells a
// server to, and hands over to script, which runs in its own goroutine
// with the client's key. It returns the URL to dial; t.Cleanup waits for
// the script.
func startRawServer(t *testing.T, script func(p *peer, key string)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		nc, err := ln.Accept()
		if err != nil {
			if !errors.Is(err, net.ErrClosed) {
				t.Errorf("accept: %v", err)
			}
			return
		}
		defer nc.Close()
		p := newPeer(t, nc)
		if key, ok := readClientHandshake(t, p); ok {
			script(p, key)
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		<-done
	})
	return "ws://" + ln.Addr().String() + "/chat?room=1"
}

// readClientHandshake reads the client's request with net/http's parser
// and checks section 4.1's list of what a client sends. It runs on the raw
// server's goroutine, so it reports with Errorf.
func readClientHandshake(t *testing.T, p *peer) (key string, ok bool) {
	if err := p.nc.SetReadDeadline(time.Now().Add(peerTimeout)); err != nil {
		t.Errorf("set deadline: %v", err)
		return "", false
	}
	req, err := http.ReadRequest(p.br)
	if err != nil {
		t.Errorf("read the client's opening handshake: %v", err)
		return "", false
	}
	key = req.Header.Get("Sec-WebSocket-Key")
	raw, err := base64.StdEncoding.DecodeString(key)
	for _, c := range []struct {
		ok   bool
		rule string
	}{
		{req.Method == http.MethodGet, "the method must be GET"},
		{req.ProtoAtLeast(1, 1), "the version must be HTTP/1.1 or higher"},
		{req.RequestURI == "/chat?room=1", "the request-target must be the URL's path and query"},
		{req.Host != "", "a Host field is required"},
		{hasToken(req.Header, "Upgrade", "websocket"), "Upgrade must include websocket"},
		{hasToken(req.Header, "Connection", "Upgrade"), "Connection must include Upgrade"},
		{err == nil && len(raw) == 16, "Sec-WebSocket-Key must be 16 bytes, base64-encoded"},
		{req.Header.Get("Sec-WebSocket-Version") == "13", "Sec-WebSocket-Version must be 13"},
	} {
		if !c.ok {
			t.Errorf("the client's handshake: %s; got %q", c.rule, req.Header)
		}
	}
	return key, true
}

// hasToken reports whether a comma-separated field holds token, in any case.
func hasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// switching is a correct 101 response for a client's key (section 4.2.2).
func switching(key string) string {
	return head(
		"HTTP/1.1 101 Switching Protocols",
		"Upgrade: websocket",
		"Connection: Upgrade",
		"Sec-WebSocket-Accept: "+acceptFor(key),
	)
}

// dialOptions bound a client under test, so a bad case fails quickly.
func dialOptions(maxMessage int64, protocols ...string) *wsframe.DialOptions {
	return &wsframe.DialOptions{
		Options:          wsframe.Options{MaxMessage: maxMessage, CloseTimeout: 5 * time.Second},
		Subprotocols:     protocols,
		HandshakeTimeout: 5 * time.Second,
	}
}

// TestConformanceClientHandshake checks that the client refuses every 101
// that section 4.1 tells it to ("If ... the client MUST _Fail the
// WebSocket Connection_"), accepts the spellings HTTP allows, and closes
// the TCP connection it opened either way.
func TestConformanceClientHandshake(t *testing.T) {
	for _, tc := range []struct {
		name     string
		offer    []string                   // subprotocols the client offers
		response func(accept string) string // the raw server's answer
		rule     error                      // nil: accepted
		protocol string                     // the subprotocol an accepted handshake agrees on
		// serverCloses says the raw server ends the connection after its
		// response (a body without Content-Length ends there); otherwise it
		// waits for the client to close.
		serverCloses bool
	}{
		{
			// With Content-Length the response ends with its body, and
			// HTTP/1.1 keeps the connection: the client must not wait for
			// the server to close it before it reports the refusal.
			name: "4.1/status_200_with_content_length_fails_not_switching",
			response: func(string) string {
				return head(
					"HTTP/1.1 200 OK",
					"Content-Type: text/plain",
					"Content-Length: 22",
				) + "not a WebSocket here.\n"
			},
			rule: wsframe.ErrNotSwitching,
		},
		{
			name: "4.1/status_403_with_close_fails_not_switching",
			response: func(string) string {
				return head(
					"HTTP/1.1 403 Forbidden",
					"Connection: close",
				) + "go away\n"
			},
			rule: wsframe.ErrNotSwitching, serverCloses: true,
		},
		{
			name: "4.1/missing_upgrade_fails",
			response: func(accept string) string {
				return head(
					"HTTP/1.1 101 Switching Protocols",
					"Connection: Upgrade",
					"Sec-WebSocket-Accept: "+accept,
				)
			},
			rule: wsframe.ErrResponseUpgrade,
		},
		{
			name: "4.1/upgrade_h2c_fails",
			response: func(accept string) string {
				return head(
					"HTTP/1.1 101 Switching Protocols",
					"Upgrade: h2c",
					"Connection: Upgrade",
					"Sec-WebSocket-Accept: "+accept,
				)
			},
			rule: wsframe.ErrResponseUpgrade,
		},
		{
			name: "4.1/missing_connection_fails",
			response: func(accept string) string {
				return head(
					"HTTP/1.1 101 Switching Protocols",
					"Upgrade: websocket",
					"Sec-WebSocket-Accept: "+accept,
				)
			},
			rule: wsframe.ErrResponseConn,
		},
		{
			name: "4.1/connection_keep_alive_fails",
			response: func(accept string) string {
				return head(
					"HTTP/1.1 101 Switching Protocols",
					"Upgrade: websocket",
					"Connection: keep-alive",
					"Sec-WebSocket-Accept: "+accept,
				)
			},
			rule: wsframe.ErrResponseConn,
		},
		{
			name: "4.1/wrong_accept_fails",
			response: func(string) string {
				return head(
					"HTTP/1.1 101 Switching Protocols",
					"Upgrade: websocket",
					"Connection: Upgrade",
					"Sec-WebSocket-Accept: "+acceptFor(peerWSKey), // for another key
				)
			},
			rule: wsframe.ErrBadAccept,
		},
		{
			name: "4.1/missing_accept_fails",
			response: func(string) string {
				return head(
					"HTTP/1.1 101 Switching Protocols",
					"Upgrade: websocket",
					"Connection: Upgrade",
				)
			},
			rule: wsframe.ErrBadAccept,
		},
		{
			// Section 4.1, item 5: "If the response includes a
			// |Sec-WebSocket-Extensions| header field and this header field
			// indicates the use of an extension that was not present in the
			// client's handshake ..., the client MUST _Fail the WebSocket
			// Connection_."
			name: "4.1/unoffered_extension_fails",
			response: func(accept string) string {
				return switching2(accept, "Sec-WebSocket-Extensions: permessage-deflate")
			},
			rule: wsframe.ErrUnofferedExt,
		},
		{
			// Item 6: a subprotocol "that was not present in the client's
			// handshake".
			name: "4.1/subprotocol_when_none_offered_fails",
			response: func(accept string) string {
				return switching2(accept, "Sec-WebSocket-Protocol: chat")
			},
			rule: wsframe.ErrUnofferedProtocol,
		},
		{
			name:  "4.1/unoffered_subprotocol_fails",
			offer: []string{"chat", "v2.chat"},
			response: func(accept string) string {
				return switching2(accept, "Sec-WebSocket-Protocol: superchat")
			},
			rule: wsframe.ErrUnofferedProtocol,
		},
		{
			name:  "4.1/offered_subprotocol_accepted",
			offer: []string{"chat", "v2.chat"},
			response: func(accept string) string {
				return switching2(accept, "Sec-WebSocket-Protocol: v2.chat")
			},
			protocol: "v2.chat",
		},
		{
			name: "4.1/odd_case_names_and_tokens_accepted",
			response: func(accept string) string {
				return head(
					"HTTP/1.1 101 Switching Protocols",
					"UPGRADE: WebSocket",
					"connection: keep-alive, upgrade",
					"sec-websocket-accept: "+accept,
				)
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			url := startRawServer(t, func(p *peer, key string) {
				if err := p.write([]byte(tc.response(acceptFor(key))), false); err != nil {
					t.Errorf("send the response: %v", err)
					return
				}
				if tc.serverCloses {
					return
				}
				// The client closes the connection it opened: Dial after a
				// refusal, CloseNow below after an accepted handshake.
				p.expectEnd(2 * time.Second)
			})
			c, _, err := wsframe.Dial(t.Context(), url, dialOptions(0, tc.offer...))
			if tc.rule != nil {
				if !errors.Is(err, tc.rule) {
					t.Fatalf("Dial: got %v, want %v", err, tc.rule)
				}
				return
			}
			if err != nil {
				t.Fatalf("Dial: %v", err)
			}
			defer c.CloseNow()
			if got := c.Subprotocol(); got != tc.protocol {
				t.Errorf("Subprotocol() = %q, want %q", got, tc.protocol)
			}
			c.CloseNow()
		})
	}
}

// switching2 is a 101 with one more field.
func switching2(accept, field string) string {
	return head(
		"HTTP/1.1 101 Switching Protocols",
		"Upgrade: websocket",
		"Connection: Upgrade",
		"Sec-WebSocket-Accept: "+accept,
		field,
	)
}

// A message is what ReadMessage returns.
type message struct {
	typ  wsframe.MessageType
	data string
}

// A clientCase is frames the raw server sends after its 101, what the
// client must read and send back, and how the connection must end.
type clientCase struct {
	name       string
	maxMessage int64      // DialOptions.MaxMessage; 0 means the default
	send       []byte     // the raw server's frames
	wantMsgs   []message  // what ReadMessage must return, in order, before the end
	wantFrames []rawFrame // what the client must send before its close frame (unmasked here; on the wire masked)
	// wantCode is the code of the client's close frame (1005: no payload).
	// With rule set, the client fails the connection with it; with rule
	// nil, the server sent a close frame and the client echoes its code.
	wantCode uint16
	rule     error
}

func runClientCases(t *testing.T, cases []clientCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			runClientCase(t, tc)
		})
	}
}

func runClientCase(t *testing.T, tc clientCase) {
	serverClosed := make(chan struct{})
	url := startRawServer(t, func(p *peer, key string) {
		defer p.nc.Close()
		if err := p.write(slices.Concat([]byte(switching(key)), tc.send), false); err != nil {
			t.Errorf("send: %v", err)
			return
		}
		// 1. The client's frames, each masked (section 5.3).
		for i, want := range tc.wantFrames {
			got, err := p.readFrame()
			if err != nil {
				t.Errorf("client frame %d: %v; want %s", i, err, want.describe())
				return
			}
			want.masked = true // the key is the client's to choose; sameFrame ignores it
			if !sameFrame(got, want) {
				t.Errorf("client frame %d: got %s, want %s", i, got.describe(), want.describe())
				return
			}
		}
		// 2. Its close frame, masked too.
		got, err := p.readFrame()
		switch {
		case err != nil:
			t.Errorf("reading the client's close frame: %v; want code %d", err, tc.wantCode)
			return
		case got.op != opClose || !got.fin || got.rsv != 0:
			t.Errorf("got %s, want a close frame with code %d", got.describe(), tc.wantCode)
			return
		case !got.masked:
			t.Errorf("got an unmasked close frame from the client: %s", got.describe())
		case badClosePayload(got.payload) != "":
			t.Errorf("got a close frame with %s: %s", badClosePayload(got.payload), got.describe())
		case closeCode(got.payload) != tc.wantCode:
			t.Errorf("got close code %d (%s), want %d", closeCode(got.payload), got.describe(), tc.wantCode)
		}
		// 3. How TCP ends.
		if tc.rule != nil {
			// The client failed the connection: nothing follows its close
			// frame but the end of its side of TCP.
			p.expectEnd(2 * time.Second)
		} else {
			// The client answered our close: section 7.1.1 leaves closing
			// TCP to the server ("SHOULD be closed first by the server"),
			// so the client must still be connected.
			if err := p.nc.SetReadDeadline(time.Now().Add(100 * time.Millisecond)); err != nil {
				t.Error(err)
			}
			if n, err := p.br.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Errorf("after its close reply the client sent %d bytes, err %v; want it to wait for the server to close TCP", n, err)
			}
		}
		close(serverClosed)
	})

	c, _, err := wsframe.Dial(t.Context(), url, dialOptions(tc.maxMessage))
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	defer c.CloseNow()
	for i, want := range tc.wantMsgs {
		typ, data, err := c.ReadMessage(t.Context())
		if err != nil {
			t.Fatalf("message %d: %v; want %v %q", i, err, want.typ, want.data)
		}
		if got := (message{typ, string(data)}); got != want {
			t.Fatalf("message %d: got %v %q, want %v %q", i, got.typ, got.data, want.typ, want.data)
		}
	}
	_, data, err := c.ReadMessage(t.Context())
	if tc.rule != nil {
		var pe *wsframe.ProtocolError
		switch {
		case !errors.Is(err, tc.rule):
			t.Errorf("ReadMessage: got %v (data %q), want %v", err, data, tc.rule)
		case !errors.As(err, &pe) || uint16(pe.Code) != tc.wantCode:
			t.Errorf("ReadMessage: got %#v, want a *ProtocolError with code %d", err, tc.wantCode)
		}
		return
	}
	var ce *wsframe.CloseError
	if !errors.As(err, &ce) || uint16(ce.Code) != tc.wantCode {
		t.Errorf("ReadMessage: got %v, want a *CloseError with code %d", err, tc.wantCode)
	}
	select {
	case <-serverClosed:
	default:
		t.Errorf("ReadMessage returned before the server closed TCP")
	}
	if err := c.Close(wsframe.CloseNormal, ""); err != nil {
		t.Errorf("Close after the closing handshake: got %v, want nil", err)
	}
}

// Frames the raw server sends: not masked, as section 5.1 requires of a server.
func sFrag(fin bool, op byte, p string) []byte { return serverFrame(fin, op, []byte(p)).wire() }
func sCloseWire(p []byte) []byte               { return serverFrame(true, opClose, p).wire() }

// TestConformanceClientFrames runs the receiver rules against the client:
// a frame from the server that breaks one fails the connection with the
// code the RFC gives, in a masked close frame.
func TestConformanceClientFrames(t *testing.T) {
	rsv := func(bits byte) []byte {
		return rawFrame{fin: true, rsv: bits, op: opText, payload: []byte("Hello")}.wire()
	}
	hello := []message{{wsframe.TextMessage, "hello"}}
	cases := []clientCase{
		{
			// Section 5.1: "A client MUST close a connection if it detects a
			// masked frame."
			name: "5.1/masked_frame_from_server_fails_1002",
			send: clientFrame(true, opText, []byte("masked")).wire(), wantCode: 1002, rule: wsframe.ErrMaskedFromServer,
		},
		{
			name:     "5.1/masked_frame_after_valid_message_fails_1002",
			send:     slices.Concat(sFrag(true, opText, "hello"), clientFrame(true, opPing, nil).wire()),
			wantMsgs: hello, wantCode: 1002, rule: wsframe.ErrMaskedFromServer,
		},
		{name: "5.2/rsv1_fails_1002", send: rsv(b0RSV1), wantCode: 1002, rule: wsframe.ErrReservedBits},
		{name: "5.2/rsv2_fails_1002", send: rsv(b0RSV2), wantCode: 1002, rule: wsframe.ErrReservedBits},
		{name: "5.2/rsv3_fails_1002", send: rsv(b0RSV3), wantCode: 1002, rule: wsframe.ErrReservedBits},
		{
			name: "5.2/reserved_opcode_0x3_fails_1002",
			send: sFrag(true, 0x3, ""), wantCode: 1002, rule: wsframe.ErrReservedOpcode,
		},
		{
			name:     "5.2/reserved_opcode_0xB_after_valid_message_fails_1002",
			send:     slices.Concat(sFrag(true, opText, "hello"), sFrag(true, 0xB, "")),
			wantMsgs: hello, wantCode: 1002, rule: wsframe.ErrReservedOpcode,
		},
		{
			name: "5.2/64bit_length_with_top_bit_fails_1002",
			send: []byte{
				0x82,                                           // FIN, opcode 2 (binary)
				0x7F,                                           // no MASK, length 127: a 64-bit length follows
				0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, // 64-bit length with its top bit set
			},
			wantCode: 1002, rule: wsframe.ErrLengthTopBit,
		},
		{
			name: "5.2/16bit_length_for_5_bytes_accepted",
			send: slices.Concat([]byte{
				0x81,       // FIN, opcode 1 (text)
				0x7E,       // no MASK, length 126: a 16-bit length follows
				0x00, 0x05, // 16-bit length 5: not the shortest form
				'h', 'e', 'l', 'l', 'o',
			}, sCloseWire(closePayload(1000, ""))),
			wantMsgs: hello, wantCode: 1000,
		},
		{
			name: "5.5/ping_126_bytes_fails_1002",
			send: serverFrame(true, opPing, binPayload(126)).wire(), wantCode: 1002, rule: wsframe.ErrControlTooLong,
		},
		{
			name: "5.5/fragmented_ping_fails_1002",
			send: sFrag(false, opPing, "frag"), wantCode: 1002, rule: wsframe.ErrControlFragmented,
		},
		{
			name: "5.4/continuation_without_open_message_fails_1002",
			send: sFrag(true, opCont, "orphan"), wantCode: 1002, rule: wsframe.ErrUnexpectedCont,
		},
		{
			name:     "5.4/text_frame_inside_fragmented_message_fails_1002",
			send:     slices.Concat(sFrag(false, opText, "frag"), sFrag(true, opText, "new")),
			wantCode: 1002, rule: wsframe.ErrDataInFragment,
		},
		{
			name: "5.4/fragments_with_ping_between_read_as_one_message",
			send: slices.Concat(sFrag(false, opText, "frag"), sFrag(true, opPing, "in between"), sFrag(true, opCont, "ment"),
				sCloseWire(closePayload(1000, ""))),
			wantMsgs:   []message{{wsframe.TextMessage, "fragment"}},
			wantFrames: []rawFrame{serverFrame(true, opPong, []byte("in between"))},
			wantCode:   1000,
		},
		{
			name: "8.1/invalid_utf8_fails_1007",
			send: sFrag(true, opText, "bad \xed\xa0\x80"), wantCode: 1007, rule: wsframe.ErrInvalidUTF8,
		},
		{
			name:     "8.1/invalid_utf8_across_fragments_fails_1007",
			send:     slices.Concat(sFrag(false, opText, "a\xf4"), sFrag(true, opCont, "\x90\x80\x80")),
			wantCode: 1007, rule: wsframe.ErrInvalidUTF8,
		},
		{
			// The rest of the message never comes: the client must judge
			// the first fragment on its own.
			name: "8.1/fail_fast_invalid_first_fragment_fails_1007_before_the_rest",
			send: sFrag(false, opText, "Hello\xc0"), wantCode: 1007, rule: wsframe.ErrInvalidUTF8,
		},
		{
			name: "5.5.1/close_with_1_byte_payload_fails_1002",
			send: sCloseWire([]byte{0x03}), wantCode: 1002, rule: wsframe.ErrCloseOneByte,
		},
		{
			name: "5.5.1/close_reason_invalid_utf8_fails_1007",
			send: sCloseWire(closePayload(1000, "\xff")), wantCode: 1007, rule: wsframe.ErrCloseReasonUTF8,
		},
		{
			name: "10.4/header_claiming_1_TiB_fails_1009_at_once", maxMessage: 1024,
			send: []byte{
				0x82,                                           // FIN, opcode 2 (binary)
				0x7F,                                           // no MASK, length 127: a 64-bit length follows
				0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, // 64-bit length 1<<40; no payload follows
			},
			wantCode: 1009, rule: wsframe.ErrFrameTooBig,
		},
	}
	for _, code := range []uint16{0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000, 65535} {
		cases = append(cases, clientCase{
			name: fmt.Sprintf("7.4/close_code_%d_fails_1002", code),
			send: sCloseWire(closePayload(code, "")), wantCode: 1002, rule: wsframe.ErrCloseCode,
		})
	}
	runClientCases(t, cases)
}

// TestConformanceClientPingClose checks the replies a client owes: a pong
// for every ping (section 5.5.2), a close frame for the server's close
// frame (section 5.5.1), and leaving the TCP close to the server.
func TestConformanceClientPingClose(t *testing.T) {
	var cases []clientCase
	for _, payload := range [][]byte{{}, []byte("hello"), binPayload(125)} {
		cases = append(cases, clientCase{
			name: fmt.Sprintf("5.5.2/ping_of_%d_bytes_answered_by_masked_pong", len(payload)),
			send: slices.Concat(serverFrame(true, opPing, payload).wire(), sFrag(true, opBinary, "after the ping"),
				sCloseWire(closePayload(1000, ""))),
			wantMsgs:   []message{{wsframe.BinaryMessage, "after the ping"}},
			wantFrames: []rawFrame{serverFrame(true, opPong, payload)},
			wantCode:   1000,
		})
	}
	cases = append(cases,
		clientCase{
			name:     "5.5.3/unsolicited_pong_ignored",
			send:     slices.Concat(sFrag(true, opPong, "heartbeat"), sFrag(true, opText, "hello"), sCloseWire(closePayload(1000, ""))),
			wantMsgs: []message{{wsframe.TextMessage, "hello"}}, wantCode: 1000,
		},
		clientCase{
			name:     "5.5.1/server_close_1001_echoed_then_client_waits_for_server_tcp_close",
			send:     sCloseWire(closePayload(1001, "bye")),
			wantCode: 1001,
		},
		clientCase{
			name:     "5.5.1/server_close_without_payload_answered_without_payload",
			send:     sCloseWire(nil),
			wantCode: 1005,
		},
		clientCase{
			name:     "5.5.1/server_close_4000_echoed",
			send:     slices.Concat(sFrag(true, opText, "hello"), sCloseWire(closePayload(4000, "private"))),
			wantMsgs: []message{{wsframe.TextMessage, "hello"}}, wantCode: 4000,
		},
	)
	runClientCases(t, cases)
}

// TestConformanceClientWrites checks what the client sends of its own:
// every frame masked with a fresh key, and the payload intact under the
// mask, whichever write path carried it; and its closing handshake.
func TestConformanceClientWrites(t *testing.T) {
	big := binPayload(600 << 10) // past the client's 256 KiB masking chunk
	url := startRawServer(t, func(p *peer, key string) {
		defer p.nc.Close()
		if err := p.write([]byte(switching(key)), false); err != nil {
			t.Errorf("send: %v", err)
			return
		}
		var keys [][4]byte
		for i, want := range []rawFrame{
			{fin: true, op: opText, payload: []byte("hello")},
			{fin: true, op: opText, payload: []byte("hello")},
			{fin: true, op: opBinary, payload: big},
			{fin: false, op: opText, payload: textPayload(64)},
			{fin: false, op: opCont, payload: textPayload(64)},
			{fin: true, op: opCont, payload: textPayload(10)},
			{fin: true, op: opClose, payload: closePayload(1000, "done")},
		} {
			got, err := p.readFrame()
			if err != nil {
				t.Errorf("client frame %d: %v; want %s", i, err, want.describe())
				return
			}
			want.masked = true
			if !sameFrame(got, want) {
				t.Errorf("client frame %d: got %s, want %s", i, got.describe(), want.describe())
			}
			keys = append(keys, got.key)
		}
		// Section 5.3: "The masking key is a 32-bit value chosen at random
		// by the client"; a repeat among seven would be a 1 in 10^8 fluke.
		for i := range keys {
			if slices.Contains(keys[:i], keys[i]) {
				t.Errorf("masking key %x repeated: %x", keys[i], keys)
			}
		}
		// Answer the close, then check the client leaves the TCP close to
		// us, and close.
		if err := p.write(sCloseWire(closePayload(1000, "")), false); err != nil {
			t.Errorf("send close: %v", err)
			return
		}
		if err := p.nc.SetReadDeadline(time.Now().Add(100 * time.Millisecond)); err != nil {
			t.Error(err)
		}
		if n, err := p.br.Read(make([]byte, 1)); !errors.Is(err, os.ErrDeadlineExceeded) {
			t.Errorf("after the closing handshake the client sent %d bytes, err %v; want it to wait for the server to close TCP", n, err)
		}
	})
	opts := dialOptions(0)
	opts.WriteBufferSize = 64 // so that NextWriter sends a frame per 64 bytes
	c, _, err := wsframe.Dial(t.Context(), url, opts)
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	defer c.CloseNow()
	for _, m := range []struct {
		typ wsframe.MessageType
		p   []byte
	}{{wsframe.TextMessage, []byte("hello")}, {wsframe.TextMessage, []byte("hello")}, {wsframe.BinaryMessage, big}} {
		if err := c.WriteMessage(t.Context(), m.typ, m.p); err != nil {
			t.Fatalf("WriteMessage: %v", err)
		}
	}
	w, err := c.NextWriter(t.Context(), wsframe.TextMessage)
	if err != nil {
		t.Fatalf("NextWriter: %v", err)
	}
	for _, piece := range [][]byte{textPayload(64), textPayload(64), textPayload(10)} {
		if _, err := w.Write(piece); err != nil {
			t.Fatalf("Write: %v", err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatalf("close the message writer: %v", err)
	}
	if err := c.Close(wsframe.CloseNormal, "done"); err != nil {
		t.Errorf("Close: got %v, want nil", err)
	}
}
