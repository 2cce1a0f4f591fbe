// Segmentation: cutting a message into segments for a maximum segment size
// (the MSS of RFC 9293, section 3.7.1).

package packets

import "fmt"

// SplitSegments cuts msg into segments of at most mss payload bytes each:
// segment i carries bytes [i·mss, (i+1)·mss) of the message, its sequence
// number is the offset of its first byte, and the last one has FlagFIN. An
// empty message is one empty segment with FlagFIN, so that the receiver
// still learns where it ends. The payloads share msg's memory.
func SplitSegments(msg []byte, mss int) ([]Segment, error) {
	if mss < 1 || mss > MaxSegmentPayload {
		return nil, fmt.Errorf("split message: MSS %d: %w", mss, ErrBadMSS)
	}
	if int64(len(msg)) > MaxMessage {
		return nil, fmt.Errorf("split message: %d bytes: %w", len(msg), ErrMessageTooLong)
	}
	segs := make([]Segment, 0, len(msg)/mss+1)
	for off := 0; ; off += mss {
		end := min(off+mss, len(msg))
		s := Segment{Seq: uint32(off), Payload: msg[off:end:end]}
		if end == len(msg) {
			s.Flags = FlagFIN
			return append(segs, s), nil
		}
		segs = append(segs, s)
	}
}
