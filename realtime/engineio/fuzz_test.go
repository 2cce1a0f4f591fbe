// Fuzz target for the polling payload parser, which reads the body of
// every client POST (and, in the client, of every GET response). The seed
// corpus is under testdata/fuzz/FuzzDecodePayload and runs as an ordinary
// test; to search further:
//
//	go test ./realtime/engineio -run '^$' -fuzz '^FuzzDecodePayload$' -fuzztime 30s

package engineio_test

import (
	"bytes"
	"errors"
	"testing"

	"netlab/realtime/engineio"
)

// FuzzDecodePayload: DecodePayload never panics; an error is always
// ErrBadPacket; whatever decodes is valid packets that encode to a payload
// that decodes to the same packets, and that encoding is stable.
func FuzzDecodePayload(f *testing.F) {
	f.Add([]byte("4hello\x1e2\x1ebAQID"))
	f.Fuzz(func(t *testing.T, body []byte) {
		packets, err := engineio.DecodePayload(body)
		if err != nil {
			if !errors.Is(err, engineio.ErrBadPacket) {
				t.Fatalf("DecodePayload(%q): error %v does not wrap ErrBadPacket", body, err)
			}
			if len(packets) >= bytes.Count(body, []byte{0x1e})+1 {
				t.Fatalf("DecodePayload(%q) failed but returned %d packets, as many as there are parts", body, len(packets))
			}
			return
		}
		if want := bytes.Count(body, []byte{0x1e}) + 1; len(packets) != want {
			t.Fatalf("DecodePayload(%q) = %d packets, want one per part: %d", body, len(packets), want)
		}
		for _, p := range packets {
			if p.Type < engineio.Open || p.Type > engineio.Noop {
				t.Fatalf("DecodePayload(%q) returned type %q", body, byte(p.Type))
			}
			if p.Binary && p.Type != engineio.Message {
				t.Fatalf("DecodePayload(%q) returned a binary %v", body, p.Type)
			}
			if !p.Binary && bytes.IndexByte(p.Data, 0x1e) >= 0 {
				t.Fatalf("DecodePayload(%q) returned text data holding the separator: %q", body, p.Data)
			}
		}
		again := engineio.EncodePayload(packets)
		textOnly := true
		for _, p := range packets {
			textOnly = textOnly && !p.Binary
		}
		// Text packets are their bytes as sent; only base64 has more than
		// one spelling (Go's decoder skips '\r' and '\n', and ignores
		// nonzero padding bits).
		if textOnly && !bytes.Equal(again, body) {
			t.Fatalf("a text-only payload re-encoded differently: %q became %q", body, again)
		}
		back, err := engineio.DecodePayload(again)
		if err != nil {
			t.Fatalf("%q decoded, but its re-encoding %q does not: %v", body, again, err)
		}
		if !samePackets(back, packets) {
			t.Fatalf("%q: re-encoded as %q, which decodes to %s instead of %s", body, again, showPackets(back), showPackets(packets))
		}
		if third := engineio.EncodePayload(back); !bytes.Equal(third, again) {
			t.Fatalf("encoding is not stable: %q, then %q", again, third)
		}
	})
}
