// Interop with the official Socket.IO packages from npm (issue 5, item 5):
// real peers that no one here wrote.
//
// interop/node holds the official socket.io-client and socket.io (versions
// pinned in package.json, the lock file committed; `npm ci` there installs
// them) and two small scripts:
//
//   - client.mjs URL MODE runs the official client against a server in one of
//     three transport modes and prints what it saw, one JSON object a line;
//   - server.mjs PORT runs the official server with the contract of
//     `netlab serve-socketio`.
//
// The tests here hold the expectations. TestNodeClientAgainstNodeServer runs
// the official client against the official server with the same
// expectations as TestNodeClientAgainstNetlab: it shows they are socket.io's
// own behaviour, so that a failure against netlab is netlab's.

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"netlab/internal/needtool"
)

// Heartbeat settings for every server in these tests: socket.io's own
// protocol test suites use these, so pings and pongs flow all through a run
// of client.mjs (3 to 4 seconds), and a late pong would end it.
const (
	nodePingInterval = "300ms"
	nodePingTimeout  = "200ms"
)

// nodeClientTimeout bounds one run of client.mjs. Each of its waits is
// bounded by 5 s, and a run takes about 4 s, most of it the reconnection
// backoff after "kick".
const nodeClientTimeout = 60 * time.Second

// nodeInteropDir returns the absolute path of interop/node, once node and
// the npm packages are there. Without them the test is skipped locally and
// fails under CI (CI=true), as needtool does for the tool itself.
func nodeInteropDir(t *testing.T) (node, dir string) {
	t.Helper()
	node = needtool.Path(t, "node", "apt-get install nodejs")
	dir, err := filepath.Abs(filepath.Join("..", "..", "interop", "node"))
	if err != nil {
		t.Fatal(err)
	}
	for _, pkg := range []string{"socket.io", "socket.io-client"} {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", pkg, "package.json")); err != nil {
			if os.Getenv("CI") == "true" {
				t.Fatalf("%s is not installed: run npm ci in interop/node (%v)", pkg, err)
			}
			t.Skipf("%s is not installed: run npm ci in interop/node to run this test", pkg)
		}
	}
	return node, dir
}

// serveSocketIOFirstLine is the first line `netlab serve-socketio` prints on
// stderr, with the address as group 1.
var serveSocketIOFirstLine = regexp.MustCompile(`^netlab serve-socketio: listening on (http://127\.0\.0\.1:\d+) \(Socket\.IO at /socket\.io/, Engine\.IO echo at /engine\.io/\)$`)

// interopLog keeps a server's log lines for failure messages, and lets a
// test wait for a line.
type interopLog struct {
	mu      sync.Mutex
	lines   []string
	changed chan struct{} // closed at the next line; nil until someone waits
}

func (l *interopLog) add(line string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines = append(l.lines, line)
	if l.changed != nil {
		close(l.changed)
		l.changed = nil
	}
}

// waitFor waits up to limit for the lines so far to satisfy ok, and
// reports whether they did.
func (l *interopLog) waitFor(limit time.Duration, ok func(lines []string) bool) bool {
	deadline := time.NewTimer(limit)
	defer deadline.Stop()
	for {
		l.mu.Lock()
		if ok(l.lines) {
			l.mu.Unlock()
			return true
		}
		if l.changed == nil {
			l.changed = make(chan struct{})
		}
		changed := l.changed
		l.mu.Unlock()
		select {
		case <-changed:
		case <-deadline.C:
			l.mu.Lock()
			defer l.mu.Unlock()
			return ok(l.lines)
		}
	}
}

func (l *interopLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.lines, "\n")
}

// startSocketIOForNode runs `netlab serve-socketio` in-process, through the
// CLI's run, on a free loopback port until the test ends, and returns its
// base URL and its log. The cleanup stops it (as Ctrl-C does) and checks
// that it exits with status 0.
func startSocketIOForNode(t *testing.T, extra ...string) (url string, log *interopLog) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	codes := make(chan int, 1)
	go func() {
		args := append([]string{"netlab", "serve-socketio", "--listen", "127.0.0.1:0"}, extra...)
		code := run(ctx, args, streams{in: strings.NewReader(""), out: io.Discard, err: pw}, func(string) string { return "" })
		pw.Close()
		codes <- code
	}()
	sc := bufio.NewScanner(pr)
	first := ""
	if sc.Scan() {
		first = sc.Text()
	}
	log = new(interopLog)
	drained := make(chan struct{})
	go func() { // read every line, so the server never blocks on its log
		defer close(drained)
		for sc.Scan() {
			log.add(sc.Text())
		}
	}()
	started := false
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-codes:
			if started && code != exitOK {
				t.Errorf("serve-socketio exit %d after Ctrl-C, want 0; log:\n%s", code, log)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("serve-socketio did not stop within 10 s of Ctrl-C")
			return // its goroutines are still running: the leak check will say more
		}
		<-drained
	})
	m := serveSocketIOFirstLine.FindStringSubmatch(first)
	if m == nil {
		t.Fatalf("serve-socketio's first stderr line is %q, want it to match %s", first, serveSocketIOFirstLine)
	}
	started = true
	return m[1], log
}

// startNodeServer runs interop/node/server.mjs (the official socket.io
// server with serve-socketio's contract) on a free loopback port until the
// test ends, and returns its base URL and its log: one JSON object a line
// for each connection and disconnection.
func startNodeServer(t *testing.T, node, dir string, extra ...string) (url string, log *interopLog) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, node, append([]string{"server.mjs", "0"}, extra...)...)
	cmd.Dir = dir
	cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) } // it closes its sockets, then exits
	cmd.WaitDelay = 5 * time.Second
	pr, pw := io.Pipe()
	var stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = pw, &stderr
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start node server.mjs: %v", err)
	}
	waited := make(chan error, 1)
	go func() {
		err := cmd.Wait()
		pw.Close()
		waited <- err
	}()
	drained := make(chan struct{})
	// stop ends the server (SIGTERM, then SIGKILL after WaitDelay) and
	// returns how it exited; after it, stderr is safe to read.
	stop := sync.OnceValue(func() error {
		cancel()
		err := <-waited
		<-drained
		return err
	})
	sc := bufio.NewScanner(pr)
	first := ""
	if sc.Scan() {
		first = sc.Text()
	}
	log = new(interopLog)
	go func() {
		defer close(drained)
		for sc.Scan() {
			log.add(sc.Text())
		}
	}()
	t.Cleanup(func() {
		// server.mjs exits 0 on SIGTERM, and then Wait reports the
		// cancelled context rather than nil.
		if err := stop(); err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("server.mjs: %v; stderr:\n%s", err, &stderr)
		}
	})
	port, ok := strings.CutPrefix(first, "listening ")
	if !ok {
		err := stop()
		t.Fatalf("server.mjs's first line is %q, want \"listening PORT\" (exit: %v); stderr:\n%s", first, err, &stderr)
	}
	return "http://127.0.0.1:" + port, log
}

// nodeReport is one line of client.mjs's output, decoded.
type nodeReport map[string]any

// runNodeClient runs client.mjs against url in one mode and returns its
// reports by step. A client that fails is reported with its stderr and the
// server's log; the steps it reached are still returned and checked.
func runNodeClient(t *testing.T, node, dir, url, mode string, log *interopLog) map[string]nodeReport {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), nodeClientTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "client.mjs", url, mode)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()

	reports := make(map[string]nodeReport)
	for line := range strings.Lines(stdout.String()) {
		var r nodeReport
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Errorf("client.mjs printed a line that is not JSON: %q", line)
			continue
		}
		step, _ := r["step"].(string)
		reports[step] = r
	}
	if runErr != nil {
		t.Errorf("the official client (%s) failed: %v\nits error: %v\nits stdout:\n%sits stderr:\n%s\nthe server's log:\n%s",
			mode, runErr, reports["error"]["error"], &stdout, &stderr, log)
	}
	return reports
}

// nodeExpect is what one step of client.mjs must report.
type nodeExpect struct {
	step string
	// want is a JSON object: each of its fields must equal the report's.
	// "$A" stands for the id of the client's socket on "/", "$C" for its
	// socket on "/custom".
	want string
	// check, if set, returns what else is wrong with the report, or "".
	check func(r nodeReport) string
}

// nodeMessage is what client.mjs emits with "message" and "message-with-ack",
// as it prints it: [1, "two", {three: [3]}, Buffer.from([1, 2, 3])].
const nodeMessage = `[1, "two", {"three": [3]}, {"binary": "010203"}]`

// nodeExpectations lists, step by step, what the official client must see
// from a server with serve-socketio's contract in the given mode.
func nodeExpectations(mode string) []nodeExpect {
	// The transport the client connects on; in upgrade mode the upgrade may
	// be done before "connect", so only the sessions are checked.
	connect := `{"recovered": false, "recovery": true}`
	transport := func(r nodeReport) string {
		return checkTransports(mode, r)
	}
	if mode != "upgrade" {
		connect = fmt.Sprintf(`{"transport": %q, "recovered": false, "recovery": true}`, mode)
	}
	return []nodeExpect{
		{step: "connect", want: connect, check: func(r nodeReport) string {
			if id, _ := r["id"].(string); id == "" {
				return "no socket id"
			}
			return ""
		}},
		// 1. The server emits the CONNECT payload back.
		{step: "auth", want: `{"args": [{"token": "abc"}]}`},
		// 2. Every kind of argument comes back, binary byte for byte.
		{step: "message-back", want: `{"args": ` + nodeMessage + `}`},
		// 3. The ack carries the same arguments.
		{step: "message-with-ack", want: `{"args": ` + nodeMessage + `}`},
		// 3b. The server's own emit with an ack: the client's answer
		// ("answer" and the arguments) comes back through the server's ack.
		{step: "ask", want: `{"args": ["answer", ` + nodeMessage[1:] + `}`},
		// 4. join acks (with no arguments); say reaches the room, A included.
		{step: "join", want: `{"args": []}`},
		{step: "said", want: `{"args": [{"from": "$A", "room": "lobby", "text": "hello"}]}`, check: func(r nodeReport) string {
			// With recovery on, a broadcast carries its offset as a last
			// argument: the client remembers it and sends it back when it
			// reconnects. Without it the client cannot be recovered.
			if off, _ := r["offset"].(string); off == "" {
				return "the broadcast carries no offset (a last string argument): with recovery on, the official client needs one to recover"
			}
			return ""
		}},
		// 5. After leave, a "say" to that room no longer reaches A.
		{step: "leave", want: `{"texts": ["after leave"]}`},
		// 6. The "/custom" namespace has the same handlers, multiplexed on
		// the same Engine.IO session.
		{step: "custom", want: `{
			"auth": [{"token": "custom"}],
			"message-back": ` + nodeMessage + `,
			"message-with-ack": ` + nodeMessage + `,
			"said": [{"from": "$C", "room": "lobby", "text": "in custom"}]
		}`},
		// 7. An unknown namespace: CONNECT_ERROR {"message": "Invalid namespace"}.
		{step: "invalid-namespace", want: `{"message": "Invalid namespace", "data": null}`},
		// 8. A's connection is closed under it (engine.close()); B says three
		// things to the room; A comes back recovered, with its id and rooms,
		// gets exactly the three, in order, then a live one.
		{step: "recovery", want: `{
			"reason": "forced close",
			"recovered": true,
			"same_id": true,
			"texts": ["missed 1", "missed 2", "missed 3", "live"],
			"from_b": true,
			"offsets": true
		}`},
		// 9. The server closes A's transport ("kick"); A reconnects by itself
		// with its backoff; the three "tick" broadcast meanwhile arrive once
		// each, in order.
		{step: "recovery-kick", want: `{
			"reason": "transport close",
			"recovered": true,
			"same_id": true,
			"ticks": [[1], [2], [3]],
			"offsets": true
		}`},
		// 10. The transports used.
		{step: "transport", check: transport},
	}
}

// checkTransports checks the Engine.IO sessions of client A (the first, the
// one after engine.close(), the one after "kick"): each opened on the mode's
// transport; in upgrade mode each opened on polling and the last one
// upgraded to WebSocket (the earlier ones may close before their upgrade).
func checkTransports(mode string, r nodeReport) string {
	sessions, _ := r["sessions"].([]any)
	if len(sessions) != 3 {
		return fmt.Sprintf("%d Engine.IO sessions, want 3", len(sessions))
	}
	opened, final := mode, mode
	if mode == "upgrade" {
		opened, final = "polling", "websocket"
	}
	if r["final"] != final {
		return fmt.Sprintf("the client ended on %v, want %s", r["final"], final)
	}
	for i, s := range sessions {
		s, _ := s.(map[string]any)
		upgrades, _ := s["upgrades"].([]any)
		if s["opened"] != opened {
			return fmt.Sprintf("session %d opened on %v, want %s", i+1, s["opened"], opened)
		}
		switch {
		case mode != "upgrade" && len(upgrades) > 0:
			return fmt.Sprintf("session %d upgraded to %v with upgrades off", i+1, upgrades)
		case mode == "upgrade" && i == len(sessions)-1 && !reflect.DeepEqual(upgrades, []any{"websocket"}):
			return fmt.Sprintf("the last session's upgrades are %v, want [websocket]", upgrades)
		}
	}
	return ""
}

// checkNodeReports checks the reports of one run of client.mjs.
func checkNodeReports(t *testing.T, mode string, reports map[string]nodeReport) {
	t.Helper()
	ids := strings.NewReplacer(
		`"$A"`, fmt.Sprintf("%q", reports["connect"]["id"]),
		`"$C"`, fmt.Sprintf("%q", reports["custom"]["id"]),
	)
	for _, e := range nodeExpectations(mode) {
		r, ok := reports[e.step]
		if !ok {
			t.Errorf("%s: the client did not report this step", e.step)
			continue
		}
		if e.want != "" {
			var want map[string]any
			if err := json.Unmarshal([]byte(ids.Replace(e.want)), &want); err != nil {
				t.Fatalf("%s: bad expectation: %v", e.step, err)
			}
			for field, w := range want {
				if got := r[field]; !reflect.DeepEqual(got, w) {
					t.Errorf("%s: %s is %s, want %s", e.step, field, jsonText(got), jsonText(w))
				}
			}
		}
		if e.check != nil {
			if msg := e.check(r); msg != "" {
				t.Errorf("%s: %s (report: %s)", e.step, msg, jsonText(r))
			}
		}
	}
	if ms, ok := reports["recovery-kick"]["reconnect_ms"].(float64); ok {
		t.Logf("after kick, the client was back in %.0f ms (socket.io-client's first delay: 1 s ± 50%%)", ms)
	}
}

func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

var nodeModes = []string{"polling", "websocket", "upgrade"}

// TestNodeClientAgainstNetlab: the official socket.io-client, in each
// transport mode, against `netlab serve-socketio`. The modes run one after
// the other: two runs of the CLI at once race in urfave/cli, whose help
// flag is a package-level variable that each run writes.
func TestNodeClientAgainstNetlab(t *testing.T) {
	node, dir := nodeInteropDir(t)
	for _, mode := range nodeModes {
		t.Run(mode, func(t *testing.T) {
			url, log := startSocketIOForNode(t, "--ping-interval", nodePingInterval, "--ping-timeout", nodePingTimeout)
			checkNodeReports(t, mode, runNodeClient(t, node, dir, url, mode, log))
		})
	}
}

// TestNodeClientAgainstNodeServer: the official client against the official
// server, with the expectations above. It proves them, and client.mjs and
// server.mjs with them.
func TestNodeClientAgainstNodeServer(t *testing.T) {
	node, dir := nodeInteropDir(t)
	for _, mode := range nodeModes {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			url, log := startNodeServer(t, node, dir, "--ping-interval", nodePingInterval, "--ping-timeout", nodePingTimeout)
			checkNodeReports(t, mode, runNodeClient(t, node, dir, url, mode, log))
		})
	}
}

// TestNetlabClientAgainstNodeServer: netlab's Go client (realtime/socketio)
// against the official socket.io server, in each transport mode (polling
// only, WebSocket only, polling then upgrade), each against its own
// startNodeServer(t, node, dir, "--ping-interval", nodePingInterval,
// "--ping-timeout", nodePingTimeout). The client (goClientPlan, in
// node_goclient_test.go) connects to "/" with auth {"token": "abc"} and
// must see:
//
//  1. "auth" with [{"token": "abc"}] as its arguments;
//  2. "message" with [1, "two", {"three": [3]}, []byte{1, 2, 3}] answered by
//     "message-back" with the same arguments, the binary byte for byte (a
//     BINARY_EVENT with one placeholder);
//  3. "message-with-ack" with the same arguments: the ack (a BINARY_ACK)
//     carries them; an ack with a timeout that the server never calls (an
//     event with no handler there) ends with the timeout error;
//  4. join("lobby") acked with no arguments, then say("lobby", "hello")
//     answered by "said" {"from": its id, "room": "lobby", "text": "hello"};
//     after leave("side"), a say to "side" does not reach it (a say to
//     "lobby" sent after it arrives and nothing before it);
//  5. "/custom" on the same Engine.IO session, with the same handlers; "/random"
//     refused with a connect error whose message is "Invalid namespace";
//  6. the heartbeat: the session stays up across several 300 ms pings (the
//     server's log has no "ping timeout");
//  7. recovery, with a second client B in "lobby": A emits "kick" (the server
//     closes A's Engine.IO connection; server.mjs logs disconnect "forced
//     close"); A reconnects by itself with socket.io's backoff (first delay
//     1 s ± 50%); meanwhile B emits "broadcast"(3) and waits for its ack;
//     A comes back with recovered = true, the same socket id, still in
//     "lobby" (a say there reaches it), and gets "tick" 1, 2, 3 exactly once
//     each, in order, with their offsets stripped; server.mjs's log shows
//     the connection with "recovered": true;
//  8. the same after A's own connection is cut (A closes its transport
//     without DISCONNECT) while B says three things in "lobby";
//  9. emits made while A is disconnected are buffered and sent once it is
//     back (the offline send buffer);
//  10. in upgrade mode the session ends on WebSocket, in the others on the
//     one transport; on Disconnect, each socket sends DISCONNECT and
//     server.mjs logs "client namespace disconnect".
//
// With server.mjs --recovery=false (goClientNoRecovery): the CONNECT reply
// has no pid, and after "kick" A reconnects with recovered = false, a new
// id, and no ticks.
//
// A tap on the client's TCP connections shows what crossed the wire (the
// CONNECT replies, the requests of each session), and holds A's
// reconnections back until what A must miss has been sent: so the missed
// events are surely missed, not a race with the backoff timer.
func TestNetlabClientAgainstNodeServer(t *testing.T) {
	node, dir := nodeInteropDir(t)
	// The modes run side by side, as in TestNodeClientAgainstNodeServer;
	// within a mode, one server at a time, so that no more than three
	// clients race the 300 ms heartbeat for the CPU.
	for _, mode := range nodeModes {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			t.Run("recovery", func(t *testing.T) {
				url, log := startNodeServer(t, node, dir, "--ping-interval", nodePingInterval, "--ping-timeout", nodePingTimeout)
				goClientPlan(t, mode, url, log)
			})
			t.Run("no-recovery", func(t *testing.T) {
				url, log := startNodeServer(t, node, dir, "--ping-interval", nodePingInterval, "--ping-timeout", nodePingTimeout, "--recovery=false")
				goClientNoRecovery(t, mode, url, log)
			})
		})
	}
}
