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
// for its goroutine: nothing is left running.
type Server struct {
	hs   *http.Server
	done chan struct{}
	mu   sync.Mutex
	err  error
}

// Serve starts serving h on l until Stop is called or ctx is done.
func Serve(ctx context.Context, l net.Listener, h http.Handler) *Server {
	return ServeWith(ctx, l, &http.Server{Handler: h})
}

// ServeWith starts hs on l. It sets a 10-second ReadHeaderTimeout if hs has
// none, and makes ctx the base of every request's context.
func ServeWith(ctx context.Context, l net.Listener, hs *http.Server) *Server {
	if hs.ReadHeaderTimeout == 0 {
		hs.ReadHeaderTimeout = 10 * time.Second
	}
	hs.BaseContext = func(net.Listener) context.Context { return ctx }
	s := &Server{hs: hs, done: make(chan struct{})}
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

// Stop closes the listener and every connection, waits for the server's
// goroutine, and returns the error that ended it, if any other than Stop.
func (s *Server) Stop() error {
	closeErr := s.hs.Close()
	<-s.done
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return s.err
	}
	return closeErr
}
