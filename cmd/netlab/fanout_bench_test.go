// BenchmarkFanout: Socket.IO broadcast fan-out, netlab's server against the
// official Node socket.io server, side by side in one run.
//
// One room of fanoutClients WebSocket clients (the load client of
// fanout_load_test.go, in this process). Client 0 sends "say"(room, text)
// and every member, client 0 included, gets "said" {from, room, text}: one
// say is fanoutClients deliveries. The text is "SEQ NANOS": the say's
// number, and when it was sent, in nanoseconds on this process's monotonic
// clock, so a member's latency is its receive time minus that.
//
// Each server is a child process with one core: netlab, built here, with
// GOMAXPROCS=1; Node, single-threaded already. Where taskset exists both are
// pinned to CPU 0 alike. Both run with connection state recovery off
// (--recovery=false), so that a broadcast is the same work for each: no
// offset appended, nothing logged for later. Heartbeats are both servers'
// defaults (25 s and 20 s), and the clients answer them.
//
// One op (b.N) is one say delivered to every member. At most fanoutWindow
// says are in flight (sent, and not yet delivered to every member): the
// sender waits for the slowest member, so the latency measured is delivery
// under load, not a queue growing without bound. Every member must get
// every say once and in order, or the benchmark fails. The metrics:
//
//	msgs/s        deliveries a second (fanoutClients × says ÷ time)
//	p50-ms p99-ms latency of every delivery of the timed says
//	server-cores  the server's CPU time ÷ time (1 is its whole core)
//	client-cores  the same for this process, the load client
//
//	go test -run '^$' -bench '^BenchmarkFanout$' -benchtime 2000x -count 5 ./cmd/netlab
//
// scripts/bench-fanout.sh runs that with this process on CPU 1, so that
// the load client and the server do not share a core.

package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"netlab/internal/needtool"
)

// The shape of the benchmark, the same for both servers.
const (
	fanoutClients = 1000 // members of the one room
	// fanoutWindow is the says in flight at most. socket.io is saturated
	// from a window of 4 on (its delivered msgs/s stay level, its core
	// busy); netlab writes a client's queued messages with one writev, so
	// a wider window lets it batch more. BenchmarkFanoutWindow shows both
	// from 1 to 64.
	fanoutWindow = 16
	// fanoutWarmup says go before the timer starts: V8 compiles socket.io's
	// hot paths, and both servers' buffers and the clients' reach their
	// steady sizes.
	fanoutWarmup = 300
)

// BenchmarkFanout runs the room against netlab, then against socket.io,
// with fanoutWindow says in flight (see the top of this file).
func BenchmarkFanout(b *testing.B) {
	for _, s := range fanoutServers(b) {
		b.Run("server="+s.name, func(b *testing.B) { benchFanout(b, s.start(b), fanoutWindow) })
	}
}

// BenchmarkFanoutWindow is BenchmarkFanout with other windows: how the
// says in flight (so the messages queued for each client) change each
// server's rate and latency.
func BenchmarkFanoutWindow(b *testing.B) {
	servers := fanoutServers(b)
	for _, window := range []int{1, 4, 16, 64} {
		b.Run(fmt.Sprintf("window=%d", window), func(b *testing.B) {
			for _, s := range servers {
				b.Run("server="+s.name, func(b *testing.B) { benchFanout(b, s.start(b), window) })
			}
		})
	}
}

// fanoutServers are the two servers, in the order they run.
func fanoutServers(b *testing.B) []fanoutServerKind {
	node, dir := fanoutNodeDir(b)
	return []fanoutServerKind{
		{"netlab", startFanoutNetlab},
		{"socket.io", func(b *testing.B) fanoutServer { return startFanoutNode(b, node, dir) }},
	}
}

// A fanoutServerKind names a server and starts one for a benchmark.
type fanoutServerKind struct {
	name  string
	start func(b *testing.B) fanoutServer
}

// A fanoutServer is a server under test, running.
type fanoutServer struct {
	addr string // 127.0.0.1:PORT
	pid  int
}

// benchFanout runs the room against a server, with at most window says in
// flight.
func benchFanout(b *testing.B, srv fanoutServer, window int) {
	l := dialFanout(b, srv.addr, fanoutClients, window)
	defer l.closeClients()
	stall := time.NewTimer(stallLimit)
	defer stall.Stop()

	// sent and done count says sent and says delivered to every member.
	var sent, done int64
	// step keeps the window full, then waits for one more delivery.
	step := func() {
		for ; sent < done+int64(window); sent++ {
			if err := l.say(sent); err != nil {
				b.Fatalf("say %d: %v", sent, err)
			}
		}
		if err := l.awaitDelivery(stall); err != nil {
			b.Fatalf("after %d says delivered: %v", done, err)
		}
		done++
	}
	for range fanoutWarmup {
		step()
	}
	first := done // the timed deliveries are of says first, first+1, …
	cpu0, cpuOK := processCPU(srv.pid)
	self0 := selfCPU()
	for b.Loop() {
		step()
	}
	elapsed := b.Elapsed()
	cpu1, cpuOK1 := processCPU(srv.pid)
	self1 := selfCPU()
	timed := done - first
	for done < sent { // the last window, untimed
		if err := l.awaitDelivery(stall); err != nil {
			b.Fatalf("after %d says delivered: %v", done, err)
		}
		done++
	}

	// Every member got every say, once and in order: the readers fail on a
	// gap or a repeat, and each say was counted fanoutClients times.
	var lat []int64
	for i, c := range l.clients {
		if c.next != sent {
			b.Fatalf("client %d got %d says, want %d", i, c.next, sent)
		}
		lat = append(lat, c.lat[first:first+timed]...)
	}
	slices.Sort(lat)
	pct := func(p int) float64 { return float64(lat[(len(lat)-1)*p/100]) / 1e6 }
	b.ReportMetric(float64(timed*fanoutClients)/elapsed.Seconds(), "msgs/s")
	b.ReportMetric(pct(50), "p50-ms")
	b.ReportMetric(pct(99), "p99-ms")
	if cpuOK && cpuOK1 {
		// How much of its core the server used: near 1 when it is the
		// bottleneck, as the benchmark intends.
		b.ReportMetric((cpu1-cpu0).Seconds()/elapsed.Seconds(), "server-cores")
	}
	// And the load client's (this process): when it nears the cores it may
	// use, the clients, not the server, set the pace.
	b.ReportMetric((self1-self0).Seconds()/elapsed.Seconds(), "client-cores")
}

// fanoutNodeDir is nodeInteropDir for a benchmark: the path of node and of
// interop/node, once the npm packages are there; without them it skips,
// or fails under CI (CI=true).
func fanoutNodeDir(tb testing.TB) (node, dir string) {
	tb.Helper()
	node = needtool.Path(tb, "node", "apt-get install nodejs")
	dir, err := filepath.Abs(filepath.Join("..", "..", "interop", "node"))
	if err != nil {
		tb.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "socket.io", "package.json")); err != nil {
		if os.Getenv("CI") == "true" {
			tb.Fatalf("socket.io is not installed: run npm ci in interop/node (%v)", err)
		}
		tb.Skip("socket.io is not installed: run npm ci in interop/node to run this benchmark")
	}
	return node, dir
}

// startFanoutNetlab builds netlab and runs `netlab serve-socketio` on one
// core until the benchmark ends.
func startFanoutNetlab(b *testing.B) fanoutServer {
	goTool := needtool.Path(b, "go", "https://go.dev/dl/")
	bin := filepath.Join(b.TempDir(), "netlab")
	if out, err := exec.Command(goTool, "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build netlab: %v\n%s", err, out)
	}
	cmd := pinnedCommand(bin, "serve-socketio", "--listen", "127.0.0.1:0", "--recovery=false")
	cmd.Env = append(os.Environ(), "GOMAXPROCS=1")
	first := startFanoutServer(b, cmd, true, os.Interrupt) // Ctrl-C
	m := serveSocketIOFirstLine.FindStringSubmatch(first)
	if m == nil {
		b.Fatalf("netlab serve-socketio: first line on stderr %q, want it to match %s", first, serveSocketIOFirstLine)
	}
	return fanoutServer{addr: strings.TrimPrefix(m[1], "http://"), pid: cmd.Process.Pid}
}

// startFanoutNode runs interop/node/server.mjs (the official socket.io
// server) until the benchmark ends.
func startFanoutNode(b *testing.B, node, dir string) fanoutServer {
	cmd := pinnedCommand(node, "server.mjs", "0", "--recovery=false")
	cmd.Dir = dir
	first := startFanoutServer(b, cmd, false, syscall.SIGTERM)
	port, ok := strings.CutPrefix(first, "listening ")
	if !ok {
		b.Fatalf("server.mjs's first line is %q, want \"listening PORT\"", first)
	}
	return fanoutServer{addr: "127.0.0.1:" + port, pid: cmd.Process.Pid}
}

// pinnedCommand runs name on CPU 0 when taskset is there (taskset execs it:
// the process is the server itself), or unpinned.
func pinnedCommand(name string, args ...string) *exec.Cmd {
	if taskset, err := exec.LookPath("taskset"); err == nil {
		return exec.Command(taskset, append([]string{"-c", "0", name}, args...)...)
	}
	return exec.Command(name, args...)
}

// startFanoutServer starts a server and returns the first line of its
// stderr (onStderr) or stdout, where it names its port. The rest of its
// output (a line per connection) is kept for a failure's message. The
// cleanup stops it with sig and checks that it exits with status 0.
func startFanoutServer(b *testing.B, cmd *exec.Cmd, onStderr bool, sig os.Signal) string {
	b.Helper()
	pr, pw := io.Pipe()
	log := new(lockedBuffer)
	if onStderr {
		cmd.Stdout, cmd.Stderr = log, pw
	} else {
		cmd.Stdout, cmd.Stderr = pw, log
	}
	if err := cmd.Start(); err != nil {
		b.Fatalf("start %s: %v", cmd, err)
	}
	waited := make(chan error, 1)
	go func() {
		err := cmd.Wait()
		pw.Close()
		waited <- err
	}()
	sc := bufio.NewScanner(pr)
	first := ""
	if sc.Scan() {
		first = sc.Text()
	}
	drained := make(chan struct{})
	go func() {
		defer close(drained)
		for sc.Scan() {
			log.Write(append(sc.Bytes(), '\n'))
		}
		io.Copy(io.Discard, pr)
	}()
	b.Cleanup(func() {
		_ = cmd.Process.Signal(sig)
		var err error
		select {
		case err = <-waited:
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			err = errors.Join(errors.New("did not stop within 10s of the signal"), <-waited)
		}
		<-drained
		if err != nil {
			b.Errorf("%s: %v; its output:\n%s", cmd, err, log)
		} else if b.Failed() {
			b.Logf("%s output:\n%s", cmd, log)
		}
	})
	return first
}

// lockedBuffer is a bytes.Buffer that a command writes while a test reads it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// selfCPU returns the CPU time (user and system) this process has used.
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// processCPU returns the CPU time (user and system) process pid has used,
// from /proc/PID/stat (fields 14 and 15, in clock ticks: 100 a second on
// Linux, as the kernel reports them to user space whatever its own HZ).
// ok is false where there is no /proc.
func processCPU(pid int) (cpu time.Duration, ok bool) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, false
	}
	// Field 2, the command, is in parentheses and may hold spaces: count
	// fields from the last ')'.
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, false
	}
	f := strings.Fields(string(stat[i+1:])) // f[0] is field 3
	if len(f) < 13 {
		return 0, false
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return time.Duration(utime+stime) * (time.Second / 100), true
}
