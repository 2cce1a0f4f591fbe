// Tests for length-prefixed framing over a byte stream.

package tcpsock

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"netlab/osi"
)

func TestAppendFramed(t *testing.T) {
	tests := []struct {
		name string
		msg  []byte
		want []byte
	}{
		{"empty", nil, []byte{
			0x00, 0x00, // length 0
		}},
		{"hello", []byte("hello"), []byte{
			0x00, 0x05, // length 5
			'h', 'e', 'l', 'l', 'o',
		}},
		{"300 bytes", bytes.Repeat([]byte{'x'}, 300), append([]byte{
			0x01, 0x2c, // length 300, big-endian
		}, bytes.Repeat([]byte{'x'}, 300)...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := AppendFramed([]byte("dst:"), tt.msg)
			if err != nil {
				t.Fatal(err)
			}
			if want := append([]byte("dst:"), tt.want...); !bytes.Equal(got, want) {
				t.Errorf("AppendFramed = % x, want % x", got, want)
			}
		})
	}
}

func TestAppendFramedTooLong(t *testing.T) {
	dst := []byte("keep")
	got, err := AppendFramed(dst, make([]byte, MaxFramedMessage+1))
	if !errors.Is(err, ErrMessageTooLong) {
		t.Fatalf("AppendFramed(%d bytes): %v, want ErrMessageTooLong", MaxFramedMessage+1, err)
	}
	if string(got) != "keep" {
		t.Errorf("AppendFramed changed dst on error: %q", got)
	}
	if _, err := AppendFramed(nil, make([]byte, MaxFramedMessage)); err != nil {
		t.Errorf("AppendFramed(%d bytes), the largest: %v", MaxFramedMessage, err)
	}
}

// Messages round-trip however the stream cuts them into reads: as TCP
// delivers, one byte at a time or half of what was asked.
func TestFramedRoundTrip(t *testing.T) {
	msgs := [][]byte{
		[]byte("hello"),
		{},
		[]byte("TCP keeps no message boundaries"),
		bytes.Repeat([]byte{0xab}, 1000),
		bytes.Repeat([]byte{0x00}, MaxFramedMessage),
		{0x00, 0x05}, // a message that looks like a length prefix
	}
	var wire []byte
	for _, m := range msgs {
		var err error
		if wire, err = AppendFramed(wire, m); err != nil {
			t.Fatal(err)
		}
	}
	readers := []struct {
		name string
		r    func(io.Reader) io.Reader
	}{
		{"whole", func(r io.Reader) io.Reader { return r }},
		{"OneByteReader", iotest.OneByteReader},
		{"HalfReader", iotest.HalfReader},
		{"DataErrReader", iotest.DataErrReader},
	}
	for _, rd := range readers {
		t.Run(rd.name, func(t *testing.T) {
			r := rd.r(bytes.NewReader(wire))
			for i, want := range msgs {
				got, err := ReadFramed(r, MaxFramedMessage)
				if err != nil {
					t.Fatalf("message %d: %v", i, err)
				}
				if !bytes.Equal(got, want) {
					t.Fatalf("message %d: got %d bytes, want %d", i, len(got), len(want))
				}
			}
			// A clean end between messages is io.EOF, so a reader loop can stop.
			if _, err := ReadFramed(r, MaxFramedMessage); !errors.Is(err, io.EOF) {
				t.Errorf("after the last message: %v, want io.EOF", err)
			}
		})
	}
}

func TestReadFramedErrors(t *testing.T) {
	tests := []struct {
		name   string
		wire   []byte
		limit  int
		wantIs error
	}{
		{"nothing", []byte{}, 100, io.EOF},
		{"half a length", []byte{
			0x00, // first byte of the length
		}, 100, io.ErrUnexpectedEOF},
		{"no body", []byte{
			0x00, 0x05, // length 5
		}, 100, io.ErrUnexpectedEOF},
		{"short body", []byte{
			0x00, 0x05, // length 5
			'h', 'e', 'l', // 3 of 5 bytes
		}, 100, io.ErrUnexpectedEOF},
		{"over the limit", []byte{
			0x00, 0x06, // length 6
			'h', 'e', 'l', 'l', 'o', '!',
		}, 5, ErrMessageTooLong},
		{"largest length, small limit", []byte{
			0xff, 0xff, // length 65535
		}, 1024, ErrMessageTooLong},
		{"negative limit", []byte{
			0x00, 0x00, // length 0
		}, -1, ErrMessageTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, r := range []io.Reader{bytes.NewReader(tt.wire), iotest.OneByteReader(bytes.NewReader(tt.wire))} {
				msg, err := ReadFramed(r, tt.limit)
				if !errors.Is(err, tt.wantIs) {
					t.Errorf("ReadFramed(% x, %d) = %q, %v; want %v", tt.wire, tt.limit, msg, err, tt.wantIs)
				}
				if msg != nil {
					t.Errorf("ReadFramed returned %q with its error", msg)
				}
			}
		})
	}
}

// countingReader counts the bytes it hands out.
type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

// A length over the limit is refused after reading the prefix only, and
// without making a buffer of that length.
func TestReadFramedRefusesBeforeAllocating(t *testing.T) {
	wire := append([]byte{
		0xff, 0xff, // length 65535
	}, make([]byte, MaxFramedMessage)...)

	r := &countingReader{r: bytes.NewReader(wire)}
	if _, err := ReadFramed(r, 16); !errors.Is(err, ErrMessageTooLong) {
		t.Fatalf("ReadFramed: %v, want ErrMessageTooLong", err)
	}
	if r.n != LengthPrefixSize {
		t.Errorf("ReadFramed read %d bytes, want only the %d of the prefix", r.n, LengthPrefixSize)
	}

	const runs = 100
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	for range runs {
		_, _ = ReadFramed(bytes.NewReader(wire), 16)
	}
	runtime.ReadMemStats(&after)
	if perCall := (after.TotalAlloc - before.TotalAlloc) / runs; perCall >= 4096 {
		t.Errorf("ReadFramed allocated %d bytes per refused message, want far less than the %d it refused", perCall, MaxFramedMessage)
	}
}

func TestExplainFramed(t *testing.T) {
	tests := []struct {
		name string
		b    []byte
		want []osi.Annotation
	}{
		{"empty", nil, nil},
		{"half a length", []byte{0x00}, nil},
		{"incomplete body", []byte{
			0x00, 0x05, // length 5
			'h', 'e', // 2 of 5 bytes
		}, nil},
		{"whole message and more", []byte{
			0x00, 0x02, // length 2
			'h', 'i',
			0x00, 0x09, // the next message: not explained
		}, []osi.Annotation{
			{Start: 0, End: 2, Field: "length", Value: "2",
				Meaning: "our protocol's own boundary marker: the next 2 bytes are one message", Layer: osi.Application},
			{Start: 2, End: 4, Field: "message", Value: `"hi"`, Layer: osi.Application},
		}},
		{"empty message", []byte{
			0x00, 0x00, // length 0
		}, []osi.Annotation{
			{Start: 0, End: 2, Field: "length", Value: "0",
				Meaning: "our protocol's own boundary marker: the next 0 bytes are one message", Layer: osi.Application},
			{Start: 2, End: 2, Field: "message", Value: `""`, Layer: osi.Application},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ExplainFramed(tt.b); !slices.Equal(got, tt.want) {
				t.Errorf("ExplainFramed(% x) =\n %+v\nwant\n %+v", tt.b, got, tt.want)
			}
		})
	}
}

// FuzzReadFramed: outside bytes never cause a panic, and what parses
// round-trips: framing the message again gives back the bytes it came
// from. The reader's cuts do not change the result.
func FuzzReadFramed(f *testing.F) {
	f.Add([]byte{0x00, 0x05, 'h', 'e', 'l', 'l', 'o'}, 100)
	f.Add([]byte{0x00, 0x00}, 0)
	f.Add([]byte{0x00, 0x05, 'h', 'e'}, 100)
	f.Add([]byte{0xff, 0xff}, MaxFramedMessage)
	f.Add([]byte{0x00, 0x06, 'h', 'e', 'l', 'l', 'o', '!'}, 5)
	f.Add([]byte{0x00}, 1)
	f.Add([]byte{0x00, 0x01, 'a', 0x00, 0x01, 'b'}, -1)
	f.Fuzz(func(t *testing.T, data []byte, limit int) {
		msg, err := ReadFramed(bytes.NewReader(data), limit)
		oneMsg, oneErr := ReadFramed(iotest.OneByteReader(bytes.NewReader(data)), limit)
		if (err == nil) != (oneErr == nil) || !bytes.Equal(msg, oneMsg) {
			t.Fatalf("whole reads gave %q, %v; one-byte reads gave %q, %v", msg, err, oneMsg, oneErr)
		}
		if err != nil {
			if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, ErrMessageTooLong) {
				t.Fatalf("unexpected error: %v", err)
			}
			if msg != nil {
				t.Fatalf("message %q returned with error %v", msg, err)
			}
			// io.EOF says the stream ended cleanly, between messages: only
			// where nothing at all was left to read.
			if errors.Is(err, io.EOF) && len(data) != 0 {
				t.Fatalf("io.EOF with %d bytes of input: %v", len(data), err)
			}
			return
		}
		if len(msg) > limit {
			t.Fatalf("message of %d bytes passed limit %d", len(msg), limit)
		}
		again, err := AppendFramed(nil, msg)
		if err != nil {
			t.Fatalf("AppendFramed of a parsed message: %v", err)
		}
		if !bytes.HasPrefix(data, again) {
			t.Fatalf("reframed % x is not the start of the input % x", again, data)
		}
		if got := ExplainFramed(data); len(got) != 2 || got[1].Len() != len(msg) {
			t.Fatalf("ExplainFramed disagrees with ReadFramed: %+v for a %d-byte message", got, len(msg))
		}
	})
}

// The error names the rule broken and the numbers.
func TestReadFramedErrorText(t *testing.T) {
	_, err := ReadFramed(bytes.NewReader([]byte{0x00, 0x06}), 5)
	if want := "message of 6 bytes: " + ErrMessageTooLong.Error() + " (5)"; err == nil || err.Error() != want {
		t.Errorf("error = %v, want %q", err, want)
	}
	if _, err := ReadFramed(strings.NewReader(""), 5); err == nil || err.Error() != "read length prefix: EOF" {
		t.Errorf("error = %v, want %q", err, "read length prefix: EOF")
	}
}
