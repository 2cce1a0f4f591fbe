package wsframe

import (
	"context"
	"errors"
	"net"
	"testing"
	"time"
)

// pipePair is a client and a server Conn over a real loopback connection.
func pipePair(t *testing.T) (client, server *Conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	done := make(chan *Conn, 1)
	go func() {
		nc, err := ln.Accept()
		if err != nil {
			done <- nil
			return
		}
		c, _, err := Accept(context.Background(), nc, &AcceptOptions{CheckOrigin: AnyOrigin})
		if err != nil {
			done <- nil
			return
		}
		done <- c
	}()
	client, _, err = Dial(context.Background(), "ws://"+ln.Addr().String()+"/", nil)
	if err != nil {
		t.Fatal(err)
	}
	server = <-done
	if server == nil {
		t.Fatal("accept failed")
	}
	t.Cleanup(func() { client.CloseNow(); server.CloseNow() })
	return client, server
}

// TestContextCancelsRead: cancelling the context of a blocked read ends it
// at once with the context's error.
func TestContextCancelsRead(t *testing.T) {
	client, _ := pipePair(t)
	ctx, cancel := context.WithCancel(t.Context())
	errc := make(chan error, 1)
	go func() { _, _, err := client.ReadMessage(ctx); errc <- err }()
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("ReadMessage after cancel = %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the read did not end after cancel")
	}
}

// TestContextWatchMovesOn: a context cancelled while no call is running
// fails the next call that uses it, but not a call with another context.
func TestContextWatchMovesOn(t *testing.T) {
	client, server := pipePair(t)
	ctxA, cancelA := context.WithCancel(t.Context())
	if err := client.WriteMessage(ctxA, TextMessage, []byte("one")); err != nil {
		t.Fatal(err)
	}
	cancelA() // between calls: the watch moves the write deadline to the past
	if err := client.WriteMessage(ctxA, TextMessage, []byte("two")); !errors.Is(err, context.Canceled) {
		t.Errorf("write with the cancelled context = %v, want context.Canceled", err)
	}
	_ = server
}

// TestContextWatchIsReleased: a context that fired and is then left for
// another does not leave the deadline in the past.
func TestContextWatchIsReleased(t *testing.T) {
	client, server := pipePair(t)
	ctxA, cancelA := context.WithCancel(t.Context())
	if err := server.WriteMessage(ctxA, TextMessage, []byte("one")); err != nil {
		t.Fatal(err)
	}
	if _, msg, err := client.ReadMessage(ctxA); err != nil || string(msg) != "one" {
		t.Fatalf("read one: %q %v", msg, err)
	}
	cancelA() // fires while nothing is being read
	if err := server.WriteMessage(t.Context(), TextMessage, []byte("two")); err != nil {
		t.Fatal(err)
	}
	if _, msg, err := client.ReadMessage(t.Context()); err != nil || string(msg) != "two" {
		t.Fatalf("read two with a fresh context: %q %v", msg, err)
	}
}
