// Waiting for bytes to arrive, without reading them.

package tcpsock

import (
	"context"
	"fmt"
	"time"
)

// WaitQueued waits until at least n bytes sit in the receive queue, and
// returns how many do. It checks the queue every millisecond until ctx is
// done: this waits on a condition of the kernel, it does not guess a delay.
// Lessons use it to read only after every byte they expect has arrived, so
// a demonstration of how reads split or join writes repeats exactly.
func (c *Conn) WaitQueued(ctx context.Context, n int) (int, error) {
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		got, err := c.Queued()
		if err != nil {
			return got, err
		}
		if got >= n {
			return got, nil
		}
		select {
		case <-ctx.Done():
			return got, fmt.Errorf("waiting for %d queued bytes (have %d): %w", n, got, ctx.Err())
		case <-tick.C:
		}
	}
}
