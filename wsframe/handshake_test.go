// Conformance of the server's opening handshake (RFC 6455, section 4.2):
// the requests it must refuse, with the HTTP status it answers; the
// spellings it must accept; its deadline; and how the request may travel on
// the byte stream (category 10 of the suite). Each case runs against
// Accept (through Serve) and against Upgrade behind a net/http server.

package wsframe_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"netlab/httpdemo"
	"netlab/wsframe"
)

// head joins request lines with CRLF and ends the head with an empty line.
func head(lines ...string) string { return strings.Join(lines, "\r\n") + "\r\n\r\n" }

// A handshakeCase is a request head and the server's required answer.
type handshakeCase struct {
	name       string
	request    string
	wantStatus int               // 101 for an accepted handshake
	wantFields map[string]string // fields the response must carry
	rule       error             // the sentinel the server names; nil when accepted
	// netHTTP says that net/http itself answers before Upgrade is called
	// (the request is not HTTP/1.1 it can serve), so only the status is
	// checked on that path.
	netHTTP bool
}

var handshakeCases = []handshakeCase{
	{
		// Section 4.2.1, item 1: "An HTTP/1.1 or higher GET request".
		name: "4.2.1/post_refused_405_with_allow_get",
		request: head(
			"POST /echo HTTP/1.1",
			"Host: 127.0.0.1",
			"Upgrade: websocket",
			"Connection: Upgrade",
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
			"Sec-WebSocket-Version: 13",
		),
		wantStatus: 405, wantFields: map[string]string{"Allow": "GET"}, rule: wsframe.ErrNotGet,
	},
	{
		name: "4.2.1/http_1.0_refused_400",
		request: head(
			"GET /echo HTTP/1.0",
			"Host: 127.0.0.1",
			"Upgrade: websocket",
			"Connection: Upgrade",
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
			"Sec-WebSocket-Version: 13",
		),
		wantStatus: 400, rule: wsframe.ErrHTTPVersion,
	},
	{
		// Item 2: "A |Host| header field containing the server's authority."
		name: "4.2.1/no_host_refused_400",
		request: head(
			"GET /echo HTTP/1.1",
			"Upgrade: websocket",
			"Connection: Upgrade",
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
			"Sec-WebSocket-Version: 13",
		),
		wantStatus: 400, rule: wsframe.ErrNoHost, netHTTP: true,
	},
	{
		// Item 3: "An |Upgrade| header field containing the value
		// "websocket", treated as an ASCII case-insensitive value."
		name: "4.2.1/no_upgrade_refused_400",
		request: head(
			"GET /echo HTTP/1.1",
			"Host: 127.0.0.1",
			"Connection: Upgrade",
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
			"Sec-WebSocket-Version: 13",
		),
		wantStatus: 400, rule: wsframe.ErrNoUpgrade,
	},
	{
		name: "4.2.1/upgrade_h2c_refused_400",
		request: head(
			"GET /echo HTTP/1.1",
			"Host: 127.0.0.1",
			"Upgrade: h2c",
			"Connection: Upgrade",
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
			"Sec-WebSocket-Version: 13",
		),
		wantStatus: 400, rule: wsframe.ErrNoUpgrade,
	},
	{
		// Item 4: "A |Connection| header field that includes the token
		// "Upgrade", treated as an ASCII case-insensitive value."
		name: "4.2.1/connection_keep_alive_without_upgrade_refused_400",
		request: head(
			"GET /echo HTTP/1.1",
			"Host: 127.0.0.1",
			"Upgrade: websocket",
			"Connection: keep-alive",
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
			"Sec-WebSocket-Version: 13",
		),
		wantStatus: 400, rule: wsframe.ErrNoConnection,
	},
	{
		name: "4.2.1/no_connection_refused_400",
		request: head(
			"GET /echo HTTP/1.1",
			"Host: 127.0.0.1",
			"Upgrade: websocket",
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
			"Sec-WebSocket-Version: 13",
		),
		wantStatus: 400, rule: wsframe.ErrNoConnection,
	},
	{
		name: "4.2.1/connection_keep_alive_upgrade_list_accepted",
		request: head(
			"GET /echo HTTP/1.1",
			"Host: 127.0.0.1",
			"Upgrade: websocket",
			"Connection: keep-alive, Upgrade",
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
			"Sec-WebSocket-Version: 13",
		),
		wantStatus: 101,
	},
	{
		// Field names compare without regard to case (RFC 9110, section
		// 5.1); the Upgrade and Connection tokens too (items 3 and 4).
		name: "4.2.1/odd_case_names_and_tokens_accepted",
		request: head(
			"GET /echo HTTP/1.1",
			"host: 127.0.0.1",
			"UPGRADE: WebSocket",
			"connection: UPGRADE",
			"sec-websocket-key: dGhlIHNhbXBsZSBub25jZQ==",
			"SEC-WEBSOCKET-VERSION: 13",
		),
		wantStatus: 101,
	},
	{
		// Item 5: "a base64-encoded value that, when decoded, is 16 bytes
		// in length."
		name: "4.2.1/key_of_15_bytes_refused_400",
		request: head(
			"GET /echo HTTP/1.1",
			"Host: 127.0.0.1",
			"Upgrade: websocket",
			"Connection: Upgrade",
			"Sec-WebSocket-Key: ZmlmdGVlbiBieXRlcyEh", // "fifteen bytes!!"
			"Sec-WebSocket-Version: 13",
		),
		wantStatus: 400, rule: wsframe.ErrBadKey,
	},
	{
		name: "4.2.1/key_of_17_bytes_refused_400",
		request: head(
			"GET /echo HTTP/1.1",
			"Host: 127.0.0.1",
			"Upgrade: websocket",
			"Connection: Upgrade",
			"Sec-WebSocket-Key: c2V2ZW50ZWVuIGJ5dGVzISE=", // "seventeen bytes!!"
			"Sec-WebSocket-Version: 13",
		),
		wantStatus: 400, rule: wsframe.ErrBadKey,
	},
	{
		name: "4.2.1/key_not_base64_refused_400",
		request: head(
			"GET /echo HTTP/1.1",
			"Host: 127.0.0.1",
			"Upgrade: websocket",
			"Connection: Upgrade",
			"Sec-WebSocket-Key: not*base64*at*all*!!!!!",
			"Sec-WebSocket-Version: 13",
		),
		wantStatus: 400, rule: wsframe.ErrBadKey,
	},
	{
		name: "4.2.1/no_key_refused_400",
		request: head(
			"GET /echo HTTP/1.1",
			"Host: 127.0.0.1",
			"Upgrade: websocket",
			"Connection: Upgrade",
			"Sec-WebSocket-Version: 13",
		),
		wantStatus: 400, rule: wsframe.ErrBadKey,
	},
	{
		name: "4.2.1/two_keys_refused_400",
		request: head(
			"GET /echo HTTP/1.1",
			"Host: 127.0.0.1",
			"Upgrade: websocket",
			"Connection: Upgrade",
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
			"Sec-WebSocket-Version: 13",
		),
		wantStatus: 400, rule: wsframe.ErrBadKey,
	},
	{
		// Section 4.4: "If this version does not match a version understood
		// by the server, the server MUST abort the WebSocket handshake
		// described in this section and instead send an appropriate HTTP
		// error code (such as 426 Upgrade Required) and a
		// |Sec-WebSocket-Version| header field indicating the version(s)
		// the server is capable of understanding."
		name: "4.4/version_8_refused_426_naming_13",
		request: head(
			"GET /echo HTTP/1.1",
			"Host: 127.0.0.1",
			"Upgrade: websocket",
			"Connection: Upgrade",
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
			"Sec-WebSocket-Version: 8",
		),
		wantStatus: 426, wantFields: map[string]string{"Sec-WebSocket-Version": "13"}, rule: wsframe.ErrBadVersion,
	},
	{
		name: "4.4/no_version_refused_426_naming_13",
		request: head(
			"GET /echo HTTP/1.1",
			"Host: 127.0.0.1",
			"Upgrade: websocket",
			"Connection: Upgrade",
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
		),
		wantStatus: 426, wantFields: map[string]string{"Sec-WebSocket-Version": "13"}, rule: wsframe.ErrBadVersion,
	},
	{
		// Section 10.2: the Origin lets a server refuse scripts of other
		// sites; section 4.2.2 step 4: "a 403 Forbidden".
		name: "10.2/foreign_origin_refused_403",
		request: head(
			"GET /echo HTTP/1.1",
			"Host: 127.0.0.1",
			"Upgrade: websocket",
			"Connection: Upgrade",
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
			"Sec-WebSocket-Version: 13",
			"Origin: http://attacker.example",
		),
		wantStatus: 403, rule: wsframe.ErrOriginRefused,
	},
	{
		name: "10.2/same_origin_accepted",
		request: head(
			"GET /echo HTTP/1.1",
			"Host: 127.0.0.1",
			"Upgrade: websocket",
			"Connection: Upgrade",
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
			"Sec-WebSocket-Version: 13",
			"Origin: http://127.0.0.1",
		),
		wantStatus: 101,
	},
	{
		// A body would be taken for WebSocket frames after the 101.
		name: "4.2.1/request_with_a_body_refused_400",
		request: head(
			"GET /echo HTTP/1.1",
			"Host: 127.0.0.1",
			"Upgrade: websocket",
			"Connection: Upgrade",
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
			"Sec-WebSocket-Version: 13",
			"Content-Length: 5",
		) + "hello",
		wantStatus: 400, rule: wsframe.ErrMalformed,
	},
	{
		name: "4.2.1/request_with_a_chunked_body_refused_400",
		request: head(
			"GET /echo HTTP/1.1",
			"Host: 127.0.0.1",
			"Upgrade: websocket",
			"Connection: Upgrade",
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
			"Sec-WebSocket-Version: 13",
			"Transfer-Encoding: chunked",
		) + "5\r\nhello\r\n0\r\n\r\n",
		wantStatus: 400, rule: wsframe.ErrMalformed,
	},
	{
		name: "4.2.1/malformed_request_line_refused_400",
		request: head(
			"GET /echo",
			"Host: 127.0.0.1",
		),
		wantStatus: 400, rule: wsframe.ErrMalformed, netHTTP: true,
	},
	{
		// AcceptOptions.MaxHead (8 KiB by default) and, behind net/http,
		// Server.MaxHeaderBytes bound the head: RFC 6585, section 5.
		name: "10.4/head_over_8_KiB_refused_431",
		request: head(
			"GET /echo HTTP/1.1",
			"Host: 127.0.0.1",
			"Upgrade: websocket",
			"Connection: Upgrade",
			"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
			"Sec-WebSocket-Version: 13",
			"X-Padding: "+strings.Repeat("p", 16<<10),
		),
		wantStatus: 431, rule: wsframe.ErrHeadTooLarge, netHTTP: true,
	},
}

// startUpgradeServer runs Upgrade and then Echo behind a net/http server
// on loopback, its head bounded to 8 KiB as Accept's is; t.Cleanup stops it
// and waits for every handler.
func startUpgradeServer(t *testing.T, opts *wsframe.AcceptOptions) *server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	s := &server{addr: ln.Addr().String()}
	var handlers sync.WaitGroup
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handlers.Add(1)
		defer handlers.Done()
		c, _, err := wsframe.Upgrade(w, r, opts)
		if err == nil {
			err = wsframe.Echo(r.Context(), c)
		}
		s.slot(r.RemoteAddr) <- err
	})
	hs := httpdemo.ServeWith(context.Background(), ln, &http.Server{Handler: h, MaxHeaderBytes: wsframe.DefaultMaxHead})
	t.Cleanup(func() {
		if err := hs.Stop(); err != nil {
			t.Errorf("stop the net/http server: %v", err)
		}
		handlers.Wait()
	})
	return s
}

func TestConformanceHandshakeAccept(t *testing.T) {
	srv := startEchoServer(t, nil)
	for _, tc := range handshakeCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			runHandshakeCase(t, srv, tc, true)
		})
	}
}

func TestConformanceHandshakeUpgrade(t *testing.T) {
	srv := startUpgradeServer(t, nil)
	for _, tc := range handshakeCases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			runHandshakeCase(t, srv, tc, !tc.netHTTP)
		})
	}
}

// runHandshakeCase sends the request and checks the answer: a refusal is
// a real HTTP response (net/http's parser reads it) with a one-line reason
// and the end of the connection; an accepted handshake is followed by a
// working echo.
func runHandshakeCase(t *testing.T, srv *server, tc handshakeCase, checkRule bool) {
	p := dialPeer(t, srv.addr)
	wait := p.writeAsync([]byte(tc.request), false) // a refusal may come before the whole request is read
	resp := p.readResponse()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("read the response body: %v", err)
	}
	if resp.StatusCode != tc.wantStatus {
		t.Fatalf("got %d %q (%q), want %d", resp.StatusCode, resp.Status, body, tc.wantStatus)
	}
	for name, want := range tc.wantFields {
		if got := resp.Header.Get(name); got != want {
			t.Errorf("got %s %q, want %q", name, got, want)
		}
	}
	if tc.wantStatus == http.StatusSwitchingProtocols {
		if got, want := resp.Header.Get("Sec-WebSocket-Accept"), acceptFor(peerWSKey); got != want {
			t.Errorf("got Sec-WebSocket-Accept %q, want %q", got, want)
		}
		if err := wait(); err != nil {
			t.Fatalf("send the request: %v", err)
		}
		echoOnce(t, p)
	} else {
		reason := strings.TrimSuffix(string(body), "\n")
		if reason == "" || strings.Contains(reason, "\n") {
			t.Errorf("got body %q, want a one-line reason", body)
		}
		if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
			t.Errorf("got Content-Type %q, want text/plain", ct)
		}
		p.expectEnd(2 * time.Second)
	}
	if !checkRule || srv.external {
		return
	}
	p.nc.Close()
	err = srv.get(t, p.nc.LocalAddr())
	switch {
	case tc.rule == nil && err != nil:
		t.Errorf("the server returned %v, want nil (accepted, then a clean close)", err)
	case tc.rule != nil && !errors.Is(err, tc.rule):
		t.Errorf("the server returned %v, want %v", err, tc.rule)
	}
	var herr *wsframe.HandshakeError
	if tc.rule != nil && errors.As(err, &herr) && herr.Status != tc.wantStatus {
		t.Errorf("HandshakeError.Status = %d, want %d", herr.Status, tc.wantStatus)
	}
}

// echoOnce checks an established connection: a text message comes back,
// and a close frame is answered by a close frame and the end of TCP.
func echoOnce(t *testing.T, p *peer) {
	t.Helper()
	if err := p.write(slices.Concat(cText("echo me"), cClose(closePayload(1000, ""))), false); err != nil {
		t.Fatalf("send: %v", err)
	}
	for _, want := range []rawFrame{sText("echo me"), serverFrame(true, opClose, closePayload(1000, ""))} {
		got, err := p.readFrame()
		if err != nil {
			t.Fatalf("read: %v; want %s", err, want.describe())
		}
		if !sameFrame(got, want) {
			t.Fatalf("got %s, want %s", got.describe(), want.describe())
		}
	}
	p.expectEnd(2 * time.Second)
}

// TestConformanceHandshakeDeadline checks AcceptOptions.HandshakeTimeout:
// a client that sends half a request, or none, is disconnected when the
// deadline passes, not kept waiting (a slowloris defence).
func TestConformanceHandshakeDeadline(t *testing.T) {
	const timeout = 200 * time.Millisecond
	srv := startEchoServer(t, &wsframe.AcceptOptions{HandshakeTimeout: timeout})
	for _, tc := range []struct{ name, sent string }{
		{"4.2.1/half_a_request_closed_at_the_deadline", "GET /echo HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgr"},
		{"4.2.1/no_request_closed_at_the_deadline", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := dialPeer(t, srv.addr)
			start := time.Now()
			if err := p.write([]byte(tc.sent), false); err != nil {
				t.Fatal(err)
			}
			p.expectEnd(5 * timeout)
			// The server's clock started when it accepted, a moment before
			// ours: allow it that moment.
			if elapsed := time.Since(start); elapsed < timeout/2 {
				t.Errorf("closed after %v, want about %v", elapsed, timeout)
			}
			p.nc.Close()
			if err := srv.get(t, p.nc.LocalAddr()); !errors.Is(err, wsframe.ErrHandshakeTimeout) {
				t.Errorf("the server returned %v, want %v", err, wsframe.ErrHandshakeTimeout)
			}
		})
	}
}

// TestConformanceHandshakeUpgradePipelined checks that frames which arrive
// with the request are not lost in net/http's buffer when Upgrade takes
// the connection over.
func TestConformanceHandshakeUpgradePipelined(t *testing.T) {
	srv := startUpgradeServer(t, nil)
	p := dialPeer(t, srv.addr)
	p.handshake(false, slices.Concat(cText("pipelined"), cClose(closePayload(1000, ""))))
	for _, want := range []rawFrame{sText("pipelined"), serverFrame(true, opClose, closePayload(1000, ""))} {
		got, err := p.readFrame()
		if err != nil {
			t.Fatalf("read: %v; want %s", err, want.describe())
		}
		if !sameFrame(got, want) {
			t.Fatalf("got %s, want %s", got.describe(), want.describe())
		}
	}
	p.expectEnd(2 * time.Second)
}

// Category 10: miscellany: how the handshake and the first frames travel
// on the byte stream.
func TestConformanceServerMisc(t *testing.T) {
	runServerCases(t, []serverCase{
		{
			name:      "4.2.1/handshake_split_byte_by_byte",
			handshake: handshakeChopped,
			send:      cText("after a chopped handshake"), want: []rawFrame{sText("after a chopped handshake")},
		},
		{
			// A client may send frames before it has read the 101: they
			// arrive in the segment after the request head and must not be
			// lost in the server's handshake buffer.
			name:      "4.2.1/frames_pipelined_with_the_handshake_read",
			handshake: handshakePipelined,
			send:      slices.Concat(cText("pipelined"), cPing([]byte("p"))),
			want:      []rawFrame{sText("pipelined"), sPong([]byte("p"))},
		},
		{
			name:      "4.2.1/handshake_and_pipelined_frames_in_one_chopped_stream",
			handshake: handshakePipelined,
			send:      cBin(binPayload(300)), chop: true, want: []rawFrame{sBin(binPayload(300))},
		},
		{
			name:      "4.2.1/chopped_handshake_then_chopped_frames",
			handshake: handshakeChopped,
			send:      slices.Concat(cText("one"), cPing(nil), cText("two")), chop: true,
			want: []rawFrame{sText("one"), sPong([]byte{}), sText("two")},
		},
	})
}
