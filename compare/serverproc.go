// The server as a process of its own, so that its CPU time (getrusage) is
// its own and not the clients'.

package compare

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"
)

// ServerEnv is the environment variable that makes a netlab binary (or a
// test binary) run as the feed server: see ServerMain.
const ServerEnv = "NETLAB_FEED_SERVER"

// serverMessage is one line the server process writes on its stdout.
type serverMessage struct {
	Listening string        `json:"listening,omitempty"`
	Published uint64        `json:"published,omitempty"`
	Report    *serverReport `json:"report,omitempty"`
	Error     string        `json:"error,omitempty"`
}

// serverReport is what the server's own sockets counted.
type serverReport struct {
	BytesIn  int64 `json:"bytes_in"`
	BytesOut int64 `json:"bytes_out"`
	Conns    int   `json:"connections"`
}

// ServerMain runs the feed server, driven by lines on in:
//
//	start RATE SEED   publish updates, RATE a second on average, from SEED
//	stop              stop publishing; answers {"published": N}
//	exit              stop serving; answers {"report": {...}} and returns
//
// It first answers {"listening": "IP:port"}. It returns when in ends too.
func ServerMain(ctx context.Context, in io.Reader, out io.Writer) error {
	enc := json.NewEncoder(out)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	feed := NewFeed(4096)
	srv, err := NewServer(ctx, feed, "127.0.0.1:0")
	if err != nil {
		_ = enc.Encode(serverMessage{Error: err.Error()})
		return err
	}
	if err := enc.Encode(serverMessage{Listening: srv.Addr().String()}); err != nil {
		return err
	}
	var (
		feedWG     sync.WaitGroup
		stopFeed   = func() {}
		stopServer = func() serverReport {
			stopFeed()
			_ = srv.Stop()
			in, out, conns := srv.Counted()
			return serverReport{BytesIn: in, BytesOut: out, Conns: conns}
		}
	)
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		switch f[0] {
		case "start":
			if len(f) != 3 {
				return fmt.Errorf("compare server: want start RATE SEED, got %q", sc.Text())
			}
			rate, err1 := strconv.ParseFloat(f[1], 64)
			seed, err2 := strconv.ParseUint(f[2], 10, 64)
			if err1 != nil || err2 != nil || rate <= 0 {
				return fmt.Errorf("compare server: bad start line %q", sc.Text())
			}
			fctx, fcancel := context.WithCancel(ctx)
			feedWG.Go(func() { feed.Run(fctx, rate, 0, seed) })
			stopFeed = func() { fcancel(); feedWG.Wait() }
		case "stop":
			stopFeed()
			if err := enc.Encode(serverMessage{Published: feed.Last()}); err != nil {
				return err
			}
		case "exit":
			report := stopServer()
			return enc.Encode(serverMessage{Report: &report})
		default:
			return fmt.Errorf("compare server: unknown command %q", sc.Text())
		}
	}
	stopServer()
	return sc.Err()
}
