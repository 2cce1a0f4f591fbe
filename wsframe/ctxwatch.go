// Context cancellation for reads and writes, through the TCP deadlines.

package wsframe

import (
	"context"
	"net"
	"sync"
	"time"
)

// A ctxWatch ties one context's cancellation to one of the connection's
// deadlines and keeps it from one call to the next. Registering a watch
// (context.AfterFunc) allocates and takes the context's lock, which costs
// more than a small frame's write; a loop that passes the same context to
// every call pays for it once.
//
// When the watched context is done, the deadline moves to the past, so a
// blocked read or write returns at once, and so do later ones with that
// context. Moving to another context puts the deadline back.
type ctxWatch struct {
	mu    sync.Mutex
	ctx   context.Context
	stop  func() bool
	gen   uint64 // which watch may move the deadline
	fired bool   // the current watch moved it
}

// watch makes ctx the watched context; which is readDeadline or
// writeDeadline. It returns ctx's error if ctx is already done: the
// AfterFunc that moves the deadline runs on its own goroutine, so a call
// must not count on it having run yet.
func (w *ctxWatch) watch(ctx context.Context, nc net.Conn, which int) error {
	if err := ctx.Err(); err != nil {
		return context.Cause(ctx)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	if ctx == w.ctx {
		return nil
	}
	w.releaseLocked(nc, which)
	w.ctx = ctx
	if ctx.Done() == nil {
		return nil // never cancelled: nothing to watch
	}
	gen := w.gen
	w.stop = context.AfterFunc(ctx, func() {
		w.mu.Lock()
		defer w.mu.Unlock()
		if w.gen == gen {
			w.fired = true
			setDeadline(nc, which, time.Unix(1, 0))
		}
	})
	return nil
}

// release stops watching, and puts the deadline back if the watch moved it.
func (w *ctxWatch) release(nc net.Conn, which int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.releaseLocked(nc, which)
	w.ctx = nil
}

func (w *ctxWatch) releaseLocked(nc net.Conn, which int) {
	if w.stop != nil {
		w.stop()
		w.stop = nil
	}
	w.gen++
	if w.fired {
		w.fired = false
		setDeadline(nc, which, time.Time{})
	}
}

func setDeadline(nc net.Conn, which int, t time.Time) {
	switch which {
	case readDeadline:
		_ = nc.SetReadDeadline(t)
	case writeDeadline:
		_ = nc.SetWriteDeadline(t)
	default:
		_ = nc.SetDeadline(t)
	}
}
