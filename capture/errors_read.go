// Errors of the capture reader, one per rule a file can break.

package capture

import (
	"errors"
	"fmt"
)

// The rules a capture file can break. A reading error wraps one of these in
// a *ReadError that names the byte offset and the packet.
var (
	ErrBadMagic       = errors.New("capture: not a pcap or pcapng file (unknown magic number)")
	ErrCompressed     = errors.New("capture: the file is gzip-compressed; decompress it first (gunzip)")
	ErrBadVersion     = errors.New("capture: unsupported format version")
	ErrTruncated      = errors.New("capture: the file ends in the middle of a header or a packet")
	ErrSnapLen        = errors.New("capture: packet longer than the snapshot length")
	ErrTooLarge       = errors.New("capture: length larger than any capture tool writes")
	ErrBadRecord      = errors.New("capture: impossible values in a packet header (garbage in the file?)")
	ErrBadBlockLength = errors.New("capture: invalid pcapng block length")
	ErrBadByteOrder   = errors.New("capture: pcapng section header with an unknown byte-order magic")
	ErrBadOption      = errors.New("capture: malformed pcapng option")
	ErrNoInterface    = errors.New("capture: packet on an interface its section did not describe")
	ErrUnknownStream  = errors.New("capture: no TCP stream with that index")
)

// A ReadError says where a capture file broke a rule: the byte offset of
// the problem, and the packet being read (numbered from 1, as Wireshark
// numbers frames; 0 while reading the file header). Packets before it
// were read whole.
type ReadError struct {
	Offset int64  // byte offset in the file where the problem is
	Packet int    // the packet being read; 0: the file header
	Record int64  // byte offset where the record or block holding the problem starts
	What   string // that record or block, such as "record header" or "enhanced packet block"
	Err    error
}

func (e *ReadError) Error() string {
	if e.Packet == 0 && e.What != "" {
		return fmt.Sprintf("byte %d, in the file header (%s): %v", e.Offset, e.What, e.Err)
	}
	if e.Packet == 0 {
		return fmt.Sprintf("byte %d, in the file header: %v", e.Offset, e.Err)
	}
	return fmt.Sprintf("byte %d, reading packet %d (%s starting at byte %d): %v",
		e.Offset, e.Packet, e.What, e.Record, e.Err)
}

func (e *ReadError) Unwrap() error { return e.Err }
