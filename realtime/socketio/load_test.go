// Load and reliability: thousands of WebSocket clients in one room, every
// broadcast delivered to each in order; the server's memory per idle
// connection; a reconnect storm with recovery; and nothing left behind.

package socketio_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"netlab/realtime/socketio"
)

// Load test sizes: the full run (NETLAB_SCALE=1, without -race: .ci/run
// does it) and the small one every `go test` runs.
const (
	scaleClients     = 5000
	smallClients     = 200
	loadBroadcasts   = 100 // while everyone is connected
	stormBroadcasts  = 50  // while everyone is cut off
	maxBytesPerIdle  = 8 << 10
	baselineSlack    = 1 << 20 // what the heap may grow by from one crowd to the next
	loadCommandLimit = 3 * time.Minute
)

// TestLoadBroadcastAndReconnectStorm runs the server in this process and a
// crowd of clients in another (this test binary again, see TestMain), so
// that the memory measured is the server's alone. The clients connect over
// WebSocket; the server broadcasts to the room they are all in; each must
// get every event once and in order. Then every client's TCP connection is
// cut at once, the server broadcasts while they are away, and they come
// back on their own with socket.io's jittered backoff: with recovery on,
// each must get exactly what it missed. Last, the crowd leaves: no
// session, socket or goroutine may be left. A second crowd then does it
// all again, and the server must hold no more memory after it than after
// the first (the first warms what Go keeps for reuse: goroutine
// descriptors, pools), which is what a leak would break.
func TestLoadBroadcastAndReconnectStorm(t *testing.T) {
	n := smallClients
	if os.Getenv("NETLAB_SCALE") != "" {
		if raceDetector {
			t.Skip("the 5,000-client run measures memory, which the race detector inflates: run it without -race (.ci/run does)")
		}
		n = scaleClients
	}
	srv := socketio.NewServer(socketio.Options{Recovery: &socketio.Recovery{}})
	ns := srv.Sockets()
	ns.OnConnection(func(s *socketio.Socket) { s.Join("crowd") })
	url := startServer(t, srv)

	goroutines0, heap0 := settledMemory()
	crowdRound(t, srv, url, n, goroutines0, heap0, "first")
	_, heap1 := settledMemory()
	writeHeapProfile(t, "after-first")
	crowdRound(t, srv, url, n, goroutines0, heap1, "second")
	_, heap2 := settledMemory()
	writeHeapProfile(t, "after-second")
	t.Logf("server memory: %d KiB before any crowd, %d KiB after the first, %d KiB after the second", heap0>>10, heap1>>10, heap2>>10)
	if !raceDetector && heap2 > heap1+baselineSlack {
		t.Errorf("the server holds %d KiB more after the second crowd than after the first (more than %d KiB): something is kept per connection",
			(heap2-heap1)>>10, baselineSlack>>10)
	}
}

// crowdRound runs one crowd of n clients through connection, broadcasts,
// the storm and departure, and checks what each step promises.
func crowdRound(t *testing.T, srv *socketio.Server, url string, n, goroutines0 int, heap0 uint64, round string) {
	ns := srv.Sockets()
	crowd := startCrowd(t, url, n)
	// 1. Everyone connects; the server's memory per idle connection.
	reply := crowd.do("connect")
	if !strings.HasPrefix(reply, "connected ") {
		t.Fatalf("connect: %s", reply)
	}
	waitServer(t, "every client in the room", func() bool { return ns.RoomSize("crowd") == n })
	goroutines1, heap1 := settledMemory()
	writeHeapProfile(t, "connected-"+round)
	perConn := float64(heap1-heap0) / float64(n)
	t.Logf("%s crowd: %d clients connected in %s ms; the server holds %.0f bytes and %.2f goroutines per idle connection (heap in use + goroutine stacks)",
		round, n, strings.Fields(reply)[2], perConn, float64(goroutines1-goroutines0)/float64(n))
	if !raceDetector && n >= 1000 && perConn > maxBytesPerIdle {
		t.Errorf("%.0f bytes per idle connection, want at most %d", perConn, maxBytesPerIdle)
	}

	// 2. Broadcasts to the room: every client, every event, in order.
	start := time.Now()
	for i := 1; i <= loadBroadcasts; i++ {
		if err := ns.To("crowd").Emit("tick", i); err != nil {
			t.Fatalf("broadcast %d: %v", i, err)
		}
	}
	if reply := crowd.do("expect " + strconv.Itoa(loadBroadcasts)); reply != "ok" {
		t.Fatalf("after %d broadcasts: %s", loadBroadcasts, reply)
	}
	elapsed := time.Since(start)
	t.Logf("%s crowd: %d broadcasts × %d clients = %d events delivered in order in %v (%.0f events/s, without -race: %v)",
		round, loadBroadcasts, n, loadBroadcasts*n, elapsed.Round(time.Millisecond), float64(loadBroadcasts*n)/elapsed.Seconds(), !raceDetector)

	// 3. The storm: every connection cut at once. Once the server has seen
	// them all go, it broadcasts; no client can be back yet (its first
	// delay is at least 500 ms), so each misses every one of these.
	if reply := crowd.do("cut"); reply != "cut" {
		t.Fatalf("cut: %s", reply)
	}
	waitServer(t, "every socket disconnected", func() bool { return ns.Len() == 0 })
	if _, sessions, _ := ns.Kept(); sessions != n {
		t.Errorf("the server keeps %d sessions for recovery, want %d", sessions, n)
	}
	total := loadBroadcasts + stormBroadcasts
	for i := loadBroadcasts + 1; i <= total; i++ {
		if err := ns.To("crowd").Emit("tick", i); err != nil {
			t.Fatalf("broadcast %d: %v", i, err)
		}
	}
	reply = crowd.do("back " + strconv.Itoa(total))
	var recovered, fastest, slowest int
	if _, err := fmt.Sscanf(reply, "back %d %d %d", &recovered, &fastest, &slowest); err != nil {
		t.Fatalf("after the storm: %s", reply)
	}
	t.Logf("%s crowd: all %d clients back between %d ms and %d ms after the cut; %d recovered their session, each with the %d events it missed, in order",
		round, n, fastest, slowest, recovered, stormBroadcasts)
	if recovered != n {
		t.Errorf("%d of %d clients recovered their session, want all", recovered, n)
	}
	if fastest < 500 {
		t.Errorf("a client came back %d ms after the cut: sooner than the backoff's least first delay (500 ms)", fastest)
	}

	// 4. The crowd leaves: the server returns to its baseline.
	if reply := crowd.do("close"); reply != "closed" {
		t.Fatalf("close: %s", reply)
	}
	crowd.wait()
	waitServer(t, "no socket and no Engine.IO session left", func() bool {
		return ns.Len() == 0 && srv.Engine().Sessions() == 0
	})
	waitServer(t, "the goroutines back to their number before the crowd", func() bool {
		return runtime.NumGoroutine() <= goroutines0
	})
	if _, sessions, _ := ns.Kept(); sessions != 0 {
		t.Errorf("%d sessions still kept for recovery after every client left on purpose", sessions)
	}
}

// settledMemory collects garbage twice (the second empties sync.Pools'
// victim caches) and returns the goroutine count and the bytes the heap and
// the goroutine stacks hold.
func settledMemory() (goroutines int, bytes uint64) {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	if os.Getenv("NETLAB_LOAD_PROFILES") != "" {
		fmt.Fprintf(os.Stderr, "heap in use %d KiB, stacks %d KiB, goroutines %d\n", m.HeapInuse>>10, m.StackInuse>>10, runtime.NumGoroutine())
	}
	return runtime.NumGoroutine(), m.HeapInuse + m.StackInuse
}

// writeHeapProfile writes the heap profile to $NETLAB_LOAD_PROFILES/NAME.heap
// when that variable names a directory: to see what the server holds
// (go tool pprof -sample_index=inuse_space).
func writeHeapProfile(t *testing.T, name string) {
	dir := os.Getenv("NETLAB_LOAD_PROFILES")
	if dir == "" {
		return
	}
	f, err := os.Create(filepath.Join(dir, name+".heap"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		t.Fatal(err)
	}
	g, err := os.Create(filepath.Join(dir, name+".goroutines"))
	if err != nil {
		t.Fatal(err)
	}
	defer g.Close()
	if err := pprof.Lookup("goroutine").WriteTo(g, 1); err != nil {
		t.Fatal(err)
	}
}

// waitServer waits, within loadCommandLimit, for a condition on the
// server's own state, checked every few milliseconds.
func waitServer(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(loadCommandLimit)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !ok() {
		if time.Now().After(deadline) {
			var stacks strings.Builder
			_ = pprof.Lookup("goroutine").WriteTo(&stacks, 1)
			t.Fatalf("waited %v for %s; goroutines:\n%s", loadCommandLimit, what, stacks.String())
		}
		<-tick.C
	}
}

// crowdProcess is the client process and its command channel.
type crowdProcess struct {
	t       *testing.T
	cmd     *exec.Cmd
	in      io.WriteCloser
	replies chan string
	stderr  lockedText
}

// lockedText collects a process's stderr, safe to read while it writes.
type lockedText struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedText) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedText) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// startCrowd starts this test binary as the client process with n
// clients for the server at url.
func startCrowd(t *testing.T, url string, n int) *crowdProcess {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*loadCommandLimit)
	t.Cleanup(cancel)
	c := &crowdProcess{t: t, replies: make(chan string, 1)}
	c.cmd = exec.CommandContext(ctx, exe, "-test.run=^$")
	c.cmd.Env = append(os.Environ(), loadClientEnv+"="+url, loadClientsEnv+"="+strconv.Itoa(n))
	c.cmd.Stderr = &c.stderr
	if c.in, err = c.cmd.StdinPipe(); err != nil {
		t.Fatal(err)
	}
	out, err := c.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(c.replies)
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			c.replies <- sc.Text()
		}
	}()
	t.Cleanup(func() {
		_ = c.in.Close()
		_ = c.cmd.Wait()
	})
	return c
}

// do sends a command and returns the client process's reply.
func (c *crowdProcess) do(command string) string {
	c.t.Helper()
	if _, err := io.WriteString(c.in, command+"\n"); err != nil {
		c.t.Fatalf("client process: %v; its stderr:\n%s", err, c.stderr.String())
	}
	select {
	case reply, ok := <-c.replies:
		if !ok {
			c.t.Fatalf("client process ended at %q; its stderr:\n%s", command, c.stderr.String())
		}
		return reply
	case <-time.After(loadCommandLimit):
		c.t.Fatalf("client process: no answer to %q within %v", command, loadCommandLimit)
		return ""
	}
}

// wait waits for the client process to exit.
func (c *crowdProcess) wait() {
	c.t.Helper()
	_ = c.in.Close()
	if err := c.cmd.Wait(); err != nil {
		c.t.Fatalf("client process: %v; its stderr:\n%s", err, c.stderr.String())
	}
}
