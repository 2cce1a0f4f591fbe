// The client's side of the opening handshake (RFC 6455, section 4.1).

package wsframe

import (
	"bufio"
	"context"
	"encoding/base64"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"netlab/httpdemo"
)

// DialOptions configure the client's side of the handshake.
type DialOptions struct {
	Options // the connection's, once established

	Subprotocols []string        // offered, most preferred first
	Origin       string          // sent as Origin if set (browsers always send one)
	Header       httpdemo.Fields // more request fields, sent after the required ones
	MaxHead      int             // bounds the response head; 0 means 8 KiB
	// HandshakeTimeout bounds the handshake; 0 means 10 seconds.
	HandshakeTimeout time.Duration
}

// Dial opens a TCP connection to a ws:// URL on a loopback address and
// runs the opening handshake over it.
func Dial(ctx context.Context, rawURL string, opts *DialOptions) (*Conn, *Handshake, error) {
	u, err := parseURL(rawURL)
	if err != nil {
		return nil, nil, err
	}
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", u.Host)
	if err != nil {
		return nil, nil, fmt.Errorf("wsframe: dial %s: %w", u.Host, err)
	}
	return Client(ctx, nc, rawURL, opts)
}

// parseURL accepts ws://host:port/path?query. wss (TLS) is not part of
// netlab: its lessons show the bytes, and TLS would hide them.
func parseURL(rawURL string) (*url.URL, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadURL, err)
	}
	if u.Scheme != "ws" {
		return nil, fmt.Errorf("%w: scheme %q (netlab speaks ws:// only)", ErrBadURL, u.Scheme)
	}
	if u.Host == "" {
		return nil, fmt.Errorf("%w: no host in %q", ErrBadURL, rawURL)
	}
	if u.Port() == "" {
		u.Host = net.JoinHostPort(u.Hostname(), "80")
	}
	return u, nil
}

// Client runs the opening handshake over an established connection (a
// traced one, in lessons) and checks the server's answer as section 4.1
// requires: 101, Upgrade, Connection, Sec-WebSocket-Accept, and no
// subprotocol or extension the client did not offer. On failure it closes nc.
func Client(ctx context.Context, nc net.Conn, rawURL string, opts *DialOptions) (*Conn, *Handshake, error) {
	var o DialOptions
	if opts != nil {
		o = *opts
	}
	u, err := parseURL(rawURL)
	if err != nil {
		nc.Close()
		return nil, nil, err
	}
	co := o.Options.normalized()
	stop := handshakeDeadline(ctx, nc, o.HandshakeTimeout)
	defer stop()

	var raw [16]byte
	if _, err := io.ReadFull(co.randSource(), raw[:]); err != nil {
		nc.Close()
		return nil, nil, fmt.Errorf("wsframe: Sec-WebSocket-Key: %w", err)
	}
	hs := &Handshake{Key: base64.StdEncoding.EncodeToString(raw[:]), Target: u.RequestURI()}
	hs.Accept = AcceptKey(hs.Key)
	fields := httpdemo.Fields{
		{Name: "Host", Value: u.Host},
		{Name: "Upgrade", Value: "websocket"},
		{Name: "Connection", Value: "Upgrade"},
		{Name: "Sec-WebSocket-Key", Value: hs.Key},
		{Name: "Sec-WebSocket-Version", Value: "13"},
	}
	if o.Origin != "" {
		fields = append(fields, httpdemo.Field{Name: "Origin", Value: o.Origin})
	}
	if len(o.Subprotocols) > 0 {
		fields = append(fields, httpdemo.Field{Name: "Sec-WebSocket-Protocol", Value: strings.Join(o.Subprotocols, ", ")})
	}
	fields = append(fields, o.Header...)
	hs.Fields = fields
	hs.Request = httpdemo.AppendRequest(nil, http.MethodGet, hs.Target, fields, nil)
	if _, err := nc.Write(hs.Request); err != nil {
		nc.Close()
		return nil, hs, fmt.Errorf("wsframe: send the opening handshake: %w", ctxErr(ctx, err))
	}
	br := bufio.NewReaderSize(nc, co.ReadBufferSize)
	maxHead := o.MaxHead
	if maxHead <= 0 {
		maxHead = DefaultMaxHead
	}
	resp, err := httpdemo.ReadResponseHead(br, httpdemo.Limits{MaxHead: maxHead})
	if resp != nil {
		hs.Response = resp.Raw
	}
	if err != nil {
		nc.Close()
		return nil, hs, fmt.Errorf("wsframe: read the server's handshake: %w", ctxErr(ctx, err))
	}
	if err := checkResponse(resp, hs, o.Subprotocols, br); err != nil {
		nc.Close()
		return nil, hs, err
	}
	if err := nc.SetDeadline(time.Time{}); err != nil {
		nc.Close()
		return nil, hs, err
	}
	c := NewConn(nc, br, RoleClient, &co) // with co.Rand, the same source keeps giving masking keys
	c.subprotocol = hs.Subprotocol
	return c, hs, nil
}

// checkResponse applies section 4.1's list: "If the status code received
// from the server is not 101, the client handles the response per HTTP
// procedures" — here: reports it, with the server's one-line reason.
func checkResponse(resp *httpdemo.Response, hs *Handshake, offered []string, br *bufio.Reader) error {
	if resp.Status != http.StatusSwitchingProtocols {
		// The body is the reason: at most 512 bytes of it, and no more
		// than its Content-Length, so a server that keeps the connection
		// open after it (HTTP/1.1's default) does not hold the client
		// until the handshake deadline.
		limit := int64(512)
		if cl, ok := resp.Fields.Get("Content-Length"); ok {
			if n, err := strconv.ParseInt(strings.TrimSpace(cl), 10, 64); err == nil && n >= 0 {
				limit = min(limit, n)
			}
		}
		reason, _ := io.ReadAll(io.LimitReader(br, limit))
		return fmt.Errorf("%w: %d %s: %s", ErrNotSwitching, resp.Status, resp.Reason, strings.TrimSpace(firstLine(string(reason))))
	}
	// "If the response lacks an |Upgrade| header field or the |Upgrade|
	// header field contains a value that is not an ASCII case-insensitive
	// match for the value "websocket", the client MUST _Fail the WebSocket
	// Connection_."
	if up := resp.Fields.Values("Upgrade"); len(up) != 1 || !strings.EqualFold(strings.TrimSpace(up[0]), "websocket") {
		return fmt.Errorf("%w: Upgrade: %q", ErrResponseUpgrade, strings.Join(up, ", "))
	}
	if !resp.Fields.HasToken("Connection", "Upgrade") {
		return ErrResponseConn
	}
	if got, _ := resp.Fields.Get("Sec-WebSocket-Accept"); strings.TrimSpace(got) != hs.Accept {
		return fmt.Errorf("%w: got %q, want %q", ErrBadAccept, got, hs.Accept)
	}
	if ext, ok := resp.Fields.Get("Sec-WebSocket-Extensions"); ok && strings.TrimSpace(ext) != "" {
		return fmt.Errorf("%w: %q", ErrUnofferedExt, ext)
	}
	if p, ok := resp.Fields.Get("Sec-WebSocket-Protocol"); ok {
		p = strings.TrimSpace(p)
		for _, o := range offered {
			if o == p {
				hs.Subprotocol = p
				return nil
			}
		}
		return fmt.Errorf("%w: %q", ErrUnofferedProtocol, p)
	}
	return nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
