// The server's side of the handshake behind a net/http server, through
// Hijack: the same rules, for pages that share a port with ordinary HTTP.

package wsframe

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"time"

	"netlab/httpdemo"
)

// Upgrade answers a WebSocket handshake that a net/http server received.
// net/http has parsed the head (MaxHeaderBytes bounds it there); Upgrade
// checks it with the same rules as Accept, then takes the TCP connection
// over (Hijack) and writes the 101 response itself. On refusal it answers
// through w with the same status and one-line reason as Accept.
func Upgrade(w http.ResponseWriter, r *http.Request, opts *AcceptOptions) (*Conn, *Handshake, error) {
	var o AcceptOptions
	if opts != nil {
		o = *opts
	}
	// net/http keeps fields in a map; sorted by name, they come out the
	// same on every run.
	fields := make(httpdemo.Fields, 0, len(r.Header))
	for _, name := range slices.Sorted(maps.Keys(r.Header)) {
		for _, v := range r.Header[name] {
			fields = append(fields, httpdemo.Field{Name: name, Value: v})
		}
	}
	hs := &Handshake{Target: r.RequestURI, Fields: fields}
	key, herr := checkRequest(upgradeRequest{method: r.Method, major: r.ProtoMajor, minor: r.ProtoMinor, host: r.Host, fields: fields})
	if herr == nil {
		herr = checkOrigin(o.CheckOrigin, fields, r.Host)
	}
	// As Accept: a body (ContentLength > 0, or -1 for chunked) would be
	// left in the hijacked reader and taken for frames.
	if herr == nil && r.ContentLength != 0 {
		herr = refuse(http.StatusBadRequest, ErrMalformed, "an upgrade request has no body")
	}
	if herr != nil {
		for _, f := range refusalFields(herr) {
			w.Header().Set(f.Name, f.Value)
		}
		body := herr.Reason() + "\n"
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.Header().Set("Connection", "close")
		w.WriteHeader(herr.Status)
		_, _ = w.Write([]byte(body))
		return nil, hs, herr
	}
	nc, brw, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return nil, hs, fmt.Errorf("wsframe: hijack the connection: %w", err)
	}
	co := o.Options.normalized()
	hs.Key, hs.Accept = key, AcceptKey(key)
	hs.Subprotocol = chooseSubprotocol(fields, o.Subprotocols)
	hs.Response = switchingResponse(key, hs.Subprotocol)
	// net/http may have set deadlines for reading the request; after
	// Hijack they are ours to manage.
	out := hs.Response
	if o.Greeting != nil {
		out = AppendHeader(slices.Clip(out), Header{Fin: true, Op: OpText, Length: int64(len(o.Greeting))})
		out = append(out, o.Greeting...)
	}
	if err := errors.Join(nc.SetDeadline(time.Now().Add(handshakeTimeout(o.HandshakeTimeout))), writeAll(nc, out), nc.SetDeadline(time.Time{})); err != nil {
		nc.Close()
		return nil, hs, err
	}
	// net/http's reader holds 4 KiB. When it holds no early frames, let it
	// go and read through a buffer of the connection's own size: a server
	// with thousands of idle WebSocket connections feels the difference.
	br := brw.Reader
	if br.Buffered() == 0 {
		br = nil
	}
	c := NewConn(nc, br, RoleServer, &co)
	c.subprotocol = hs.Subprotocol
	return c, hs, nil
}

func handshakeTimeout(d time.Duration) time.Duration {
	if d <= 0 {
		return DefaultHandshakeTimeout
	}
	return d
}

func writeAll(w interface{ Write([]byte) (int, error) }, b []byte) error {
	_, err := w.Write(b)
	return err
}
