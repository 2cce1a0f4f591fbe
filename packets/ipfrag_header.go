// The IPv4 header (RFC 791, section 3.1): field offsets, flags, checksum.

package packets

import (
	"encoding/binary"
	"fmt"
	"net/netip"
)

// Offsets of the IPv4 header's fields, in bytes from its start, named as
// in RFC 791's figure 4:
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|Version|  IHL  |Type of Service|          Total Length         |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|         Identification        |Flags|      Fragment Offset    |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|  Time to Live |    Protocol   |         Header Checksum       |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                       Source Address                          |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                    Destination Address                        |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//	|                    Options                    |    Padding    |
//	+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// The Type of Service byte is now DSCP (6 bits, RFC 2474) and ECN (2
// bits, RFC 3168).
const (
	ipv4VersionIHL      = 0  // Version (high 4 bits), IHL (low 4 bits)
	ipv4TypeOfService   = 1  // DSCP, ECN
	ipv4TotalLength     = 2  // 2 bytes
	ipv4Identification  = 4  // 2 bytes
	ipv4FlagsFragOffset = 6  // 3 bits of flags, 13 bits of offset
	ipv4TimeToLive      = 8  // 1 byte
	ipv4Protocol        = 9  // 1 byte
	ipv4HeaderChecksum  = 10 // 2 bytes
	ipv4SourceAddress   = 12 // 4 bytes
	ipv4DestAddress     = 16 // 4 bytes
	ipv4Options         = 20 // up to 40 bytes, to the end of the header
)

// Sizes and limits.
const (
	ipv4MinHeader = 20    // IHL 5
	ipv4MaxHeader = 60    // IHL 15
	ipv4MaxLength = 65535 // the largest Total Length
	fragmentUnit  = 8     // Fragment Offset counts 8-byte units

	// MinMTU is the smallest MTU an IPv4 link may have. RFC 791, section
	// 3.2:
	//
	//	Every internet module must be able to forward a datagram of 68
	//	octets without further fragmentation.  This is because an internet
	//	header may be up to 60 octets, and the minimum fragment is 8 octets.
	MinMTU = 68
)

// The bits of the 16-bit Flags and Fragment Offset word. RFC 791, section
// 3.1:
//
//	Bit 0: reserved, must be zero
//	Bit 1: (DF) 0 = May Fragment,  1 = Don't Fragment.
//	Bit 2: (MF) 0 = Last Fragment, 1 = More Fragments.
const (
	flagReserved   = 0x8000
	flagDontFrag   = 0x4000
	flagMoreFrags  = 0x2000
	fragOffsetMask = 0x1fff
)

// IP protocol numbers this package names (IANA "Assigned Internet Protocol
// Numbers").
const (
	ipProtoICMP = 1
	ipProtoTCP  = 6
	ipProtoUDP  = 17
)

// ipv4Header is a parsed IPv4 header. Lengths and offsets are in bytes.
type ipv4Header struct {
	ihl       int // header length in bytes (IHL × 4)
	totalLen  int
	id        uint16
	reserved  bool
	df, mf    bool
	offset    int // Fragment Offset × 8
	ttl       uint8
	protocol  uint8
	src, dst  netip.Addr
	flagsWord uint16
}

// parseIPv4 reads and checks an IPv4 header: version 4, IHL at least 5,
// the whole header and Total Length's bytes present. It does not check the
// checksum. Bytes after Total Length (link-layer padding) are ignored.
func parseIPv4(b []byte) (ipv4Header, error) {
	var h ipv4Header
	if len(b) < ipv4MinHeader {
		return h, fmt.Errorf("%d bytes, fewer than the 20 of a minimal header: %w", len(b), ErrIPv4Truncated)
	}
	if v := b[ipv4VersionIHL] >> 4; v != 4 {
		return h, fmt.Errorf("version %d: %w", v, ErrNotIPv4)
	}
	h.ihl = int(b[ipv4VersionIHL]&0x0f) * 4
	if h.ihl < ipv4MinHeader {
		return h, fmt.Errorf("IHL %d: %w", h.ihl/4, ErrIPv4IHL)
	}
	if h.ihl > len(b) {
		return h, fmt.Errorf("header of %d bytes in %d: %w", h.ihl, len(b), ErrIPv4Truncated)
	}
	h.totalLen = int(binary.BigEndian.Uint16(b[ipv4TotalLength:]))
	if h.totalLen < h.ihl {
		return h, fmt.Errorf("total length %d, header %d: %w", h.totalLen, h.ihl, ErrIPv4TotalLength)
	}
	if h.totalLen > len(b) {
		return h, fmt.Errorf("total length %d, but only %d bytes: %w", h.totalLen, len(b), ErrIPv4Truncated)
	}
	h.id = binary.BigEndian.Uint16(b[ipv4Identification:])
	h.flagsWord = binary.BigEndian.Uint16(b[ipv4FlagsFragOffset:])
	h.reserved = h.flagsWord&flagReserved != 0
	h.df = h.flagsWord&flagDontFrag != 0
	h.mf = h.flagsWord&flagMoreFrags != 0
	h.offset = int(h.flagsWord&fragOffsetMask) * fragmentUnit
	h.ttl = b[ipv4TimeToLive]
	h.protocol = b[ipv4Protocol]
	h.src = netip.AddrFrom4([4]byte(b[ipv4SourceAddress : ipv4SourceAddress+4]))
	h.dst = netip.AddrFrom4([4]byte(b[ipv4DestAddress : ipv4DestAddress+4]))
	return h, nil
}

// isFragment says whether the packet is a piece of a larger datagram.
// RFC 791, section 3.2: "an unfragmented datagram has all zero
// fragmentation information (MF = 0, fragment offset = 0)".
func (h ipv4Header) isFragment() bool { return h.mf || h.offset != 0 }

// ipv4Checksum is the Internet checksum (RFC 1071) of b. RFC 791, section
// 3.1:
//
//	The checksum field is the 16 bit one's complement of the one's
//	complement sum of all 16 bit words in the header.  For purposes of
//	computing the checksum, the value of the checksum field is zero.
//
// Over a header that holds its checksum, the result is 0 when it is right.
func ipv4Checksum(b []byte) uint16 {
	return ^ChecksumFold(ChecksumAdd(0, b))
}

// ChecksumAdd adds b, as big-endian 16-bit words, to the running sum of an
// Internet checksum (RFC 1071); an odd last byte is padded with a zero.
// Sums over several pieces (a pseudo-header, a header, a payload) add up.
func ChecksumAdd(sum uint32, b []byte) uint32 {
	for len(b) >= 2 {
		sum += uint32(b[0])<<8 | uint32(b[1])
		b = b[2:]
	}
	if len(b) == 1 {
		sum += uint32(b[0]) << 8
	}
	return sum
}

// ChecksumFold folds the carries of a ChecksumAdd sum into 16 bits: 0xffff
// over data that holds its own right checksum, whose complement is the
// checksum to write.
func ChecksumFold(sum uint32) uint16 {
	for sum > 0xffff {
		sum = sum>>16 + sum&0xffff
	}
	return uint16(sum)
}

// setIPv4Checksum writes the right checksum into the header hdr.
func setIPv4Checksum(hdr []byte) {
	hdr[ipv4HeaderChecksum], hdr[ipv4HeaderChecksum+1] = 0, 0
	binary.BigEndian.PutUint16(hdr[ipv4HeaderChecksum:], ipv4Checksum(hdr))
}

// protocolName names an IP protocol number.
func protocolName(p uint8) string {
	switch p {
	case ipProtoICMP:
		return "ICMP"
	case ipProtoTCP:
		return "TCP"
	case ipProtoUDP:
		return "UDP"
	}
	return fmt.Sprintf("protocol %d", p)
}
