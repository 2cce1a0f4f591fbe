// File formats and link types: what a capture's magic number and header
// say (draft-ietf-opsawg-pcap, draft-ietf-opsawg-pcapng, tcpdump.org's
// LINKTYPE_ list).

package capture

import (
	"fmt"
	"strconv"
)

// A Kind is one of the two capture file formats.
type Kind uint8

const (
	Pcap   Kind = 1 // the classic libpcap format: one header, then records
	PcapNG Kind = 2 // pcap next generation: typed blocks, several interfaces
)

func (k Kind) String() string {
	switch k {
	case Pcap:
		return "pcap"
	case PcapNG:
		return "pcapng"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// The magic numbers, as the first four bytes read in big-endian order.
// A pcap writer stores its magic in its own byte order, so a reader on
// the other order sees the bytes reversed: that is how it learns the
// order of every other field.
const (
	pcapMicroBig    = 0xa1b2c3d4 // microsecond timestamps, big-endian writer
	pcapMicroLittle = 0xd4c3b2a1 // microsecond timestamps, little-endian writer
	pcapNanoBig     = 0xa1b23c4d // nanosecond timestamps, big-endian writer
	pcapNanoLittle  = 0x4d3cb2a1 // nanosecond timestamps, little-endian writer
	pcapKuznetsovB  = 0xa1b2cd34 // "modified" pcap (Kuznetsov's patches)
	pcapKuznetsovL  = 0x34cdb2a1
	pcapngMagic     = 0x0a0d0d0a // a pcapng section header block, in either order (a palindrome)
	pcapngBOM       = 0x1a2b3c4d // pcapng byte-order magic, inside the section header
)

// A Format is what a file's header says about every byte after it.
type Format struct {
	Kind         Kind
	Magic        uint32 // the first four bytes, read big-endian
	BigEndian    bool   // byte order of the header fields (pcapng: of the first section)
	Nanos        bool   // pcap: nanosecond timestamps (else microsecond)
	Major, Minor uint16 // format version
}

func (f Format) String() string {
	order := "little-endian"
	if f.BigEndian {
		order = "big-endian"
	}
	if f.Kind == PcapNG {
		return fmt.Sprintf("pcapng %d.%d, %s (magic 0x%08x)", f.Major, f.Minor, order, f.Magic)
	}
	res := "microsecond"
	if f.Nanos {
		res = "nanosecond"
	}
	return fmt.Sprintf("pcap %d.%d, %s timestamps, %s (magic 0x%08x)", f.Major, f.Minor, res, order, f.Magic)
}

// linkName names a link type as tcpdump.org's list does, with what its
// header holds.
func linkName(l LinkType) string {
	switch l {
	case LinkNull:
		return "NULL (BSD loopback)"
	case LinkEthernet:
		return "ETHERNET"
	case LinkRaw:
		return "RAW (bare IPv4 or IPv6)"
	case LinkLoop:
		return "LOOP (OpenBSD loopback)"
	case LinkSLL:
		return "LINUX_SLL (Linux cooked)"
	case LinkIPv4:
		return "IPV4 (bare IPv4)"
	case LinkIPv6:
		return "IPV6 (bare IPv6)"
	case LinkSLL2:
		return "LINUX_SLL2 (Linux cooked v2)"
	}
	return "unknown"
}

// linkString is a link type's number and name: "1 (ETHERNET)".
func linkString(l LinkType) string {
	return strconv.Itoa(int(l)) + " (" + linkName(l) + ")"
}
