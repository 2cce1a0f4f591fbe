package wsframe

import (
	"context"
	"errors"
	"testing"
)

// TestStartCloseKeepsMessages: with a reader goroutine running, StartClose
// lets that reader see every message the peer sent before its close frame,
// then the peer's close as a *CloseError; nothing is dropped on the way.
func TestStartCloseKeepsMessages(t *testing.T) {
	for range 50 {
		client, server := pipePair(t)
		go func() {
			_ = Echo(context.Background(), server)
		}()
		ctx := t.Context()
		for _, m := range []string{"one", "two", "three"} {
			if err := client.WriteMessage(ctx, TextMessage, []byte(m)); err != nil {
				t.Fatal(err)
			}
		}
		if err := client.StartClose(CloseNormal, "done"); err != nil {
			t.Fatal(err)
		}
		var got []string
		for {
			_, msg, err := client.ReadMessage(ctx)
			if err != nil {
				var ce *CloseError
				if !errors.As(err, &ce) || ce.Code != CloseNormal {
					t.Fatalf("the read ended with %v, want the server's close 1000", err)
				}
				break
			}
			got = append(got, string(msg))
		}
		if len(got) != 3 {
			t.Fatalf("the reader saw %q, want all three echoes before the close", got)
		}
	}
}
