// Tests of the frame header (RFC 6455, section 5.2): encoding, decoding,
// the three length encodings, and what a header alone can break.

package wsframe

import (
	"bytes"
	"errors"
	"testing"
)

// headerTests are headers with their exact wire bytes, one field per line.
// Each one round-trips: AppendHeader writes the wire, ParseHeader reads the
// header back, and Size counts the wire.
var headerTests = []struct {
	name string
	h    Header
	wire []byte
}{
	{
		name: "length 0",
		h:    Header{Fin: true, Op: OpText, Length: 0},
		wire: []byte{
			0x81, // FIN, opcode 1 (text)
			0x00, // MASK 0, length 0
		},
	},
	{
		name: "length 125, the longest 7-bit length",
		h:    Header{Fin: true, Op: OpBinary, Length: 125},
		wire: []byte{
			0x82, // FIN, opcode 2 (binary)
			0x7d, // MASK 0, length 125
		},
	},
	{
		name: "length 126, the shortest 16-bit length",
		h:    Header{Fin: true, Op: OpBinary, Length: 126},
		wire: []byte{
			0x82,       // FIN, opcode 2 (binary)
			0x7e,       // MASK 0, length 126: a 16-bit length follows
			0x00, 0x7e, // extended length 126
		},
	},
	{
		name: "length 127",
		h:    Header{Fin: true, Op: OpBinary, Length: 127},
		wire: []byte{
			0x82,       // FIN, opcode 2 (binary)
			0x7e,       // MASK 0, length 126: a 16-bit length follows
			0x00, 0x7f, // extended length 127
		},
	},
	{
		name: "length 65535, the longest 16-bit length",
		h:    Header{Fin: true, Op: OpBinary, Length: 65535},
		wire: []byte{
			0x82,       // FIN, opcode 2 (binary)
			0x7e,       // MASK 0, length 126: a 16-bit length follows
			0xff, 0xff, // extended length 65535
		},
	},
	{
		name: "length 65536, the shortest 64-bit length",
		h:    Header{Fin: true, Op: OpBinary, Length: 65536},
		wire: []byte{
			0x82,                                           // FIN, opcode 2 (binary)
			0x7f,                                           // MASK 0, length 127: a 64-bit length follows
			0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, // extended length 65536
		},
	},
	{
		name: "length 1<<32",
		h:    Header{Fin: true, Op: OpBinary, Length: 1 << 32},
		wire: []byte{
			0x82,                                           // FIN, opcode 2 (binary)
			0x7f,                                           // MASK 0, length 127: a 64-bit length follows
			0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, // extended length 4294967296
		},
	},
	{
		name: "the longest length a header can carry",
		h:    Header{Fin: true, Op: OpBinary, Length: 1<<63 - 1},
		wire: []byte{
			0x82,                                           // FIN, opcode 2 (binary)
			0x7f,                                           // MASK 0, length 127: a 64-bit length follows
			0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // extended length 2^63-1: top bit 0
		},
	},
	{
		name: "masked, length 5 (RFC 6455, section 5.7)",
		h:    Header{Fin: true, Op: OpText, Masked: true, Length: 5, Mask: [4]byte{0x37, 0xfa, 0x21, 0x3d}},
		wire: []byte{
			0x81,                   // FIN, opcode 1 (text)
			0x85,                   // MASK 1, length 5
			0x37, 0xfa, 0x21, 0x3d, // masking key
		},
	},
	{
		name: "masked, length 126",
		h:    Header{Fin: true, Op: OpBinary, Masked: true, Length: 126, Mask: [4]byte{1, 2, 3, 4}},
		wire: []byte{
			0x82,       // FIN, opcode 2 (binary)
			0xfe,       // MASK 1, length 126: a 16-bit length follows
			0x00, 0x7e, // extended length 126
			1, 2, 3, 4, // masking key
		},
	},
	{
		name: "masked, length 65536: the longest header",
		h:    Header{Fin: true, Op: OpBinary, Masked: true, Length: 65536, Mask: [4]byte{0xde, 0xad, 0xbe, 0xef}},
		wire: []byte{
			0x82,                                           // FIN, opcode 2 (binary)
			0xff,                                           // MASK 1, length 127: a 64-bit length follows
			0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, // extended length 65536
			0xde, 0xad, 0xbe, 0xef, // masking key
		},
	},
	{
		name: "first fragment: FIN clear",
		h:    Header{Op: OpText, Length: 3},
		wire: []byte{
			0x01, // FIN 0, opcode 1 (text)
			0x03, // MASK 0, length 3
		},
	},
	{
		name: "continuation",
		h:    Header{Fin: true, Op: OpContinuation, Length: 2},
		wire: []byte{
			0x80, // FIN, opcode 0 (continuation)
			0x02, // MASK 0, length 2
		},
	},
	{
		name: "close",
		h:    Header{Fin: true, Op: OpClose, Length: 2},
		wire: []byte{
			0x88, // FIN, opcode 8 (close)
			0x02, // MASK 0, length 2
		},
	},
	{
		name: "RSV bits and a reserved opcode: a header carries them, the reader refuses them",
		h:    Header{Fin: true, Rsv: 0b101, Op: 0xB, Length: 1},
		wire: []byte{
			0xdb, // FIN, RSV1 1, RSV2 0, RSV3 1, opcode 0xB (reserved)
			0x01, // MASK 0, length 1
		},
	},
}

func TestHeaderRoundTrip(t *testing.T) {
	for _, tt := range headerTests {
		t.Run(tt.name, func(t *testing.T) {
			prefix := []byte("prefix")
			got := AppendHeader(bytes.Clone(prefix), tt.h)
			if !bytes.HasPrefix(got, prefix) {
				t.Fatalf("AppendHeader changed what was already in dst: % x", got)
			}
			if got := got[len(prefix):]; !bytes.Equal(got, tt.wire) {
				t.Errorf("AppendHeader(%v) = % x, want % x", tt.h, got, tt.wire)
			}
			if got := tt.h.Size(); got != len(tt.wire) {
				t.Errorf("Size() = %d, want %d", got, len(tt.wire))
			}
			// The payload that follows the header is not the header's business.
			h, n, err := ParseHeader(append(bytes.Clone(tt.wire), "payload"...))
			if err != nil {
				t.Fatalf("ParseHeader(% x): %v", tt.wire, err)
			}
			if h != tt.h || n != len(tt.wire) {
				t.Errorf("ParseHeader(% x) = %v, %d, want %v, %d", tt.wire, h, n, tt.h, len(tt.wire))
			}
		})
	}
}

// TestAppendHeaderShortest: section 5.2, "the minimal number of bytes MUST
// be used to encode the length", on both sides of each boundary.
func TestAppendHeaderShortest(t *testing.T) {
	lengths := []int64{0, 1, 124, 125, 126, 127, 128, 255, 256, 65534, 65535, 65536, 65537, 1 << 32, 1<<63 - 1}
	for _, length := range lengths {
		for _, masked := range []bool{false, true} {
			h := Header{Fin: true, Op: OpBinary, Masked: masked, Length: length}
			want, marker := 2, byte(length)
			switch {
			case length > 65535:
				want, marker = 10, 127
			case length > 125:
				want, marker = 4, 126
			}
			if masked {
				want += 4
				marker |= 0x80
			}
			got := AppendHeader(nil, h)
			if len(got) != want || h.Size() != want {
				t.Errorf("length %d masked %v: AppendHeader wrote %d bytes, Size() = %d, want %d", length, masked, len(got), h.Size(), want)
			}
			if got[1] != marker {
				t.Errorf("length %d masked %v: second byte 0x%02x, want 0x%02x", length, masked, got[1], marker)
			}
		}
	}
}

// TestParseHeaderNonMinimal: the minimal encoding binds a sender; a
// receiver reads a longer one as the length it says (gorilla and the
// Autobahn suite do the same).
func TestParseHeaderNonMinimal(t *testing.T) {
	tests := []struct {
		name string
		wire []byte
		want Header
	}{
		{
			name: "length 5 in 16 bits",
			wire: []byte{
				0x81,       // FIN, opcode 1 (text)
				0x7e,       // MASK 0, length 126: a 16-bit length follows
				0x00, 0x05, // extended length 5
			},
			want: Header{Fin: true, Op: OpText, Length: 5},
		},
		{
			name: "length 5 in 64 bits",
			wire: []byte{
				0x81,                                           // FIN, opcode 1 (text)
				0x7f,                                           // MASK 0, length 127: a 64-bit length follows
				0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, // extended length 5
			},
			want: Header{Fin: true, Op: OpText, Length: 5},
		},
		{
			name: "length 65535 in 64 bits, masked",
			wire: []byte{
				0x82,                                           // FIN, opcode 2 (binary)
				0xff,                                           // MASK 1, length 127: a 64-bit length follows
				0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xff, 0xff, // extended length 65535
				0x0a, 0x0b, 0x0c, 0x0d, // masking key
			},
			want: Header{Fin: true, Op: OpBinary, Masked: true, Length: 65535, Mask: [4]byte{0x0a, 0x0b, 0x0c, 0x0d}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, n, err := ParseHeader(tt.wire)
			if err != nil {
				t.Fatalf("ParseHeader: %v", err)
			}
			if h != tt.want || n != len(tt.wire) {
				t.Errorf("ParseHeader = %v, %d, want %v, %d", h, n, tt.want, len(tt.wire))
			}
			if got := AppendHeader(nil, h); len(got) >= len(tt.wire) {
				t.Errorf("AppendHeader re-encodes in %d bytes, want fewer than %d", len(got), len(tt.wire))
			}
		})
	}
}

// TestParseHeaderTopBit: section 5.2, "the most significant bit MUST be 0".
func TestParseHeaderTopBit(t *testing.T) {
	tests := []struct {
		name string
		wire []byte
	}{
		{
			name: "2^63",
			wire: []byte{
				0x82,                                           // FIN, opcode 2 (binary)
				0x7f,                                           // MASK 0, length 127: a 64-bit length follows
				0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, // extended length with its top bit set
			},
		},
		{
			name: "all ones, masked",
			wire: []byte{
				0x82,                                           // FIN, opcode 2 (binary)
				0xff,                                           // MASK 1, length 127: a 64-bit length follows
				0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, // extended length with its top bit set
				0x01, 0x02, 0x03, 0x04, // masking key
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, n, err := ParseHeader(tt.wire)
			var pe *ProtocolError
			if !errors.As(err, &pe) {
				t.Fatalf("ParseHeader error = %v, want a *ProtocolError", err)
			}
			if !errors.Is(err, ErrLengthTopBit) || pe.Code != CloseProtocolError {
				t.Errorf("ParseHeader error = %v (code %d), want ErrLengthTopBit with code 1002", err, pe.Code)
			}
			if n != len(tt.wire) {
				t.Errorf("ParseHeader consumed %d bytes, want the whole header, %d", n, len(tt.wire))
			}
		})
	}
}

// TestParseHeaderShort: every prefix of a header is too short, and
// ParseHeader says how many bytes it needs: 2 until it has the second
// byte, then the whole header's size.
func TestParseHeaderShort(t *testing.T) {
	for _, tt := range headerTests {
		for k := range len(tt.wire) {
			want := 2
			if k >= 2 {
				want = len(tt.wire)
			}
			_, need, err := ParseHeader(tt.wire[:k])
			if !errors.Is(err, ErrShortHeader) || need != want {
				t.Errorf("%s: ParseHeader(% x) = need %d, %v; want need %d, ErrShortHeader", tt.name, tt.wire[:k], need, err, want)
			}
		}
	}
}

func TestAppendHeaderNegativeLength(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Error("AppendHeader with a negative length did not panic")
		}
	}()
	AppendHeader(nil, Header{Op: OpBinary, Length: -1})
}

func TestHeaderString(t *testing.T) {
	tests := []struct {
		h    Header
		want string
	}{
		{Header{Fin: true, Op: OpText, Length: 5}, "FIN=1 opcode=text len=5"},
		{Header{Op: OpContinuation, Length: 0}, "FIN=0 opcode=continuation len=0"},
		{Header{Fin: true, Op: OpText, Masked: true, Length: 5, Mask: [4]byte{0x37, 0xfa, 0x21, 0x3d}}, "FIN=1 opcode=text len=5 mask=37fa213d"},
		{Header{Fin: true, Rsv: 0b100, Op: 0x3, Length: 1}, "FIN=1 opcode=reserved(0x3) len=1 RSV=100"},
	}
	for _, tt := range tests {
		if got := tt.h.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.h, got, tt.want)
		}
	}
}
