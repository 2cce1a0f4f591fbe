// WriteBatch against gorilla/websocket: a batch of frames written with one
// writev reads back, message by message, in order, at every length
// encoding; a client's batch (masked, so written frame by frame) too; and
// a batch after the close frame fails.

package wsframe_test

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/gorilla/websocket"

	"netlab/wsframe"
)

func TestWriteBatchReadsBackInGorilla(t *testing.T) {
	var batch []wsframe.Message
	for i, n := range interopSizes {
		typ := wsframe.TextMessage
		if i%2 == 1 {
			typ = wsframe.BinaryMessage
		}
		batch = append(batch, wsframe.Message{Type: typ, Data: interopMessage(typ, n)})
	}
	wrote := make(chan error, 1)
	url := startOurServer(t, nil, nil, func(ctx context.Context, c *wsframe.Conn, _ *wsframe.Handshake) {
		wrote <- c.WriteBatch(ctx, batch)
		_, _, _ = c.ReadMessage(ctx) // until the client closes
	})
	gc := dialGorilla(t, nil, url, nil)
	for i, want := range batch {
		typ, got, err := gc.ReadMessage()
		if err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
		if typ != gorillaType(want.Type) || !bytes.Equal(got, want.Data) {
			t.Fatalf("message %d: type %d, %d bytes; want type %d, %d bytes", i, typ, len(got), gorillaType(want.Type), len(want.Data))
		}
	}
	if err := <-wrote; err != nil {
		t.Fatalf("WriteBatch: %v", err)
	}
	gorillaCloseNormally(t, gc)
}

func TestWriteBatchFromClientIsMasked(t *testing.T) {
	errc := make(chan error, 1)
	url := startGorillaServer(t, &websocket.Upgrader{}, gorillaEcho(errc))
	c, _ := dialOurs(t, url, nil)
	ctx := interopContext(t)
	batch := []wsframe.Message{{Type: wsframe.TextMessage, Data: []byte("one")}, {Type: wsframe.BinaryMessage, Data: []byte{2}}}
	if err := c.WriteBatch(ctx, batch); err != nil {
		t.Fatal(err)
	}
	for i, want := range batch {
		typ, got, err := c.ReadMessage(ctx)
		if err != nil || typ != want.Type || !bytes.Equal(got, want.Data) {
			t.Fatalf("echo %d: %v %q %v; want %v %q", i, typ, got, err, want.Type, want.Data)
		}
	}
}

func TestWriteBatchRefusesControlAndAfterClose(t *testing.T) {
	done := make(chan [2]error, 1)
	url := startOurServer(t, nil, nil, func(ctx context.Context, c *wsframe.Conn, _ *wsframe.Handshake) {
		bad := c.WriteBatch(ctx, []wsframe.Message{{Type: wsframe.TextMessage}, {Type: wsframe.MessageType(wsframe.OpPing)}})
		_ = c.StartClose(wsframe.CloseNormal, "")
		after := c.WriteBatch(ctx, []wsframe.Message{{Type: wsframe.TextMessage}, {Type: wsframe.TextMessage}})
		done <- [2]error{bad, after}
		_, _, _ = c.ReadMessage(ctx)
	})
	gc := dialGorilla(t, nil, url, nil)
	_, _, _ = gc.ReadMessage()
	errs := <-done
	if errs[0] == nil {
		t.Error("WriteBatch with a ping: no error")
	}
	if !errors.Is(errs[1], wsframe.ErrCloseSent) {
		t.Errorf("WriteBatch after the close frame: %v, want ErrCloseSent", errs[1])
	}
}

func TestUpgradeGreetingIsTheFirstMessage(t *testing.T) {
	url := startHTTPServer(t, func(w http.ResponseWriter, r *http.Request) {
		c, _, err := wsframe.Upgrade(w, r, &wsframe.AcceptOptions{Greeting: []byte("0{\"sid\":\"x\"}")})
		if err != nil {
			t.Errorf("Upgrade: %v", err)
			return
		}
		defer c.CloseNow()
		_, _, _ = c.ReadMessage(interopContext(t))
	})
	gc := dialGorilla(t, nil, url, nil)
	typ, msg, err := gc.ReadMessage()
	if err != nil || typ != websocket.TextMessage || string(msg) != `0{"sid":"x"}` {
		t.Fatalf("first message %d %q %v, want the greeting as text", typ, msg, err)
	}
	gorillaCloseNormally(t, gc)
}
