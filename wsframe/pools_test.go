// Buffers lent by pools: a connection with pools echoes every size and
// every fragmentation gorilla sends, answers pings while idle, and gives
// its read buffer back while it waits.

package wsframe_test

import (
	"bufio"
	"context"
	"sync"
	"testing"

	"github.com/gorilla/websocket"

	"netlab/wsframe"
)

// pooledOptions are a server's options with both pools and small buffers,
// so that large messages cross many buffer refills.
func pooledOptions(read, write wsframe.BufferPool) *wsframe.AcceptOptions {
	return &wsframe.AcceptOptions{Options: wsframe.Options{
		ReadBufferSize: 256, WriteBufferSize: 256,
		ReadBufferPool: read, WriteBufferPool: write,
	}}
}

func TestPooledBuffersEchoGorilla(t *testing.T) {
	results := make(chan error, 1)
	opts := pooledOptions(&sync.Pool{}, &sync.Pool{})
	url := startOurServer(t, nil, opts, func(ctx context.Context, c *wsframe.Conn, _ *wsframe.Handshake) {
		for {
			if err := c.AwaitBytes(); err != nil {
				results <- err
				return
			}
			typ, msg, err := c.ReadMessage(ctx)
			if err != nil {
				results <- err
				return
			}
			if err := c.WriteMessage(ctx, typ, msg); err != nil {
				results <- err
				return
			}
		}
	})
	// gorilla's 512-byte write buffer cuts every larger message into
	// fragments, so the server waits for bytes between frames of a message
	// as well as between messages.
	gc := dialGorilla(t, &websocket.Dialer{WriteBufferSize: 512}, url, nil)
	pongs := make(chan string, 1)
	gc.SetPongHandler(func(data string) error { pongs <- data; return nil })
	gorillaSendsEverySize(t, gc)
	// A ping to an idle connection: answered while the server waits.
	if err := gc.WriteMessage(websocket.PingMessage, []byte("idle?")); err != nil {
		t.Fatal(err)
	}
	if err := gc.WriteMessage(websocket.TextMessage, []byte("after the ping")); err != nil {
		t.Fatal(err)
	}
	if _, got, err := gc.ReadMessage(); err != nil || string(got) != "after the ping" {
		t.Fatalf("after a ping: %q, %v", got, err)
	}
	if got := <-pongs; got != "idle?" {
		t.Errorf("pong %q, want %q", got, "idle?")
	}
	gorillaCloseNormally(t, gc)
	if err := <-results; err == nil {
		t.Error("the server's read loop ended without an error after the close")
	}
}

// signallingPool is a sync.Pool that says when a read buffer comes back,
// and its size (-1 for anything else).
type signallingPool struct {
	sync.Pool
	back chan int
}

func (p *signallingPool) Put(x any) {
	size := -1
	if br, ok := x.(*bufio.Reader); ok {
		size = br.Size()
	}
	p.back <- size
	p.Pool.Put(x)
}

func TestPooledConnGivesReadBufferBackWhileIdle(t *testing.T) {
	pool := &signallingPool{back: make(chan int, 8)}
	got := make(chan []byte, 1)
	url := startOurServer(t, nil, pooledOptions(pool, nil), func(ctx context.Context, c *wsframe.Conn, _ *wsframe.Handshake) {
		_, msg, err := c.ReadMessage(ctx)
		if err != nil {
			t.Errorf("ReadMessage: %v", err)
		}
		got <- msg
		_, _, _ = c.ReadMessage(ctx) // until the client closes
	})
	gc := dialGorilla(t, nil, url, nil)
	// Before anything is sent, the server is waiting, and its reader is
	// back in the pool.
	if size := <-pool.back; size != 256 {
		t.Fatalf("the pool got back a reader of size %d, want the connection's 256-byte *bufio.Reader", size)
	}
	if err := gc.WriteMessage(websocket.TextMessage, []byte("wake up")); err != nil {
		t.Fatal(err)
	}
	if msg := <-got; string(msg) != "wake up" {
		t.Errorf("the server read %q after waiting without a buffer, want %q", msg, "wake up")
	}
	gorillaCloseNormally(t, gc)
}
