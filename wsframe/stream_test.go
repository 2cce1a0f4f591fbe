// Tests of StreamExplainer: a recorded WebSocket stream explained the same
// way however TCP cuts it into reads.

package wsframe

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"netlab/osi"
)

// rfcRequest is the client's opening handshake from RFC 6455, section 1.2.
const rfcRequest = "GET /chat HTTP/1.1\r\n" +
	"Host: server.example.com\r\n" +
	"Upgrade: websocket\r\n" +
	"Connection: Upgrade\r\n" +
	"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n" +
	"Origin: http://example.com\r\n" +
	"Sec-WebSocket-Protocol: chat, superchat\r\n" +
	"Sec-WebSocket-Version: 13\r\n" +
	"\r\n"

// rfcResponse is the server's answer from section 1.2.
const rfcResponse = "HTTP/1.1 101 Switching Protocols\r\n" +
	"Upgrade: websocket\r\n" +
	"Connection: Upgrade\r\n" +
	"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n" +
	"Sec-WebSocket-Protocol: chat\r\n" +
	"\r\n"

// maskedFrame builds a client's frame: header, then the payload masked.
func maskedFrame(fin bool, op Opcode, key [4]byte, payload []byte) []byte {
	b := AppendHeader(nil, Header{Fin: fin, Op: op, Masked: true, Length: int64(len(payload)), Mask: key})
	start := len(b)
	b = append(b, payload...)
	Mask(key, 0, b[start:])
	return b
}

// clientFrames is a recorded client-to-server conversation after the
// handshake: every kind of frame a client sends, each masked.
func clientFrames() [][]byte {
	return [][]byte{
		maskedFrame(true, OpText, [4]byte{0x37, 0xfa, 0x21, 0x3d}, []byte("Hello")),
		maskedFrame(false, OpText, [4]byte{1, 2, 3, 4}, []byte("Hel")),
		maskedFrame(true, OpContinuation, [4]byte{5, 6, 7, 8}, []byte("lo")),
		maskedFrame(true, OpPing, [4]byte{9, 10, 11, 12}, nil),
		maskedFrame(true, OpBinary, [4]byte{0xde, 0xad, 0xbe, 0xef}, seq(256)),
		maskedFrame(true, OpBinary, [4]byte{0xca, 0xfe, 0xba, 0xbe}, seq(70000)),
		maskedFrame(true, OpClose, [4]byte{0x10, 0x20, 0x30, 0x40}, []byte("\x03\xe8bye")),
	}
}

// feedInChunks feeds data to a new explainer in pieces whose sizes next
// chooses, and returns every explanation.
func feedInChunks(handshake bool, data []byte, next func() int) []osi.Explanation {
	s := NewStreamExplainer(handshake)
	var out []osi.Explanation
	for len(data) > 0 {
		n := min(max(next(), 1), len(data))
		out = append(out, s.Feed(data[:n])...)
		data = data[n:]
	}
	return out
}

// chunkings are the ways a test cuts a stream: whole, one byte at a time
// (iotest.OneByteReader's way), halves of what is left (HalfReader's),
// and random sizes.
func chunkings(total int) map[string]func() int {
	left := total
	half := func() int {
		n := max(left/2, 1)
		left -= n
		return n
	}
	m := map[string]func() int{
		"whole":    func() int { return total },
		"halves":   half,
		"one byte": func() int { return 1 },
	}
	for seed := range uint64(3) {
		rng := rand.New(rand.NewPCG(seed, 42))
		m[fmt.Sprintf("random chunks %d", seed)] = func() int { return 1 + rng.IntN(300) }
	}
	return m
}

func TestStreamExplainerClient(t *testing.T) {
	frames := clientFrames()
	stream := []byte(rfcRequest)
	for _, f := range frames {
		stream = append(stream, f...)
	}
	// What each unit should say, computed unit by unit.
	req, err := explainRequestHead([]byte(rfcRequest))
	if err != nil {
		t.Fatal(err)
	}
	want := []osi.Explanation{{Offset: 0, Fields: req}}
	off := int64(len(rfcRequest))
	for _, f := range frames {
		v, err := ExplainFrame(f)
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, osi.Explanation{Offset: off, Fields: v.Fields})
		off += int64(len(f))
	}
	for name, next := range chunkings(len(stream)) {
		t.Run(name, func(t *testing.T) {
			got := feedInChunks(true, stream, next)
			compareExplanations(t, got, want)
		})
	}
}

func TestStreamExplainerServer(t *testing.T) {
	frames := [][]byte{
		{0x81, 0x05, 'H', 'e', 'l', 'l', 'o'}, // FIN, text, length 5, "Hello"
		{0x8a, 0x00},                          // FIN, pong, length 0
		{0x88, 0x02, 0x03, 0xe8},              // FIN, close, length 2, code 1000
	}
	stream := []byte(rfcResponse)
	for _, f := range frames {
		stream = append(stream, f...)
	}
	for name, next := range chunkings(len(stream)) {
		t.Run(name, func(t *testing.T) {
			got := feedInChunks(true, stream, next)
			if len(got) != 1+len(frames) {
				t.Fatalf("%d explanations, want %d (the 101 head and %d frames)", len(got), 1+len(frames), len(frames))
			}
			if f := got[0].Fields[0]; f.Start != 0 || !strings.Contains(f.Value+f.Field, "HTTP/1.1") {
				t.Errorf("first field of the head = %+v, want the status line's HTTP-version", f)
			}
			off := int64(len(rfcResponse))
			for i, f := range frames {
				if got[1+i].Offset != off {
					t.Errorf("frame %d at offset %d, want %d", i, got[1+i].Offset, off)
				}
				off += int64(len(f))
			}
		})
	}
}

// TestStreamExplainerRefused: after a refusal the server sends an HTTP
// body, not frames, and the client sends nothing more; the explainer
// explains the head and stops.
func TestStreamExplainerRefused(t *testing.T) {
	body := "Sec-WebSocket-Version is not 13: got \"8\"\n"
	stream := []byte("HTTP/1.1 426 Upgrade Required\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n" +
		fmt.Sprintf("Content-Length: %d\r\n", len(body)) +
		"Connection: close\r\n" +
		"Sec-WebSocket-Version: 13\r\n" +
		"Upgrade: websocket\r\n" +
		"\r\n" +
		body)
	stream = append(stream, 0x81, 0x05, 'H', 'e', 'l', 'l', 'o') // would be a frame after a 101
	for name, next := range chunkings(len(stream)) {
		t.Run(name, func(t *testing.T) {
			got := feedInChunks(true, stream, next)
			if len(got) != 1 || got[0].Offset != 0 {
				t.Fatalf("explanations %+v, want one: the response head at offset 0", got)
			}
		})
	}
}

// TestStreamExplainerOversized: a frame longer than 1 MiB is explained by
// its header alone; the explainer passes over its payload without holding
// it and explains the next frame at its true offset.
func TestStreamExplainerOversized(t *testing.T) {
	const big = maxExplained + 1
	stream := []byte(rfcResponse)
	bigAt := int64(len(stream))
	stream = append(stream,
		0x82,                                           // FIN, opcode 2 (binary)
		0x7f,                                           // MASK 0, length 127: a 64-bit length follows
		0x00, 0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x01, // extended length 1 MiB + 1
	)
	stream = append(stream, bytes.Repeat([]byte{0x81}, big)...) // payload that looks like headers
	nextAt := int64(len(stream))
	stream = append(stream, 0x81, 0x05, 'H', 'e', 'l', 'l', 'o')

	// One byte at a time is too slow for 1 MiB under -race; the other
	// chunkings cut the payload everywhere that matters.
	cuts := chunkings(len(stream))
	delete(cuts, "one byte")
	pos := 0
	cuts["one byte around the big frame"] = func() int {
		n := 1
		if pos > int(bigAt)+20 && pos < int(nextAt)-20 {
			n = int(nextAt) - 20 - pos
		}
		pos += n
		return n
	}
	for name, next := range cuts {
		t.Run(name, func(t *testing.T) {
			got := feedInChunks(true, stream, next)
			if len(got) != 3 {
				t.Fatalf("%d explanations, want 3: the head, the big frame's header, the next frame", len(got))
			}
			if got[1].Offset != bigAt || got[2].Offset != nextAt {
				t.Errorf("frames at offsets %d and %d, want %d and %d", got[1].Offset, got[2].Offset, bigAt, nextAt)
			}
			last := got[1].Fields[len(got[1].Fields)-1]
			if want := fmt.Sprintf("%d bytes, too long to show", big); last.Field != "payload" || last.Value != want {
				t.Errorf("big frame's last field = %+v, want payload %q", last, want)
			}
			v, _ := ExplainFrame(stream[nextAt:])
			if !reflect.DeepEqual(got[2].Fields, v.Fields) {
				t.Errorf("the frame after the big one: %+v, want %+v", got[2].Fields, v.Fields)
			}
		})
	}
}

// TestStreamExplainerLongHead: a head longer than DefaultMaxHead is not
// explained, however it arrives.
func TestStreamExplainerLongHead(t *testing.T) {
	for _, size := range []int{DefaultMaxHead - 100, DefaultMaxHead, DefaultMaxHead + 1, DefaultMaxHead + 100} {
		pad := size - len(rfcRequest) - len("X-Pad: \r\n")
		head := strings.Replace(rfcRequest, "\r\n\r\n", "\r\nX-Pad: "+strings.Repeat("a", pad)+"\r\n\r\n", 1)
		if len(head) != size {
			t.Fatalf("head of %d bytes, want %d", len(head), size)
		}
		stream := append([]byte(head), maskedFrame(true, OpText, [4]byte{1, 2, 3, 4}, []byte("Hello"))...)
		want := 0
		if size <= DefaultMaxHead {
			want = 2
		}
		for name, next := range chunkings(len(stream)) {
			if got := feedInChunks(true, stream, next); len(got) != want {
				t.Errorf("head of %d bytes, %s: %d explanations, want %d", size, name, len(got), want)
			}
		}
	}
}

// TestStreamExplainerNoHandshake: an explainer told the stream starts with
// frames explains the first bytes as a frame.
func TestStreamExplainerNoHandshake(t *testing.T) {
	frame := []byte{0x81, 0x05, 'H', 'e', 'l', 'l', 'o'}
	got := NewStreamExplainer(false).Feed(frame)
	if len(got) != 1 || got[0].Offset != 0 || got[0].Fields[0].Field != "FIN" {
		t.Errorf("explanations %+v, want one frame at offset 0", got)
	}
}

func compareExplanations(t *testing.T, got, want []osi.Explanation) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%d explanations, want %d", len(got), len(want))
	}
	for i := range got {
		if got[i].Offset != want[i].Offset {
			t.Errorf("explanation %d at offset %d, want %d", i, got[i].Offset, want[i].Offset)
		}
		if !reflect.DeepEqual(got[i].Fields, want[i].Fields) {
			t.Errorf("explanation %d:\n%+v\nwant\n%+v", i, got[i].Fields, want[i].Fields)
		}
	}
}

// explainRequestHead is what the explainer should say about a request head.
func explainRequestHead(head []byte) ([]osi.Annotation, error) {
	fields, ok := explainHead(head)
	if !ok || len(fields) == 0 || fields[0].Field != "method" {
		return nil, fmt.Errorf("explainHead(%q) = %+v, %v; want the request's fields", head, fields, ok)
	}
	return fields, nil
}
