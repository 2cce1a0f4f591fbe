// Helpers for TestNetlabClientAgainstNodeServer (node_interop_test.go):
// netlab's Go Socket.IO client against the official Node server, with a
// tap on its TCP connections (what it sent and received, and a gate that
// holds its reconnection back) and collectors for what its handlers see.

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/url"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"netlab/realtime/engineio"
	"netlab/realtime/socketio"
)

// gcWait bounds each wait of the Go client's interop test: an event, an
// ack, a (re)connection, a line of the server's log.
const gcWait = 5 * time.Second

// gcTransports are the client's transports in each of nodeModes.
var gcTransports = map[string][]string{
	"polling":   {"polling"},
	"websocket": {"websocket"},
	"upgrade":   {"polling", "websocket"},
}

// gcMessage is what the test emits with "message" and "message-with-ack",
// and gcMessageDecoded the same as socketio.Args.Values decodes it.
var (
	gcMessage        = []any{1, "two", map[string]any{"three": []any{3}}, []byte{1, 2, 3}}
	gcMessageDecoded = []any{float64(1), "two", map[string]any{"three": []any{float64(3)}}, []byte{1, 2, 3}}
)

// ---- the TCP tap ----

// gcTap is the client's dialer: it keeps the bytes of every TCP connection
// the client opens, and can hold new connections back (the gate), so that
// a test decides when a reconnection may reach the server.
type gcTap struct {
	start time.Time // when the client was made
	mu    sync.Mutex
	conns []*gcTapConn
	gate  chan struct{} // non-nil: dials wait until it is closed
	armed bool          // the next disconnection shuts the gate
}

// gcTapConn is one connection: what the client wrote and read, in order,
// when it wrote, and when it closed the connection.
type gcTapConn struct {
	net.Conn
	mu          sync.Mutex
	wrote, read bytes.Buffer
	writes      []gcWrite
	closedAt    time.Time
}

// gcWrite is the time of one Write, and where it ended in wrote.
type gcWrite struct {
	at  time.Time
	end int
}

const gcTapLimit = 4 << 20 // bytes kept per direction and connection

func (c *gcTapConn) Read(p []byte) (int, error) {
	n, err := c.Conn.Read(p)
	c.mu.Lock()
	if c.read.Len() < gcTapLimit {
		c.read.Write(p[:n])
	}
	c.mu.Unlock()
	return n, err
}

func (c *gcTapConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	if c.wrote.Len() < gcTapLimit {
		c.wrote.Write(p)
		c.writes = append(c.writes, gcWrite{time.Now(), c.wrote.Len()})
	}
	c.mu.Unlock()
	return c.Conn.Write(p)
}

func (c *gcTapConn) Close() error {
	c.mu.Lock()
	if c.closedAt.IsZero() {
		c.closedAt = time.Now()
	}
	c.mu.Unlock()
	return c.Conn.Close()
}

func (tp *gcTap) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	tp.mu.Lock()
	gate := tp.gate
	tp.mu.Unlock()
	if gate != nil {
		select {
		case <-gate:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	var d net.Dialer
	nc, err := d.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	c := &gcTapConn{Conn: nc}
	tp.mu.Lock()
	tp.conns = append(tp.conns, c)
	tp.mu.Unlock()
	return c, nil
}

// arm makes the next disconnection shut the gate. The client's disconnect
// handler calls disconnected before the manager schedules its
// reconnection, so no reconnection can slip through.
func (tp *gcTap) arm() {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	tp.armed = true
}

func (tp *gcTap) disconnected() {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	if tp.armed {
		tp.armed = false
		tp.gate = make(chan struct{})
	}
}

// open lets the waiting dials (and later ones) through.
func (tp *gcTap) open() {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	if tp.gate != nil {
		close(tp.gate)
		tp.gate = nil
	}
}

// gcRequest is one HTTP request the client sent (the WebSocket handshakes
// included): its method, query and body (a polling POST's payload), when
// it was written (since the client was made), and the server's answer
// ("" if none came before the client closed the connection).
type gcRequest struct {
	method string
	query  url.Values
	body   string
	at     time.Duration
	answer string
	closed time.Duration // when the client closed the connection, or 0
}

func (r gcRequest) String() string {
	s := fmt.Sprintf("%7v %s ?%s", r.at.Round(time.Millisecond), r.method, r.query.Encode())
	if r.method == "POST" {
		s += fmt.Sprintf(" %q", r.body)
	}
	if r.answer != "" {
		return s + " → " + r.answer
	}
	if r.closed > 0 {
		return s + fmt.Sprintf(" → no answer (the client closed the connection at %v)", r.closed.Round(time.Millisecond))
	}
	return s + " → no answer yet"
}

var (
	gcRequestLine   = regexp.MustCompile(`(GET|POST) /socket\.io/\?(\S*) HTTP/1\.1\r\n`)
	gcStatusLine    = regexp.MustCompile(`HTTP/1\.1 (\d{3}) [^\r]*\r\n`)
	gcContentLength = regexp.MustCompile(`(?i)\r\nContent-Length: (\d+)\r\n`)
)

// gcHTTPBody returns the body of the message at the start of text, by its
// Content-Length ("" without one).
func gcHTTPBody(text string) string {
	head, rest, ok := strings.Cut(text, "\r\n\r\n")
	if !ok {
		return ""
	}
	cl := gcContentLength.FindStringSubmatch(head + "\r\n")
	if cl == nil {
		return ""
	}
	n, _ := strconv.Atoi(cl[1])
	return rest[:min(n, len(rest))]
}

// requests lists the client's requests, in the order it wrote them. After
// a WebSocket handshake the client's frames are masked and the server's
// are not HTTP, so no request or status line can be seen in them by
// accident.
func (tp *gcTap) requests() []gcRequest {
	tp.mu.Lock()
	conns := slices.Clone(tp.conns)
	tp.mu.Unlock()
	var out []gcRequest
	for _, c := range conns {
		c.mu.Lock()
		wrote, read, writes, closedAt := c.wrote.String(), c.read.String(), slices.Clone(c.writes), c.closedAt
		c.mu.Unlock()
		answers := gcStatusLine.FindAllStringSubmatchIndex(read, -1)
		for i, m := range gcRequestLine.FindAllStringSubmatchIndex(wrote, -1) {
			q, _ := url.ParseQuery(wrote[m[4]:m[5]])
			r := gcRequest{method: wrote[m[2]:m[3]], query: q}
			if r.method == "POST" {
				r.body = gcHTTPBody(wrote[m[0]:])
			}
			if w := slices.IndexFunc(writes, func(w gcWrite) bool { return w.end > m[0] }); w >= 0 {
				r.at = writes[w].at.Sub(tp.start)
			}
			if i < len(answers) {
				a := answers[i]
				r.answer = read[a[2]:a[3]]
				if body := gcHTTPBody(read[a[0]:]); body != "" {
					r.answer += fmt.Sprintf(" %q", body)
				}
			}
			if !closedAt.IsZero() {
				r.closed = closedAt.Sub(tp.start)
			}
			out = append(out, r)
		}
	}
	slices.SortStableFunc(out, func(a, b gcRequest) int { return int(a.at - b.at) })
	return out
}

// gcConnectReply matches a Socket.IO CONNECT reply in what the client
// read: the server's WebSocket frames are not masked and its polling
// responses are plain text, so the packet's text is there as it is.
var gcConnectReply = regexp.MustCompile(`40(/[a-z]+,)?(\{"sid":[^{}]*\})`)

// connectReplies lists the CONNECT replies the client received, as
// "namespace {JSON}".
func (tp *gcTap) connectReplies() []string {
	tp.mu.Lock()
	conns := slices.Clone(tp.conns)
	tp.mu.Unlock()
	var out []string
	for _, c := range conns {
		c.mu.Lock()
		read := c.read.String()
		c.mu.Unlock()
		for _, m := range gcConnectReply.FindAllStringSubmatch(read, -1) {
			nsp := strings.TrimSuffix(m[1], ",")
			if nsp == "" {
				nsp = "/"
			}
			out = append(out, nsp+" "+m[2])
		}
	}
	return out
}

// ---- collectors ----

// gcEvents collects the events a handler sees.
type gcEvents struct {
	mu      sync.Mutex
	events  []*socketio.Event
	changed chan struct{}
}

func newGCEvents() *gcEvents { return &gcEvents{changed: make(chan struct{})} }

func (c *gcEvents) put(e *socketio.Event) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.events = append(c.events, e)
	close(c.changed)
	c.changed = make(chan struct{})
}

func (c *gcEvents) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.events)
}

// since returns the events after the first from.
func (c *gcEvents) since(from int) []*socketio.Event {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.events[from:])
}

// waitUntil waits up to gcWait for the events after the first from to
// satisfy ok, and returns them and whether they did.
func (c *gcEvents) waitUntil(from int, ok func([]*socketio.Event) bool) ([]*socketio.Event, bool) {
	deadline := time.NewTimer(gcWait)
	defer deadline.Stop()
	for {
		c.mu.Lock()
		evs, changed := slices.Clone(c.events[from:]), c.changed
		c.mu.Unlock()
		if ok(evs) {
			return evs, true
		}
		select {
		case <-changed:
		case <-deadline.C:
			return c.since(from), false
		}
	}
}

// recvWithin receives from ch within gcWait.
func recvWithin[T any](ch <-chan T) (T, bool) {
	deadline := time.NewTimer(gcWait)
	defer deadline.Stop()
	select {
	case v := <-ch:
		return v, true
	case <-deadline.C:
		var zero T
		return zero, false
	}
}

// ---- a client ----

type gcDisconnect struct {
	reason string
	at     time.Time
}

type gcAttempt struct {
	n     int
	delay time.Duration
}

// gcClient is one Go client (its own Manager) and its socket on "/".
type gcClient struct {
	t    *testing.T
	name string
	log  *interopLog
	m    *socketio.Manager
	s    *socketio.ClientSocket
	tap  *gcTap

	events      map[string]*gcEvents // by name, collected from the start
	all         *gcEvents            // every event, in order (OnAny)
	connects    chan time.Time
	disconnects chan gcDisconnect
	attempts    chan gcAttempt
	reconnects  chan int
	upgrades    chan struct{}
}

// gcEventNames are the events every client collects.
var gcEventNames = []string{"auth", "message-back", "said", "tick"}

// newGCClient makes a client for the server at base (http://host:port)
// in a mode, with auth for "/"; it connects with connect. The manager
// is closed when the test ends.
func newGCClient(t *testing.T, name, base, mode string, auth map[string]string, seed uint64, log *interopLog) *gcClient {
	t.Helper()
	c := &gcClient{
		t: t, name: name, log: log, tap: &gcTap{start: time.Now()},
		events:      map[string]*gcEvents{},
		all:         newGCEvents(),
		connects:    make(chan time.Time, 64),
		disconnects: make(chan gcDisconnect, 64),
		attempts:    make(chan gcAttempt, 64),
		reconnects:  make(chan int, 64),
		upgrades:    make(chan struct{}, 64),
	}
	c.m = socketio.NewManager(base+"/socket.io/", socketio.ClientOptions{
		Engine: engineio.ClientOptions{
			Transports:  gcTransports[mode],
			DialContext: c.tap.dial,
			OnUpgrade:   func() { trySend(c.upgrades, struct{}{}) },
		},
		// A seeded source: the same backoff delays on every run.
		Rand:               rand.New(rand.NewPCG(seed, seed+1)),
		OnReconnectAttempt: func(n int, d time.Duration) { trySend(c.attempts, gcAttempt{n, d}) },
		OnReconnect:        func(n int) { trySend(c.reconnects, n) },
	})
	t.Cleanup(c.m.Close)
	s, err := c.m.Socket("/", auth)
	if err != nil {
		t.Fatalf("%s: Socket(\"/\"): %v", name, err)
	}
	c.s = s
	for _, ev := range gcEventNames {
		col := newGCEvents()
		c.events[ev] = col
		s.On(ev, col.put)
	}
	s.OnAny(c.all.put)
	s.OnConnect(func() { trySend(c.connects, time.Now()) })
	s.OnDisconnect(func(reason string) {
		c.tap.disconnected() // first: before the manager schedules its reconnection
		trySend(c.disconnects, gcDisconnect{reason, time.Now()})
	})
	return c
}

func trySend[T any](ch chan T, v T) {
	select {
	case ch <- v:
	default: // 64 of a kind: more than any run makes
	}
}

func (c *gcClient) ev(name string) *gcEvents { return c.events[name] }

// fatalf stops the test with the server's log and the client's last
// requests.
func (c *gcClient) fatalf(format string, args ...any) {
	c.t.Helper()
	c.t.Fatalf("%s: "+format+"\nthe server's log:\n%s\n%s", append([]any{c.name}, append(args, c.log, c.wire())...)...)
}

// wire shows the client's last requests (all of a polling session's
// traffic; only the handshakes of a WebSocket).
func (c *gcClient) wire() string {
	reqs := c.tap.requests()
	return fmt.Sprintf("%s's last requests (times since it was made):\n%s", c.name, gcLines(reqs[max(0, len(reqs)-10):]))
}

// connect connects the socket on "/" and waits for its connect handler.
func (c *gcClient) connect() {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(c.t.Context(), gcWait)
	defer cancel()
	if err := c.s.Connect(ctx); err != nil {
		c.fatalf("connect: %v", err)
	}
	if _, ok := recvWithin(c.connects); !ok {
		c.fatalf("Connect returned, but the connect handler did not run")
	}
	if c.s.ID() == "" || !c.s.Connected() {
		c.fatalf("connected with id %q, Connected() = %v", c.s.ID(), c.s.Connected())
	}
}

// call emits with an ack and returns the ack's arguments.
func (c *gcClient) call(s *socketio.ClientSocket, event string, values ...any) socketio.Args {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(c.t.Context(), gcWait)
	defer cancel()
	args, err := s.EmitWithAck(ctx, event, values...)
	if err != nil {
		c.fatalf("%s %q: no ack: %v", s.Namespace(), event, err)
	}
	return args
}

// emit emits without an ack.
func (c *gcClient) emit(s *socketio.ClientSocket, event string, values ...any) {
	c.t.Helper()
	if err := s.Emit(event, values...); err != nil {
		c.fatalf("%s: emit %q: %v", s.Namespace(), event, err)
	}
}

// next waits for one more event of a kind after the first from.
func (c *gcClient) next(name string, from int) *socketio.Event {
	c.t.Helper()
	evs, ok := c.ev(name).waitUntil(from, func(evs []*socketio.Event) bool { return len(evs) > 0 })
	if !ok {
		c.fatalf("no %q event within %v", name, gcWait)
	}
	return evs[0]
}

// nextDisconnect waits for the disconnect handler.
func (c *gcClient) nextDisconnect(what string) gcDisconnect {
	c.t.Helper()
	d, ok := recvWithin(c.disconnects)
	if !ok {
		c.fatalf("%s: no disconnection within %v", what, gcWait)
	}
	return d
}

// reconnected waits for the manager's reconnection after a disconnection
// d, with the gate opened now, and checks socket.io's backoff: one
// attempt, after a first delay of 1 s ± 50%, and no connection before it.
func (c *gcClient) reconnected(what string, d gcDisconnect) {
	c.t.Helper()
	c.tap.open()
	a, ok := recvWithin(c.attempts)
	if !ok {
		c.fatalf("%s: no reconnection attempt within %v", what, gcWait)
	}
	if a.n != 1 || a.delay < 500*time.Millisecond || a.delay > 1500*time.Millisecond {
		c.t.Errorf("%s: %s: reconnection attempt %d after %v, want attempt 1 after 1 s ± 50%%", c.name, what, a.n, a.delay)
	}
	at, ok := recvWithin(c.connects)
	if !ok {
		c.fatalf("%s: not reconnected within %v of the attempt after %v", what, gcWait, a.delay)
	}
	if n, ok := recvWithin(c.reconnects); !ok || n != 1 {
		c.t.Errorf("%s: %s: OnReconnect got %d attempts (called: %v), want 1", c.name, what, n, ok)
	}
	if back := at.Sub(d.at); back < a.delay {
		c.t.Errorf("%s: %s: back after %v, before the backoff delay %v", c.name, what, back, a.delay)
	} else {
		c.t.Logf("%s: %s: back after %v (backoff delay %v)", c.name, what, back.Round(time.Millisecond), a.delay)
	}
	select {
	case extra := <-c.attempts:
		c.t.Errorf("%s: %s: a second reconnection attempt %+v", c.name, what, extra)
	default:
	}
}

// ---- checks ----

// gcStrip returns an event's arguments without the recovery offset, and
// checks that the offset is there (recovery on) or not (recovery off).
func gcStrip(t *testing.T, e *socketio.Event, recovery bool) socketio.Args {
	t.Helper()
	a := e.Args
	if !recovery {
		if e.Offset != "" {
			t.Errorf("%q %s: offset %q with recovery off", e.Name, a, e.Offset)
		}
		return a
	}
	n := a.Len()
	var last string
	if e.Offset == "" || n == 0 || a.Decode(n-1, &last) != nil || last != e.Offset {
		t.Errorf("%q %s: offset %q, want a last string argument (the server has recovery on)", e.Name, a, e.Offset)
		return a
	}
	return socketio.Args{JSON: a.JSON[:n-1], Binary: a.Binary}
}

// gcValues decodes arguments; a binary one as []byte.
func gcValues(t *testing.T, a socketio.Args) []any {
	t.Helper()
	v, err := a.Values()
	if err != nil {
		t.Errorf("decode %s: %v", a, err)
	}
	if v == nil {
		v = []any{}
	}
	return v
}

// gcJSON decodes a JSON text, for expectations.
func gcJSON(t *testing.T, text string) []any {
	t.Helper()
	var v []any
	if err := json.Unmarshal([]byte(text), &v); err != nil {
		t.Fatalf("bad expectation %s: %v", text, err)
	}
	return v
}

// checkArgs checks decoded arguments.
func checkArgs(t *testing.T, what string, got socketio.Args, want []any) {
	t.Helper()
	if g := gcValues(t, got); !reflect.DeepEqual(g, want) {
		t.Errorf("%s: arguments %#v (%s), want %#v", what, g, got, want)
	}
}

// checkMessage checks gcMessage as it came back: equal, and the binary
// one an attachment (a BINARY_EVENT or BINARY_ACK with one placeholder).
func checkMessage(t *testing.T, what string, got socketio.Args) {
	t.Helper()
	checkArgs(t, what, got, gcMessageDecoded)
	if b, ok := got.Bytes(3); !ok || len(got.Binary) != 1 || !bytes.Equal(b, []byte{1, 2, 3}) {
		t.Errorf("%s: %d attachments, argument 3 binary %v (%x), want one attachment 010203", what, len(got.Binary), ok, b)
	}
}

// said is a "said" event's argument.
type said struct {
	From string `json:"from"`
	Room string `json:"room"`
	Text string `json:"text"`
}

func gcSaid(t *testing.T, e *socketio.Event, recovery bool) said {
	t.Helper()
	a := gcStrip(t, e, recovery)
	var s said
	if a.Len() != 1 || a.Decode(0, &s) != nil {
		t.Errorf("said %s: want one object {from, room, text}", a)
	}
	return s
}

func saidTexts(evs []*socketio.Event) []string {
	var out []string
	for _, e := range evs {
		var s said
		_ = e.Args.Decode(0, &s)
		out = append(out, s.Text)
	}
	return out
}

func hasText(text string) func([]*socketio.Event) bool {
	return func(evs []*socketio.Event) bool { return slices.Contains(saidTexts(evs), text) }
}

// gcLogEntry is one line of server.mjs's log.
type gcLogEntry struct {
	Event     string `json:"event"`
	Nsp       string `json:"nsp"`
	ID        string `json:"id"`
	Reason    string `json:"reason"`
	Recovered bool   `json:"recovered"`
	Transport string `json:"transport"`
}

func gcEntries(lines []string) []gcLogEntry {
	var out []gcLogEntry
	for _, l := range lines {
		var e gcLogEntry
		if json.Unmarshal([]byte(l), &e) == nil {
			out = append(out, e)
		}
	}
	return out
}

// waitLog waits for the n-th line of server.mjs's log that matches, and
// returns it.
func waitLog(t *testing.T, log *interopLog, what string, n int, match func(gcLogEntry) bool) gcLogEntry {
	t.Helper()
	var found gcLogEntry
	ok := log.waitFor(gcWait, func(lines []string) bool {
		seen := 0
		for _, e := range gcEntries(lines) {
			if match(e) {
				if seen++; seen == n {
					found = e
					return true
				}
			}
		}
		return false
	})
	if !ok {
		t.Fatalf("server.mjs did not log %s within %v; its log:\n%s", what, gcWait, log)
	}
	return found
}

func isConnection(nsp, id string) func(gcLogEntry) bool {
	return func(e gcLogEntry) bool { return e.Event == "connection" && e.Nsp == nsp && e.ID == id }
}

func isDisconnect(nsp, id string) func(gcLogEntry) bool {
	return func(e gcLogEntry) bool { return e.Event == "disconnect" && e.Nsp == nsp && e.ID == id }
}

// checkConnectReplies checks, on the wire, the CONNECT replies a client
// got for namespace nsp: at least n, each with a sid, and with a pid
// exactly when the server has recovery on.
func checkConnectReplies(t *testing.T, c *gcClient, nsp string, n int, recovery bool) {
	t.Helper()
	var got []string
	for _, r := range c.tap.connectReplies() {
		if rest, ok := strings.CutPrefix(r, nsp+" "); ok {
			got = append(got, rest)
		}
	}
	if len(got) < n {
		t.Errorf("%s: %d CONNECT replies for %s seen on the wire, want %d: %q", c.name, len(got), nsp, n, got)
	}
	for _, r := range got {
		var reply map[string]any
		if err := json.Unmarshal([]byte(r), &reply); err != nil {
			t.Errorf("%s: CONNECT reply %s: %v", c.name, r, err)
			continue
		}
		sid, _ := reply["sid"].(string)
		pid, hasPID := reply["pid"].(string)
		if sid == "" || hasPID != recovery || (recovery && pid == "") {
			t.Errorf("%s: CONNECT reply for %s is %s: want a sid, and a pid only with recovery on (recovery %v)", c.name, nsp, r, recovery)
		}
	}
}

// checkSessions checks the transports of a client's Engine.IO sessions
// from its requests: n sessions, each opened on the mode's transport (a
// request without sid), and in upgrade mode the current one upgraded.
func checkSessions(t *testing.T, c *gcClient, mode string, n int) {
	t.Helper()
	reqs := c.tap.requests()
	var opened []string
	upgradedSIDs := map[string]bool{}
	for _, r := range reqs {
		tr := r.query.Get("transport")
		if r.query.Get("EIO") != "4" {
			t.Errorf("%s: request %s without EIO=4", c.name, r)
		}
		switch {
		case r.query.Get("sid") == "":
			opened = append(opened, tr)
		case tr == "websocket":
			upgradedSIDs[r.query.Get("sid")] = true
		}
		if mode != "upgrade" && tr != mode {
			t.Errorf("%s: a request %s in %s mode", c.name, r, mode)
		}
	}
	want := mode
	if mode == "upgrade" {
		want = "polling"
	}
	if len(opened) != n || slices.ContainsFunc(opened, func(tr string) bool { return tr != want }) {
		t.Errorf("%s: Engine.IO sessions opened on %q, want %d on %s (requests: %v)", c.name, opened, n, want, reqs)
	}
	if mode == "upgrade" {
		eio := c.m.Engine()
		if eio == nil || !upgradedSIDs[eio.ID()] {
			t.Errorf("%s: the last session did not open a WebSocket with its sid (requests: %v)", c.name, reqs)
		}
	}
}

// waitTransport waits for the client's current session to end on the
// mode's transport (upgrade: WebSocket, once the upgrade is done).
func waitTransport(t *testing.T, c *gcClient, mode string) {
	t.Helper()
	want := mode
	if mode == "upgrade" {
		want = "websocket"
	}
	deadline := time.NewTimer(gcWait)
	defer deadline.Stop()
	for c.m.Transport() != want && mode == "upgrade" {
		select {
		case <-c.upgrades:
		case <-deadline.C:
			t.Errorf("%s: on %q %v after the last reconnection, want %s", c.name, c.m.Transport(), gcWait, want)
			return
		}
	}
	if got := c.m.Transport(); got != want {
		t.Errorf("%s: the session is on %q, want %s", c.name, got, want)
	}
	if mode != "upgrade" && len(c.upgrades) > 0 {
		t.Errorf("%s: the session upgraded in %s mode", c.name, mode)
	}
}

// leaveClean disconnects a socket (DISCONNECT) and checks that server.mjs
// logs "client namespace disconnect" for it, as the socket's n-th
// disconnection.
func leaveClean(t *testing.T, c *gcClient, s *socketio.ClientSocket, n int, log *interopLog) {
	t.Helper()
	id := s.ID()
	s.Disconnect()
	e := waitLog(t, log, fmt.Sprintf("the disconnection of %s %s", s.Namespace(), id), n, isDisconnect(s.Namespace(), id))
	if e.Reason != "client namespace disconnect" {
		t.Errorf("%s: after Disconnect on %s, server.mjs logged disconnect %q, want \"client namespace disconnect\" (the DISCONNECT packet did not arrive first); %s",
			c.name, s.Namespace(), e.Reason, c.wire())
	}
}

// errorsIsAckTimeout is errors.Is(err, socketio.ErrAckTimeout), named for
// failure messages.
func errorsIsAckTimeout(err error) bool { return errors.Is(err, socketio.ErrAckTimeout) }

// ---- the plan ----

// goClientPlan runs the plan of TestNetlabClientAgainstNodeServer in one
// mode against server.mjs with recovery on.
func goClientPlan(t *testing.T, mode, base string, log *interopLog) {
	a := newGCClient(t, "A", base, mode, map[string]string{"token": "abc"}, 1, log)
	a.connect()
	aID := a.s.ID()
	started := time.Now()
	first := waitLog(t, log, "A's connection", 1, isConnection("/", aID))
	if first.Recovered {
		t.Errorf("A's first connection logged as recovered: %+v", first)
	}
	if mode != "upgrade" && first.Transport != mode {
		t.Errorf("server.mjs saw A connect on %q, want %s", first.Transport, mode)
	}
	eio := a.m.Engine()
	if eio == nil {
		a.fatalf("connected, but Manager.Engine() is nil")
	}
	eioID := eio.ID()

	// 1. The CONNECT payload comes back as "auth", with an offset.
	auth := a.next("auth", 0)
	checkArgs(t, `"auth"`, gcStrip(t, auth, true), gcJSON(t, `[{"token": "abc"}]`))

	// 2. Every kind of argument comes back, the binary as an attachment.
	from := a.ev("message-back").count()
	a.emit(a.s, "message", gcMessage...)
	checkMessage(t, `"message-back"`, gcStrip(t, a.next("message-back", from), true))

	// 3. The ack carries the same arguments (no offset: acks are not
	// stored for recovery); an ack that never comes times out.
	checkMessage(t, `ack of "message-with-ack"`, a.call(a.s, "message-with-ack", gcMessage...))
	func() {
		const limit = 300 * time.Millisecond
		ctx, cancel := context.WithTimeout(t.Context(), limit)
		defer cancel()
		sent := time.Now()
		got, err := a.s.EmitWithAck(ctx, "no-handler", 1)
		if !errorsIsAckTimeout(err) || time.Since(sent) < limit {
			t.Errorf(`ack of "no-handler" (no handler on the server): %v, %v after %v; want socketio.ErrAckTimeout after %v`, got, err, time.Since(sent), limit)
		}
	}()

	// 3b. The server's own emit with an ack: "ask" makes the official
	// server emit "question" to A with an ack; A answers, and the answer
	// comes back through the ack of "ask".
	a.s.On("question", func(e *socketio.Event) {
		vals, err := e.Args.Values()
		if err != nil || !e.WantsAck() {
			t.Errorf(`"question": %v, wants an ack %v`, err, e.WantsAck())
			return
		}
		_ = e.Ack(append([]any{"answer"}, vals...)...)
	})
	checkArgs(t, `ack of "ask"`, a.call(a.s, "ask", gcMessage...), append([]any{"answer"}, gcMessageDecoded...))

	// 4. Rooms: join acks with no arguments; say reaches A in the room;
	// after leave, a say to that room does not.
	if ack := a.call(a.s, "join", "lobby"); ack.Len() != 0 {
		t.Errorf(`ack of "join": %s, want no arguments`, ack)
	}
	from = a.ev("said").count()
	a.emit(a.s, "say", "lobby", "hello")
	if got, want := gcSaid(t, a.next("said", from), true), (said{aID, "lobby", "hello"}); got != want {
		t.Errorf(`"said" %+v, want %+v`, got, want)
	}
	a.call(a.s, "join", "side")
	a.call(a.s, "leave", "side")
	from = a.ev("said").count()
	a.emit(a.s, "say", "side", "not for you")
	a.emit(a.s, "say", "lobby", "after leave")
	// The server handles A's events in order: a "said" for "side" would
	// come before this one.
	evs, ok := a.ev("said").waitUntil(from, hasText("after leave"))
	if texts := saidTexts(evs); !ok || !slices.Equal(texts, []string{"after leave"}) {
		t.Errorf(`after leave("side"): "said" texts %q, want ["after leave"]`, texts)
	}

	// 5. "/custom" on the same Engine.IO session, with the same handlers;
	// "/random" refused.
	custom, err := a.m.Socket("/custom", map[string]string{"token": "custom"})
	if err != nil {
		t.Fatal(err)
	}
	cAuth, cBack, cSaid := newGCEvents(), newGCEvents(), newGCEvents()
	custom.On("auth", cAuth.put)
	custom.On("message-back", cBack.put)
	custom.On("said", cSaid.put)
	func() {
		ctx, cancel := context.WithTimeout(t.Context(), gcWait)
		defer cancel()
		if err := custom.Connect(ctx); err != nil {
			a.fatalf("connect /custom: %v", err)
		}
	}()
	cID := custom.ID()
	if cID == "" || cID == aID {
		t.Errorf("/custom has id %q (A on / has %q), want another one", cID, aID)
	}
	if e := a.m.Engine(); e != eio || e.ID() != eioID {
		t.Errorf("/custom connected on another Engine.IO session (%v, was %s)", e, eioID)
	}
	waitLog(t, log, "the connection on /custom", 1, isConnection("/custom", cID))
	next := func(c *gcEvents, name string) *socketio.Event {
		t.Helper()
		evs, ok := c.waitUntil(0, func(evs []*socketio.Event) bool { return len(evs) > 0 })
		if !ok {
			a.fatalf("/custom: no %q within %v", name, gcWait)
		}
		return evs[0]
	}
	checkArgs(t, `/custom "auth"`, gcStrip(t, next(cAuth, "auth"), true), gcJSON(t, `[{"token": "custom"}]`))
	a.emit(custom, "message", gcMessage...)
	checkMessage(t, `/custom "message-back"`, gcStrip(t, next(cBack, "message-back"), true))
	checkMessage(t, `/custom ack of "message-with-ack"`, a.call(custom, "message-with-ack", gcMessage...))
	a.call(custom, "join", "lobby")
	a.emit(custom, "say", "lobby", "in custom")
	if got, want := gcSaid(t, next(cSaid, "said"), true), (said{cID, "lobby", "in custom"}); got != want {
		t.Errorf(`/custom "said" %+v, want %+v`, got, want)
	}

	random, err := a.m.Socket("/random", nil)
	if err != nil {
		t.Fatal(err)
	}
	refusals := make(chan error, 8)
	random.OnConnectError(func(err error) { trySend(refusals, err) })
	func() {
		ctx, cancel := context.WithTimeout(t.Context(), gcWait)
		defer cancel()
		err := random.Connect(ctx)
		if !errors.Is(err, socketio.ErrConnectRefused) || !strings.Contains(err.Error(), "Invalid namespace") {
			t.Errorf(`connect /random: %v, want socketio.ErrConnectRefused with "Invalid namespace"`, err)
		}
	}()
	if err, ok := recvWithin(refusals); !ok || !errors.Is(err, socketio.ErrConnectRefused) {
		t.Errorf("/random: the connect error handler got %v (called: %v)", err, ok)
	}
	if random.Connected() {
		t.Errorf("/random: Connected() after the refusal")
	}
	// The refusal leaves "/" and the session alone.
	a.call(a.s, "message-with-ack", "still here")
	if e := a.m.Engine(); e != eio || !a.s.Connected() || a.s.ID() != aID {
		t.Errorf("after /random's refusal: session %v (was %s), / connected %v with id %q (was %q)", e, eioID, a.s.Connected(), a.s.ID(), aID)
	}

	// 6. The heartbeat: the session lives through several of the server's
	// 300 ms pings. The client gives up after pingInterval + pingTimeout
	// without one, and server.mjs after pingTimeout without a pong, so the
	// session being up after this window shows both ways work.
	window := 1500*time.Millisecond - time.Since(started)
	if window > 0 {
		timer := time.NewTimer(window)
		select {
		case <-eio.Done():
			reason, detail := eio.CloseReason()
			t.Errorf("the session ended within %v of connecting: %s (%s)", time.Since(started), reason, detail)
		case <-timer.C:
		}
		timer.Stop()
	}
	if a.m.Engine() != eio || !a.s.Connected() {
		t.Errorf("after %v, A is not on its first session any more", time.Since(started))
	}
	if strings.Contains(log.String(), "ping timeout") {
		t.Errorf("server.mjs logged a ping timeout within %v of A's connection:\n%s", time.Since(started), log)
	}

	// 7. Recovery after "kick" (the server closes A's connection), with B
	// in "lobby" asking for three "tick" while A is away. The gate holds
	// A's reconnection until the server has seen A go and B has its ack,
	// so that the ticks are surely missed.
	b := newGCClient(t, "B", base, mode, map[string]string{"token": "b"}, 2, log)
	b.connect()
	bID := b.s.ID()
	b.call(b.s, "join", "lobby")

	fromTick := a.ev("tick").count()
	a.tap.arm()
	a.emit(a.s, "kick")
	down := a.nextDisconnect("kick")
	e := waitLog(t, log, "A's disconnection after kick", 1, isDisconnect("/", aID))
	if down.reason != "transport close" || e.Reason != "forced close" {
		t.Errorf(`after "kick", A's disconnect reason is %q, and server.mjs logged %q; want "transport close" and "forced close"; %s`, down.reason, e.Reason, a.wire())
	}
	if ack := b.call(b.s, "broadcast", 3); ack.Len() != 0 {
		t.Errorf(`ack of "broadcast": %s, want no arguments`, ack)
	}
	a.reconnected("after kick", down)
	if !a.s.Recovered() || a.s.ID() != aID {
		t.Errorf("after kick: recovered %v with id %q, want recovered with the same id %q", a.s.Recovered(), a.s.ID(), aID)
	}
	if e := waitLog(t, log, "A's connection after kick", 2, isConnection("/", aID)); !e.Recovered {
		t.Errorf("server.mjs logged A's connection after kick as not recovered: %+v", e)
	}
	// Any tick sent twice would come before this ack.
	a.call(a.s, "message-with-ack", "fence")
	ticks := a.ev("tick").since(fromTick)
	var got [][]any
	for _, e := range ticks {
		got = append(got, gcValues(t, gcStrip(t, e, true)))
	}
	if want := [][]any{{1.0}, {2.0}, {3.0}}; !reflect.DeepEqual(got, want) {
		t.Errorf(`after kick, A got the ticks %v, want %v: each once, in order`, got, want)
	}
	all := a.all.since(0)
	if last := all[len(all)-1]; a.s.LastOffset() == "" || a.s.LastOffset() != last.Offset {
		t.Errorf("LastOffset() is %q, the last event (%q %s) carried %q", a.s.LastOffset(), last.Name, last.Args, last.Offset)
	}
	// A is still in "lobby".
	from = a.ev("said").count()
	b.emit(b.s, "say", "lobby", "after kick")
	if got, want := gcSaid(t, a.next("said", from), true), (said{bID, "lobby", "after kick"}); got != want {
		t.Errorf(`after kick, "said" %+v, want %+v`, got, want)
	}

	// 8. Recovery after A's own connection is cut (no close packet, no
	// DISCONNECT), while B says three things in "lobby"; 9. with what A
	// emits meanwhile buffered and sent once it is back.
	fromSaid, fromBSaid := a.ev("said").count(), b.ev("said").count()
	a.tap.arm()
	a.m.Engine().Drop()
	down = a.nextDisconnect("drop")
	if down.reason != "transport close" {
		t.Errorf("after Drop, A's disconnect reason is %q, want \"transport close\"", down.reason)
	}
	e = waitLog(t, log, "A's disconnection after Drop", 2, isDisconnect("/", aID))
	if !slices.Contains([]string{"transport close", "transport error", "ping timeout"}, e.Reason) {
		t.Errorf("server.mjs logged A's disconnection after Drop as %q, want a connection lost (transport close or error, or ping timeout)", e.Reason)
	}
	if err := a.s.Emit("say", "lobby", "while offline"); err != nil {
		t.Errorf("emit while offline: %v", err)
	}
	queued := make(chan string, 1)
	go func() {
		ctx, cancel := context.WithTimeout(t.Context(), 3*gcWait)
		defer cancel()
		ack, err := a.s.EmitWithAck(ctx, "message-with-ack", "queued")
		queued <- fmt.Sprintf("%s %v", ack, err)
	}()
	for i := 1; i <= 3; i++ {
		b.emit(b.s, "say", "lobby", fmt.Sprintf("missed %d", i))
	}
	if evs, ok := b.ev("said").waitUntil(fromBSaid, func(evs []*socketio.Event) bool { return len(evs) >= 3 }); !ok {
		b.fatalf("B heard %q of its three says", saidTexts(evs))
	}
	a.reconnected("after Drop", down)
	if !a.s.Recovered() || a.s.ID() != aID {
		t.Errorf("after Drop: recovered %v with id %q, want recovered with the same id %q", a.s.Recovered(), a.s.ID(), aID)
	}
	if e := waitLog(t, log, "A's connection after Drop", 3, isConnection("/", aID)); !e.Recovered {
		t.Errorf("server.mjs logged A's connection after Drop as not recovered: %+v", e)
	}
	if got, ok := recvWithin(queued); !ok || got != `"queued" <nil>` {
		t.Errorf(`the ack of "message-with-ack" emitted offline: %q (came: %v), want "queued" <nil>`, got, ok)
	}
	evs, ok = b.ev("said").waitUntil(fromBSaid, hasText("while offline"))
	if !ok {
		t.Errorf(`B did not hear A's "say" emitted offline; it heard %q`, saidTexts(evs))
	} else if got, want := gcSaid(t, evs[len(evs)-1], true), (said{aID, "lobby", "while offline"}); got != want {
		t.Errorf(`B heard %+v, want %+v`, got, want)
	}
	// B's "live" goes after the server has sent "while offline" to the
	// room, so A must get it last.
	b.emit(b.s, "say", "lobby", "live")
	evs, _ = a.ev("said").waitUntil(fromSaid, hasText("live"))
	var gotSaid []said
	for _, e := range evs {
		gotSaid = append(gotSaid, gcSaid(t, e, true))
	}
	wantSaid := []said{
		{bID, "lobby", "missed 1"}, {bID, "lobby", "missed 2"}, {bID, "lobby", "missed 3"},
		{aID, "lobby", "while offline"}, {bID, "lobby", "live"},
	}
	if !slices.Equal(gotSaid, wantSaid) {
		t.Errorf("after Drop, A got %+v, want %+v", gotSaid, wantSaid)
	}

	// 10. The transports, then a clean leave: DISCONNECT for each
	// namespace, and the session closes once none uses it.
	waitTransport(t, a, mode)
	checkSessions(t, a, mode, 3)
	checkConnectReplies(t, a, "/", 3, true)
	checkConnectReplies(t, a, "/custom", 3, true)
	leaveClean(t, a, custom, 3, log)
	if e := a.m.Engine(); e == nil || !a.s.Connected() {
		t.Errorf("after /custom left, / is connected %v on session %v, want it still up", a.s.Connected(), e)
	}
	last := a.m.Engine()
	leaveClean(t, a, a.s, 3, log)
	if d, ok := recvWithin(a.disconnects); !ok || d.reason != "io client disconnect" {
		t.Errorf("after Disconnect, A's disconnect reason is %q (called: %v), want \"io client disconnect\"", d.reason, ok)
	}
	if last != nil {
		if _, ok := recvWithin(last.Done()); !ok {
			t.Errorf("the Engine.IO session is still open %v after the last namespace left", gcWait)
		}
	}
	// B's session lived through it all (its heartbeat too).
	for _, e := range gcEntries(strings.Split(log.String(), "\n")) {
		if e.ID == bID && e.Event == "disconnect" {
			t.Errorf("server.mjs logged B's disconnection: %+v", e)
		}
	}
}

// goClientNoRecovery: with server.mjs --recovery=false, no pid and no
// offsets; after "kick" A comes back as a new socket, with nothing missed
// replayed and out of its rooms.
func goClientNoRecovery(t *testing.T, mode, base string, log *interopLog) {
	a := newGCClient(t, "A", base, mode, map[string]string{"token": "abc"}, 3, log)
	a.connect()
	aID := a.s.ID()
	auth := a.next("auth", 0)
	checkArgs(t, `"auth"`, gcStrip(t, auth, false), gcJSON(t, `[{"token": "abc"}]`))
	if a.s.LastOffset() != "" {
		t.Errorf("LastOffset() is %q with recovery off", a.s.LastOffset())
	}
	checkConnectReplies(t, a, "/", 1, false)

	b := newGCClient(t, "B", base, mode, map[string]string{"token": "b"}, 4, log)
	b.connect()
	b.call(b.s, "join", "lobby")
	a.call(a.s, "join", "lobby")

	fromTick := a.ev("tick").count()
	a.tap.arm()
	a.emit(a.s, "kick")
	down := a.nextDisconnect("kick")
	e := waitLog(t, log, "A's disconnection after kick", 1, isDisconnect("/", aID))
	if down.reason != "transport close" || e.Reason != "forced close" {
		t.Errorf(`after "kick", A's disconnect reason is %q, and server.mjs logged %q; want "transport close" and "forced close"; %s`, down.reason, e.Reason, a.wire())
	}
	b.call(b.s, "broadcast", 3)
	a.reconnected("after kick", down)
	newID := a.s.ID()
	if a.s.Recovered() || newID == "" || newID == aID {
		t.Errorf("after kick with recovery off: recovered %v, id %q (was %q), want not recovered and a new id", a.s.Recovered(), newID, aID)
	}
	if e := waitLog(t, log, "A's new connection", 1, isConnection("/", newID)); e.Recovered {
		t.Errorf("server.mjs logged A's new connection as recovered: %+v", e)
	}
	// Out of "lobby" now: B's say reaches B (so the server has sent it to
	// the room) but not A, whose next ack would come after it.
	fromSaid, fromBSaid := a.ev("said").count(), b.ev("said").count()
	b.emit(b.s, "say", "lobby", "not for the new A")
	if _, ok := b.ev("said").waitUntil(fromBSaid, hasText("not for the new A")); !ok {
		b.fatalf("B did not hear its own say")
	}
	a.call(a.s, "message-with-ack", "fence")
	if n := len(a.ev("tick").since(fromTick)); n != 0 {
		t.Errorf("A got %d ticks broadcast while it was away, with recovery off", n)
	}
	if texts := saidTexts(a.ev("said").since(fromSaid)); len(texts) != 0 {
		t.Errorf("the new A, which joined no room, got \"said\" %q", texts)
	}
	// Live ticks still come, without an offset.
	b.call(b.s, "broadcast", 1)
	tick := a.next("tick", fromTick)
	checkArgs(t, `live "tick"`, gcStrip(t, tick, false), []any{1.0})
	if a.s.LastOffset() != "" {
		t.Errorf("LastOffset() is %q with recovery off", a.s.LastOffset())
	}
	checkConnectReplies(t, a, "/", 2, false)
	checkSessions(t, a, mode, 2)
	leaveClean(t, a, a.s, 1, log)
}

func gcLines[T any](list []T) string {
	var b strings.Builder
	for _, v := range list {
		fmt.Fprintf(&b, "\t%v\n", v)
	}
	return b.String()
}
