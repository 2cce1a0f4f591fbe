// Running a net/http server on a listener, and stopping it cleanly.

package httpdemo

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"
)

// A Server is a net/http server running on a listener the caller opened
// (usually a traced tcpsock.Listener on loopback). Stop ends it and waits
// for its goroutines, and for every connection's: nothing is left running.
type Server struct {
	hs     *http.Server
	cancel context.CancelFunc // ends the context of every request
	done   chan struct{}      // closed when hs.Serve has returned
	stop   sync.WaitGroup     // the goroutine that stops hs when ctx is done
	conns  sync.WaitGroup     // one per connection, until net/http is done with it
	mu     sync.Mutex
	err    error
}

// Serve starts serving h on l until Stop is called or ctx is done.
func Serve(ctx context.Context, l net.Listener, h http.Handler) *Server {
	return ServeWith(ctx, l, &http.Server{Handler: h})
}

// ServeWith starts hs on l until Stop is called or ctx is done. It sets a
// 10-second ReadHeaderTimeout if hs has none, makes ctx the base of every
// request's context, and wraps hs.ConnState (calling the one set) to count
// connections. Handlers must return once their request's context is done:
// Stop waits for them.
func ServeWith(ctx context.Context, l net.Listener, hs *http.Server) *Server {
	if hs.ReadHeaderTimeout == 0 {
		hs.ReadHeaderTimeout = 10 * time.Second
	}
	ctx, cancel := context.WithCancel(ctx)
	hs.BaseContext = func(net.Listener) context.Context { return ctx }
	s := &Server{hs: hs, cancel: cancel, done: make(chan struct{})}
	// net/http reports StateNew from hs.Serve before it starts a
	// connection's goroutine, and StateClosed (or StateHijacked, when a
	// handler takes the connection) as that goroutine's last act.
	hook := hs.ConnState
	hs.ConnState = func(c net.Conn, st http.ConnState) {
		switch st {
		case http.StateNew:
			s.conns.Add(1)
		case http.StateClosed, http.StateHijacked:
			defer s.conns.Done()
		}
		if hook != nil {
			hook(c, st)
		}
	}
	s.stop.Go(func() {
		<-ctx.Done() // ctx ends with the caller's, or in Stop
		_ = hs.Close()
	})
	go func() {
		defer close(s.done)
		err := s.hs.Serve(l)
		if !errors.Is(err, http.ErrServerClosed) {
			s.mu.Lock()
			s.err = fmt.Errorf("http server on %s: %w", l.Addr(), err)
			s.mu.Unlock()
		}
	}()
	return s
}

// Stop ends every request's context, closes the listener and every
// connection, waits for the server's goroutines and each connection's (a
// hijacked connection belongs to its handler), and returns the error that
// ended the server, if any other than Stop.
func (s *Server) Stop() error {
	s.cancel()
	closeErr := s.hs.Close()
	<-s.done
	s.stop.Wait()
	s.conns.Wait()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	return closeErr
}
