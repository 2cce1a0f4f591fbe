// Acknowledgements the server waits for: an id per event, answered by the
// client's ACK packet with the same id.

package socketio

import (
	"context"
	"fmt"
	"sync"
)

// ackTable holds the acks a socket waits for.
type ackTable struct {
	mu      sync.Mutex
	next    int64
	waiting map[int64]chan Args
	closed  bool
}

// ackAnswer is one awaited acknowledgement.
type ackAnswer chan Args

// register reserves an id.
func (t *ackTable) register() (int64, ackAnswer) {
	t.mu.Lock()
	defer t.mu.Unlock()
	ch := make(chan Args, 1)
	if t.closed {
		close(ch)
		return -1, ch
	}
	if t.waiting == nil {
		t.waiting = map[int64]chan Args{}
	}
	id := t.next
	t.next++
	t.waiting[id] = ch
	return id, ch
}

// forget drops an id that is no longer awaited.
func (t *ackTable) forget(id int64) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.waiting, id)
}

// resolve delivers the client's answer; an unknown id (late, or never
// asked) is ignored, as the reference server does.
func (t *ackTable) resolve(id int64, args Args) {
	t.mu.Lock()
	ch, ok := t.waiting[id]
	delete(t.waiting, id)
	t.mu.Unlock()
	if ok {
		ch <- args
	}
}

// failAll ends every wait: the socket is gone.
func (t *ackTable) failAll() {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.closed = true
	for id, ch := range t.waiting {
		close(ch)
		delete(t.waiting, id)
	}
}

// wait waits for the answer.
func (a ackAnswer) wait(ctx context.Context) (Args, error) {
	select {
	case args, ok := <-a:
		if !ok {
			return Args{}, ErrDisconnected
		}
		return args, nil
	case <-ctx.Done():
		return Args{}, fmt.Errorf("%w: %w", ErrAckTimeout, context.Cause(ctx))
	}
}
