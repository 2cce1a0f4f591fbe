// Lesson "polling-vs-websocket": one feed, four ways to deliver it, on the
// wire and measured.

package lessons

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"time"

	"netlab/compare"
	"netlab/httpdemo"
	"netlab/osi"
	"netlab/tcpsock"
	"netlab/trace"
	"netlab/wsframe"
)

func pollingVsWSLesson() Lesson {
	return Lesson{
		Name:     "polling-vs-websocket",
		Title:    "Polling, long polling, SSE and WebSocket, measured",
		Layers:   osi.Of(osi.Transport, osi.Application),
		Question: "What does it cost to keep a browser up to date by polling, long polling, Server-Sent Events or WebSocket, and when is each the right choice?",
		Run:      runPollingVsWS,
	}
}

func runPollingVsWS(ctx context.Context, env *Env) error {
	if err := env.Step(ctx, "One feed, four ways to deliver it"); err != nil {
		return err
	}
	feed := compare.NewFeed(64)
	srv, err := compare.NewServer(ctx, feed, env.ServerAddr())
	if err != nil {
		return &SetupError{Op: "listen", Addr: env.ServerAddr(), Err: err}
	}
	env.Defer(func() { _ = srv.Stop() })
	addr := srv.Addr().String()
	env.Say("A server on %s publishes updates (a price, as JSON). HTTP can only answer requests, so a client that "+
		"wants news must ask for it (short polling: ask every second; long polling: ask, and the server holds the "+
		"answer until there is news), or keep one response open for ever (Server-Sent Events). WebSocket turns the "+
		"connection into two free byte streams, and the server pushes.", addr)
	env.Say("Each client below sends the request headers Chromium 156 sends for a fetch(): they decide much of the cost.")

	if err := env.Step(ctx, "Short polling: a request, an answer"); err != nil {
		return err
	}
	feed.Publish(101.25)
	c, err := env.Dial(ctx, "poller", addr)
	if err != nil {
		return err
	}
	br := bufio.NewReaderSize(c, 4096)
	if _, err := pollOnce(c, br, addr, compare.PathPoll+"?since=0"); err != nil {
		return err
	}
	env.SayAt(osi.Application, "One poll: about 500 bytes of request headers and a response head of about 150 bytes "+
		"to carry one update of about 75 bytes; a poll that finds nothing new costs the same headers for nothing.")

	if err := env.Step(ctx, "Long polling: the server holds the answer"); err != nil {
		return err
	}
	waiting := make(chan error, 1)
	go func() { _, err := pollOnce(c, br, addr, compare.PathLong+"?since=1"); waiting <- err }()
	feed.Publish(101.5) // news: the held request is answered now
	if err := <-waiting; err != nil {
		return err
	}
	env.SayAt(osi.Application, "The request went out with nothing to answer; the server held it and answered the "+
		"moment there was news. Fast, but every update still costs a full request and response, and the client must "+
		"ask again at once.")
	if err := c.Close(); err != nil {
		return err
	}

	if err := env.Step(ctx, "Server-Sent Events: one response that never ends"); err != nil {
		return err
	}
	if err := sseOnce(ctx, env, feed, addr); err != nil {
		return err
	}

	if err := env.Step(ctx, "WebSocket: the server pushes a frame"); err != nil {
		return err
	}
	ws, err := env.Dial(ctx, "websocket client", addr)
	if err != nil {
		return err
	}
	ws.Explain(trace.Received, wsframe.NewStreamExplainer(true))
	wc, _, err := wsframe.Client(ctx, ws, "ws://"+addr+compare.PathWS, env.wsDial())
	if err != nil {
		return err
	}
	feed.Publish(102.25)
	if _, _, err := wc.ReadMessage(ctx); err != nil {
		return err
	}
	if err := wc.Close(wsframe.CloseNormal, ""); err != nil {
		return err
	}
	env.SayAt(osi.Application, "After one handshake, each update is a frame: a 2-byte header and the JSON. "+
		"Nothing was asked for, and the client could send at any time too.")

	if err := env.Step(ctx, "Many clients, measured"); err != nil {
		return err
	}
	var results []compare.Result
	for _, mode := range compare.AllModes {
		res, err := compare.RunMode(ctx, compare.Config{Mode: mode, Clients: 5, Rate: 8, PollInterval: 250 * time.Millisecond,
			Duration: time.Second, Headers: compare.BrowserHeaders, Seed: 1})
		if err != nil {
			return fmt.Errorf("%s: %w", mode, err)
		}
		if len(res.ClientErrors) > 0 {
			return fmt.Errorf("%s: %s", mode, res.ClientErrors[0])
		}
		results = append(results, res)
	}
	bc, br2, cc, cr := compare.Tables(results)
	env.Table(measuredTitle+"bytes per delivered update", bc, br2)
	env.Table(measuredTitle+"connections, segments, latency", cc, cr)
	env.Say("5 clients each, 8 updates a second, polls every 250 ms, one second a mode, all on this machine's "+
		"loopback. TCP/IP* counts the kernel's own segments (TCP_INFO) at %d bytes each (IPv4 20 + TCP 32). "+
		"`netlab compare` runs the full version: up to thousands of clients, the server's CPU time, a chart, and "+
		"Kaazing's 2010 table redone (--kaazing).", compare.TCPIPHeaderBytes)

	env.Answer("Polling pays a full request and response for every check, news or not: hundreds of bytes of headers " +
		"around a small update, and as much staleness as the interval. Long polling answers at once but still pays " +
		"a request per update. SSE and WebSocket pay their headers once and then a few bytes per update, with " +
		"latency near the network's. WebSocket also lets the client send on the same connection at any time, which " +
		"chat, games and collaborative editing need. Polling is still right when updates are rare, when responses " +
		"can be cached by HTTP caches and CDNs, or where proxies and firewalls only pass plain request/response HTTP.")
	return nil
}

// measuredTitle starts the titles of tables whose numbers differ from run
// to run (timing decides how many polls find news): the transcript test
// checks their shape, not their numbers.
const measuredTitle = "Measured on this run: "

// pollOnce sends one GET with browser headers and reads the response,
// annotating both.
func pollOnce(c *tcpsock.Conn, br *bufio.Reader, addr, target string) (*httpdemo.Response, error) {
	fields := compareFields(addr)
	raw := httpdemo.AppendRequest(nil, http.MethodGet, target, fields, nil)
	off := c.WriteOffset()
	if _, err := c.Write(raw); err != nil {
		return nil, err
	}
	if labels, err := httpdemo.ExplainRequest(raw); err == nil {
		c.Annotate(trace.Sent, off, labels)
	}
	return response(c, br)
}

// compareFields are the browser's request fields, as compare sends them.
func compareFields(addr string) httpdemo.Fields {
	return compare.RequestFields(compare.BrowserHeaders, addr, "", false)
}

// sseOnce opens an event stream, lets one update through, and closes.
func sseOnce(ctx context.Context, env *Env, feed *compare.Feed, addr string) error {
	c, err := env.Dial(ctx, "event listener", addr)
	if err != nil {
		return err
	}
	raw := httpdemo.AppendRequest(nil, http.MethodGet, compare.PathEvents, compare.RequestFields(compare.BrowserHeaders, addr, "text/event-stream", false), nil)
	if _, err := c.Write(raw); err != nil {
		return err
	}
	br := bufio.NewReaderSize(c, 4096)
	start := c.ReadOffset()
	head, err := httpdemo.ReadResponseHead(br, httpdemo.Limits{})
	if err != nil {
		return err
	}
	c.Annotate(trace.Received, start, head.Annotations())
	feed.Publish(101.75)
	chunkStart := c.ReadOffset() - int64(br.Buffered())
	line, err := br.ReadString('\n') // chunk-size line
	if err != nil {
		return err
	}
	var size int
	if _, err := fmt.Sscanf(line, "%x", &size); err != nil {
		return fmt.Errorf("chunk size %q: %w", line, err)
	}
	chunk := make([]byte, size+2)
	if _, err := io.ReadFull(br, chunk); err != nil {
		return err
	}
	fields := []osi.Annotation{{Start: 0, End: len(line), Field: "chunk-size", Value: fmt.Sprintf("%d", size),
		Meaning: "net/http streams the response in chunks: one flush, one chunk", Layer: osi.Application}}
	fields = append(fields, httpdemo.ExplainSSEEvent(append([]byte(line), chunk...), len(line))...)
	c.Annotate(trace.Received, chunkStart, fields)
	env.SayAt(osi.Application, "The response never ends: Content-Type: text/event-stream, no length, and each update "+
		"is an event (id: and data: lines, then an empty line) in a chunk of its own. About 20 bytes of framing per "+
		"update. But it only goes one way: to send, the browser needs ordinary requests beside it.")
	return c.Close()
}
