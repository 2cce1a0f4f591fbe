// Polling clients: short polling (every interval) and long polling (the
// server holds the request until there is news), HTTP/1.1 by hand.

package compare

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"netlab/httpdemo"
)

// pollConn is a keep-alive connection for polls, or none yet.
type pollConn struct {
	cc countedConn
	br *bufio.Reader
}

// get sends one GET on pc (dialling if it has no connection) and reads
// the response, recording heads and updates.
func (c *clientRun) get(ctx context.Context, pc *pollConn, target string, closeAfter bool) error {
	if pc.br == nil {
		cc, err := dialCounted(c.addr)
		if err != nil {
			return fmt.Errorf("dial %s: %w", c.addr, err)
		}
		pc.cc, pc.br = cc, bufio.NewReaderSize(cc, 4096)
		c.wire.Conns++
	}
	stop := context.AfterFunc(ctx, func() { _ = pc.cc.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	req := httpdemo.AppendRequest(nil, http.MethodGet, target, RequestFields(c.headers, c.addr, "", closeAfter), nil)
	if _, err := pc.cc.Write(req); err != nil {
		return fmt.Errorf("send %s: %w", target, err)
	}
	c.wire.Up.Headers += int64(len(req))
	c.wire.Requests++
	resp, err := httpdemo.ReadResponse(pc.br, httpdemo.Limits{MaxBody: 1 << 20}, http.MethodGet)
	if err != nil {
		return fmt.Errorf("response to %s: %w", target, err)
	}
	now := time.Now()
	c.wire.Down.Headers += int64(len(resp.Head.Raw))
	if resp.Status != http.StatusOK {
		return fmt.Errorf("response to %s: %d %s", target, resp.Status, resp.Reason)
	}
	var body struct {
		Updates []json.RawMessage `json:"updates"`
	}
	if err := json.Unmarshal(resp.Body, &body); err != nil {
		return fmt.Errorf("response to %s: %w", target, err)
	}
	for _, raw := range body.Updates {
		if err := c.receive(raw, now); err != nil {
			return err
		}
	}
	if closeAfter {
		c.closeConn(pc.cc)
		*pc = pollConn{}
	}
	return nil
}

// shortPoll asks every interval, at this client's phase in the interval,
// on one keep-alive connection or (newConn) on a new one each time.
func (c *clientRun) shortPoll(ctx context.Context, ready func(), newConn bool) error {
	var pc pollConn
	defer func() {
		if pc.br != nil {
			c.closeConn(pc.cc)
		}
	}()
	ready()
	next := time.Now().Add(c.phase)
	timer := time.NewTimer(c.phase)
	defer timer.Stop()
	for !c.done() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-c.wake:
			return nil
		case <-timer.C:
		}
		if err := c.get(ctx, &pc, PathPoll+"?since="+strconv.FormatUint(c.last, 10), newConn); err != nil {
			return err
		}
		next = next.Add(c.interval)
		timer.Reset(time.Until(next))
	}
	return nil
}

// longPoll asks at once, and again as soon as each answer arrives.
func (c *clientRun) longPoll(ctx context.Context, ready func()) error {
	cc, err := dialCounted(c.addr)
	if err != nil {
		return fmt.Errorf("dial %s: %w", c.addr, err)
	}
	c.wire.Conns++
	pc := pollConn{cc: cc, br: bufio.NewReaderSize(cc, 4096)}
	defer c.closeConn(cc)
	// When told to stop, end the held request: FIN, and the server lets
	// the request go (net/http answers it with an empty 200, read by closeConn).
	wakeDone := make(chan struct{})
	defer close(wakeDone)
	go func() {
		select {
		case <-c.wake:
			_ = cc.CloseWrite()
		case <-wakeDone:
		}
	}()
	readied := false
	for !c.done() && !c.stopped() {
		if !readied {
			// The first request is on its way; the server holds it. Every
			// update after 0 will be in some answer, so none is missed.
			ready()
			readied = true
		}
		if err := c.get(ctx, &pc, PathLong+"?since="+strconv.FormatUint(c.last, 10), false); err != nil {
			if c.stopped() {
				return nil
			}
			return err
		}
	}
	return nil
}
