// Test helpers for the Engine.IO v4 and Socket.IO v5 protocol suites: the
// server under test (`netlab serve-socketio`, started in-process), raw HTTP
// long-polling requests, and gorilla/websocket as an independent WebSocket peer.

package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// The server settings socket.io's own protocol test suites expect (Engine.IO
// v4 and Socket.IO v5 protocol documents, section "Test suite").
const (
	suitePingInterval = 300 * time.Millisecond
	suitePingTimeout  = 200 * time.Millisecond
	suiteMaxPayload   = 1000000
)

// waitLimit bounds every wait for the server: a reply, a close, the end of a
// session after a ping timeout. It is about four times the slowest thing the
// protocol asks for (pingInterval + pingTimeout = 500 ms).
const waitLimit = 2 * time.Second

// recordSeparator joins the packets of an HTTP long-polling payload
// (Engine.IO v4, section "Packet encoding").
const recordSeparator = "\x1e"

// The two endpoints of `netlab serve-socketio`.
const (
	eioPath = "/engine.io/" // bare Engine.IO, every message echoed
	sioPath = "/socket.io/" // Socket.IO on Engine.IO
)

// Query strings: a new polling session, a new WebSocket-only session.
const (
	pollingOpen   = "EIO=4&transport=polling"
	websocketOpen = "EIO=4&transport=websocket"
)

// startMu lets one server at a time through its command line: urfave/cli v2
// writes to package-level values (its help flag and help command) while it
// parses, so two parallel tests that call run at once race there. Once a
// server prints its first line, parsing is over.
var startMu sync.Mutex

// listeningLine is the server's first line on stderr, exactly.
var listeningLine = regexp.MustCompile(`^netlab serve-socketio: listening on http://(127\.0\.0\.1:\d+) \(Socket\.IO at /socket\.io/, Engine\.IO echo at /engine\.io/\)$`)

// startSocketIO runs `netlab serve-socketio` on a free loopback port with the
// test suites' ping settings, followed by args, until the test ends; then it
// cancels the context (Ctrl-C) and checks that the command exits with 0. It
// returns the server's address, "127.0.0.1:PORT".
func startSocketIO(t *testing.T, ctx context.Context, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithCancel(ctx)
	argv := append([]string{"netlab", "serve-socketio",
		"--listen", "127.0.0.1:0",
		"--ping-interval", suitePingInterval.String(),
		"--ping-timeout", suitePingTimeout.String(),
	}, args...)
	pr, pw := io.Pipe()
	codes := make(chan int, 1)
	startMu.Lock()
	go func() {
		code := run(ctx, argv, streams{in: strings.NewReader(""), out: io.Discard, err: pw}, func(string) string { return "" })
		pw.Close()
		codes <- code
	}()

	sc := bufio.NewScanner(pr)
	first := ""
	if sc.Scan() {
		first = sc.Text()
	}
	startMu.Unlock()
	m := listeningLine.FindStringSubmatch(first)
	if m == nil {
		go io.Copy(io.Discard, pr) // let the command finish writing
		cancel()
		code := <-codes
		t.Fatalf("netlab serve-socketio: first line on stderr %q (exit status %d), want it to match %s", first, code, listeningLine)
	}

	// The rest of stderr is the server's log: keep it for failure messages,
	// and keep reading so that the server never blocks on the pipe.
	var (
		logMu sync.Mutex
		log   strings.Builder
	)
	logDone := make(chan struct{})
	go func() {
		defer close(logDone)
		for sc.Scan() {
			logMu.Lock()
			log.WriteString(sc.Text() + "\n")
			logMu.Unlock()
		}
		io.Copy(io.Discard, pr)
	}()

	t.Cleanup(func() {
		cancel() // Ctrl-C
		select {
		case code := <-codes:
			if code != exitOK {
				t.Errorf("netlab serve-socketio: exit status %d after Ctrl-C, want 0", code)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("netlab serve-socketio did not stop within 10s of Ctrl-C")
			return
		}
		<-logDone
		if t.Failed() {
			logMu.Lock()
			t.Logf("server log:\n%s", log.String())
			logMu.Unlock()
		}
	})
	return m[1]
}

// An eioClient speaks Engine.IO v4 long-polling by hand to one endpoint of
// the server, over its own http.Transport: its connections are its own, and
// it closes them when the test ends. The Transport keeps a connection per
// request under way, so a pending GET and a POST travel on two connections,
// as in a browser.
type eioClient struct {
	t    *testing.T
	addr string // 127.0.0.1:PORT
	path string // eioPath or sioPath
	http *http.Client
}

func newEIOClient(t *testing.T, addr, path string) *eioClient {
	t.Helper()
	tr := &http.Transport{DisableCompression: true} // no proxy: the zero Proxy field means none
	t.Cleanup(tr.CloseIdleConnections)
	return &eioClient{t: t, addr: addr, path: path, http: &http.Client{Transport: tr}}
}

// on returns a client on the same connections that fails t instead.
func (c *eioClient) on(t *testing.T) *eioClient {
	d := *c
	d.t = t
	return &d
}

// fresh returns a client whose every request goes on a new connection, for
// a request that must reach the server after a held one (see holdGET).
func (c *eioClient) fresh() *eioClient {
	tr := &http.Transport{DisableKeepAlives: true, DisableCompression: true}
	c.t.Cleanup(tr.CloseIdleConnections)
	return &eioClient{t: c.t, addr: c.addr, path: c.path, http: &http.Client{Transport: tr}}
}

// sidQuery is the query of every request of an established polling session.
func sidQuery(sid string) string { return pollingOpen + "&sid=" + url.QueryEscape(sid) }

// A reply is what the server answered to one HTTP request.
type reply struct {
	status int
	body   string
	err    error // the request failed before a whole response was read
}

func (r reply) String() string {
	if r.err != nil {
		return "error: " + r.err.Error()
	}
	return fmt.Sprintf("%d %q", r.status, clip(r.body))
}

// do sends one request. It is safe to call from any goroutine.
func (c *eioClient) do(ctx context.Context, method, query, body string) reply {
	ctx, cancel := context.WithTimeout(ctx, waitLimit)
	defer cancel()
	var rd io.Reader
	if method == http.MethodPost || method == http.MethodPut {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, "http://"+c.addr+c.path+"?"+query, rd)
	if err != nil {
		return reply{err: err}
	}
	if rd != nil {
		req.Header.Set("Content-Type", "text/plain;charset=UTF-8") // as a browser sends a string body
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return reply{err: err}
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return reply{status: resp.StatusCode, body: string(b), err: err}
}

// A held request is a polling request under way on a connection of its own
// while the test does something else: sends a second GET or POST, a close
// packet, a probe.
type held struct {
	t     *testing.T
	conn  net.Conn
	reply chan reply
}

// holdGET sends GET ?query and returns without waiting for the answer.
//
// The test then races the server: its next request, on another connection,
// could be read first. To make that unlikely, the GET goes on a connection
// that has already carried a request (a GET for an unknown session, 400),
// so the server is already reading from it, and the next request goes on a
// new connection (fresh), which the server must first accept. Tests whose
// outcome the order changes accept both outcomes where the protocol allows.
func (c *eioClient) holdGET(query string) *held {
	c.t.Helper()
	return c.hold("GET " + c.path + "?" + query + " HTTP/1.1\r\nHost: " + c.addr + "\r\n\r\n")
}

// holdPOST sends a POST ?query announcing a body of size bytes, and the
// first part of it; the test sends the rest with more.
func (c *eioClient) holdPOST(query string, size int, first string) *held {
	c.t.Helper()
	return c.hold("POST " + c.path + "?" + query + " HTTP/1.1\r\nHost: " + c.addr +
		"\r\nContent-Type: text/plain;charset=UTF-8\r\nContent-Length: " + strconv.Itoa(size) + "\r\n\r\n" + first)
}

// hold writes request, by hand, on a warmed-up connection (see holdGET).
func (c *eioClient) hold(request string) *held {
	c.t.Helper()
	conn, err := net.DialTimeout("tcp", c.addr, waitLimit)
	if err != nil {
		c.t.Fatalf("dial %s: %v", c.addr, err)
	}
	c.t.Cleanup(func() { conn.Close() })
	conn.SetDeadline(time.Now().Add(2 * waitLimit))
	br := bufio.NewReader(conn)
	warmUp := "GET " + c.path + "?" + pollingOpen + "&sid=warm-up HTTP/1.1\r\nHost: " + c.addr + "\r\n\r\n"
	if _, err := io.WriteString(conn, warmUp); err != nil {
		c.t.Fatalf("warm-up GET: %v", err)
	}
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		c.t.Fatalf("warm-up GET: %v", err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.Close {
		c.t.Fatalf("the server closes the connection after a 400 (%s); hold needs it kept alive", resp.Status)
	}
	if _, err := io.WriteString(conn, request); err != nil {
		c.t.Fatalf("%s: %v", strings.Fields(request)[0], err)
	}
	h := &held{t: c.t, conn: conn, reply: make(chan reply, 1)}
	go func() {
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			h.reply <- reply{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		h.reply <- reply{status: resp.StatusCode, body: string(b), err: err}
	}()
	return h
}

// more sends more of a held POST's body; the server may have closed the
// connection already, so errors are not the test's concern.
func (h *held) more(s string) { io.WriteString(h.conn, s) }

// cancel is a client giving up on its GET: the connection closes.
func (h *held) cancel() { h.conn.Close() }

// answered returns the reply if the request has been answered already.
func (h *held) answered() (reply, bool) {
	select {
	case r := <-h.reply:
		return r, true
	default:
		return reply{}, false
	}
}

// wait returns the server's answer to the request, within waitLimit.
func (h *held) wait() reply {
	h.t.Helper()
	select {
	case r := <-h.reply:
		return r
	case <-time.After(waitLimit):
		h.t.Fatalf("the held request was not answered within %v", waitLimit)
	}
	panic("unreachable")
}

// get and post send one request from the test's goroutine and fail the test
// if no response comes.
func (c *eioClient) get(query string) reply {
	c.t.Helper()
	r := c.do(c.t.Context(), http.MethodGet, query, "")
	if r.err != nil {
		c.t.Fatalf("GET %s?%s: %v", c.path, query, r.err)
	}
	return r
}

func (c *eioClient) post(query, body string) reply {
	c.t.Helper()
	r := c.do(c.t.Context(), http.MethodPost, query, body)
	if r.err != nil {
		c.t.Fatalf("POST %s?%s %q: %v", c.path, query, clip(body), r.err)
	}
	return r
}

// open starts a polling session and returns its sid.
func (c *eioClient) open() string {
	c.t.Helper()
	r := c.get(pollingOpen)
	if r.status != http.StatusOK || !strings.HasPrefix(r.body, "0") {
		c.t.Fatalf("GET %s?%s: %v, want 200 and an open packet", c.path, pollingOpen, r)
	}
	return checkOpen(c.t, r.body, []string{"websocket"})
}

// push POSTs a payload and wants 200 "ok" (Engine.IO v4, "Sending data").
func (c *eioClient) push(sid, payload string) {
	c.t.Helper()
	if r := c.post(sidQuery(sid), payload); r.status != http.StatusOK || r.body != "ok" {
		c.t.Fatalf("POST %q: %v, want 200 \"ok\"", clip(payload), r)
	}
}

// pollPackets GETs until n packets other than pings have come, answering
// each ping with a pong, and returns them. The protocol lets the server
// split packets over several responses, or join them in one.
func (c *eioClient) pollPackets(sid string, n int) []string {
	c.t.Helper()
	var got []string
	deadline := time.Now().Add(waitLimit)
	for len(got) < n {
		if time.Now().After(deadline) {
			c.t.Fatalf("after %v, %d packet(s) %q, want %d", waitLimit, len(got), got, n)
		}
		r := c.get(sidQuery(sid))
		if r.status != http.StatusOK {
			c.t.Fatalf("GET with sid: %v after packets %q, want 200", r, got)
		}
		for _, p := range strings.Split(r.body, recordSeparator) {
			if p == "2" {
				c.push(sid, "3")
				continue
			}
			got = append(got, p)
		}
	}
	if len(got) > n {
		c.t.Fatalf("got packets %q, want only %d", got, n)
	}
	return got
}

// waitGone GETs until the server answers 400 for sid, as it must once the
// session is closed, within waitLimit. Until then the only packets it may
// send are ping (2), close (1) and noop (6): nothing for a session on its
// way out.
func (c *eioClient) waitGone(sid string) {
	c.t.Helper()
	deadline := time.Now().Add(waitLimit)
	for {
		r := c.get(sidQuery(sid))
		if r.status == http.StatusBadRequest {
			return
		}
		if r.status != http.StatusOK {
			c.t.Fatalf("GET with sid: %v, want 400 (session closed)", r)
		}
		for _, p := range strings.Split(r.body, recordSeparator) {
			if p != "1" && p != "2" && p != "6" {
				c.t.Fatalf("GET with sid: %v; a closing session should send nothing but 1, 2 or 6", r)
			}
		}
		if time.Now().After(deadline) {
			c.t.Fatalf("the session still answers GET with 200 %q after %v, want 400", r.body, waitLimit)
		}
	}
}

// A wsFrame is one WebSocket data message: an Engine.IO packet.
type wsFrame struct {
	binary bool
	data   []byte
}

func (f wsFrame) String() string {
	if f.binary {
		return fmt.Sprintf("binary [% x]", f.data)
	}
	return strconv.Quote(clip(string(f.data)))
}

// A wsPeer is one WebSocket connection to the server, from gorilla/websocket,
// seen from one test: its methods fail that test. on gives the same
// connection to a subtest.
type wsPeer struct {
	t *testing.T
	*wsConn
}

// A wsConn is the connection itself. A goroutine reads every frame into a
// channel; with autoPong it answers the server's pings (text "2") with "3" at
// once and drops them, so that a test busy elsewhere does not lose its
// session to the heartbeat. Writes come from the test and from the reader;
// writeMu orders them.
type wsConn struct {
	conn     *websocket.Conn
	autoPong bool
	frames   chan wsFrame // closed when the connection is
	readErr  error        // why; read it only after frames is closed
	stop     chan struct{}
	writeMu  sync.Mutex
}

// on returns the same connection, failing t instead.
func (p *wsPeer) on(t *testing.T) *wsPeer { return &wsPeer{t: t, wsConn: p.wsConn} }

// dialWS opens a WebSocket to path?query. On a refused handshake it returns
// the HTTP response and the error.
func dialWS(t *testing.T, addr, path, query string, autoPong bool) (*wsPeer, *http.Response, error) {
	t.Helper()
	d := websocket.Dialer{HandshakeTimeout: waitLimit} // no proxy: a nil Proxy means none
	conn, resp, err := d.DialContext(t.Context(), "ws://"+addr+path+"?"+query, nil)
	if err != nil {
		return nil, resp, err
	}
	p := &wsPeer{t: t, wsConn: &wsConn{conn: conn, autoPong: autoPong, frames: make(chan wsFrame, 1024), stop: make(chan struct{})}}
	go p.readLoop()
	t.Cleanup(p.close)
	return p, resp, nil
}

// mustDialWS is dialWS for a handshake that must succeed.
func mustDialWS(t *testing.T, addr, path, query string, autoPong bool) *wsPeer {
	t.Helper()
	p, resp, err := dialWS(t, addr, path, query, autoPong)
	if err != nil {
		status := ""
		if resp != nil {
			status = " (" + resp.Status + ")"
		}
		t.Fatalf("WebSocket %s?%s: %v%s", path, query, err, status)
	}
	return p
}

func (p *wsConn) readLoop() {
	defer close(p.frames)
	for {
		typ, data, err := p.conn.ReadMessage()
		if err != nil {
			p.readErr = err
			return
		}
		f := wsFrame{binary: typ == websocket.BinaryMessage, data: data}
		if p.autoPong && !f.binary && string(data) == "2" {
			p.write(websocket.TextMessage, []byte("3"))
			continue
		}
		select {
		case p.frames <- f:
		case <-p.stop:
			return
		}
	}
}

// close ends the connection and waits for the reader.
func (p *wsConn) close() {
	close(p.stop)
	p.conn.Close()
	for range p.frames {
	}
}

func (p *wsConn) write(typ int, data []byte) error {
	p.writeMu.Lock()
	defer p.writeMu.Unlock()
	p.conn.SetWriteDeadline(time.Now().Add(waitLimit))
	return p.conn.WriteMessage(typ, data)
}

// sendText and sendBinary send one packet, one frame, from the test's goroutine.
func (p *wsPeer) sendText(s string) {
	p.t.Helper()
	if err := p.write(websocket.TextMessage, []byte(s)); err != nil {
		p.t.Fatalf("send %q: %v", clip(s), err)
	}
}

func (p *wsPeer) sendBinary(b []byte) {
	p.t.Helper()
	if err := p.write(websocket.BinaryMessage, b); err != nil {
		p.t.Fatalf("send binary [% x]: %v", b, err)
	}
}

// next returns the next frame, failing the test if the connection closes or
// nothing comes within waitLimit.
func (p *wsPeer) next() wsFrame {
	p.t.Helper()
	timer := time.NewTimer(waitLimit)
	defer timer.Stop()
	select {
	case f, ok := <-p.frames:
		if !ok {
			p.t.Fatalf("the server closed the WebSocket (%v), want a frame", p.readErr)
		}
		return f
	case <-timer.C:
		p.t.Fatalf("no frame from the server within %v", waitLimit)
	}
	panic("unreachable")
}

// expectText wants the next frame to be text, exactly want.
func (p *wsPeer) expectText(want string) {
	p.t.Helper()
	if f := p.next(); f.binary || string(f.data) != want {
		p.t.Fatalf("got %v, want %q", f, want)
	}
}

// expectBinary wants the next frame to be binary, exactly want.
func (p *wsPeer) expectBinary(want []byte) {
	p.t.Helper()
	if f := p.next(); !f.binary || string(f.data) != string(want) {
		p.t.Fatalf("got %v, want binary [% x]", f, want)
	}
}

// nextText wants the next frame to be text and returns it.
func (p *wsPeer) nextText() string {
	p.t.Helper()
	f := p.next()
	if f.binary {
		p.t.Fatalf("got %v, want a text frame", f)
	}
	return string(f.data)
}

// expectClosed waits, within waitLimit, for the server to close the
// connection, and returns the frames that came before.
func (p *wsPeer) expectClosed() []wsFrame {
	p.t.Helper()
	var seen []wsFrame
	timer := time.NewTimer(waitLimit)
	defer timer.Stop()
	for {
		select {
		case f, ok := <-p.frames:
			if !ok {
				return seen
			}
			seen = append(seen, f)
		case <-timer.C:
			p.t.Fatalf("the server kept the WebSocket open for %v after frames %v, want it closed", waitLimit, seen)
		}
	}
}

// openWS opens a WebSocket-only session and returns its sid.
func openWS(t *testing.T, addr, path string, autoPong bool) (*wsPeer, string) {
	t.Helper()
	p := mustDialWS(t, addr, path, websocketOpen, autoPong)
	return p, checkOpen(t, p.nextText(), []string{})
}

// expectRefused wants a WebSocket handshake to path?query refused, or the
// connection closed without an open packet.
func expectRefused(t *testing.T, addr, path, query string) {
	t.Helper()
	p, resp, err := dialWS(t, addr, path, query, false)
	if err != nil {
		if resp == nil {
			t.Fatalf("WebSocket %s?%s: %v, want an HTTP refusal or a close", path, query, err)
		}
		return // refused in the HTTP handshake
	}
	for _, f := range p.expectClosed() {
		if !f.binary && strings.HasPrefix(string(f.data), "0") {
			t.Errorf("WebSocket %s?%s: the server opened a session (%v), want it refused", path, query, f)
		}
	}
}

// bystanders are healthy sessions on the server, one on each endpoint, that
// answer their pings. A test of a hostile client calls check afterwards:
// they must still be there and still echo.
type bystanders struct {
	eio, sio *wsPeer
	n        int
}

func newBystanders(t *testing.T, addr string) *bystanders {
	t.Helper()
	b := &bystanders{}
	b.eio, _ = openWS(t, addr, eioPath, true)
	b.sio, _ = openWS(t, addr, sioPath, true)
	sioConnect(t, b.sio, "/", "")
	b.check(t)
	return b
}

// check fails t unless both bystanders still echo a message.
func (b *bystanders) check(t *testing.T) {
	t.Helper()
	b.n++
	msg := fmt.Sprintf("bystander %d", b.n)
	eio, sio := b.eio.on(t), b.sio.on(t)
	eio.sendText("4" + msg)
	eio.expectText("4" + msg)
	sio.sendText(`42["message","` + msg + `"]`)
	sio.expectText(`42["message-back","` + msg + `"]`)
}

// clip shortens long packets in failure messages.
func clip(s string) string {
	const max = 200
	if len(s) <= max {
		return s
	}
	return s[:max] + fmt.Sprintf("…(%d bytes)", len(s))
}
