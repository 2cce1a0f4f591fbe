// Errors of segmentation, the segment format, the reassembler and the
// reliable transfer: one sentinel per rule.

package packets

import "errors"

// The segment format (segment.go). DecodeSegment returns these, wrapped.
var (
	ErrSegmentShort    = errors.New("packets: fewer bytes than a segment header (12)")
	ErrSegmentLength   = errors.New("packets: the segment's length field does not match the bytes after its header")
	ErrSegmentFlags    = errors.New("packets: the segment sets a reserved flag bit")
	ErrSegmentOverflow = errors.New("packets: sequence number plus length exceeds 2^32-1, the longest message")
	ErrSegmentTooLong  = errors.New("packets: a segment's payload is longer than 65535 bytes")
	ErrBadMSS          = errors.New("packets: the MSS must be from 1 to 65535 bytes")
	ErrMessageTooLong  = errors.New("packets: the message is longer than 2^32-1 bytes, more than sequence numbers can count")
)

// The reassembler (reassembler.go). A refused piece changes nothing.
var (
	ErrPieceOffset      = errors.New("packets: a piece's offset or length is negative or past the largest allowed message")
	ErrBufferLimit      = errors.New("packets: the piece would take the bytes buffered past the reassembler's limit")
	ErrPastEnd          = errors.New("packets: the piece lies past the end of the message, which an earlier piece marked")
	ErrEndMismatch      = errors.New("packets: the piece marks the message's end, which disagrees with bytes or an end already received")
	ErrReassemblyGaveUp = errors.New("packets: the reassembler gave up: the message was not complete before its timeout")
	ErrIncomplete       = errors.New("packets: the message still has holes")
)

// The simulated network (netsim.go).
var ErrSimulatedConditions = errors.New("packets: a simulated network percentage is outside 0-100, or a time is negative")

// The reliable transfer (reliable.go).
var (
	ErrTransferConfig = errors.New("packets: the transfer's configuration is out of range")
	ErrTransferGaveUp = errors.New("packets: the sender gave up: the message was not acknowledged before the time limit")
)
