package packets

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"testing"

	"netlab/osi"
)

func TestDecodeSegment(t *testing.T) {
	tests := []struct {
		name string
		wire []byte
		want Segment
		err  error
	}{
		{
			name: "data",
			wire: []byte{
				0x00, 0x00, 0x00, 0x28, // sequence number 40
				0x00, 0x00, 0x00, 0x00, // acknowledgment (unused: no ACK flag)
				0x00, 0x03, // length 3
				0x00, 0x00, // flags: none
				'a', 'b', 'c', // payload
			},
			want: Segment{Seq: 40, Payload: []byte("abc")},
		},
		{
			name: "last piece",
			wire: []byte{
				0x00, 0x00, 0x01, 0x18, // sequence number 280
				0x00, 0x00, 0x00, 0x00, // acknowledgment
				0x00, 0x02, // length 2
				0x00, 0x01, // flags: FIN
				'y', 'z',
			},
			want: Segment{Seq: 280, Flags: FlagFIN, Payload: []byte("yz")},
		},
		{
			name: "ACK",
			wire: []byte{
				0x00, 0x00, 0x00, 0x00, // sequence number
				0x00, 0x00, 0x01, 0x2c, // acknowledgment 300
				0x00, 0x00, // length 0
				0x00, 0x11, // flags: ACK, FIN
			},
			want: Segment{Ack: 300, Flags: FlagACK | FlagFIN, Payload: []byte{}},
		},
		{name: "empty", wire: nil, err: ErrSegmentShort},
		{name: "11 bytes", wire: make([]byte, 11), err: ErrSegmentShort},
		{
			name: "length says more than follows",
			wire: []byte{
				0x00, 0x00, 0x00, 0x00, // sequence number
				0x00, 0x00, 0x00, 0x00, // acknowledgment
				0x00, 0x05, // length 5
				0x00, 0x00, // flags
				'a', 'b', // only 2 bytes
			},
			err: ErrSegmentLength,
		},
		{
			name: "trailing bytes",
			wire: []byte{
				0x00, 0x00, 0x00, 0x00, // sequence number
				0x00, 0x00, 0x00, 0x00, // acknowledgment
				0x00, 0x00, // length 0
				0x00, 0x00, // flags
				'x',
			},
			err: ErrSegmentLength,
		},
		{
			name: "reserved flag",
			wire: []byte{
				0x00, 0x00, 0x00, 0x00, // sequence number
				0x00, 0x00, 0x00, 0x00, // acknowledgment
				0x00, 0x00, // length 0
				0x00, 0x02, // flags: TCP's SYN bit, reserved here
			},
			err: ErrSegmentFlags,
		},
		{
			name: "ends past 2^32-1",
			wire: []byte{
				0xff, 0xff, 0xff, 0xff, // sequence number 2^32-1
				0x00, 0x00, 0x00, 0x00, // acknowledgment
				0x00, 0x01, // length 1
				0x00, 0x00, // flags
				'x',
			},
			err: ErrSegmentOverflow,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := DecodeSegment(tt.wire)
			if !errors.Is(err, tt.err) {
				t.Fatalf("DecodeSegment error = %v, want %v", err, tt.err)
			}
			if err != nil {
				return
			}
			if got.Seq != tt.want.Seq || got.Ack != tt.want.Ack || got.Flags != tt.want.Flags || !bytes.Equal(got.Payload, tt.want.Payload) {
				t.Errorf("DecodeSegment = %+v, want %+v", got, tt.want)
			}
			back, err := got.Encode()
			if err != nil || !bytes.Equal(back, tt.wire) {
				t.Errorf("Encode = % x, %v; want % x", back, err, tt.wire)
			}
		})
	}
}

func TestEncodeRefuses(t *testing.T) {
	tests := []struct {
		name string
		seg  Segment
		err  error
	}{
		{"payload over 65535", Segment{Payload: make([]byte, MaxSegmentPayload+1)}, ErrSegmentTooLong},
		{"ends past 2^32-1", Segment{Seq: MaxMessage, Payload: []byte{1}}, ErrSegmentOverflow},
		{"reserved flag", Segment{Flags: 0x0100}, ErrSegmentFlags},
	}
	for _, tt := range tests {
		if _, err := tt.seg.Encode(); !errors.Is(err, tt.err) {
			t.Errorf("%s: Encode error = %v, want %v", tt.name, err, tt.err)
		}
	}
}

func TestSegmentString(t *testing.T) {
	tests := []struct {
		seg  Segment
		want string
	}{
		{Segment{Seq: 40, Payload: make([]byte, 40)}, "seq 40–79 (40 bytes)"},
		{Segment{Seq: 280, Flags: FlagFIN, Payload: make([]byte, 20)}, "seq 280–299 (20 bytes) FIN"},
		{Segment{Flags: FlagFIN}, "seq 0 (no bytes) FIN"},
		{Segment{Ack: 120, Flags: FlagACK}, "ACK 120"},
		{Segment{Ack: 300, Flags: FlagACK | FlagFIN}, "ACK 300 FIN"},
	}
	for _, tt := range tests {
		if got := tt.seg.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
	if got := (FlagFIN | FlagACK | 0x8000).String(); got != "FIN, ACK, reserved 0x8000" {
		t.Errorf("Flags.String() = %q", got)
	}
	if got := Flags(0).String(); got != "none" {
		t.Errorf("Flags(0).String() = %q", got)
	}
}

func TestSplitSegments(t *testing.T) {
	tests := []struct {
		name string
		msg  string
		mss  int
		want []string // each segment as String() prints it
	}{
		{"exact multiple", "abcdef", 3, []string{"seq 0–2 (3 bytes)", "seq 3–5 (3 bytes) FIN"}},
		{"short last", "abcdefg", 3, []string{"seq 0–2 (3 bytes)", "seq 3–5 (3 bytes)", "seq 6–6 (1 byte) FIN"}},
		{"one segment", "ab", 40, []string{"seq 0–1 (2 bytes) FIN"}},
		{"empty message", "", 40, []string{"seq 0 (no bytes) FIN"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			segs, err := SplitSegments([]byte(tt.msg), tt.mss)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			var joined []byte
			for _, s := range segs {
				got = append(got, s.String())
				joined = append(joined, s.Payload...)
			}
			if strings.Join(got, "; ") != strings.Join(tt.want, "; ") {
				t.Errorf("segments %q, want %q", got, tt.want)
			}
			if string(joined) != tt.msg {
				t.Errorf("payloads join to %q, want %q", joined, tt.msg)
			}
		})
	}
	for _, mss := range []int{0, -1, MaxSegmentPayload + 1} {
		if _, err := SplitSegments([]byte("x"), mss); !errors.Is(err, ErrBadMSS) {
			t.Errorf("SplitSegments(MSS %d) error = %v, want ErrBadMSS", mss, err)
		}
	}
}

// TestSplitDoesNotAlias: appending to a segment's payload must not write
// over the next segment's bytes.
func TestSplitDoesNotAlias(t *testing.T) {
	msg := []byte("abcdef")
	segs, _ := SplitSegments(msg, 3)
	_ = append(segs[0].Payload, 'X')
	if string(msg) != "abcdef" {
		t.Errorf("message became %q", msg)
	}
}

func TestExplainSegment(t *testing.T) {
	seg := Segment{Seq: 40, Payload: []byte("hello")}
	wire, _ := seg.Encode()
	fields, err := ExplainSegment(wire)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		start, end   int
		field, value string
	}{
		{0, 4, "sequence number", "40"},
		{4, 8, "acknowledgment", "0"},
		{8, 10, "length", "5"},
		{10, 12, "reserved", "0"},
		{10, 12, "ACK", "0"},
		{10, 12, "FIN", "0"},
		{12, 17, "payload", `"hello"`},
	}
	if len(fields) != len(want) {
		t.Fatalf("%d fields, want %d: %+v", len(fields), len(want), fields)
	}
	for i, w := range want {
		f := fields[i]
		if f.Start != w.start || f.End != w.end || f.Field != w.field || f.Value != w.value || f.Layer != osi.Transport {
			t.Errorf("field %d = %+v, want %+v in layer 4", i, f, w)
		}
	}
	if got := fields[5].Bits; got != ".... .... .... ...0" {
		t.Errorf("FIN bits = %q", got)
	}

	if _, err := ExplainSegment(wire[:5]); !errors.Is(err, ErrSegmentShort) {
		t.Errorf("ExplainSegment(5 bytes) error = %v, want ErrSegmentShort", err)
	}
	fields, err = ExplainSegment(wire[:14])
	if !errors.Is(err, ErrSegmentLength) || len(fields) != 7 || fields[6].End != 14 {
		t.Errorf("ExplainSegment(cut payload) = %d fields, %v; want the header's labels and ErrSegmentLength", len(fields), err)
	}
}

func ExampleSplitSegments() {
	segs, _ := SplitSegments([]byte("a message cut into pieces"), 10)
	for _, s := range segs {
		wire, _ := s.Encode()
		fmt.Printf("%-28v % x | %q\n", s, wire[:SegmentHeaderLen], s.Payload)
	}
	// Output:
	// seq 0–9 (10 bytes)           00 00 00 00 00 00 00 00 00 0a 00 00 | "a message "
	// seq 10–19 (10 bytes)         00 00 00 0a 00 00 00 00 00 0a 00 00 | "cut into p"
	// seq 20–24 (5 bytes) FIN      00 00 00 14 00 00 00 00 00 05 00 01 | "ieces"
}
