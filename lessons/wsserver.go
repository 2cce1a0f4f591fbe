// A WebSocket echo server for the WebSocket lessons, and a traced client.

package lessons

import (
	"context"
	"errors"
	"net"

	"netlab/tcpsock"
	"netlab/trace"
	"netlab/wsframe"
)

// startEcho starts a WebSocket echo server on the lesson's address. Its
// connections are not traced: the client's end shows every byte.
func startEcho(ctx context.Context, env *Env) (*tcpsock.Listener, error) {
	ln, err := env.Listen(ctx, "server", env.ServerAddr())
	if err != nil {
		return nil, err
	}
	ln.TraceAccepted(false)
	env.Go(func() {
		for {
			c, err := ln.AcceptNamed(ctx, "server")
			if err != nil {
				return // the listener closed: the lesson is over
			}
			env.Go(func() {
				stop := context.AfterFunc(ctx, func() { c.Close() })
				defer stop()
				ws, _, err := wsframe.Accept(ctx, c, &wsframe.AcceptOptions{CheckOrigin: wsframe.AnyOrigin})
				if err != nil {
					return
				}
				_ = wsframe.Echo(ctx, ws)
			})
		}
	})
	return ln, nil
}

// dialExplained dials addr with a traced connection whose two directions
// are explained as WebSocket streams (the handshake's HTTP, then frames).
func dialExplained(ctx context.Context, env *Env, name string, ln net.Listener) (*tcpsock.Conn, error) {
	c, err := env.Dial(ctx, name, ln.Addr().String())
	if err != nil {
		return nil, err
	}
	c.Explain(trace.Sent, wsframe.NewStreamExplainer(true))
	c.Explain(trace.Received, wsframe.NewStreamExplainer(true))
	return c, nil
}

// isCloseErr reports whether err is the end of a closing handshake.
func isCloseErr(err error) bool {
	var ce *wsframe.CloseError
	return errors.As(err, &ce)
}
