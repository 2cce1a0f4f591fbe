// The Engine.IO v4 protocol suite against `netlab serve-socketio`: handshake,
// messages, heartbeat, close and upgrade (Engine.IO protocol v4), the same
// cases as socket.io's own v4 test suite, and the hostile clients of issue 5.
//
// The Engine.IO cases run on both endpoints, /engine.io/ (bare, echo) and
// /socket.io/ (Socket.IO on top), as socket.io's Socket.IO suite repeats them.

package main

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// TestServeSocketIOFirstLine: the first line on stderr says where the server
// listens (checked by startSocketIO), and Ctrl-C stops it with exit status 0
// (checked when the test ends).
func TestServeSocketIOFirstLine(t *testing.T) {
	t.Parallel()
	addr := startSocketIO(t, t.Context())
	c := newEIOClient(t, addr, eioPath)
	c.open()
}

func TestEIOHandshake(t *testing.T) {
	t.Parallel()
	addr := startSocketIO(t, t.Context(), "--recovery=false")
	for _, path := range []string{eioPath, sioPath} {
		t.Run(path, func(t *testing.T) {
			c := newEIOClient(t, addr, path)

			t.Run("polling opens a session", func(t *testing.T) {
				c := c.on(t)
				r := c.get(pollingOpen)
				if r.status != http.StatusOK {
					t.Fatalf("GET ?%s: %v, want 200", pollingOpen, r)
				}
				checkOpen(t, r.body, []string{"websocket"})
			})

			// A missing or wrong mandatory query parameter, or a method that
			// cannot open a session: 400 (Engine.IO v4, "Query parameters").
			bad := []struct {
				name, method, query string
			}{
				{"no EIO", http.MethodGet, "transport=polling"},
				{"EIO not a number", http.MethodGet, "EIO=abc&transport=polling"},
				{"EIO 3 (netlab speaks v4 only)", http.MethodGet, "EIO=3&transport=polling"},
				{"no transport", http.MethodGet, "EIO=4"},
				{"unknown transport", http.MethodGet, "EIO=4&transport=abc"},
				{"POST without a session", http.MethodPost, pollingOpen},
				{"PUT", http.MethodPut, pollingOpen},
			}
			for _, tt := range bad {
				t.Run(tt.name, func(t *testing.T) {
					c := c.on(t)
					r := c.do(t.Context(), tt.method, tt.query, "")
					if r.err != nil || r.status != http.StatusBadRequest {
						t.Errorf("%s %s?%s: %v, want 400", tt.method, path, tt.query, r)
					}
				})
			}

			t.Run("WebSocket opens a session", func(t *testing.T) {
				p := mustDialWS(t, addr, path, websocketOpen, false)
				checkOpen(t, p.nextText(), []string{}) // nothing to upgrade to
			})

			for _, query := range []string{
				"transport=websocket",
				"EIO=abc&transport=websocket",
				"EIO=4",
				"EIO=4&transport=abc",
			} {
				t.Run("WebSocket refused: "+query, func(t *testing.T) {
					expectRefused(t, addr, path, query)
				})
			}
		})
	}
}

// checkOpen checks an open packet (Engine.IO v4, "Handshake"): exactly the
// five keys, the suite's ping settings and maxPayload, and the upgrades
// offered. It returns the sid.
func checkOpen(t *testing.T, packet string, upgrades []string) string {
	t.Helper()
	if !strings.HasPrefix(packet, "0") {
		t.Fatalf("open packet %q does not start with 0", clip(packet))
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal([]byte(packet[1:]), &fields); err != nil {
		t.Fatalf("open packet %q: %v", packet, err)
	}
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	if want := []string{"maxPayload", "pingInterval", "pingTimeout", "sid", "upgrades"}; !slices.Equal(keys, want) {
		t.Errorf("open packet %s has keys %q, want %q", packet, keys, want)
	}
	var open struct {
		SID          string   `json:"sid"`
		Upgrades     []string `json:"upgrades"`
		PingInterval int      `json:"pingInterval"`
		PingTimeout  int      `json:"pingTimeout"`
		MaxPayload   int      `json:"maxPayload"`
	}
	if err := json.Unmarshal([]byte(packet[1:]), &open); err != nil {
		t.Fatalf("open packet %s: %v", packet, err)
	}
	if open.SID == "" {
		t.Errorf("open packet %s: sid is empty", packet)
	}
	if open.Upgrades == nil || !slices.Equal(open.Upgrades, upgrades) {
		t.Errorf("open packet %s: upgrades %q, want %q", packet, open.Upgrades, upgrades)
	}
	if want := int(suitePingInterval / time.Millisecond); open.PingInterval != want {
		t.Errorf("open packet %s: pingInterval %d, want %d", packet, open.PingInterval, want)
	}
	if want := int(suitePingTimeout / time.Millisecond); open.PingTimeout != want {
		t.Errorf("open packet %s: pingTimeout %d, want %d", packet, open.PingTimeout, want)
	}
	if open.MaxPayload != suiteMaxPayload {
		t.Errorf("open packet %s: maxPayload %d, want %d", packet, open.MaxPayload, suiteMaxPayload)
	}
	return open.SID
}

// TestEIOPollingMessages: payloads POSTed to the echo endpoint come back in
// GET responses, text and binary ("b" + base64), and protocol misuse closes
// the session (Engine.IO v4, "HTTP long-polling").
func TestEIOPollingMessages(t *testing.T) {
	t.Parallel()
	addr := startSocketIO(t, t.Context())
	c := newEIOClient(t, addr, eioPath)

	echoes := []struct {
		name    string
		payload string
		want    []string
	}{
		{"one text packet", "4hello", []string{"4hello"}},
		{"three text packets", "4test1\x1e4test2\x1e4test3", []string{"4test1", "4test2", "4test3"}},
		{"text and binary", "4hello\x1ebAQIDBA==", []string{
			"4hello",
			"bAQIDBA==", // b, then base64 of 01 02 03 04
		}},
		{"UTF-8 text", "4héllo €", []string{"4héllo €"}},
	}
	for _, tt := range echoes {
		t.Run(tt.name, func(t *testing.T) {
			c := c.on(t)
			sid := c.open()
			c.push(sid, tt.payload)
			if got := c.pollPackets(sid, len(tt.want)); strings.Join(got, recordSeparator) != strings.Join(tt.want, recordSeparator) {
				t.Errorf("echoed %q, want %q", got, tt.want)
			}
		})
	}

	t.Run("a payload of exactly maxPayload bytes", func(t *testing.T) {
		// The limit is inclusive: engine.io refuses a body only when it is
		// longer than maxHttpBufferSize (TestEIOHostileClients).
		c := c.on(t)
		sid := c.open()
		payload := "4" + strings.Repeat("a", suiteMaxPayload-1)
		c.push(sid, payload)
		if got := c.pollPackets(sid, 1); got[0] != payload {
			t.Errorf("echoed %q, want the %d bytes sent", clip(got[0]), len(payload))
		}
	})

	t.Run("one packet in a response", func(t *testing.T) {
		c := c.on(t)
		// With nothing else queued, one message comes back as the whole body.
		sid := c.open()
		c.push(sid, "4hello")
		if r := c.get(sidQuery(sid)); r.status != http.StatusOK || r.body != "4hello" {
			t.Errorf("GET: %v, want 200 \"4hello\"", r)
		}
	})

	t.Run("invalid packet closes the session", func(t *testing.T) {
		c := c.on(t)
		sid := c.open()
		// engine.io itself answers this POST with 200 "ok" and closes the
		// session as it parses the body; 400 says more. Either will do, or a
		// dropped connection; what counts is that the session is gone.
		r := c.do(t.Context(), http.MethodPost, sidQuery(sid), "abc")
		if r.err == nil && r.status != http.StatusBadRequest && (r.status != http.StatusOK || r.body != "ok") {
			t.Errorf("POST \"abc\": %v, want 400 or 200 \"ok\"", r)
		}
		if r := c.get(sidQuery(sid)); r.status != http.StatusBadRequest {
			t.Errorf("GET after the invalid packet: %v, want 400", r)
		}
	})

	t.Run("duplicate GET closes the session", func(t *testing.T) {
		c := c.on(t)
		sid := c.open()
		duplicateGETs(t, c, sid)
	})

	t.Run("cancelled GET closes the session", func(t *testing.T) {
		c := c.on(t)
		sid := c.open()
		held := c.holdGET(sidQuery(sid))
		if r, ok := held.answered(); ok {
			t.Fatalf("the GET was answered before it could be cancelled: %v", r)
		}
		held.cancel() // the client goes away: its connection closes
		// Had the session survived, this GET would wait for the first ping
		// and get 200 "2".
		r := c.fresh().get(sidQuery(sid))
		if r.status == http.StatusOK && r.body == "1" {
			// The server read this GET before the cancelled one, which then
			// overlapped it: the session closed all the same, but this run
			// tested the duplicate GET, not the cancelled one.
			t.Logf("the server took the GETs in the other order")
			r = c.get(sidQuery(sid))
		}
		if r.status != http.StatusBadRequest {
			t.Errorf("GET after a cancelled GET: %v, want 400", r)
		}
	})
}

// duplicateGETs sends a GET and, while it is pending, a second one: the
// server answers one with 400 and closes the session, which answers the
// other with a close packet (Engine.IO v4, "Receiving data"). Then the
// session is gone.
func duplicateGETs(t *testing.T, c *eioClient, sid string) {
	t.Helper()
	held := c.holdGET(sidQuery(sid))
	if r, ok := held.answered(); ok {
		t.Fatalf("the first GET was answered before the second was sent: %v", r)
	}
	second := c.fresh().do(t.Context(), http.MethodGet, sidQuery(sid)+"&t=burst", "")
	r1 := held.wait()
	// The two requests travel on two connections; the server may yet take
	// the second one first. Either way, one gets 400 and the other the close.
	closed := func(r reply) bool { return r.err == nil && r.status == http.StatusOK && r.body == "1" }
	refused := func(r reply) bool { return r.err == nil && r.status == http.StatusBadRequest }
	if !(closed(r1) && refused(second)) && !(refused(r1) && closed(second)) {
		t.Errorf("two GETs at once: first %v, second %v; want one 200 \"1\" and the other 400", r1, second)
	}
	if r := c.get(sidQuery(sid)); r.status != http.StatusBadRequest {
		t.Errorf("GET after duplicate GETs: %v, want 400", r)
	}
}

// TestEIOWebSocketMessages: one packet per frame; binary frames carry a
// message's bytes as they are (Engine.IO v4, "Packet encoding: WebSocket").
func TestEIOWebSocketMessages(t *testing.T) {
	t.Parallel()
	addr := startSocketIO(t, t.Context())

	t.Run("text", func(t *testing.T) {
		p, _ := openWS(t, addr, eioPath, true)
		p.sendText("4hello")
		p.expectText("4hello")
		p.sendText("4héllo €")
		p.expectText("4héllo €")
	})

	t.Run("binary", func(t *testing.T) {
		p, _ := openWS(t, addr, eioPath, true)
		p.sendBinary([]byte{0x01, 0x02, 0x03, 0x04})
		p.expectBinary([]byte{0x01, 0x02, 0x03, 0x04})
	})

	t.Run("several in order", func(t *testing.T) {
		p, _ := openWS(t, addr, eioPath, true)
		p.sendText("4one")
		p.sendBinary([]byte{0xff, 0x00})
		p.sendText("4three")
		p.expectText("4one")
		p.expectBinary([]byte{0xff, 0x00})
		p.expectText("4three")
	})

	t.Run("invalid packet closes the session", func(t *testing.T) {
		p, _ := openWS(t, addr, eioPath, true)
		p.sendText("abc")
		p.expectClosed()
	})
}

// TestEIOHeartbeat: the server pings every pingInterval and closes a session
// that has not answered within pingTimeout (Engine.IO v4, "Heartbeat").
func TestEIOHeartbeat(t *testing.T) {
	t.Parallel()
	addr := startSocketIO(t, t.Context(), "--recovery=false")
	for _, path := range []string{eioPath, sioPath} {
		t.Run(path, func(t *testing.T) {
			t.Parallel()
			c := newEIOClient(t, addr, path)

			t.Run("polling ping and pong", func(t *testing.T) {
				c := c.on(t)
				t.Parallel()
				sid := c.open()
				for i := range 3 {
					if r := c.get(sidQuery(sid)); r.status != http.StatusOK || r.body != "2" {
						t.Fatalf("GET %d: %v, want 200 \"2\" (ping)", i+1, r)
					}
					c.push(sid, "3")
				}
			})

			t.Run("polling ping timeout closes", func(t *testing.T) {
				c := c.on(t)
				t.Parallel()
				sid := c.open()
				start := time.Now()
				c.waitGone(sid) // no pong: gone after pingInterval + pingTimeout
				if d := time.Since(start); d < suitePingInterval {
					t.Errorf("the session was gone after %v, before the first ping was due", d)
				}
			})

			t.Run("WebSocket ping and pong", func(t *testing.T) {
				t.Parallel()
				p, _ := openWS(t, addr, path, false)
				for i := range 3 {
					if got := p.nextText(); got != "2" {
						t.Fatalf("frame %d: %q, want \"2\" (ping)", i+1, got)
					}
					p.sendText("3")
				}
			})

			t.Run("WebSocket ping timeout closes", func(t *testing.T) {
				t.Parallel()
				p, _ := openWS(t, addr, path, false)
				pings := 0
				for _, f := range p.expectClosed() {
					if f.binary || string(f.data) != "2" {
						t.Errorf("frame %v before the close, want only pings", f)
					}
					pings++
				}
				if pings == 0 {
					t.Errorf("the server closed the session without pinging it")
				}
			})
		})
	}
}

// TestEIOClose: a close packet from the client ends the session at once
// (Engine.IO v4, packet type 1).
func TestEIOClose(t *testing.T) {
	t.Parallel()
	addr := startSocketIO(t, t.Context(), "--recovery=false")
	for _, path := range []string{eioPath, sioPath} {
		t.Run(path, func(t *testing.T) {
			c := newEIOClient(t, addr, path)

			t.Run("polling", func(t *testing.T) {
				c := c.on(t)
				// The close packet goes while a GET is pending; the pending
				// GET ends cleanly with a noop. If the server reads the
				// close first, the GET finds the session gone (400), which
				// is right too but tests nothing: then try again.
				const tries = 5
				for try := 1; ; try++ {
					sid := c.open()
					held := c.holdGET(sidQuery(sid))
					if r, ok := held.answered(); ok {
						t.Fatalf("the GET was answered before the close was sent: %v", r)
					}
					c.fresh().post(sidQuery(sid), "1")
					r := held.wait()
					if r.err == nil && r.status == http.StatusBadRequest && try < tries {
						t.Logf("try %d: the server read the close before the GET (%v); again", try, r)
						continue
					}
					if r.err != nil || r.status != http.StatusOK || r.body != "6" {
						t.Fatalf("pending GET after the close packet: %v, want 200 \"6\"", r)
					}
					if r := c.get(sidQuery(sid)); r.status != http.StatusBadRequest {
						t.Errorf("GET after the close: %v, want 400", r)
					}
					break
				}
			})

			t.Run("WebSocket", func(t *testing.T) {
				// This client answers its pings, so only the close packet
				// can end the session. (engine.io 6.6 acts on a close packet
				// from polling only, and socket.io's suite, whose client
				// never answers pings, sees its WebSocket closed by the
				// heartbeat instead.)
				p, _ := openWS(t, addr, path, true)
				p.sendText("1")
				p.expectClosed()
			})
		})
	}
}

// TestEIOUpgrade: a polling session moves to a WebSocket: probe 2probe/3probe,
// noop (6) to end the polling GET, upgrade (5); then polling and a second
// WebSocket for the same sid are refused (Engine.IO v4, "Upgrade").
func TestEIOUpgrade(t *testing.T) {
	t.Parallel()
	addr := startSocketIO(t, t.Context(), "--recovery=false")
	for _, path := range []string{eioPath, sioPath} {
		// works checks that the upgraded session carries messages: an echo
		// on /engine.io/; on /socket.io/, a CONNECT the first time, then an
		// event. An answer also shows that the server has read what the
		// client sent before, the upgrade packet included.
		works := func(p *wsPeer, first bool) {
			p.t.Helper()
			switch {
			case path == eioPath:
				p.sendText("4hello")
				p.expectText("4hello")
			case first:
				sioConnect(p.t, p, "/", "")
			default:
				p.sendText(`42["message","upgraded"]`)
				p.expectText(`42["message-back","upgraded"]`)
			}
		}

		t.Run(path, func(t *testing.T) {
			c := newEIOClient(t, addr, path)

			// probe opens a WebSocket for sid and exchanges the probe.
			probe := func(t *testing.T, sid string) *wsPeer {
				t.Helper()
				p := mustDialWS(t, addr, path, "EIO=4&transport=websocket&sid="+sid, true)
				p.sendText("2probe")
				p.expectText("3probe")
				return p
			}

			t.Run("GET after the probe gets a noop", func(t *testing.T) {
				c := c.on(t)
				sid := c.open()
				p := probe(t, sid)
				if r := c.get(sidQuery(sid)); r.status != http.StatusOK || r.body != "6" {
					t.Fatalf("GET during the upgrade: %v, want 200 \"6\" (noop)", r)
				}
				p.sendText("5")
				works(p, true)
			})

			t.Run("pending GET gets a noop at once", func(t *testing.T) {
				c := c.on(t)
				sid := c.open()
				held := c.holdGET(sidQuery(sid))
				if r, ok := held.answered(); ok {
					t.Fatalf("the GET was answered before the upgrade began: %v", r)
				}
				p := probe(t, sid)
				probed := time.Now()
				r := held.wait()
				// At once, not on a timer: well before the first ping was due.
				if d := time.Since(probed); d > suitePingInterval/2 {
					t.Errorf("the pending GET ended %v after 3probe, want at once", d)
				}
				if r.err != nil || r.status != http.StatusOK || r.body != "6" {
					t.Fatalf("pending GET during the upgrade: %v, want 200 \"6\" (noop)", r)
				}
				p.sendText("5")
				works(p, true)
			})

			t.Run("polling after the upgrade is refused", func(t *testing.T) {
				c := c.on(t)
				sid := c.open()
				p := probe(t, sid)
				p.sendText("5")
				works(p, true)
				if r := c.get(sidQuery(sid)); r.status != http.StatusBadRequest {
					t.Errorf("GET after the upgrade: %v, want 400", r)
				}
				works(p, false)
			})

			t.Run("second WebSocket is refused", func(t *testing.T) {
				c := c.on(t)
				sid := c.open()
				p := probe(t, sid)
				p.sendText("5")
				works(p, true)
				expectRefused(t, addr, path, "EIO=4&transport=websocket&sid="+sid)
				works(p, false)
			})

			// The first WebSocket to arrive claims the upgrade: one that comes
			// before it has even sent its probe is refused all the same.
			t.Run("second WebSocket before the first one's probe is refused", func(t *testing.T) {
				c := c.on(t)
				sid := c.open()
				first := mustDialWS(t, addr, path, "EIO=4&transport=websocket&sid="+sid, true)
				expectRefused(t, addr, path, "EIO=4&transport=websocket&sid="+sid)
				first.sendText("2probe")
				first.expectText("3probe")
				first.sendText("5")
				works(first, true)
			})
		})
	}
}

// TestEIOHostileClients: each misbehaving client gets the protocol's answer,
// and healthy sessions on the same server go on as if nothing happened
// (issue 5, "Hostile clients").
func TestEIOHostileClients(t *testing.T) {
	t.Parallel()
	addr := startSocketIO(t, t.Context(), "--recovery=false")
	b := newBystanders(t, addr)

	for _, path := range []string{eioPath, sioPath} {
		t.Run(path, func(t *testing.T) {
			c := newEIOClient(t, addr, path)

			// engine.io answers a POST body over maxHttpBufferSize (the
			// maxPayload of the handshake) with 413 Payload Too Large
			// (packages/engine.io/lib/transports/polling.ts, onDataRequest).
			t.Run("polling payload over maxPayload", func(t *testing.T) {
				c := c.on(t)
				sid := c.open()
				body := "4" + strings.Repeat("a", suiteMaxPayload) // one byte over
				r := c.do(t.Context(), http.MethodPost, sidQuery(sid), body)
				if r.err != nil || r.status != http.StatusRequestEntityTooLarge {
					t.Errorf("POST of %d bytes: %v, want 413", len(body), r)
				}
				b.check(t)
			})

			t.Run("WebSocket message over maxPayload", func(t *testing.T) {
				p, _ := openWS(t, addr, path, true)
				p.write(websocket.TextMessage, []byte("4"+strings.Repeat("a", suiteMaxPayload))) // may fail as the server closes
				p.expectClosed()
				b.check(t)
			})

			t.Run("unknown sid", func(t *testing.T) {
				c := c.on(t)
				for _, method := range []string{http.MethodGet, http.MethodPost} {
					if r := c.do(t.Context(), method, sidQuery("no-such-session"), "4hello"); r.err != nil || r.status != http.StatusBadRequest {
						t.Errorf("%s with an unknown sid: %v, want 400", method, r)
					}
				}
				expectRefused(t, addr, path, "EIO=4&transport=websocket&sid=no-such-session")
				b.check(t)
			})

			t.Run("two concurrent GETs", func(t *testing.T) {
				c := c.on(t)
				sid := c.open()
				duplicateGETs(t, c, sid)
				b.check(t)
			})

			t.Run("two concurrent POSTs", func(t *testing.T) {
				c := c.on(t)
				// A second POST while the first is still sending its body:
				// 400, and the session closed ("Sending data"). Should the
				// server read the whole second POST before the first one's
				// head, the two did not overlap: then try again.
				const tries = 5
				for try := 1; ; try++ {
					sid := c.open()
					first := c.holdPOST(sidQuery(sid), len("4partial"), "4par")
					second := c.fresh().do(t.Context(), http.MethodPost, sidQuery(sid), "4second")
					first.more("tial")
					r1 := first.wait()
					ok := func(r reply) bool { return r.err == nil && r.status == http.StatusOK && r.body == "ok" }
					if ok(r1) && ok(second) && try < tries {
						t.Logf("try %d: the server read the POSTs one after the other; again", try)
						continue
					}
					refused := func(r reply) bool { return r.err == nil && r.status == http.StatusBadRequest }
					if !refused(second) && !refused(r1) {
						t.Errorf("two POSTs at once: first %v, second %v; want one of them 400", r1, second)
					}
					c.waitGone(sid)
					break
				}
				b.check(t)
			})

			t.Run("polling client never answers pings", func(t *testing.T) {
				c := c.on(t)
				sid := c.open()
				c.waitGone(sid)
				b.check(t)
			})

			t.Run("WebSocket client never answers pings", func(t *testing.T) {
				p, _ := openWS(t, addr, path, false)
				p.expectClosed()
				b.check(t)
			})
		})
	}
}

// TestEIOCORS: a page of an allowed origin may poll (its Origin is echoed,
// and its preflight answered); a page of another origin gets no CORS fields
// and its preflight is refused, so its browser keeps the answers from it.
func TestEIOCORS(t *testing.T) {
	t.Parallel()
	const allowed = "http://127.0.0.1:8080"
	addr := startSocketIO(t, t.Context(), "--cors-origin", allowed)
	request := func(method, origin string) *http.Response {
		t.Helper()
		req, err := http.NewRequestWithContext(t.Context(), method, "http://"+addr+sioPath+"?"+pollingOpen, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Origin", origin)
		if method == http.MethodOptions {
			req.Header.Set("Access-Control-Request-Method", "POST")
			req.Header.Set("Access-Control-Request-Headers", "x-token")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		return resp
	}
	for _, tc := range []struct {
		method, origin string
		status         int
		allowOrigin    string
	}{
		{http.MethodGet, allowed, http.StatusOK, allowed},
		{http.MethodGet, "http://127.0.0.1:9999", http.StatusOK, ""},
		{http.MethodOptions, allowed, http.StatusNoContent, allowed},
		{http.MethodOptions, "http://127.0.0.1:9999", http.StatusBadRequest, ""},
	} {
		resp := request(tc.method, tc.origin)
		got := resp.Header.Get("Access-Control-Allow-Origin")
		if resp.StatusCode != tc.status || got != tc.allowOrigin {
			t.Errorf("%s from %s: %d, Access-Control-Allow-Origin %q; want %d, %q", tc.method, tc.origin, resp.StatusCode, got, tc.status, tc.allowOrigin)
		}
		if tc.method == http.MethodOptions && tc.status == http.StatusNoContent {
			if m, h := resp.Header.Get("Access-Control-Allow-Methods"), resp.Header.Get("Access-Control-Allow-Headers"); m != "GET, POST" || h != "x-token" {
				t.Errorf("preflight: Allow-Methods %q, Allow-Headers %q", m, h)
			}
		}
	}
}
