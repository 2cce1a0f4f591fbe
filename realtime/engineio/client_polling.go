// The client's HTTP long-polling: a GET that the server holds until it has
// packets, a POST for what the client sends, never more than one of each.

package engineio

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
)

// maxPollBody bounds a polling response the client reads.
const maxPollBody = 16 << 20

// openPolling runs the polling handshake.
func (c *Client) openPolling(ctx context.Context) error {
	packets, err := c.get(ctx, c.query("polling", false))
	if err != nil {
		return err
	}
	if len(packets) == 0 {
		return fmt.Errorf("engineio: an empty handshake response")
	}
	if err := c.opened(packets[0]); err != nil {
		return err
	}
	c.mu.Lock()
	c.transport, c.polling = "polling", true
	c.spawnLocked(c.pollLoop)
	if c.canUpgrade() {
		c.spawnLocked(c.upgrade)
	}
	c.mu.Unlock()
	for _, p := range packets[1:] {
		c.deliver(p)
	}
	return nil
}

// canUpgrade: the client allows WebSocket and the server offers it.
func (c *Client) canUpgrade() bool {
	for _, t := range c.opts.Transports {
		if t == "websocket" {
			for _, u := range c.handshake.Upgrades {
				if u == "websocket" {
					return true
				}
			}
		}
	}
	return false
}

// pollLoop keeps one GET pending until the session ends or upgrades.
func (c *Client) pollLoop() {
	defer func() {
		c.mu.Lock()
		c.polling = false
		c.changed.Broadcast()
		c.mu.Unlock()
	}()
	for {
		packets, err := c.get(c.ctx, c.query("polling", true))
		if err != nil {
			c.end(ReasonTransportError, "polling GET: "+err.Error())
			return
		}
		for _, p := range packets {
			c.deliver(p)
		}
		c.mu.Lock()
		stop := c.closed || c.upgrading
		c.mu.Unlock()
		if stop {
			return // upgrading: the server answered the pending GET with noop
		}
	}
}

// get sends a GET and decodes the payload.
func (c *Client) get(ctx context.Context, target string) ([]Packet, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return nil, err
	}
	body, err := c.do(req)
	if err != nil {
		return nil, err
	}
	return DecodePayload(body)
}

// post sends a payload.
func (c *Client) post(ctx context.Context, payload []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.query("polling", true), bytes.NewReader(payload))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
	body, err := c.do(req)
	if err != nil {
		return err
	}
	if string(body) != "ok" {
		return fmt.Errorf("engineio: POST answered %.40q, want ok", body)
	}
	return nil
}

// do sends a request of the session and returns the body of a 200.
func (c *Client) do(req *http.Request) ([]byte, error) {
	for k, v := range c.opts.Header {
		req.Header[k] = v
	}
	resp, err := c.httpClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxPollBody+1))
	if err != nil {
		return nil, err
	}
	if len(body) > maxPollBody {
		return nil, fmt.Errorf("engineio: a response over %d bytes", maxPollBody)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("engineio: %s %s: %s %s", req.Method, req.URL.RequestURI(), resp.Status, bytes.TrimSpace(body))
	}
	return body, nil
}

// postLoop sends what is queued, a POST at a time, each within the
// server's maxPayload.
func (c *Client) postLoop() {
	for {
		c.mu.Lock()
		if len(c.outbox) == 0 || c.upgrading || c.closed || c.ws != nil {
			c.posting = false
			c.changed.Broadcast()
			c.mu.Unlock()
			return
		}
		n, size := 0, 0
		for n < len(c.outbox) {
			size += encodedSize(c.outbox[n]) + 1
			if n > 0 && c.handshake.MaxPayload > 0 && size > c.handshake.MaxPayload {
				break
			}
			n++
		}
		batch := c.outbox[:n:n]
		c.outbox = c.outbox[n:]
		c.mu.Unlock()
		if err := c.post(c.ctx, EncodePayload(batch)); err != nil {
			c.end(ReasonTransportError, "polling POST: "+err.Error())
			c.mu.Lock()
			c.posting = false
			c.changed.Broadcast()
			c.mu.Unlock()
			return
		}
	}
}

// encodedSize is a packet's length in a polling payload.
func encodedSize(p Packet) int {
	if p.Binary {
		return 1 + (len(p.Data)+2)/3*4
	}
	return 1 + len(p.Data)
}
