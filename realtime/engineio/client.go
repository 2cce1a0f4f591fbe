// The client's side of Engine.IO: open a session over HTTP long-polling
// and upgrade it to WebSocket, or open it as a WebSocket directly; answer
// the server's pings; notice when they stop.

package engineio

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"netlab/wsframe"
)

// ClientOptions configure a client session.
type ClientOptions struct {
	// Transports are the transports the client may use, in order:
	// ["polling", "websocket"] (the default) opens with polling and
	// upgrades; ["websocket"] opens as a WebSocket; ["polling"] never
	// upgrades.
	Transports []string
	// Query adds parameters to every request (EIO, transport and sid are
	// the protocol's).
	Query url.Values
	// Header adds fields to every request.
	Header http.Header
	// DialContext opens TCP connections (a lesson passes a traced dialer).
	// The default dials with net.Dialer.
	DialContext func(ctx context.Context, network, addr string) (net.Conn, error)
	// OnMessage and OnClose are the handlers, set before the session opens
	// so that no message can come first. OnMessage is called from one
	// goroutine at a time, in order.
	OnMessage func(data []byte, binary bool)
	OnClose   func(reason, detail string)
	// OnUpgrade, if set, is called when the session moves to WebSocket.
	OnUpgrade func()
	// OnUpgradeError, if set, is called when the upgrade fails (the
	// WebSocket could not open, or the probe went unanswered): the session
	// goes on polling.
	OnUpgradeError func(error)
	// Rand is where the WebSocket keys and masks come from; nil is
	// crypto/rand.
	Rand io.Reader
}

// ErrClientClosed is returned by Send after the session ended.
var ErrClientClosed = errors.New("engineio: the client session is closed")

// A Client is one client session.
type Client struct {
	base       *url.URL // the server's URL with the path; no query
	opts       ClientOptions
	httpClient *http.Client
	handshake  Handshake

	mu        sync.Mutex
	transport string
	ws        *wsframe.Conn
	upgrading bool     // a probe succeeded; packets wait until the upgrade ends
	outbox    []Packet // for the server, not sent yet (polling, or during the upgrade)
	posting   bool     // a POST is under way
	closing   bool     // Close is ending the WebSocket
	polling   bool     // a GET loop is running
	closed    bool
	reason    string
	detail    string

	changed *sync.Cond // on mu: posting or polling ended, or the session did

	deliverMu sync.Mutex
	pingSeen  chan struct{} // cap 1: a ping arrived
	done      chan struct{} // closed when the session has ended
	cancel    context.CancelFunc
	ctx       context.Context
	wg        sync.WaitGroup
}

// Handshake is what the server's open packet said.
type Handshake struct {
	SID          string   `json:"sid"`
	Upgrades     []string `json:"upgrades"`
	PingInterval int64    `json:"pingInterval"` // milliseconds
	PingTimeout  int64    `json:"pingTimeout"`  // milliseconds
	MaxPayload   int      `json:"maxPayload"`
}

// Dial opens a session with the Engine.IO server at rawURL
// (http://127.0.0.1:3000/socket.io/). It returns once the session is
// open; an upgrade to WebSocket, if allowed, goes on in the background.
func Dial(ctx context.Context, rawURL string, opts ClientOptions) (*Client, error) {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "ws") || u.Host == "" {
		return nil, fmt.Errorf("engineio: URL %q: want http://host:port/path/", rawURL)
	}
	u.Scheme = "http"
	if !strings.HasSuffix(u.Path, "/") {
		u.Path += "/"
	}
	u.RawQuery = ""
	if len(opts.Transports) == 0 {
		opts.Transports = []string{"polling", "websocket"}
	}
	for _, t := range opts.Transports {
		if t != "polling" && t != "websocket" {
			return nil, fmt.Errorf("engineio: transport %q: want polling or websocket", t)
		}
	}
	if opts.DialContext == nil {
		var d net.Dialer
		opts.DialContext = d.DialContext
	}
	runCtx, cancel := context.WithCancel(context.Background())
	c := &Client{
		base: u, opts: opts,
		pingSeen: make(chan struct{}, 1),
		done:     make(chan struct{}),
		ctx:      runCtx, cancel: cancel,
	}
	c.changed = sync.NewCond(&c.mu)
	// Two connections at most: the pending GET, and a POST beside it, as
	// in a browser.
	c.httpClient = &http.Client{Transport: &http.Transport{
		DialContext:         opts.DialContext,
		MaxConnsPerHost:     2,
		MaxIdleConnsPerHost: 2,
		DisableCompression:  true,
	}}
	if opts.Transports[0] == "websocket" {
		err = c.openWebSocket(ctx)
	} else {
		err = c.openPolling(ctx)
	}
	if err != nil {
		cancel()
		c.httpClient.CloseIdleConnections()
		return nil, err
	}
	c.mu.Lock()
	c.spawnLocked(c.watchPings)
	c.mu.Unlock()
	return c, nil
}

// spawnLocked runs f in a goroutine that end waits for. The caller holds
// mu, so that end cannot be waiting already.
func (c *Client) spawnLocked(f func()) {
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		f()
	}()
}

// Handshake returns the server's open packet.
func (c *Client) Handshake() Handshake { return c.handshake }

// ID is the session id.
func (c *Client) ID() string { return c.handshake.SID }

// Transport is "polling" or "websocket".
func (c *Client) Transport() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.transport
}

// Done is closed when the session has ended and OnClose has returned.
func (c *Client) Done() <-chan struct{} { return c.done }

// CloseReason says why the session ended, or "" while it is open.
func (c *Client) CloseReason() (reason, detail string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.reason, c.detail
}

// query is the URL for a request of the session.
func (c *Client) query(transport string, withSID bool) string {
	q := url.Values{}
	for k, v := range c.opts.Query {
		q[k] = slices.Clone(v)
	}
	q.Set("EIO", "4")
	q.Set("transport", transport)
	if withSID {
		q.Set("sid", c.handshake.SID)
	}
	u := *c.base
	u.RawQuery = q.Encode()
	return u.String()
}

// opened records the open packet.
func (c *Client) opened(p Packet) error {
	if p.Type != Open {
		return fmt.Errorf("engineio: the server's first packet is %v, want open", p.Type)
	}
	if err := json.Unmarshal(p.Data, &c.handshake); err != nil || c.handshake.SID == "" {
		return fmt.Errorf("engineio: the open packet %.80q: want JSON with a sid", p.Data)
	}
	if c.handshake.PingInterval <= 0 || c.handshake.PingTimeout <= 0 {
		return fmt.Errorf("engineio: the open packet gives pingInterval %d, pingTimeout %d", c.handshake.PingInterval, c.handshake.PingTimeout)
	}
	return nil
}

// Send sends a message.
func (c *Client) Send(data []byte, binary bool) error {
	return c.SendPackets(Packet{Type: Message, Data: data, Binary: binary})
}

// SendPackets sends packets together, in order.
func (c *Client) SendPackets(ps ...Packet) error {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return ErrClientClosed
	}
	ws := c.ws
	if ws == nil || c.upgrading {
		c.outbox = append(c.outbox, ps...)
		if ws == nil && !c.posting && !c.upgrading && !c.closing {
			c.posting = true
			c.spawnLocked(c.postLoop)
		}
		c.mu.Unlock()
		return nil
	}
	c.mu.Unlock()
	return c.writeWS(ws, ps)
}

// writeWS writes packets as WebSocket messages, one each.
func (c *Client) writeWS(ws *wsframe.Conn, ps []Packet) error {
	msgs := make([]wsframe.Message, len(ps))
	for i, p := range ps {
		msgs[i] = wsframe.Message{Type: wsframe.TextMessage, Data: p.wsPayload()}
		if p.Binary {
			msgs[i].Type = wsframe.BinaryMessage
		}
	}
	if err := ws.WriteBatch(c.ctx, msgs); err != nil {
		c.end(ReasonTransportError, "WebSocket write: "+err.Error())
		return err
	}
	return nil
}

// deliver handles a packet from the server.
func (c *Client) deliver(p Packet) {
	switch p.Type {
	case Ping:
		select {
		case c.pingSeen <- struct{}{}:
		default:
		}
		_ = c.SendPackets(Packet{Type: Pong})
	case Close:
		c.end(ReasonTransportClose, "the server closed the session")
	case Message:
		c.deliverMu.Lock()
		if f := c.opts.OnMessage; f != nil && !c.isClosed() {
			f(p.Data, p.Binary)
		}
		c.deliverMu.Unlock()
	}
}

func (c *Client) isClosed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.closed
}

// watchPings closes the session when the server's pings stop: the server
// pings every pingInterval, so after pingInterval + pingTimeout of silence
// the connection is taken for dead.
func (c *Client) watchPings() {
	wait := time.Duration(c.handshake.PingInterval+c.handshake.PingTimeout) * time.Millisecond
	t := time.NewTimer(wait)
	defer t.Stop()
	for {
		select {
		case <-c.pingSeen:
			t.Reset(wait)
		case <-t.C:
			c.end(ReasonPingTimeout, fmt.Sprintf("no ping from the server for %v", wait))
			return
		case <-c.ctx.Done():
			return
		}
	}
}

// Close ends the session: over polling a close packet, over WebSocket the
// closing handshake. It does not wait for OnClose (it may be called from a
// handler): Done does.
func (c *Client) Close() error {
	c.mu.Lock()
	ws, closed := c.ws, c.closed
	c.mu.Unlock()
	if closed {
		return nil
	}
	if ws != nil {
		// Over WebSocket the close handshake says it all, as engine.io-client
		// does it: a close frame, and the server's in answer.
		c.mu.Lock()
		c.closing = true
		c.mu.Unlock()
		_ = ws.SetWriteDeadline(time.Now().Add(time.Second))
		_ = ws.Close(wsframe.CloseNormal, "")
	} else {
		// Over polling, what is queued goes first (a Socket.IO DISCONNECT,
		// say), then the close packet, in one last POST.
		pending := c.takeOutbox(time.Second)
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		_ = c.post(ctx, EncodePayload(append(pending, Packet{Type: Close})))
		cancel()
	}
	c.end(ReasonForcedClose, "the client closed the session")
	return nil
}

// takeOutbox waits (at most wait) for a POST under way to finish, and
// returns what is still queued; no POST starts after it.
func (c *Client) takeOutbox(wait time.Duration) []Packet {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closing = true
	timer := time.AfterFunc(wait, func() {
		c.mu.Lock()
		c.changed.Broadcast()
		c.mu.Unlock()
	})
	defer timer.Stop()
	deadline := time.Now().Add(wait)
	for c.posting && !c.closed && time.Now().Before(deadline) {
		c.changed.Wait()
	}
	pending := c.outbox
	c.outbox = nil
	return pending
}

// Drop ends the session without a word at layer 7: no close packet and no
// WebSocket close frame, only the TCP connections' own FIN, as when a
// client's process dies. (A network that fails sends not even that: then
// only the heartbeat tells.) A lesson uses it to cut a client off.
func (c *Client) Drop() {
	c.end(ReasonTransportClose, "the client dropped its connection")
}

// end ends the session once: the transports close, the goroutines stop,
// and OnClose runs.
func (c *Client) end(reason, detail string) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	if c.closing {
		reason, detail = ReasonForcedClose, "the client closed the session"
	}
	c.closed, c.reason, c.detail = true, reason, detail
	ws := c.ws
	c.changed.Broadcast()
	c.mu.Unlock()
	// The connection first, then the context: a reader woken by the
	// context would report a timeout before it saw the close.
	if ws != nil {
		ws.CloseNow()
	}
	c.cancel()
	go func() {
		c.wg.Wait()
		c.httpClient.CloseIdleConnections()
		c.deliverMu.Lock()
		if f := c.opts.OnClose; f != nil {
			f(reason, detail)
		}
		c.deliverMu.Unlock()
		close(c.done)
	}()
}
