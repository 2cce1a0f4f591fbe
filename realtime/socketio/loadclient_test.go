// The load tests' client process: many Go Socket.IO clients, driven by the
// test through lines on stdin and answering on stdout. It runs apart from
// the server so that the server's memory is measured alone.

package socketio_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"netlab/realtime/engineio"
	"netlab/realtime/socketio"
)

// The client process's settings, from its environment.
const (
	loadClientEnv  = "NETLAB_LOADCLIENT_URL" // the server's Socket.IO URL
	loadClientsEnv = "NETLAB_LOADCLIENT_N"   // how many clients
)

// loadWait bounds each of the client process's waits.
const loadWait = 90 * time.Second

// loadDialers is how many clients connect at once (the server's accept
// queue is finite; a real crowd arrives spread out too).
const loadDialers = 64

// loadClient is one client and what it has seen of the "tick" events.
type loadClient struct {
	s *socketio.ClientSocket

	mu         sync.Mutex
	last       int    // the last tick, in order
	wrong      string // the first tick out of order or repeated, if any
	connects   int    // connections, the first one included
	recovered  bool   // the last connection was a recovery
	up         bool
	cutAt      time.Time     // when its connection was cut
	reconnectd time.Duration // from the cut to the reconnection
}

// loadCrowd is the client process's clients.
type loadCrowd struct {
	url     string
	clients []*loadClient
}

// runLoadClient serves the test's commands, one per line:
//
//	connect      → "connected N MS"
//	expect K     → "ok" once every client has ticks 1…K in order
//	cut          → "cut" once every client's TCP connection is cut (no
//	               close packet: as if the network failed) and each knows
//	back K       → "back RECOVERED MIN_MS MAX_MS" once every client is
//	               connected again and has ticks 1…K
//	close        → "closed" once every client has disconnected
//
// A failure answers "fail REASON". It returns the exit status.
func runLoadClient(in io.Reader, out, errOut io.Writer) int {
	n, err := strconv.Atoi(os.Getenv(loadClientsEnv))
	if err != nil || n <= 0 {
		fmt.Fprintf(errOut, "%s=%q: want a positive number of clients\n", loadClientsEnv, os.Getenv(loadClientsEnv))
		return 2
	}
	c := &loadCrowd{url: os.Getenv(loadClientEnv), clients: make([]*loadClient, n)}
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		cmd, arg, _ := strings.Cut(sc.Text(), " ")
		k, _ := strconv.Atoi(arg)
		var reply string
		switch cmd {
		case "connect":
			reply = c.connect()
		case "expect":
			reply = c.waitTicks(k, false)
		case "cut":
			reply = c.cut()
		case "back":
			reply = c.waitTicks(k, true)
		case "close":
			reply = c.close()
		default:
			reply = "fail unknown command " + strconv.Quote(sc.Text())
		}
		fmt.Fprintln(out, reply)
		if cmd == "close" {
			return 0
		}
	}
	return 0
}

// connect dials every client over WebSocket, loadDialers at a time.
func (c *loadCrowd) connect() string {
	start := time.Now()
	ctx, cancel := context.WithTimeout(context.Background(), loadWait)
	defer cancel()
	var wg sync.WaitGroup
	errs := make(chan error, len(c.clients))
	next := make(chan int)
	for range loadDialers {
		wg.Go(func() {
			for i := range next {
				lc, err := dialLoadClient(ctx, c.url)
				if err != nil {
					errs <- fmt.Errorf("client %d: %w", i, err)
					continue
				}
				c.clients[i] = lc
			}
		})
	}
	for i := range c.clients {
		next <- i
	}
	close(next)
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return "fail " + err.Error()
	}
	return fmt.Sprintf("connected %d %d", len(c.clients), time.Since(start).Milliseconds())
}

// dialLoadClient connects one client with socket.io-client's defaults
// (reconnection with jittered backoff; recovery when the server offers
// it), over WebSocket only.
func dialLoadClient(ctx context.Context, url string) (*loadClient, error) {
	lc := &loadClient{}
	m := socketio.NewManager(url, socketio.ClientOptions{
		Engine: engineio.ClientOptions{Transports: []string{"websocket"}},
	})
	s, err := m.Socket("/", nil)
	if err != nil {
		return nil, err
	}
	lc.s = s
	s.On("tick", lc.onTick)
	s.OnConnect(lc.onConnect)
	s.OnDisconnect(func(string) {
		lc.mu.Lock()
		lc.up = false
		lc.mu.Unlock()
	})
	if err := s.Connect(ctx); err != nil {
		m.Close()
		return nil, err
	}
	return lc, nil
}

func (lc *loadClient) onTick(e *socketio.Event) {
	var i int
	err := e.Args.Decode(0, &i)
	lc.mu.Lock()
	defer lc.mu.Unlock()
	switch {
	case err != nil:
		lc.noteWrong(fmt.Sprintf("tick %s: %v", e.Args, err))
	case i != lc.last+1:
		lc.noteWrong(fmt.Sprintf("tick %d after %d", i, lc.last))
	default:
		lc.last = i
	}
}

// noteWrong keeps the first thing that went wrong.
func (lc *loadClient) noteWrong(what string) {
	if lc.wrong == "" {
		lc.wrong = what
	}
}

func (lc *loadClient) onConnect() {
	lc.mu.Lock()
	defer lc.mu.Unlock()
	lc.up = true
	lc.connects++
	lc.recovered = lc.s.Recovered()
	if !lc.cutAt.IsZero() {
		lc.reconnectd = time.Since(lc.cutAt)
	}
}

// waitTicks waits until every client has ticks 1…k (and, after a cut, is
// connected again), checking every few milliseconds: the clients' own
// handlers move the counts, and a scan of them is cheap.
func (c *loadCrowd) waitTicks(k int, reconnected bool) string {
	deadline := time.Now().Add(loadWait)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		done, recovered, slowest, fastest, problem := c.scan(k, reconnected)
		if problem != "" {
			return "fail " + problem
		}
		if done == len(c.clients) {
			if reconnected {
				return fmt.Sprintf("back %d %d %d", recovered, fastest.Milliseconds(), slowest.Milliseconds())
			}
			return "ok"
		}
		if time.Now().After(deadline) {
			return fmt.Sprintf("fail after %v, %d of %d clients have ticks 1…%d%s", loadWait, done, len(c.clients), k, c.laggard(k))
		}
		<-tick.C
	}
}

// scan counts the clients that are done, and finds the first problem.
func (c *loadCrowd) scan(k int, reconnected bool) (done, recovered int, slowest, fastest time.Duration, problem string) {
	fastest = time.Hour
	for i, lc := range c.clients {
		lc.mu.Lock()
		last, wrong, up, rec, connects, d := lc.last, lc.wrong, lc.up, lc.recovered, lc.connects, lc.reconnectd
		lc.mu.Unlock()
		if wrong != "" {
			return 0, 0, 0, 0, fmt.Sprintf("client %d: %s", i, wrong)
		}
		if last > k {
			return 0, 0, 0, 0, fmt.Sprintf("client %d has tick %d, beyond %d", i, last, k)
		}
		if last < k || (reconnected && (!up || connects < 2)) {
			continue
		}
		done++
		if reconnected {
			if rec {
				recovered++
			}
			slowest, fastest = max(slowest, d), min(fastest, d)
		}
	}
	return done, recovered, slowest, fastest, ""
}

// laggard describes one client that is not done, for a failure message.
func (c *loadCrowd) laggard(k int) string {
	for i, lc := range c.clients {
		lc.mu.Lock()
		last, up, connects := lc.last, lc.up, lc.connects
		lc.mu.Unlock()
		if last < k || !up {
			return fmt.Sprintf("; client %d: last tick %d, connected %v, %d connection(s)", i, last, up, connects)
		}
	}
	return ""
}

// cut drops every client's TCP connection at once, then waits until each
// has noticed; their reconnections start on their own, after backoff.
func (c *loadCrowd) cut() string {
	for _, lc := range c.clients {
		lc.mu.Lock()
		lc.cutAt = time.Now()
		lc.mu.Unlock()
		if eio := lc.s.Manager().Engine(); eio != nil {
			eio.Drop()
		}
	}
	deadline := time.Now().Add(loadWait)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for {
		noticed := 0
		for _, lc := range c.clients {
			lc.mu.Lock()
			if !lc.up || lc.connects > 1 { // down, or already back
				noticed++
			}
			lc.mu.Unlock()
		}
		if noticed == len(c.clients) {
			return "cut"
		}
		if time.Now().After(deadline) {
			return fmt.Sprintf("fail after %v, %d of %d clients noticed the cut", loadWait, noticed, len(c.clients))
		}
		<-tick.C
	}
}

// close disconnects every client (DISCONNECT, then the Engine.IO close).
func (c *loadCrowd) close() string {
	for _, lc := range c.clients {
		if lc != nil {
			lc.s.Disconnect()
			lc.s.Manager().Close()
		}
	}
	return "closed"
}
