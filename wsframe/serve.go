// A server loop: accept TCP connections, run the opening handshake on
// each, hand each WebSocket connection to a handler.

package wsframe

import (
	"context"
	"errors"
	"net"
	"sync"
)

// A Handler serves one WebSocket connection. When it returns, the
// connection is closed.
type Handler func(ctx context.Context, c *Conn, hs *Handshake)

// Serve accepts connections on ln until ctx is done, runs the opening
// handshake on each (refusals are answered and logged through onRefuse,
// which may be nil), and runs h on each accepted connection in its own
// goroutine. When ctx is done it stops listening, starts the closing
// handshake on every open connection with 1001 (going away), and returns
// after every handler has returned.
func Serve(ctx context.Context, ln net.Listener, opts *AcceptOptions, h Handler, onRefuse func(remote net.Addr, err error)) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		conns = map[*Conn]bool{}
	)
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	// Handlers outlive ctx by the closing handshake: at shutdown each open
	// connection is closed with 1001, and its handler sees the close there.
	hctx, hcancel := context.WithCancel(context.WithoutCancel(ctx))
	defer hcancel()
	var acceptErr error
	for {
		nc, err := ln.Accept()
		if err != nil {
			if ctx.Err() == nil && !errors.Is(err, net.ErrClosed) {
				acceptErr = err
			}
			break
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			c, hs, err := Accept(ctx, nc, opts)
			if err != nil {
				if onRefuse != nil {
					onRefuse(nc.RemoteAddr(), err)
				}
				return
			}
			mu.Lock()
			conns[c] = true
			mu.Unlock()
			h(hctx, c, hs)
			c.CloseNow()
			mu.Lock()
			delete(conns, c)
			mu.Unlock()
		}()
	}
	mu.Lock()
	open := make([]*Conn, 0, len(conns))
	for c := range conns {
		open = append(open, c)
	}
	mu.Unlock()
	// Close every open connection with 1001; each Close ends within
	// CloseTimeout. Then cancel the handlers' context, for a handler that
	// waits on something other than its connection, and wait for them all.
	var closers sync.WaitGroup
	for _, c := range open {
		closers.Go(func() { c.Close(CloseGoingAway, "server shutting down") })
	}
	closers.Wait()
	hcancel()
	wg.Wait()
	return acceptErr
}
