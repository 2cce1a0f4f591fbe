// Tests of ExplainFrame (RFC 6455, section 5.2) on the RFC's own examples
// (section 5.7), field by field.

package wsframe

import (
	"bytes"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"netlab/internal/golden"
	"netlab/osi"
)

// fieldRow is the part of an annotation a test pins down: where, what, and
// the value read. Meanings are prose and are checked by the golden file.
type fieldRow struct {
	start, end int
	field      string
	bits       string
	value      string
}

func rowsOf(as []osi.Annotation) []fieldRow {
	rows := make([]fieldRow, len(as))
	for i, a := range as {
		rows[i] = fieldRow{a.Start, a.End, a.Field, a.Bits, a.Value}
	}
	return rows
}

// The header rows every frame has; fin, opcode, mask and length vary.
func baseRows(finBits, fin, opBits, op, maskBits, mask, lenBits, length string) []fieldRow {
	return []fieldRow{
		{0, 1, "FIN", finBits, fin},
		{0, 1, "RSV1-3", ".000 ....", "000"},
		{0, 1, "opcode", opBits, op},
		{1, 2, "MASK", maskBits, mask},
		{1, 2, "payload length", lenBits, length},
	}
}

// rfcSection57 is section 5.7's examples, with a close frame and the two
// longer length encodings added.
var rfcSection57 = []struct {
	name    string
	wire    []byte
	header  Header
	payload []byte
	rows    []fieldRow
}{
	{
		name: "a single-frame unmasked text message",
		wire: []byte{
			0x81,                    // FIN, opcode 1 (text)
			0x05,                    // MASK 0, length 5
			'H', 'e', 'l', 'l', 'o', // payload
		},
		header:  Header{Fin: true, Op: OpText, Length: 5},
		payload: []byte("Hello"),
		rows: append(baseRows("1... ....", "1", ".... 0001", "1 (text)", "0... ....", "0", ".000 0101", "5"),
			fieldRow{2, 7, "payload", "", `"Hello"`}),
	},
	{
		name: "a single-frame masked text message",
		wire: []byte{
			0x81,                   // FIN, opcode 1 (text)
			0x85,                   // MASK 1, length 5
			0x37, 0xfa, 0x21, 0x3d, // masking key
			0x7f, 0x9f, 0x4d, 0x51, 0x58, // "Hello", masked
		},
		header:  Header{Fin: true, Op: OpText, Masked: true, Length: 5, Mask: [4]byte{0x37, 0xfa, 0x21, 0x3d}},
		payload: []byte("Hello"),
		rows: append(baseRows("1... ....", "1", ".... 0001", "1 (text)", "1... ....", "1", ".000 0101", "5"),
			fieldRow{2, 6, "masking key", "", "37fa213d"},
			fieldRow{6, 11, "payload (masked)", "", "7f9f4d5158"}),
	},
	{
		name: "a fragmented unmasked text message, first fragment",
		wire: []byte{
			0x01,          // FIN 0, opcode 1 (text)
			0x03,          // MASK 0, length 3
			'H', 'e', 'l', // payload
		},
		header:  Header{Op: OpText, Length: 3},
		payload: []byte("Hel"),
		rows: append(baseRows("0... ....", "0", ".... 0001", "1 (text)", "0... ....", "0", ".000 0011", "3"),
			fieldRow{2, 5, "payload", "", `"Hel"`}),
	},
	{
		name: "a fragmented unmasked text message, second fragment",
		wire: []byte{
			0x80,     // FIN, opcode 0 (continuation)
			0x02,     // MASK 0, length 2
			'l', 'o', // payload
		},
		header:  Header{Fin: true, Op: OpContinuation, Length: 2},
		payload: []byte("lo"),
		rows: append(baseRows("1... ....", "1", ".... 0000", "0 (continuation)", "0... ....", "0", ".000 0010", "2"),
			fieldRow{2, 4, "payload", "", `"lo"`}),
	},
	{
		name: "unmasked ping",
		wire: []byte{
			0x89,                    // FIN, opcode 9 (ping)
			0x05,                    // MASK 0, length 5
			'H', 'e', 'l', 'l', 'o', // payload
		},
		header:  Header{Fin: true, Op: OpPing, Length: 5},
		payload: []byte("Hello"),
		rows: append(baseRows("1... ....", "1", ".... 1001", "9 (ping)", "0... ....", "0", ".000 0101", "5"),
			fieldRow{2, 7, "payload", "", `"Hello"`}),
	},
	{
		name: "masked pong",
		wire: []byte{
			0x8a,                   // FIN, opcode 10 (pong)
			0x85,                   // MASK 1, length 5
			0x37, 0xfa, 0x21, 0x3d, // masking key
			0x7f, 0x9f, 0x4d, 0x51, 0x58, // "Hello", masked
		},
		header:  Header{Fin: true, Op: OpPong, Masked: true, Length: 5, Mask: [4]byte{0x37, 0xfa, 0x21, 0x3d}},
		payload: []byte("Hello"),
		rows: append(baseRows("1... ....", "1", ".... 1010", "10 (pong)", "1... ....", "1", ".000 0101", "5"),
			fieldRow{2, 6, "masking key", "", "37fa213d"},
			fieldRow{6, 11, "payload (masked)", "", "7f9f4d5158"}),
	},
	{
		name: "256 bytes of binary data in a single unmasked message",
		wire: append([]byte{
			0x82,       // FIN, opcode 2 (binary)
			0x7e,       // MASK 0, length 126: a 16-bit length follows
			0x01, 0x00, // extended length 256
		}, seq(256)...),
		header:  Header{Fin: true, Op: OpBinary, Length: 256},
		payload: seq(256),
		rows: append(baseRows("1... ....", "1", ".... 0010", "2 (binary)", "0... ....", "0", ".111 1110", "126"),
			fieldRow{2, 4, "extended length (16-bit)", "", "256"},
			fieldRow{4, 260, "payload", "", "000102030405060708090a0b0c0d0e0f… (256 bytes)"}),
	},
	{
		name: "64 KiB binary data in a single unmasked message",
		wire: append([]byte{
			0x82,                                           // FIN, opcode 2 (binary)
			0x7f,                                           // MASK 0, length 127: a 64-bit length follows
			0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, // extended length 65536
		}, seq(65536)...),
		header:  Header{Fin: true, Op: OpBinary, Length: 65536},
		payload: seq(65536),
		rows: append(baseRows("1... ....", "1", ".... 0010", "2 (binary)", "0... ....", "0", ".111 1111", "127"),
			fieldRow{2, 10, "extended length (64-bit)", "", "65536"},
			fieldRow{10, 65546, "payload", "", "000102030405060708090a0b0c0d0e0f… (65536 bytes)"}),
	},
	{
		name: "close with a code and a reason",
		wire: []byte{
			0x88,       // FIN, opcode 8 (close)
			0x05,       // MASK 0, length 5
			0x03, 0xe8, // status code 1000
			'b', 'y', 'e', // reason
		},
		header:  Header{Fin: true, Op: OpClose, Length: 5},
		payload: []byte("\x03\xe8bye"),
		rows: append(baseRows("1... ....", "1", ".... 1000", "8 (close)", "0... ....", "0", ".000 0101", "5"),
			fieldRow{2, 4, "close code", "", "1000 (normal closure)"},
			fieldRow{4, 7, "close reason", "", `"bye"`}),
	},
	{
		name: "masked close with a private code and no reason",
		wire: []byte{
			0x88,                   // FIN, opcode 8 (close)
			0x82,                   // MASK 1, length 2
			0x01, 0x02, 0x03, 0x04, // masking key
			0x0e, 0xa2, // status code 4000 (0x0fa0), masked
		},
		header:  Header{Fin: true, Op: OpClose, Masked: true, Length: 2, Mask: [4]byte{1, 2, 3, 4}},
		payload: []byte{0x0f, 0xa0},
		rows: append(baseRows("1... ....", "1", ".... 1000", "8 (close)", "1... ....", "1", ".000 0010", "2"),
			fieldRow{2, 6, "masking key", "", "01020304"},
			fieldRow{6, 8, "payload (masked)", "", "0ea2"},
			fieldRow{6, 8, "close code (unmasked)", "", "4000 (private use)"}),
	},
	{
		name: "empty close",
		wire: []byte{
			0x88, // FIN, opcode 8 (close)
			0x00, // MASK 0, length 0
		},
		header: Header{Fin: true, Op: OpClose},
		rows:   baseRows("1... ....", "1", ".... 1000", "8 (close)", "0... ....", "0", ".000 0000", "0"),
	},
}

// seq returns n bytes counting up from 0, wrapping at 256.
func seq(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

func TestExplainFrame(t *testing.T) {
	for _, tt := range rfcSection57 {
		t.Run(tt.name, func(t *testing.T) {
			// Bytes after the frame belong to the next one.
			v, err := ExplainFrame(append(bytes.Clone(tt.wire), 0x81, 0x00))
			if err != nil {
				t.Fatalf("ExplainFrame: %v", err)
			}
			if v.Header != tt.header {
				t.Errorf("Header = %v, want %v", v.Header, tt.header)
			}
			if v.Size() != len(tt.wire) || v.HeaderLen != tt.header.Size() {
				t.Errorf("Size() = %d, HeaderLen = %d; want %d, %d", v.Size(), v.HeaderLen, len(tt.wire), tt.header.Size())
			}
			if !bytes.Equal(v.Payload, tt.payload) {
				t.Errorf("Payload = %q, want %q", v.Payload, tt.payload)
			}
			if !bytes.Equal(v.Wire, tt.wire[v.HeaderLen:]) {
				t.Errorf("Wire = % x, want the frame's payload bytes % x", v.Wire, tt.wire[v.HeaderLen:])
			}
			got := rowsOf(v.Fields)
			if len(got) != len(tt.rows) {
				t.Fatalf("%d fields:\n%s\nwant %d:\n%s", len(got), fmtRows(got), len(tt.rows), fmtRows(tt.rows))
			}
			for i := range got {
				if got[i] != tt.rows[i] {
					t.Errorf("field %d = %+v, want %+v", i, got[i], tt.rows[i])
				}
			}
			for _, a := range v.Fields {
				if a.Start < 0 || a.End > v.Size() || a.Start > a.End {
					t.Errorf("field %q covers %d-%d, outside the frame's %d bytes", a.Field, a.Start, a.End, v.Size())
				}
				if a.Layer != osi.Application || a.Meaning == "" {
					t.Errorf("field %q: layer %v, meaning %q; want layer 7 and a meaning", a.Field, a.Layer, a.Meaning)
				}
			}
		})
	}
}

func fmtRows(rows []fieldRow) string {
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "\t%+v\n", r)
	}
	return b.String()
}

// TestExplainFrameShort: with less than a header there is nothing to
// explain; with a whole header but a short payload the header's fields
// are explained and the error says how much payload is missing.
func TestExplainFrameShort(t *testing.T) {
	masked := rfcSection57[1].wire
	for k := range len(masked) {
		v, err := ExplainFrame(masked[:k])
		if !errors.Is(err, ErrShortHeader) {
			t.Fatalf("ExplainFrame(% x) error = %v, want ErrShortHeader", masked[:k], err)
		}
		switch {
		case k < 6 && (v.HeaderLen != 0 || v.Fields != nil):
			t.Errorf("ExplainFrame(% x) = %+v, want an empty view: the header is not whole", masked[:k], v)
		case k >= 6 && (v.HeaderLen != 6 || len(v.Fields) != 6 || v.Payload != nil):
			t.Errorf("ExplainFrame(% x) = %d-byte header, %d fields, payload %q; want the 6 header bytes in 6 fields and no payload",
				masked[:k], v.HeaderLen, len(v.Fields), v.Payload)
		}
	}
}

func TestExplainFrameTopBit(t *testing.T) {
	wire := []byte{
		0x82,                                           // FIN, opcode 2 (binary)
		0x7f,                                           // MASK 0, length 127: a 64-bit length follows
		0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, // extended length with its top bit set
	}
	if _, err := ExplainFrame(wire); !errors.Is(err, ErrLengthTopBit) {
		t.Errorf("ExplainFrame error = %v, want ErrLengthTopBit", err)
	}
}

// TestExplainFrameGolden: the explanation of section 5.7's masked "Hello"
// as the lessons print it.
func TestExplainFrameGolden(t *testing.T) {
	var out strings.Builder
	for _, tt := range rfcSection57[1:2] {
		v, err := ExplainFrame(tt.wire)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&out, "%s\n", tt.name)
		writeFrameExplanation(&out, tt.wire, v.Fields)
	}
	golden.Check(t, "testdata/explain_masked.golden", []byte(out.String()))
}

// writeFrameExplanation writes a hex dump of the wire bytes, then one line
// per field: its byte range, name, bits, the bytes it covers, its value
// and what it means.
func writeFrameExplanation(w io.Writer, wire []byte, as []osi.Annotation) {
	fmt.Fprint(w, hex.Dump(wire))
	for _, a := range as {
		bits := a.Bits
		if bits == "" {
			bits = "-"
		}
		fmt.Fprintf(w, "%3d-%-3d %-18s %-9s %-14s %-22s %s [%v]\n",
			a.Start, a.End, a.Field, bits, hex.EncodeToString(wire[a.Start:a.End]), a.Value, a.Meaning, a.Layer)
	}
}
