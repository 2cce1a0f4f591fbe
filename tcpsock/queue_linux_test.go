// Tests for the receive queue (SIOCINQ) and the kernel's counters (TCP_INFO).

//go:build linux

package tcpsock

import (
	"context"
	"errors"
	"io"
	"testing"
	"time"
)

func TestWaitQueued(t *testing.T) {
	tests := []struct {
		name   string
		writes []int // sizes of the peer's writes
	}{
		{"one write", []int{5}},
		{"three writes, joined in the queue", []int{3, 4, 5}},
		{"64 KiB", []int{64 << 10}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, peer := tracedToPlain(t, nil)
			if got, err := client.Queued(); err != nil || got != 0 {
				t.Fatalf("Queued() before any write = %d, %v, want 0, nil", got, err)
			}
			total := 0
			for _, n := range tt.writes {
				if _, err := peer.Write(make([]byte, n)); err != nil {
					t.Fatal(err)
				}
				total += n
			}
			got, err := client.WaitQueued(t.Context(), total)
			if err != nil {
				t.Fatalf("WaitQueued(%d): %v", total, err)
			}
			if got < total {
				t.Errorf("WaitQueued(%d) = %d, want at least %d", total, got, total)
			}
			// The bytes are queued, not read: the trace has no read yet, and
			// one read can take all of them.
			if n, err := client.Queued(); err != nil || n != total {
				t.Errorf("Queued() = %d, %v, want %d, nil", n, err, total)
			}
			buf := make([]byte, total)
			if _, err := io.ReadFull(client, buf); err != nil {
				t.Fatal(err)
			}
			if n, err := client.Queued(); err != nil || n != 0 {
				t.Errorf("Queued() after reading everything = %d, %v, want 0, nil", n, err)
			}
		})
	}
}

func TestWaitQueuedContextDone(t *testing.T) {
	tests := []struct {
		name    string
		ctx     func(context.Context) (context.Context, context.CancelFunc)
		wantErr error
	}{
		{"cancelled", func(parent context.Context) (context.Context, context.CancelFunc) {
			ctx, cancel := context.WithCancel(parent)
			cancel()
			return ctx, cancel
		}, context.Canceled},
		{"deadline", func(parent context.Context) (context.Context, context.CancelFunc) {
			return context.WithTimeout(parent, 20*time.Millisecond)
		}, context.DeadlineExceeded},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			client, peer := tracedToPlain(t, nil)
			if _, err := peer.Write([]byte("abc")); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := tt.ctx(t.Context())
			defer cancel()
			start := time.Now()
			got, err := client.WaitQueued(ctx, 1<<20) // more than will ever come
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("WaitQueued: %d, %v, want an error wrapping %v", got, err, tt.wantErr)
			}
			if elapsed := time.Since(start); elapsed > 5*time.Second {
				t.Errorf("WaitQueued took %v to notice its context ended", elapsed)
			}
			if got > 3 {
				t.Errorf("WaitQueued reported %d queued bytes, only 3 were sent", got)
			}
		})
	}
}

func TestStats(t *testing.T) {
	client, peer := tracedToPlain(t, nil)
	if _, err := client.Write([]byte("hello")); err != nil {
		t.Fatal(err)
	}
	// Once the peer has read the bytes, the segment carrying them has left.
	if _, err := io.ReadFull(peer, make([]byte, 5)); err != nil {
		t.Fatal(err)
	}
	got, err := client.Stats()
	if err != nil {
		t.Fatalf("Stats: %v", err)
	}
	if got.DataSegsOut < 1 {
		t.Errorf("DataSegsOut = %d after a write, want at least 1", got.DataSegsOut)
	}
	if got.SendMSS == 0 {
		t.Errorf("SendMSS = 0, want the segment size the kernel uses")
	}
	if got.State != StateEstablished {
		t.Errorf("State = %v, want %v", got.State, StateEstablished)
	}

	// The peer's counters see the same segment arrive.
	peerConn := Wrap(peer, nil, RoleServer, "peer")
	in, err := peerConn.Stats()
	if err != nil {
		t.Fatalf("peer Stats: %v", err)
	}
	if in.DataSegsIn < 1 {
		t.Errorf("peer DataSegsIn = %d after reading, want at least 1", in.DataSegsIn)
	}

	// After this end's FIN, its state moves on from ESTABLISHED.
	if err := client.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(peer); err != nil {
		t.Fatal(err)
	}
	after, err := client.Stats()
	if err != nil {
		t.Fatal(err)
	}
	if after.State != StateFinWait2 && after.State != StateFinWait1 {
		t.Errorf("State after CloseWrite = %v, want FIN-WAIT-1 or FIN-WAIT-2", after.State)
	}
}
