// Running one mode: start the server process, connect the clients, run the
// feed, wait until every client has it all, and collect what was counted.

package compare

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os/exec"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// Config says how to run one mode.
type Config struct {
	Mode         Mode
	Clients      int
	Rate         float64       // updates a second, on average
	PollInterval time.Duration // for short polling
	Duration     time.Duration // how long the feed publishes
	Headers      HeaderStyle
	Seed         uint64
	// Server makes the command that runs the feed server (ServerMain) as
	// a process of its own; the CLI re-runs its own binary, tests theirs.
	// nil runs the server in this process: everything is measured but the
	// server's CPU time, which getrusage cannot tell from the clients'.
	Server func(ctx context.Context) *exec.Cmd
	// Progress, if set, is told how far the feed has run.
	Progress func(mode Mode, elapsed, total time.Duration)
}

// Result is what one mode's run measured.
type Result struct {
	Config       `json:"-"`
	Published    uint64        `json:"published"`
	Deliveries   uint64        `json:"deliveries"` // updates received, each client counted, repeats not
	Missed       uint64        `json:"missed"`     // published updates some client never received
	Duplicates   uint64        `json:"duplicates"` // updates a client received more than once
	Wire         Wire          `json:"wire"`
	ServerIn     int64         `json:"server_bytes_in"` // what the server's own sockets counted
	ServerOut    int64         `json:"server_bytes_out"`
	ServerCPU    time.Duration `json:"server_cpu_ns"` // user + system, from the server process's rusage
	Latency      Latency       `json:"latency"`
	ClientErrors []string      `json:"client_errors,omitempty"`
	Elapsed      time.Duration `json:"elapsed_ns"`
}

// graceFor is how long clients have, after the feed stops, to receive its
// last update: a poller may be a whole interval away from its next poll.
func graceFor(cfg Config) time.Duration {
	return 2*cfg.PollInterval + 3*time.Second
}

// RunMode runs one mode and measures it.
func RunMode(ctx context.Context, cfg Config) (Result, error) {
	res := Result{Config: cfg}
	start := time.Now()
	srv, err := startServerProcess(ctx, cfg)
	if err != nil {
		return res, err
	}
	defer srv.kill()

	// 1. The clients connect (and, for the push modes, subscribe).
	var target atomic.Uint64
	rng := rand.New(rand.NewPCG(cfg.Seed, 7))
	clients := make([]*clientRun, cfg.Clients)
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg, ready sync.WaitGroup
	for i := range clients {
		c := &clientRun{id: i, addr: srv.addr, headers: cfg.Headers, interval: cfg.PollInterval,
			phase: time.Duration(rng.Int64N(int64(max(cfg.PollInterval, 1)))), target: &target, seen: map[uint64]int{},
			wake: make(chan struct{})}
		clients[i] = c
		ready.Add(1)
		var once sync.Once
		wg.Go(func() {
			defer once.Do(ready.Done) // a client that fails before it is ready must not hold the rest
			c.run(cctx, cfg.Mode, func() { once.Do(ready.Done) })
		})
	}
	ready.Wait()

	// 2. The feed runs for the duration.
	if err := srv.send(fmt.Sprintf("start %g %d", cfg.Rate, cfg.Seed)); err != nil {
		return res, err
	}
	if err := waitFor(ctx, cfg.Duration, func(elapsed time.Duration) {
		if cfg.Progress != nil {
			cfg.Progress(cfg.Mode, elapsed, cfg.Duration)
		}
	}); err != nil {
		return res, err
	}
	if err := srv.send("stop"); err != nil {
		return res, err
	}
	msg, err := srv.receive()
	if err != nil {
		return res, err
	}
	res.Published = msg.Published
	target.Store(max(msg.Published, 1))

	// 3. Every client gets the last update (or the grace period ends), then stops.
	waitAll(ctx, clients, msg.Published, graceFor(cfg)) // stops each client as it gets the last update
	for _, c := range clients {
		c.stop() // the grace period is over for any that are still waiting
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	select { // each client closes its connections cleanly
	case <-finished:
	case <-time.After(10 * time.Second):
		cancel() // a client that cannot close cleanly is cut off
		<-finished
	}
	cancel()

	// 4. The server stops and says what its sockets counted.
	if err := srv.send("exit"); err != nil {
		return res, err
	}
	msg, err = srv.receive()
	if err != nil {
		return res, err
	}
	if msg.Report == nil {
		return res, fmt.Errorf("compare server: no report")
	}
	res.ServerIn, res.ServerOut = msg.Report.BytesIn, msg.Report.BytesOut
	if res.ServerCPU, err = srv.wait(); err != nil {
		return res, err
	}
	res.collect(clients)
	res.Elapsed = time.Since(start)
	return res, nil
}

// waitFor waits d, telling progress every 100 ms.
func waitFor(ctx context.Context, d time.Duration, progress func(time.Duration)) error {
	start := time.Now()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	end := time.NewTimer(d)
	defer end.Stop()
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-end.C:
			progress(d)
			return nil
		case <-tick.C:
			progress(time.Since(start))
		}
	}
}

// waitAll stops each client as soon as it has update last, and returns
// when all have it or grace runs out.
func waitAll(ctx context.Context, clients []*clientRun, last uint64, grace time.Duration) {
	deadline := time.NewTimer(grace)
	defer deadline.Stop()
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		all := true
		for _, c := range clients {
			if c.newest.Load() < last {
				all = false
			} else {
				c.stop()
			}
		}
		if all {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-deadline.C:
			return
		case <-tick.C:
		}
	}
}

// serverProcess is the feed server, running as a child process (cmd) or
// in this one (done).
type serverProcess struct {
	cmd  *exec.Cmd
	done chan error
	in   io.WriteCloser
	out  *bufio.Scanner
	addr string
}

func startServerProcess(ctx context.Context, cfg Config) (*serverProcess, error) {
	if cfg.Server == nil {
		inR, inW := io.Pipe()
		outR, outW := io.Pipe()
		p := &serverProcess{done: make(chan error, 1), in: inW, out: bufio.NewScanner(outR)}
		go func() {
			err := ServerMain(ctx, inR, outW)
			outW.CloseWithError(errors.Join(err, io.EOF))
			inR.Close()
			p.done <- err
		}()
		return p.listening()
	}
	cmd := cfg.Server(ctx)
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, err
	}
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start the feed server: %w", err)
	}
	p := &serverProcess{cmd: cmd, in: in, out: bufio.NewScanner(out)}
	return p.listening()
}

// listening reads the server's first line: where it listens.
func (p *serverProcess) listening() (*serverProcess, error) {
	msg, err := p.receive()
	if err != nil {
		p.kill()
		return nil, err
	}
	if msg.Listening == "" {
		p.kill()
		return nil, fmt.Errorf("feed server: %s", msg.Error)
	}
	p.addr = msg.Listening
	return p, nil
}

func (p *serverProcess) send(line string) error {
	_, err := io.WriteString(p.in, line+"\n")
	if err != nil {
		return fmt.Errorf("feed server: %w", err)
	}
	return nil
}

func (p *serverProcess) receive() (serverMessage, error) {
	var m serverMessage
	if !p.out.Scan() {
		return m, fmt.Errorf("feed server ended: %v", p.out.Err())
	}
	if err := json.Unmarshal(p.out.Bytes(), &m); err != nil {
		return m, fmt.Errorf("feed server said %q: %w", p.out.Text(), err)
	}
	return m, nil
}

// wait waits for the process to end and returns its CPU time.
func (p *serverProcess) wait() (time.Duration, error) {
	p.in.Close()
	if p.cmd == nil {
		return 0, <-p.done // in this process: no CPU time of its own
	}
	if err := p.cmd.Wait(); err != nil {
		return 0, fmt.Errorf("feed server: %w", err)
	}
	ru, ok := p.cmd.ProcessState.SysUsage().(*syscall.Rusage)
	if !ok {
		return p.cmd.ProcessState.UserTime() + p.cmd.ProcessState.SystemTime(), nil
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), nil
}

func (p *serverProcess) kill() {
	if p.cmd == nil {
		p.in.Close()
		return
	}
	if p.cmd.ProcessState == nil {
		_ = p.cmd.Process.Kill()
		_ = p.cmd.Wait()
	}
}
