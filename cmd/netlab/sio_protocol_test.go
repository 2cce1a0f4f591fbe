// The Socket.IO v5 protocol suite against `netlab serve-socketio`: CONNECT
// and CONNECT_ERROR, DISCONNECT, EVENT and ACK, BINARY_EVENT and BINARY_ACK
// (Socket.IO protocol v5), the same cases as socket.io's own v5 test suite,
// then the server's own handlers (rooms, recovery) and hostile clients.
//
// The server's handlers, on "/" and "/custom" (issue 5, item 6): on
// connection it emits "auth" with the CONNECT payload (or {}); "message" is
// answered by "message-back" with the same arguments, "message-with-ack" by
// an ack with the same arguments.

package main

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// Placeholders for binary attachments 0 and 1 (Socket.IO v5, "Packet encoding").
const (
	attachment0 = `{"_placeholder":true,"num":0}`
	attachment1 = `{"_placeholder":true,"num":1}`
)

// sioOpen opens a WebSocket-only session on /socket.io/ that answers its
// pings, and connects it to the main namespace.
func sioOpen(t *testing.T, addr string) (p *wsPeer, sid string) {
	t.Helper()
	p, _ = openWS(t, addr, sioPath, true)
	return p, sioConnect(t, p, "/", "")
}

// sioConnect sends a Socket.IO CONNECT to namespace nsp ("/" or "/custom")
// with the auth payload (JSON, or "" for none) on a session of a server run
// with --recovery=false, checks the reply `40[nsp,]{"sid":"…"}` and the
// "auth" event the server emits next, and returns the socket's sid.
func sioConnect(t *testing.T, p *wsPeer, nsp, auth string) string {
	t.Helper()
	prefix := "40"
	if nsp != "/" {
		prefix += nsp + ","
	}
	p.sendText(prefix + auth)
	sid := checkConnectReply(t, p.nextText(), prefix, []string{"sid"})
	want := auth
	if want == "" {
		want = "{}"
	}
	p.expectText("42" + strings.TrimPrefix(prefix, "40") + `["auth",` + want + "]")
	return sid
}

// checkConnectReply checks a CONNECT reply: the prefix, then a JSON object
// with exactly the keys given, each a non-empty string. It returns the sid.
func checkConnectReply(t *testing.T, packet, prefix string, keys []string) string {
	t.Helper()
	if !strings.HasPrefix(packet, prefix) {
		t.Fatalf("CONNECT reply %q does not start with %q", clip(packet), prefix)
	}
	var fields map[string]any
	if err := json.Unmarshal([]byte(packet[len(prefix):]), &fields); err != nil {
		t.Fatalf("CONNECT reply %q: %v", packet, err)
	}
	var got []string
	for k, v := range fields {
		got = append(got, k)
		if s, ok := v.(string); !ok || s == "" {
			t.Errorf("CONNECT reply %s: %s is %#v, want a non-empty string", packet, k, v)
		}
	}
	slices.Sort(got)
	if want := slices.Sorted(slices.Values(keys)); !slices.Equal(got, want) {
		t.Errorf("CONNECT reply %s has keys %q, want %q", packet, got, want)
	}
	sid, _ := fields["sid"].(string)
	return sid
}

func TestSIOConnect(t *testing.T) {
	t.Parallel()
	addr := startSocketIO(t, t.Context(), "--recovery=false")

	// sioConnect checks the reply 40[nsp,]{"sid":"…"}, exactly that key,
	// then the "auth" event carrying the CONNECT payload.
	tests := []struct {
		name, nsp, auth string
	}{
		{"main namespace", "/", ""},
		{"main namespace with a payload", "/", `{"token":"123"}`},
		{"custom namespace", "/custom", ""},
		{"custom namespace with a payload", "/custom", `{"token":"abc"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _ := openWS(t, addr, sioPath, true)
			sioConnect(t, p, tt.nsp, tt.auth)
		})
	}

	t.Run("custom namespace without the comma", func(t *testing.T) {
		p, _ := openWS(t, addr, sioPath, true)
		p.sendText("40/custom")
		checkConnectReply(t, p.nextText(), "40/custom,", []string{"sid"})
		p.expectText(`42/custom,["auth",{}]`)
	})

	t.Run("unknown namespace", func(t *testing.T) {
		p, _ := openWS(t, addr, sioPath, true)
		p.sendText("40/random")
		p.expectText(`44/random,{"message":"Invalid namespace"}`)
		// The refusal concerns that namespace only: the connection is still
		// good for another.
		sioConnect(t, p, "/", "")
	})

	t.Run("custom namespace after the main one", func(t *testing.T) {
		p, mainSID := sioOpen(t, addr)
		customSID := sioConnect(t, p, "/custom", "")
		if customSID == mainSID {
			t.Errorf("the sockets of / and /custom share the sid %q", mainSID)
		}
		p.sendText(`42/custom,["message","to custom"]`)
		p.expectText(`42/custom,["message-back","to custom"]`)
		p.sendText(`42["message","to main"]`)
		p.expectText(`42["message-back","to main"]`)
	})

	t.Run("not a CONNECT first", func(t *testing.T) {
		// "4abc" is an Engine.IO message whose Socket.IO packet type "a"
		// does not exist: the server closes the connection.
		p, _ := openWS(t, addr, sioPath, true)
		p.sendText("4abc")
		p.expectClosed()
	})

	t.Run("no CONNECT at all", func(t *testing.T) {
		// As in socket.io's suite, this client does not answer pings
		// either: the session must not outlive the heartbeat.
		p, _ := openWS(t, addr, sioPath, false)
		p.expectClosed()
	})

	t.Run("over polling", func(t *testing.T) {
		c := newEIOClient(t, addr, sioPath)
		sid := c.open()
		c.push(sid, `40{"token":"456"}`)
		got := c.pollPackets(sid, 2)
		checkConnectReply(t, got[0], "40", []string{"sid"})
		if want := `42["auth",{"token":"456"}]`; got[1] != want {
			t.Errorf("after the CONNECT reply: %q, want %q", got[1], want)
		}
	})
}

func TestSIODisconnect(t *testing.T) {
	t.Parallel()
	addr := startSocketIO(t, t.Context(), "--recovery=false")

	t.Run("from the main namespace", func(t *testing.T) {
		// No answer is expected, and the Engine.IO session stays: the next
		// thing the server sends is its ping.
		p, _ := openWS(t, addr, sioPath, false)
		sioConnect(t, p, "/", "")
		p.sendText("41")
		if got := p.nextText(); got != "2" {
			t.Errorf("after DISCONNECT: %q, want \"2\" (the next ping)", got)
		}
	})

	t.Run("from a custom namespace, then the main one still works", func(t *testing.T) {
		p, _ := sioOpen(t, addr)
		sioConnect(t, p, "/custom", "")
		p.sendText("41/custom,")
		p.sendText(`42["message","message to main namespace"]`)
		p.expectText(`42["message-back","message to main namespace"]`)
	})
}

func TestSIOMessages(t *testing.T) {
	t.Parallel()
	addr := startSocketIO(t, t.Context(), "--recovery=false")

	// Each case sends packets (text, or binary attachments) and wants
	// exactly the packets listed back, byte for byte.
	type frame struct {
		text   string
		binary []byte // when text is ""
	}
	tests := []struct {
		name       string
		nsp        string // connected before, besides "/"
		send, want []frame
	}{
		{
			name: "EVENT",
			send: []frame{{text: `42["message",1,"2",{"3":[true]}]`}},
			want: []frame{{text: `42["message-back",1,"2",{"3":[true]}]`}},
		},
		{
			name: "EVENT, arguments byte for byte",
			send: []frame{{text: `42["message",{"b":1,"a":[null,false,"é \"q\""]},-0.5,"x"]`}},
			want: []frame{{text: `42["message-back",{"b":1,"a":[null,false,"é \"q\""]},-0.5,"x"]`}},
		},
		{
			name: "EVENT with an ack",
			send: []frame{{text: `42456["message-with-ack",1,"2",{"3":[false]}]`}},
			want: []frame{{text: `43456[1,"2",{"3":[false]}]`}},
		},
		{
			name: "EVENT with an ack, no arguments",
			send: []frame{{text: `427["message-with-ack"]`}},
			want: []frame{{text: `437[]`}},
		},
		{
			name: "BINARY_EVENT, one attachment",
			send: []frame{
				{text: `451-["message",` + attachment0 + `]`}, // 5 BINARY_EVENT, 1 attachment
				{binary: []byte{0x01, 0x02, 0x03, 0x04}},
			},
			want: []frame{
				{text: `451-["message-back",` + attachment0 + `]`},
				{binary: []byte{0x01, 0x02, 0x03, 0x04}},
			},
		},
		{
			name: "BINARY_EVENT, two attachments",
			send: []frame{
				{text: `452-["message",` + attachment0 + `,` + attachment1 + `]`},
				{binary: []byte{1, 2, 3}},
				{binary: []byte{4, 5, 6}},
			},
			want: []frame{
				{text: `452-["message-back",` + attachment0 + `,` + attachment1 + `]`},
				{binary: []byte{1, 2, 3}},
				{binary: []byte{4, 5, 6}},
			},
		},
		{
			name: "BINARY_EVENT with an ack: BINARY_ACK",
			send: []frame{
				{text: `452-789["message-with-ack",` + attachment0 + `,` + attachment1 + `]`},
				{binary: []byte{1, 2, 3}},
				{binary: []byte{4, 5, 6}},
			},
			want: []frame{
				{text: `462-789[` + attachment0 + `,` + attachment1 + `]`}, // 6 BINARY_ACK, 2 attachments, id 789
				{binary: []byte{1, 2, 3}},
				{binary: []byte{4, 5, 6}},
			},
		},
		{
			name: "EVENT on /custom",
			nsp:  "/custom",
			send: []frame{{text: `42/custom,["message","hi"]`}},
			want: []frame{{text: `42/custom,["message-back","hi"]`}},
		},
		{
			name: "EVENT with an ack on /custom",
			nsp:  "/custom",
			send: []frame{{text: `42/custom,12["message-with-ack","hi",2]`}},
			want: []frame{{text: `43/custom,12["hi",2]`}},
		},
		{
			name: "BINARY_EVENT with an ack on /custom",
			nsp:  "/custom",
			send: []frame{
				{text: `451-/custom,13["message-with-ack",` + attachment0 + `]`},
				{binary: []byte{0xca, 0xfe}},
			},
			want: []frame{
				{text: `461-/custom,13[` + attachment0 + `]`},
				{binary: []byte{0xca, 0xfe}},
			},
		},
		{
			// The server has asked for no ack here: ACK and BINARY_ACK with
			// unknown ids are ignored, and the session goes on.
			name: "client ACK and BINARY_ACK for no event",
			send: []frame{
				{text: `4399["stray"]`},
				{text: `461-98[` + attachment0 + `]`},
				{binary: []byte{0x00}},
				{text: `42["message","still here"]`},
			},
			want: []frame{{text: `42["message-back","still here"]`}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _ := sioOpen(t, addr)
			if tt.nsp != "" {
				sioConnect(t, p, tt.nsp, "")
			}
			for _, f := range tt.send {
				if f.text != "" {
					p.sendText(f.text)
				} else {
					p.sendBinary(f.binary)
				}
			}
			for _, f := range tt.want {
				if f.text != "" {
					p.expectText(f.text)
				} else {
					p.expectBinary(f.binary)
				}
			}
		})
	}

	// Each of these breaks the packet format (Socket.IO v5, "Packet
	// encoding"): the server closes the connection.
	for _, bad := range []struct{ name, packet string }{
		{"unknown packet type", "4abc"},
		{"EVENT payload not an array", "42{}"},
		{"EVENT payload an empty array", "42[]"},
		{"ack id not a number", `42abc["message-with-ack",1,"2",{"3":[false]}]`},
	} {
		t.Run("invalid: "+bad.name, func(t *testing.T) {
			p, _ := sioOpen(t, addr)
			p.sendText(bad.packet)
			p.expectClosed()
		})
	}

	t.Run("over polling, with binary", func(t *testing.T) {
		// Over polling, an attachment travels as its own packet: b + base64.
		c := newEIOClient(t, addr, sioPath)
		sid := c.open()
		c.push(sid, "40")
		checkConnectReply(t, c.pollPackets(sid, 2)[0], "40", []string{"sid"})
		c.push(sid, `42["message","plain"]`+recordSeparator+
			`451-["message",`+attachment0+`]`+recordSeparator+
			"bAQIDBA==") // 01 02 03 04
		want := []string{
			`42["message-back","plain"]`,
			`451-["message-back",` + attachment0 + `]`,
			"bAQIDBA==",
		}
		if got := c.pollPackets(sid, len(want)); strings.Join(got, recordSeparator) != strings.Join(want, recordSeparator) {
			t.Errorf("echoed %q, want %q", got, want)
		}
	})

	t.Run("polling, then upgrade, then emit", func(t *testing.T) {
		c := newEIOClient(t, addr, sioPath)
		sid := c.open()
		c.push(sid, "40")
		c.pollPackets(sid, 2) // the CONNECT reply and "auth"
		p := mustDialWS(t, addr, sioPath, "EIO=4&transport=websocket&sid="+sid, true)
		p.sendText("2probe")
		p.expectText("3probe")
		if r := c.get(sidQuery(sid)); r.status != http.StatusOK || r.body != "6" {
			t.Fatalf("GET during the upgrade: %v, want 200 \"6\"", r)
		}
		p.sendText("5")
		p.sendText(`42["message","over the WebSocket"]`)
		p.expectText(`42["message-back","over the WebSocket"]`)
	})
}

// TestSIORecovery: with connection state recovery on (the default), the
// CONNECT reply also carries the private id "pid" that a client sends back
// to recover its session.
func TestSIORecovery(t *testing.T) {
	t.Parallel()
	addr := startSocketIO(t, t.Context())
	p, _ := openWS(t, addr, sioPath, true)
	p.sendText("40")
	checkConnectReply(t, p.nextText(), "40", []string{"pid", "sid"})
	// With recovery, socket.io appends the event's offset to an emit, so
	// only the start of the "auth" event is fixed.
	if got := p.nextText(); !strings.HasPrefix(got, `42["auth",{}`) {
		t.Errorf("after the CONNECT reply: %q, want the \"auth\" event", got)
	}
}

// TestSIORooms: the demo events join(room, ack), leave(room, ack) and
// say(room, text), which emits "said" {from, room, text} to the room.
func TestSIORooms(t *testing.T) {
	t.Parallel()
	addr := startSocketIO(t, t.Context(), "--recovery=false")
	a, sidA := sioOpen(t, addr)
	b, sidB := sioOpen(t, addr)
	c, _ := sioOpen(t, addr)

	// joinOrLeave sends the event with ack id 1 and waits for the ack.
	joinOrLeave := func(p *wsPeer, event, room string) {
		t.Helper()
		p.sendText(`421["` + event + `","` + room + `"]`)
		if got := p.nextText(); !strings.HasPrefix(got, "431[") {
			t.Fatalf("%s %q: got %q, want its ack 431[…]", event, room, got)
		}
	}
	// expectSaid wants the next packet to be "said" from sid.
	expectSaid := func(p *wsPeer, sid, room, text string) {
		t.Helper()
		got := p.nextText()
		var args []json.RawMessage
		var said struct{ From, Room, Text string }
		if !strings.HasPrefix(got, "42") ||
			json.Unmarshal([]byte(got[2:]), &args) != nil || len(args) != 2 || string(args[0]) != `"said"` ||
			json.Unmarshal(args[1], &said) != nil {
			t.Fatalf("got %q, want 42[\"said\",{from, room, text}]", got)
		}
		if said.From != sid || said.Room != room || said.Text != text {
			t.Errorf("said %+v, want from %q (the sender's sid), room %q, text %q", said, sid, room, text)
		}
	}
	// expectNothingBefore: the next packet p gets is the answer to a message
	// sent now. Whatever the server sent p earlier would come first.
	expectNothingBefore := func(p *wsPeer, name string) {
		t.Helper()
		p.sendText(`42["message","` + name + `"]`)
		if got := p.nextText(); got != `42["message-back","`+name+`"]` {
			t.Errorf("%s got %q, want nothing from the room", name, got)
		}
	}

	joinOrLeave(a, "join", "r1")
	joinOrLeave(b, "join", "r1")
	a.sendText(`42["say","r1","hello"]`)
	expectSaid(a, sidA, "r1", "hello") // the sender is a member too
	expectSaid(b, sidA, "r1", "hello")
	expectNothingBefore(c, "c, not in r1")

	joinOrLeave(a, "leave", "r1")
	b.sendText(`42["say","r1","bye"]`)
	expectSaid(b, sidB, "r1", "bye")
	expectNothingBefore(a, "a, who left r1")
	expectNothingBefore(c, "c, still not in r1")
}

// TestSIOHostileClients: malformed Socket.IO packets close the offending
// session and no other (issue 5, "Hostile clients").
func TestSIOHostileClients(t *testing.T) {
	t.Parallel()
	addr := startSocketIO(t, t.Context(), "--recovery=false")
	b := newBystanders(t, addr)

	for _, packet := range []string{"4abc", "42{}"} {
		t.Run("WebSocket "+packet, func(t *testing.T) {
			p, _ := sioOpen(t, addr)
			p.sendText(packet)
			p.expectClosed()
			b.check(t)
		})

		t.Run("polling "+packet, func(t *testing.T) {
			c := newEIOClient(t, addr, sioPath)
			sid := c.open()
			c.push(sid, "40")
			c.pollPackets(sid, 2)
			r := c.do(t.Context(), http.MethodPost, sidQuery(sid), packet)
			if r.err == nil && r.status != http.StatusOK && r.status != http.StatusBadRequest {
				t.Errorf("POST %q: %v, want 200 or 400", packet, r)
			}
			// The client learns why from its next GET, as from the
			// reference server: the close packet (it sends a noop first).
			if r := c.get(sidQuery(sid)); r.status != http.StatusOK || !strings.HasSuffix(r.body, "1") {
				t.Errorf("GET after the malformed %q: %v, want 200 ending with the close packet 1", packet, r)
			}
			c.waitGone(sid)
			b.check(t)
		})
	}

	// A CONNECT and a malformed packet back to back: the answers to the
	// CONNECT still come before the close, as from the reference server.
	t.Run("WebSocket CONNECT then 42{}", func(t *testing.T) {
		p, _ := openWS(t, addr, sioPath, true)
		p.sendText("40")
		p.sendText("42{}")
		var texts []string
		for _, f := range p.expectClosed() {
			texts = append(texts, string(f.data))
		}
		if len(texts) < 2 || !strings.HasPrefix(texts[0], `40{"sid":`) || !strings.HasPrefix(texts[1], `42["auth"`) {
			t.Errorf("before the close: %q; want the CONNECT reply, then the auth event", texts)
		}
		b.check(t)
	})

	t.Run("unknown namespace", func(t *testing.T) {
		p, _ := openWS(t, addr, sioPath, true)
		p.sendText("40/random")
		p.expectText(`44/random,{"message":"Invalid namespace"}`)
		b.check(t)
	})
}

// TestSIOConnectTimeout: a session that joins no namespace within
// --connect-timeout is closed (socket.io's connectTimeout; its v5 test suite
// runs the server with 1000 ms).
func TestSIOConnectTimeout(t *testing.T) {
	t.Parallel()
	addr := startSocketIO(t, t.Context(), "--recovery=false", "--connect-timeout", "200ms")
	p, _ := openWS(t, addr, sioPath, true)
	opened := time.Now()
	p.expectClosed()
	// The timer starts with the session, a moment before the open packet
	// is read here: half the timeout is a safe lower bound.
	if d := time.Since(opened); d < 100*time.Millisecond {
		t.Errorf("closed %v after the open packet, long before the 200 ms connect timeout", d)
	}
}
