// Explaining a segment field by field, for lessons and the JSON trace.

package packets

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"unicode/utf8"

	"netlab/osi"
)

// ExplainSegment labels every field of the segment in b, in OSI layer 4,
// with offsets from b's first byte. When b holds a whole header but breaks
// a rule of DecodeSegment, it returns the header's labels and the error;
// with less than a header, only the error.
func ExplainSegment(b []byte) ([]osi.Annotation, error) {
	if len(b) < SegmentHeaderLen {
		return nil, fmt.Errorf("explain segment: %d bytes: %w", len(b), ErrSegmentShort)
	}
	seq := binary.BigEndian.Uint32(b[offSeq:])
	ack := binary.BigEndian.Uint32(b[offAck:])
	n := binary.BigEndian.Uint16(b[offLength:])
	flags := Flags(binary.BigEndian.Uint16(b[offFlags:]))
	l4 := osi.Transport

	ackMeaning := "not used: the ACK flag is clear"
	if flags&FlagACK != 0 {
		ackMeaning = fmt.Sprintf("cumulative: the receiver has every byte before %d and expects byte %d next", ack, ack)
	}
	seqMeaning := fmt.Sprintf("the payload's first byte is byte %d of the message", seq)
	switch {
	case n == 0 && flags&FlagFIN != 0 && flags&FlagACK == 0:
		seqMeaning = fmt.Sprintf("no payload: the message ends at byte %d", seq)
	case n == 0:
		seqMeaning = "no payload, so no bytes to place"
	}
	finMeaning := "1: this segment holds the message's last byte"
	if flags&FlagACK != 0 {
		finMeaning = "1 in an ACK: the receiver has the whole message"
	}
	out := []osi.Annotation{
		{Start: offSeq, End: offSeq + 4, Field: "sequence number", Value: strconv.FormatUint(uint64(seq), 10),
			Meaning: seqMeaning, Layer: l4},
		{Start: offAck, End: offAck + 4, Field: "acknowledgment", Value: strconv.FormatUint(uint64(ack), 10),
			Meaning: ackMeaning, Layer: l4},
		{Start: offLength, End: offLength + 2, Field: "length", Value: strconv.Itoa(int(n)),
			Meaning: "payload bytes after this 12-byte header", Layer: l4},
		{Start: offFlags, End: offFlags + 2, Field: "reserved", Bits: osi.Bits(uint64(flags), uint64(^flagsKnown), 16),
			Value: strconv.Itoa(int(flags &^ flagsKnown)), Meaning: "must be 0", Layer: l4},
		{Start: offFlags, End: offFlags + 2, Field: "ACK", Bits: osi.Bits(uint64(flags), uint64(FlagACK), 16),
			Value: flagValue(flags, FlagACK), Meaning: "1: the acknowledgment number is valid", Layer: l4},
		{Start: offFlags, End: offFlags + 2, Field: "FIN", Bits: osi.Bits(uint64(flags), uint64(FlagFIN), 16),
			Value: flagValue(flags, FlagFIN), Meaning: finMeaning, Layer: l4},
	}
	if payload := b[SegmentHeaderLen:]; len(payload) > 0 {
		end := int64(seq) + int64(len(payload)) - 1
		out = append(out, osi.Annotation{Start: SegmentHeaderLen, End: len(b), Field: "payload",
			Value: describeBytes(payload), Meaning: fmt.Sprintf("bytes %d–%d of the message", seq, end), Layer: l4})
	}
	_, err := DecodeSegment(b)
	if err != nil {
		err = fmt.Errorf("explain segment: %w", err)
	}
	return out, err
}

func flagValue(f, bit Flags) string {
	if f&bit != 0 {
		return "1"
	}
	return "0"
}

// describeBytes shows text as quoted text, anything else as hex.
func describeBytes(b []byte) string {
	if utf8.Valid(b) {
		return strconv.Quote(string(b))
	}
	const max = 16
	if len(b) <= max {
		return hex.EncodeToString(b)
	}
	return hex.EncodeToString(b[:max]) + "…"
}
