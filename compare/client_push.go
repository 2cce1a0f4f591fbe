// Push clients: Server-Sent Events over one streaming HTTP response, and
// WebSocket on netlab's wsframe.

package compare

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"netlab/httpdemo"
	"netlab/wsframe"
)

// sse opens one GET /events and reads events as they come. The response is
// chunked (net/http's choice for a body of unknown length); each chunk
// holds what the server flushed, here one event: "id: N\ndata: JSON\n\n".
func (c *clientRun) sse(ctx context.Context, ready func()) error {
	cc, err := dialCounted(c.addr)
	if err != nil {
		return fmt.Errorf("dial %s: %w", c.addr, err)
	}
	c.wire.Conns++
	defer c.closeConn(cc)
	stop := context.AfterFunc(ctx, func() { _ = cc.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	req := httpdemo.AppendRequest(nil, http.MethodGet, PathEvents, RequestFields(c.headers, c.addr, "text/event-stream", false), nil)
	if _, err := cc.Write(req); err != nil {
		return err
	}
	c.wire.Up.Headers += int64(len(req))
	c.wire.Requests++
	br := bufio.NewReaderSize(cc, 4096)
	resp, err := httpdemo.ReadResponseHead(br, httpdemo.Limits{})
	if err != nil {
		return fmt.Errorf("events: %w", err)
	}
	c.wire.Down.Headers += int64(len(resp.Head.Raw))
	if resp.Status != http.StatusOK || !resp.Fields.HasToken("Transfer-Encoding", "chunked") {
		return fmt.Errorf("events: %d %s, want 200 with a chunked stream", resp.Status, resp.Reason)
	}
	ready() // the server subscribed before it sent the head
	// When told to stop, send FIN: the server ends the stream (its last,
	// empty chunk) and the loop below reads to its end.
	wakeDone := make(chan struct{})
	defer close(wakeDone)
	go func() {
		select {
		case <-c.wake:
			_ = cc.CloseWrite()
		case <-wakeDone:
		}
	}()
	var pending []byte
	for {
		chunk, err := readChunk(br)
		if err != nil {
			if c.stopped() {
				return nil
			}
			return fmt.Errorf("events: %w", err)
		}
		now := time.Now()
		pending = append(pending, chunk...)
		for {
			end := bytes.Index(pending, []byte("\n\n"))
			if end < 0 {
				break
			}
			if err := c.sseEvent(pending[:end], now); err != nil {
				return err
			}
			pending = pending[end+2:]
		}
	}
}

// sseEvent takes the data line of one event as an update.
func (c *clientRun) sseEvent(event []byte, now time.Time) error {
	for _, line := range bytes.Split(event, []byte("\n")) {
		if data, ok := bytes.CutPrefix(line, []byte("data: ")); ok {
			return c.receive(data, now)
		}
	}
	return nil
}

// readChunk reads one chunk of a chunked body (RFC 9112, section 7.1).
func readChunk(br *bufio.Reader) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if err != nil {
		return nil, err
	}
	size, err := parseHex(bytes.TrimRight(line, "\r\n"))
	if err != nil || size > 1<<20 {
		return nil, fmt.Errorf("bad chunk size %q", line)
	}
	if size == 0 {
		return nil, io.EOF
	}
	data := make([]byte, size+2)
	if _, err := io.ReadFull(br, data); err != nil {
		return nil, err
	}
	return data[:size], nil
}

func parseHex(b []byte) (int, error) {
	n := 0
	if len(b) == 0 || len(b) > 8 {
		return 0, errors.New("empty or too long")
	}
	for _, ch := range b {
		switch {
		case ch >= '0' && ch <= '9':
			n = n*16 + int(ch-'0')
		case ch >= 'a' && ch <= 'f':
			n = n*16 + int(ch-'a'+10)
		case ch >= 'A' && ch <= 'F':
			n = n*16 + int(ch-'A'+10)
		default:
			return 0, errors.New("not hex")
		}
	}
	return n, nil
}

// websocket opens one WebSocket connection (netlab's own client) and reads
// each pushed update; at the end it closes with 1000.
func (c *clientRun) websocket(ctx context.Context, ready func()) error {
	cc, err := dialCounted(c.addr)
	if err != nil {
		return fmt.Errorf("dial %s: %w", c.addr, err)
	}
	c.wire.Conns++
	defer c.closeConn(cc)
	opts := &wsframe.DialOptions{}
	if c.headers == BrowserHeaders {
		// A browser's WebSocket request carries its usual fields too.
		for _, f := range RequestFields(BrowserHeaders, c.addr, "", false) {
			switch f.Name {
			case "Host", "Connection", "Accept", "Sec-Fetch-Site", "Sec-Fetch-Mode", "Sec-Fetch-Dest", "Referer":
			default:
				opts.Header = append(opts.Header, f)
			}
		}
		opts.Origin = "http://" + c.addr
	}
	ws, hs, err := wsframe.Client(ctx, cc, "ws://"+c.addr+PathWS, opts)
	if err != nil {
		return fmt.Errorf("websocket: %w", err)
	}
	c.wire.Up.Headers += int64(len(hs.Request))
	c.wire.Down.Headers += int64(len(hs.Response))
	c.wire.Requests++
	ready()
	// When told to stop, start the closing handshake from here; the read
	// below then ends with the server's close frame.
	closed := make(chan error, 1)
	wakeDone := make(chan struct{})
	defer close(wakeDone)
	go func() {
		select {
		case <-c.wake:
			closed <- ws.Close(wsframe.CloseNormal, "")
		case <-wakeDone:
			closed <- nil
		}
	}()
	buf := make([]byte, 0, 256)
	for {
		_, msg, err := ws.AppendMessage(ctx, buf)
		if err != nil {
			if c.stopped() {
				return <-closed
			}
			return fmt.Errorf("websocket: %w", err)
		}
		if err := c.receive(msg, time.Now()); err != nil {
			return err
		}
		buf = msg[:0]
	}
}
