// Sentinel errors of IPv4 fragmentation and reassembly, one per rule.

package packets

import (
	"errors"
	"fmt"
)

// Errors about an IPv4 header (RFC 791, section 3.1). A packet that breaks
// one of these rules is refused before anything else looks at it.
var (
	ErrIPv4Truncated   = errors.New("packets: IPv4 packet shorter than its header says")
	ErrNotIPv4         = errors.New("packets: not an IPv4 packet (version is not 4)")
	ErrIPv4IHL         = errors.New("packets: IPv4 header length (IHL) below 5 words (20 bytes)")
	ErrIPv4TotalLength = errors.New("packets: IPv4 total length smaller than its own header")
	ErrIPv4Checksum    = errors.New("packets: IPv4 header checksum is wrong")
	ErrIPv4Options     = errors.New("packets: IPv4 options are malformed")
	ErrIPv4Address     = errors.New("packets: address is not an IPv4 address")
)

// Errors of fragmentation, as a router meets them (RFC 791, section 3.2).
var (
	ErrMTUTooSmall  = errors.New("packets: MTU below 68 bytes, which every IPv4 link must carry (RFC 791)")
	ErrDontFragment = errors.New("packets: datagram larger than the MTU has Don't Fragment set: " +
		`a router drops it and answers with ICMP "fragmentation needed" (type 3, code 4)`)
)

// Errors of reassembly. ErrDatagramTooBig, ErrFragmentOverlap,
// ErrFragmentConflict and ErrFragmentEnd drop the whole datagram; the
// others refuse only the fragment at hand (see IPv4Reassembler).
var (
	ErrDatagramTooBig     = errors.New("packets: datagram would be longer than 65,535 bytes, the most Total Length can say")
	ErrEmptyFragment      = errors.New("packets: fragment carries no data")
	ErrFragmentNotAligned = errors.New("packets: a fragment other than the last carries a length that is not a multiple of 8 bytes")
	ErrFragmentOverlap    = errors.New("packets: fragment overlaps bytes of the datagram already held")
	ErrFragmentConflict   = errors.New("packets: fragment repeats bytes already held, with different values")
	ErrFragmentEnd        = errors.New("packets: fragments disagree about where the datagram ends")
	ErrReassemblyMemory   = errors.New("packets: reassembly memory is full")
)

// A FragmentError says which fragment an IPv4Reassembler refused, why, and
// whether the datagram it belonged to was dropped with it.
type FragmentError struct {
	Key       FragmentKey
	Offset    int  // the fragment's first data byte in the datagram (Fragment Offset × 8)
	Len       int  // its data bytes
	Dropped   bool // the whole datagram was dropped, not only this fragment
	Discarded int  // fragments already held for the datagram and discarded with it
	Err       error
}

func (e *FragmentError) Error() string {
	msg := fmt.Sprintf("fragment of %s, data bytes %d–%d: %v", e.Key, e.Offset, e.Offset+e.Len-1, e.Err)
	if e.Len == 0 {
		msg = fmt.Sprintf("fragment of %s at data byte %d: %v", e.Key, e.Offset, e.Err)
	}
	switch {
	case e.Dropped && e.Discarded > 0:
		msg += fmt.Sprintf("; datagram dropped with the %s held for it", fragPlural(e.Discarded, "fragment"))
	case e.Dropped:
		msg += "; datagram dropped"
	default:
		msg += "; fragment refused"
	}
	return msg
}

func (e *FragmentError) Unwrap() error { return e.Err }

func fragPlural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}
