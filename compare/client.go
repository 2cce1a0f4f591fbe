// What every client keeps: what crossed its sockets, which updates it got
// and how late.

package compare

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Mode is a way of delivering the feed.
type Mode string

// The delivery modes.
const (
	ShortPoll        Mode = "short-poll"          // a GET every poll interval, on one keep-alive connection
	ShortPollNewConn Mode = "short-poll-new-conn" // the same, with a new TCP connection per poll
	LongPoll         Mode = "long-poll"           // a GET that the server holds until there is news
	SSE              Mode = "sse"                 // Server-Sent Events: one streaming HTTP response
	WebSocket        Mode = "websocket"           // one WebSocket connection; the server pushes
)

// AllModes lists the modes in the order the comparison shows them.
var AllModes = []Mode{ShortPoll, ShortPollNewConn, LongPoll, SSE, WebSocket}

// ParseMode reads a mode's name.
func ParseMode(s string) (Mode, error) {
	for _, m := range AllModes {
		if string(m) == s {
			return m, nil
		}
	}
	return "", fmt.Errorf("mode %q: want one of short-poll, short-poll-new-conn, long-poll, sse, websocket", s)
}

// clientRun is one client's state: its settings, and what it has seen.
type clientRun struct {
	id       int
	addr     string
	headers  HeaderStyle
	interval time.Duration // for short polling
	phase    time.Duration // when in the interval this client polls
	target   *atomic.Uint64
	wake     chan struct{} // closed by the runner when the client should stop: it has everything, or time is up
	wakeOnce sync.Once
	wire     Wire
	lat      []time.Duration
	seen     map[uint64]int // how many times each update arrived
	last     uint64         // the newest update seen
	newest   atomic.Uint64  // last, for the runner to watch
	err      error
}

// stop asks the client to finish: close its connections cleanly and return.
func (c *clientRun) stop() { c.wakeOnce.Do(func() { close(c.wake) }) }

// stopped reports whether stop was called.
func (c *clientRun) stopped() bool {
	select {
	case <-c.wake:
		return true
	default:
		return false
	}
}

// done reports whether the client has everything the feed published:
// the feed has stopped and its last update is here.
func (c *clientRun) done() bool {
	t := c.target.Load()
	return t != 0 && c.last >= t
}

// receive records one update's JSON, as it arrived, at now.
func (c *clientRun) receive(raw []byte, now time.Time) error {
	var u Update
	if err := json.Unmarshal(raw, &u); err != nil {
		return fmt.Errorf("an update that is not JSON: %w", err)
	}
	c.seen[u.Seq]++
	if u.Seq > c.last {
		c.last = u.Seq
		c.newest.Store(u.Seq)
	}
	c.lat = append(c.lat, now.Sub(time.Unix(0, u.Published)))
	c.wire.Down.Payload += int64(len(raw))
	return nil
}

// run runs the client for its mode until it has everything or ctx ends.
func (c *clientRun) run(ctx context.Context, mode Mode, ready func()) {
	var err error
	switch mode {
	case ShortPoll:
		err = c.shortPoll(ctx, ready, false)
	case ShortPollNewConn:
		err = c.shortPoll(ctx, ready, true)
	case LongPoll:
		err = c.longPoll(ctx, ready)
	case SSE:
		err = c.sse(ctx, ready)
	case WebSocket:
		err = c.websocket(ctx, ready)
	}
	if err != nil && ctx.Err() == nil && !c.stopped() {
		c.err = err
	}
}

// closeConn finishes a connection and adds its counts to the client's.
func (c *clientRun) closeConn(cc countedConn) {
	up, down, segs := cc.finish()
	c.wire.CountedUp += up
	c.wire.CountedDown += down
	c.wire.Segments += segs
}

// settle completes the split once every connection is closed: heads and
// payload were measured while parsing; every other byte the sockets
// counted is framing.
func (w *Wire) settle() {
	w.Up.Framing = w.CountedUp - w.Up.Headers - w.Up.Payload
	w.Down.Framing = w.CountedDown - w.Down.Headers - w.Down.Payload
}
