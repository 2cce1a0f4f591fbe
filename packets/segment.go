// The segment: netlab's own small teaching wire format for a piece of a
// message, modelled on the TCP header (RFC 9293, section 3.1) but smaller.

package packets

import (
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
)

// A segment is a 12-byte header of fixed-size big-endian fields, then the
// payload. It is netlab's own format, not TCP: it keeps only what
// segmentation, reassembly and acknowledgement need, so a student can read
// every byte.
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                        Sequence Number                        |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                     Acknowledgment Number                     |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|            Length             |             Flags             |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                         Payload ...
//
// Sequence numbers are plain byte offsets in the message, from 0. TCP's
// count modulo 2^32 from a random initial sequence number (RFC 9293,
// section 3.4.1); this format does not wrap, so a message holds at most
// MaxMessage bytes.
const (
	offSeq    = 0  // 4 bytes: offset in the message of the payload's first byte
	offAck    = 4  // 4 bytes: with FlagACK, the next byte the receiver expects
	offLength = 8  // 2 bytes: payload length
	offFlags  = 10 // 2 bytes: FlagFIN, FlagACK; the other bits are reserved

	// SegmentHeaderLen is the size of a segment's header.
	SegmentHeaderLen = 12
	// MaxSegmentPayload is the largest payload the 16-bit length can say.
	MaxSegmentPayload = 1<<16 - 1
	// MaxMessage is the longest message sequence numbers can count: the
	// end of every segment, Seq+Length, is at most this.
	MaxMessage = 1<<32 - 1
)

// Flags are a segment's control bits. The values are TCP's (RFC 9293,
// section 3.1) for the two this format keeps.
type Flags uint16

const (
	// FlagFIN marks the segment that ends the message: its last byte is
	// the message's last byte. Unlike TCP's FIN it takes no sequence number.
	FlagFIN Flags = 0x0001
	// FlagACK says the acknowledgement number is valid.
	FlagACK Flags = 0x0010

	flagsKnown = FlagFIN | FlagACK
)

// String names the flags set, as Wireshark does: "FIN, ACK", or "none".
func (f Flags) String() string {
	var names []string
	if f&FlagFIN != 0 {
		names = append(names, "FIN")
	}
	if f&FlagACK != 0 {
		names = append(names, "ACK")
	}
	if rest := f &^ flagsKnown; rest != 0 {
		names = append(names, fmt.Sprintf("reserved 0x%04x", uint16(rest)))
	}
	if len(names) == 0 {
		return "none"
	}
	return strings.Join(names, ", ")
}

// A Segment is one piece of a message, or an acknowledgement.
type Segment struct {
	Seq     uint32 // offset in the message of Payload's first byte
	Ack     uint32 // with FlagACK: every byte before Ack has arrived
	Flags   Flags
	Payload []byte
}

// End is the offset just past the segment's payload.
func (s Segment) End() int64 { return int64(s.Seq) + int64(len(s.Payload)) }

// Len is the segment's size on the wire, header included.
func (s Segment) Len() int { return SegmentHeaderLen + len(s.Payload) }

// String sums the segment up in one line: "seq 40–79 (40 bytes)",
// "seq 280–299 (20 bytes) FIN", "ACK 120".
func (s Segment) String() string {
	var parts []string
	switch n := len(s.Payload); {
	case n > 0:
		parts = append(parts, fmt.Sprintf("seq %d–%d (%s)", s.Seq, s.End()-1, plural(n, "byte")))
	case s.Flags&FlagACK == 0:
		parts = append(parts, fmt.Sprintf("seq %d (no bytes)", s.Seq))
	}
	if s.Flags&FlagFIN != 0 && s.Flags&FlagACK == 0 {
		parts = append(parts, "FIN")
	}
	if s.Flags&FlagACK != 0 {
		ack := fmt.Sprintf("ACK %d", s.Ack)
		if s.Flags&FlagFIN != 0 {
			ack += " FIN"
		}
		parts = append(parts, ack)
	}
	return strings.Join(parts, " ")
}

// check reports the first rule the segment breaks, for Append.
func (s Segment) check() error {
	switch {
	case len(s.Payload) > MaxSegmentPayload:
		return fmt.Errorf("%d bytes: %w", len(s.Payload), ErrSegmentTooLong)
	case s.End() > MaxMessage:
		return fmt.Errorf("seq %d + %d bytes: %w", s.Seq, len(s.Payload), ErrSegmentOverflow)
	case s.Flags&^flagsKnown != 0:
		return fmt.Errorf("flags 0x%04x: %w", uint16(s.Flags), ErrSegmentFlags)
	}
	return nil
}

// Append appends the segment's wire form to dst.
func (s Segment) Append(dst []byte) ([]byte, error) {
	if err := s.check(); err != nil {
		return dst, fmt.Errorf("encode segment: %w", err)
	}
	dst = binary.BigEndian.AppendUint32(dst, s.Seq)
	dst = binary.BigEndian.AppendUint32(dst, s.Ack)
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(s.Payload)))
	dst = binary.BigEndian.AppendUint16(dst, uint16(s.Flags))
	return append(dst, s.Payload...), nil
}

// Encode returns the segment's wire form.
func (s Segment) Encode() ([]byte, error) {
	return s.Append(make([]byte, 0, s.Len()))
}

// DecodeSegment parses one whole segment: b holds exactly its header and
// payload, as a datagram does. The returned Payload shares b's memory.
// The steps, each with its error:
//
//  1. At least 12 bytes, the header (ErrSegmentShort).
//  2. The length field equals the bytes after the header (ErrSegmentLength).
//  3. No reserved flag bit is set (ErrSegmentFlags).
//  4. Seq + Length is at most MaxMessage (ErrSegmentOverflow).
func DecodeSegment(b []byte) (Segment, error) {
	if len(b) < SegmentHeaderLen {
		return Segment{}, fmt.Errorf("decode segment: %d bytes: %w", len(b), ErrSegmentShort)
	}
	n := int(binary.BigEndian.Uint16(b[offLength:]))
	if n != len(b)-SegmentHeaderLen {
		return Segment{}, fmt.Errorf("decode segment: length field %d, %d bytes follow the header: %w",
			n, len(b)-SegmentHeaderLen, ErrSegmentLength)
	}
	s := Segment{
		Seq:     binary.BigEndian.Uint32(b[offSeq:]),
		Ack:     binary.BigEndian.Uint32(b[offAck:]),
		Flags:   Flags(binary.BigEndian.Uint16(b[offFlags:])),
		Payload: b[SegmentHeaderLen:],
	}
	if s.Flags&^flagsKnown != 0 {
		return Segment{}, fmt.Errorf("decode segment: flags 0x%04x: %w", uint16(s.Flags), ErrSegmentFlags)
	}
	if s.End() > MaxMessage {
		return Segment{}, fmt.Errorf("decode segment: seq %d + %d bytes: %w", s.Seq, n, ErrSegmentOverflow)
	}
	return s, nil
}

// plural says "1 byte", "2 bytes".
func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return strconv.Itoa(n) + " " + unit + "s"
}
