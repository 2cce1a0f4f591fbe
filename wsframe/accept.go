// The server's side of the opening handshake, read by hand from the TCP
// byte stream (RFC 6455, section 4.2).

package wsframe

import (
	"bufio"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"netlab/httpdemo"
)

// Defaults for AcceptOptions and DialOptions.
const (
	DefaultMaxHead          = 8 << 10
	DefaultHandshakeTimeout = 10 * time.Second
)

// AcceptOptions configure the server's side of the handshake.
type AcceptOptions struct {
	Options // the connection's, once established

	// Subprotocols the server speaks, most preferred first. The first one
	// the client also offers is chosen; none is fine too.
	Subprotocols []string
	// CheckOrigin decides whether to accept a request from a page of
	// another origin; it returns an error to refuse (403 Forbidden). nil
	// means SameOrigin.
	CheckOrigin func(origin, host string) error
	// MaxHead bounds the request head; longer gets 431. 0 means 8 KiB.
	MaxHead int
	// HandshakeTimeout bounds the whole handshake. 0 means 10 seconds.
	HandshakeTimeout time.Duration
	// Greeting, if not nil, is a first text message Upgrade sends in the
	// same write as the 101 response: a protocol whose server speaks first
	// (Engine.IO's open packet) saves a system call and a TCP segment, and
	// the client reads both at once on every run.
	Greeting []byte
}

// SameOrigin accepts requests without an Origin (not from a browser) and
// requests whose Origin names the same host:port the request was sent to.
// Section 10.2: the Origin field protects against "unauthorized
// cross-origin use of a WebSocket server by scripts using the WebSocket API
// in a web browser".
func SameOrigin(origin, host string) error {
	if origin == "" {
		return nil
	}
	u, err := url.Parse(origin)
	if err != nil || !strings.EqualFold(u.Host, host) {
		return errors.New("Origin " + origin + " is not " + host)
	}
	return nil
}

// AnyOrigin accepts every Origin: for servers that only speak to programs.
func AnyOrigin(origin, host string) error { return nil }

// A Handshake is what crossed during the opening handshake.
type Handshake struct {
	Request     []byte // the client's request, exactly as sent
	Response    []byte // the server's response, exactly as sent
	Key         string // Sec-WebSocket-Key
	Accept      string // Sec-WebSocket-Accept
	Subprotocol string // the subprotocol agreed on, or ""
	Target      string // the request-target (path and query)
	Fields      httpdemo.Fields
}

// Accept reads the client's opening handshake from nc and answers it. On
// success it returns the connection, ready for frames. Otherwise it sends
// a real HTTP refusal (400, 403, 405, 426 or 431, with a one-line reason),
// closes nc, and returns a *HandshakeError, or another error if the
// request never arrived whole.
func Accept(ctx context.Context, nc net.Conn, opts *AcceptOptions) (*Conn, *Handshake, error) {
	var o AcceptOptions
	if opts != nil {
		o = *opts
	}
	co := o.Options.normalized()
	stop := handshakeDeadline(ctx, nc, o.HandshakeTimeout)
	defer stop()
	br := bufio.NewReaderSize(nc, co.ReadBufferSize)
	maxHead := o.MaxHead
	if maxHead <= 0 {
		maxHead = DefaultMaxHead
	}
	req, err := httpdemo.ReadRequestHead(br, httpdemo.Limits{MaxHead: maxHead})
	hs := &Handshake{}
	if req != nil {
		hs.Request, hs.Target, hs.Fields = req.Raw, req.Target, req.Fields
	}
	if err != nil {
		var herr *HandshakeError
		switch {
		case errors.Is(err, httpdemo.ErrHeadTooLarge):
			herr = refuse(http.StatusRequestHeaderFieldsTooLarge, ErrHeadTooLarge, "limit %d bytes", maxHead)
		case errors.Is(err, os.ErrDeadlineExceeded) || ctx.Err() != nil:
			nc.Close()
			return nil, hs, errors.Join(ErrHandshakeTimeout, ctx.Err(), err)
		case errors.Is(err, httpdemo.ErrBadRequestLine), errors.Is(err, httpdemo.ErrBadHeaderField),
			errors.Is(err, httpdemo.ErrBadStartLine), errors.Is(err, httpdemo.ErrBareLF):
			herr = refuse(http.StatusBadRequest, ErrMalformed, "%v", err)
		default:
			nc.Close()
			return nil, hs, err
		}
		return nil, hs, refuseConn(nc, hs, herr)
	}
	host, _ := req.Fields.Get("Host")
	key, herr := checkRequest(upgradeRequest{method: req.Method, major: req.Major, minor: req.Minor, host: host, fields: req.Fields})
	if herr == nil {
		herr = checkOrigin(o.CheckOrigin, req.Fields, host)
	}
	if herr == nil {
		// After the 101 the bytes that follow the head are frames: a body,
		// sized by Content-Length or chunked, would be taken for them.
		_, chunked := req.Fields.Get("Transfer-Encoding")
		if cl, ok := req.Fields.Get("Content-Length"); (ok && strings.TrimSpace(cl) != "0") || chunked {
			herr = refuse(http.StatusBadRequest, ErrMalformed, "an upgrade request has no body")
		}
	}
	if herr != nil {
		return nil, hs, refuseConn(nc, hs, herr)
	}
	hs.Key, hs.Accept = key, AcceptKey(key)
	hs.Subprotocol = chooseSubprotocol(req.Fields, o.Subprotocols)
	hs.Response = switchingResponse(key, hs.Subprotocol)
	if _, err := nc.Write(hs.Response); err != nil {
		nc.Close()
		return nil, hs, err
	}
	if err := nc.SetDeadline(time.Time{}); err != nil {
		nc.Close()
		return nil, hs, err
	}
	c := NewConn(nc, br, RoleServer, &co)
	c.subprotocol = hs.Subprotocol
	return c, hs, nil
}

func checkOrigin(check func(origin, host string) error, fields httpdemo.Fields, host string) *HandshakeError {
	if check == nil {
		check = SameOrigin
	}
	origin, _ := fields.Get("Origin")
	if err := check(origin, host); err != nil {
		return refuse(http.StatusForbidden, ErrOriginRefused, "%v", err)
	}
	return nil
}

// refuseConn writes the refusal, closes nc, and returns the error.
func refuseConn(nc net.Conn, hs *Handshake, herr *HandshakeError) error {
	hs.Response = refusalResponse(herr)
	_, _ = nc.Write(hs.Response)
	lingeringClose(nc)
	return herr
}

// handshakeDeadline bounds the handshake by timeout and by ctx.
func handshakeDeadline(ctx context.Context, nc net.Conn, timeout time.Duration) (stop func()) {
	if timeout <= 0 {
		timeout = DefaultHandshakeTimeout
	}
	deadline := time.Now().Add(timeout)
	if d, ok := ctx.Deadline(); ok && d.Before(deadline) {
		deadline = d
	}
	_ = nc.SetDeadline(deadline)
	after := withDeadline(ctx, nc, bothDeadlines)
	return func() { after() }
}

// lingeringClose sends FIN after the response, then reads and drops what
// the client still sends, briefly, before closing. Closing a socket with
// unread bytes makes the kernel answer with RST, which can destroy the
// response before the client reads it (RFC 9112, section 9.6).
func lingeringClose(nc net.Conn) {
	if cw, ok := nc.(interface{ CloseWrite() error }); ok {
		_ = cw.CloseWrite()
		_ = nc.SetReadDeadline(time.Now().Add(time.Second))
		_, _ = io.Copy(io.Discard, io.LimitReader(nc, 1<<20))
	}
	nc.Close()
}
