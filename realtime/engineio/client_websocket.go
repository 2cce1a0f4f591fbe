// The client's WebSocket: a session opened on one, or the upgrade of a
// polling session (ping "probe", pong "probe", pause polling, upgrade).

package engineio

import (
	"context"
	"fmt"
	"net/url"
	"time"

	"netlab/httpdemo"
	"netlab/wsframe"
)

// probeTimeout bounds the probe exchange of an upgrade.
const probeTimeout = 10 * time.Second

// dialWS opens a WebSocket for the session's URL.
func (c *Client) dialWS(ctx context.Context, withSID bool) (*wsframe.Conn, error) {
	u, _ := url.Parse(c.query("websocket", withSID))
	u.Scheme = "ws"
	nc, err := c.opts.DialContext(ctx, "tcp", u.Host)
	if err != nil {
		return nil, fmt.Errorf("engineio: dial %s: %w", u.Host, err)
	}
	opts := &wsframe.DialOptions{Options: wsframe.Options{Rand: c.opts.Rand}}
	for k, vs := range c.opts.Header {
		for _, v := range vs {
			opts.Header = append(opts.Header, httpdemo.Field{Name: k, Value: v})
		}
	}
	ws, _, err := wsframe.Client(ctx, nc, u.String(), opts)
	return ws, err
}

// openWebSocket opens the session as a WebSocket: the open packet is the
// first message.
func (c *Client) openWebSocket(ctx context.Context) error {
	ws, err := c.dialWS(ctx, false)
	if err != nil {
		return err
	}
	typ, data, err := ws.ReadMessage(ctx)
	if err == nil && typ != wsframe.TextMessage {
		err = fmt.Errorf("engineio: a binary first message")
	}
	var p Packet
	if err == nil {
		p, err = decodeText(data)
	}
	if err == nil {
		err = c.opened(p)
	}
	if err != nil {
		ws.CloseNow()
		return err
	}
	c.mu.Lock()
	c.transport, c.ws = "websocket", ws
	c.spawnLocked(func() { c.readWS(ws) })
	c.mu.Unlock()
	return nil
}

// upgrade moves a polling session to WebSocket. If the probe fails, the
// session goes on polling.
func (c *Client) upgrade() {
	ctx, cancel := context.WithTimeout(c.ctx, probeTimeout)
	defer cancel()
	failed := func(err error) {
		if f := c.opts.OnUpgradeError; f != nil && c.ctx.Err() == nil {
			f(err)
		}
	}
	ws, err := c.dialWS(ctx, true)
	if err != nil {
		failed(err)
		return
	}
	err = ws.WriteMessage(ctx, wsframe.TextMessage, []byte("2probe"))
	if err == nil {
		var typ wsframe.MessageType
		var data []byte
		typ, data, err = ws.ReadMessage(ctx)
		if err == nil && (typ != wsframe.TextMessage || string(data) != "3probe") {
			err = fmt.Errorf("engineio: the probe was answered %q, want 3probe", data)
		}
	}
	if err != nil {
		ws.CloseNow()
		failed(err)
		return
	}
	// Pause polling: the server ends the pending GET with noop; wait for it
	// and for a POST under way.
	c.mu.Lock()
	c.upgrading = true
	for (c.polling || c.posting) && !c.closed {
		c.changed.Wait()
	}
	if c.closed {
		c.mu.Unlock()
		ws.CloseNow()
		return
	}
	c.mu.Unlock()
	if err := ws.WriteMessage(ctx, wsframe.TextMessage, []byte{byte(Upgrade)}); err != nil {
		ws.CloseNow()
		c.end(ReasonTransportError, "upgrade: "+err.Error())
		return
	}
	c.mu.Lock()
	c.transport, c.ws, c.upgrading = "websocket", ws, false
	queued := c.outbox
	c.outbox = nil
	c.spawnLocked(func() { c.readWS(ws) })
	c.mu.Unlock()
	if len(queued) > 0 {
		_ = c.writeWS(ws, queued)
	}
	if f := c.opts.OnUpgrade; f != nil {
		f()
	}
}

// readWS reads the server's packets until the WebSocket ends.
func (c *Client) readWS(ws *wsframe.Conn) {
	for {
		typ, data, err := ws.ReadMessage(c.ctx)
		if err != nil {
			c.end(ReasonTransportClose, "the WebSocket ended: "+err.Error())
			return
		}
		if typ == wsframe.BinaryMessage {
			c.deliver(Packet{Type: Message, Data: data, Binary: true})
			continue
		}
		p, err := decodeText(data)
		if err != nil {
			c.end(ReasonTransportError, err.Error())
			return
		}
		c.deliver(p)
	}
}
