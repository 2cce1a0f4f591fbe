// Explaining an IPv4 header field by field (RFC 791, section 3.1), and the
// UDP header (RFC 768) a first fragment carries.

package packets

import (
	"encoding/binary"
	"fmt"
	"net/netip"
	"strings"

	"netlab/osi"
)

// ExplainIPv4 labels every field of an IPv4 packet, fragment or whole,
// with or without options: version, IHL, DSCP and ECN, total length,
// identification, the three flag bits, fragment offset, TTL, protocol,
// header checksum (checked), addresses, each option, and the data. When
// the packet holds the start of a UDP datagram (fragment offset 0), the
// UDP header is labelled too, at layer 4. Bytes after Total Length are
// labelled as a link-layer trailer.
//
// It never panics: on a short or malformed packet it returns what it could
// label and an error saying what stopped it.
func ExplainIPv4(b []byte) ([]osi.Annotation, error) {
	var out []osi.Annotation
	add := func(start, end int, field, bits, value, meaning string, layer osi.Layer) {
		out = append(out, osi.Annotation{Start: start, End: end, Field: field, Bits: bits,
			Value: value, Meaning: meaning, Layer: layer})
	}
	net := func(start, end int, field, bits, value, meaning string) {
		add(start, end, field, bits, value, meaning, osi.Network)
	}
	short := func(need int) error {
		return fmt.Errorf("explain IPv4: %d bytes, the header needs %d: %w", len(b), need, ErrIPv4Truncated)
	}
	if len(b) < 1 {
		return nil, short(ipv4MinHeader)
	}

	// Version and IHL share the first byte.
	version, ihl := b[0]>>4, int(b[0]&0x0f)
	vMeaning := "IP version 4 (RFC 791)"
	if version != 4 {
		vMeaning = "not 4: this is not an IPv4 packet"
	}
	net(0, 1, "version", ipBits8(b[0], 0xf0), fmt.Sprint(version), vMeaning)
	if version != 4 {
		return out, fmt.Errorf("explain IPv4: version %d: %w", version, ErrNotIPv4)
	}
	ihlMeaning := "header length in 32-bit words: 5 is the minimum, a header without options"
	if ihl > 5 {
		ihlMeaning = fmt.Sprintf("header length in 32-bit words: %d bytes of options follow the fixed 20", ihl*4-ipv4MinHeader)
	}
	net(0, 1, "IHL", ipBits8(b[0], 0x0f), fmt.Sprintf("%d (%d bytes)", ihl, ihl*4), ihlMeaning)
	if ihl < 5 {
		return out, fmt.Errorf("explain IPv4: IHL %d: %w", ihl, ErrIPv4IHL)
	}
	h := explainFixed(b, net)
	if len(b) < ipv4MinHeader {
		return out, short(ipv4MinHeader)
	}
	hdrLen := ihl * 4
	if len(b) < hdrLen {
		return out, short(hdrLen)
	}
	if err := explainOptions(b[ipv4Options:hdrLen], net); err != nil {
		return out, err
	}
	return out, explainData(b, h, hdrLen, add)
}

// ipv4FixChecksum returns the checksum the header should carry.
func ipv4FixChecksum(hdr []byte) uint16 {
	c := append([]byte(nil), hdr...)
	setIPv4Checksum(c)
	return binary.BigEndian.Uint16(c[ipv4HeaderChecksum:])
}

type ipLabeler func(start, end int, field, bits, value, meaning string)

// explainFixed labels the fixed fields after the first byte, as far as b
// holds them, and returns what it read.
func explainFixed(b []byte, net ipLabeler) ipv4Header {
	var h ipv4Header
	has := func(n int) bool { return len(b) >= n }
	if !has(2) {
		return h
	}
	dscp, ecn := b[ipv4TypeOfService]>>2, b[ipv4TypeOfService]&0x03
	net(1, 2, "DSCP", ipBits8(b[1], 0xfc), ipDSCPName(dscp),
		"Differentiated Services (RFC 2474): how routers should queue the packet; 0 is best effort")
	net(1, 2, "ECN", ipBits8(b[1], 0x03), ipECNName(ecn),
		"Explicit Congestion Notification (RFC 3168): routers may mark congestion here instead of dropping")
	if !has(4) {
		return h
	}
	h.totalLen = int(binary.BigEndian.Uint16(b[ipv4TotalLength:]))
	tlMeaning := "the packet's length in bytes, header and data (at most 65,535)"
	if h.totalLen != len(b) {
		tlMeaning += fmt.Sprintf("; %d bytes are here", len(b))
	}
	net(2, 4, "total length", "", fmt.Sprint(h.totalLen), tlMeaning)
	if !has(6) {
		return h
	}
	h.id = binary.BigEndian.Uint16(b[ipv4Identification:])
	net(4, 6, "identification", "", fmt.Sprintf("0x%04x (%d)", h.id, h.id),
		"chosen by the sender, the same in every fragment of one datagram: with the addresses and protocol, "+
			"it tells the receiver which fragments belong together")
	if !has(8) {
		return h
	}
	w := binary.BigEndian.Uint16(b[ipv4FlagsFragOffset:])
	h.reserved, h.df, h.mf = w&flagReserved != 0, w&flagDontFrag != 0, w&flagMoreFrags != 0
	h.offset = int(w&fragOffsetMask) * fragmentUnit
	reserved := "reserved, must be zero"
	if h.reserved {
		reserved = "reserved, must be zero, yet set"
	}
	net(6, 7, "flag: reserved", ipBits8(b[6], 0x80), ipBit(h.reserved), reserved)
	df := "May Fragment: a router may cut this packet for a smaller link"
	if h.df {
		df = "Don't Fragment: a router must drop it rather than cut it, and say so with ICMP \"fragmentation needed\""
	}
	net(6, 7, "flag: DF", ipBits8(b[6], 0x40), ipBit(h.df), df)
	mf := "Last Fragment: no data of this datagram comes after this packet's"
	if h.mf {
		mf = "More Fragments: more of this datagram's data follows, in other fragments"
	}
	net(6, 7, "flag: MF", ipBits8(b[6], 0x20), ipBit(h.mf), mf)
	var offMeaning string
	switch {
	case h.offset == 0 && !h.mf:
		offMeaning = "0 and MF clear: the packet is whole, not a fragment"
	case h.offset == 0:
		offMeaning = "0: the first fragment; its data starts the datagram's data"
	default:
		offMeaning = fmt.Sprintf("this fragment's data starts at byte %d of the datagram's data: the field counts 8-byte units",
			h.offset)
	}
	net(6, 8, "fragment offset", ipBits16(w, fragOffsetMask), fmt.Sprintf("%d (×8 = %d)", h.offset/fragmentUnit, h.offset),
		offMeaning)
	if !has(ipv4MinHeader) {
		return h
	}
	h.ttl, h.protocol = b[ipv4TimeToLive], b[ipv4Protocol]
	net(8, 9, "TTL", "", fmt.Sprint(h.ttl), "time to live: each router takes one off and drops the packet at 0")
	net(9, 10, "protocol", "", fmt.Sprintf("%d (%s)", h.protocol, protocolName(h.protocol)),
		"what the data carries: 1 ICMP, 6 TCP, 17 UDP (IANA protocol numbers)")
	sum := fmt.Sprintf("0x%04x", binary.BigEndian.Uint16(b[ipv4HeaderChecksum:]))
	if hdrLen := int(b[0]&0x0f) * 4; len(b) >= hdrLen {
		if ipv4Checksum(b[:hdrLen]) == 0 {
			sum += " (valid)"
		} else {
			sum += fmt.Sprintf(" (wrong: should be 0x%04x)", ipv4FixChecksum(b[:hdrLen]))
		}
	}
	net(10, 12, "header checksum", "", sum,
		"covers the header only, and is recomputed at each router (the TTL changes) and in each fragment")
	h.src = netip.AddrFrom4([4]byte(b[ipv4SourceAddress:]))
	h.dst = netip.AddrFrom4([4]byte(b[ipv4DestAddress:]))
	net(12, 16, "source", "", h.src.String(), "the sender's address")
	net(16, 20, "destination", "", h.dst.String(), "the receiver's address; routers choose the next hop by it")
	return h
}

// explainOptions labels the options (RFC 791, section 3.1), from byte 20.
func explainOptions(opts []byte, net ipLabeler) error {
	for i := 0; i < len(opts); {
		at := ipv4Options + i
		t := opts[i]
		switch t {
		case 0:
			net(at, at+1, "option", "", "End of Option List", "no options after this")
			if i+1 < len(opts) {
				net(at+1, ipv4Options+len(opts), "padding", "", fmt.Sprintf("%d bytes", len(opts)-i-1),
					"fills the header to a multiple of 4 bytes")
			}
			return nil
		case 1:
			net(at, at+1, "option", "", "No Operation", "one byte of filler between options")
			i++
			continue
		}
		if i+1 >= len(opts) || opts[i+1] < 2 || i+int(opts[i+1]) > len(opts) {
			net(at, ipv4Options+len(opts), "option", "", fmt.Sprintf("type %d, malformed", t),
				"its length octet is missing or runs past the header")
			return fmt.Errorf("explain IPv4: option at byte %d: %w", at, ErrIPv4Options)
		}
		n := int(opts[i+1])
		copied := "stays in the first fragment only (copied flag 0)"
		if t&0x80 != 0 {
			copied = "copied into every fragment (copied flag 1)"
		}
		net(at, at+n, "option", "", fmt.Sprintf("%s, %d bytes", ipv4OptionName(t), n), copied)
		i += n
	}
	return nil
}

// explainData labels what follows the header: a UDP header and data when
// the packet starts a UDP datagram, else the fragment's data; then any
// trailer.
func explainData(b []byte, h ipv4Header, hdrLen int,
	add func(start, end int, field, bits, value, meaning string, layer osi.Layer)) error {
	end := min(h.totalLen, len(b))
	var err error
	if h.totalLen < hdrLen {
		return fmt.Errorf("explain IPv4: total length %d, header %d: %w", h.totalLen, hdrLen, ErrIPv4TotalLength)
	}
	if h.totalLen > len(b) {
		err = fmt.Errorf("explain IPv4: total length %d, but %d bytes: %w", h.totalLen, len(b), ErrIPv4Truncated)
	}
	data := b[hdrLen:end]
	pos := hdrLen
	if h.offset == 0 && h.protocol == ipProtoUDP && len(data) >= udpHeaderLen {
		udpLen := int(binary.BigEndian.Uint16(data[udpLength:]))
		add(pos, pos+2, "source port", "", fmt.Sprint(binary.BigEndian.Uint16(data[udpSrcPort:])), "the sending application's port", osi.Transport)
		add(pos+2, pos+4, "destination port", "", fmt.Sprint(binary.BigEndian.Uint16(data[udpDstPort:])), "the receiving application's port", osi.Transport)
		add(pos+4, pos+6, "UDP length", "", fmt.Sprint(udpLen), "UDP header and data, in bytes: the whole UDP datagram, across all fragments", osi.Transport)
		sum := binary.BigEndian.Uint16(data[udpChecksum:])
		value, meaning := fmt.Sprintf("0x%04x", sum), "covers a pseudo-header (addresses, protocol, length), the UDP header and all the data"
		switch {
		case sum == 0:
			value += " (none)"
			meaning = "0: the sender computed no checksum, which UDP over IPv4 allows"
		case h.mf:
			meaning += ": it can be checked only once the datagram is reassembled"
		case udpLen == len(data) && h.totalLen <= len(b):
			if want := udpChecksumFor(h.src, h.dst, data); want == sum {
				value += " (valid)"
			} else {
				value += fmt.Sprintf(" (wrong: should be 0x%04x)", want)
			}
		}
		add(pos+6, pos+8, "UDP checksum", "", value, meaning, osi.Transport)
		pos += udpHeaderLen
		if pos < end {
			meaning := "the application's message: neither IP nor UDP looks inside"
			if h.mf {
				meaning = "the start of the application's message; the rest is in the other fragments"
			}
			add(pos, end, "UDP data", "", fmt.Sprintf("%d bytes", end-pos), meaning, osi.Application)
		}
	} else if pos < end {
		meaning := fmt.Sprintf("a %s message, not decoded here", protocolName(h.protocol))
		if h.mf || h.offset != 0 {
			meaning = fmt.Sprintf("bytes %d–%d of the datagram's data (%s): IP carries them without looking inside",
				h.offset, h.offset+end-pos-1, protocolName(h.protocol))
		}
		add(pos, end, "data", "", fmt.Sprintf("%d bytes", end-pos), meaning, osi.Network)
	}
	if len(b) > h.totalLen {
		add(h.totalLen, len(b), "trailer", "", fmt.Sprintf("%d bytes", len(b)-h.totalLen),
			"after Total Length: link-layer padding, not part of the IP packet", osi.DataLink)
	}
	return err
}

// udpChecksumFor computes the checksum a whole UDP datagram should carry
// (RFC 768): over a pseudo-header of the IPv4 addresses, the protocol and
// the UDP length, then the UDP header (its checksum field taken as zero)
// and data. A result of zero is sent as 0xffff: zero means "none".
func udpChecksumFor(src, dst netip.Addr, udp []byte) uint16 {
	s, d := src.As4(), dst.As4()
	sum := ChecksumAdd(0, s[:])
	sum = ChecksumAdd(sum, d[:])
	sum += ipProtoUDP + uint32(len(udp))
	sum = ChecksumAdd(sum, udp[:udpChecksum])
	sum = ChecksumAdd(sum, udp[udpChecksum+2:])
	if c := ^ChecksumFold(sum); c != 0 {
		return c
	}
	return 0xffff
}

// ipBits8 draws the bits of v under mask as Wireshark does: "01.. ....".
func ipBits8(v, mask byte) string { return ipDrawBits(uint16(v), uint16(mask), 8) }

// ipBits16 draws 16 bits the same way.
func ipBits16(v, mask uint16) string { return ipDrawBits(v, mask, 16) }

func ipDrawBits(v, mask uint16, n int) string {
	var s strings.Builder
	for i := n - 1; i >= 0; i-- {
		switch {
		case mask&(1<<i) == 0:
			s.WriteByte('.')
		case v&(1<<i) != 0:
			s.WriteByte('1')
		default:
			s.WriteByte('0')
		}
		if i%4 == 0 && i > 0 {
			s.WriteByte(' ')
		}
	}
	return s.String()
}

func ipBit(set bool) string {
	if set {
		return "1"
	}
	return "0"
}

// ipDSCPName names a DSCP code point (RFC 2474, 2597, 3246).
func ipDSCPName(d byte) string {
	switch {
	case d == 0:
		return "0 (default)"
	case d == 46:
		return "46 (EF: expedited forwarding)"
	case d%8 == 0:
		return fmt.Sprintf("%d (CS%d)", d, d/8)
	case d/8 >= 1 && d/8 <= 4 && d%2 == 0 && d%8 >= 2:
		return fmt.Sprintf("%d (AF%d%d)", d, d/8, d%8/2)
	}
	return fmt.Sprint(d)
}

// ipECNName names an ECN code point (RFC 3168, section 5).
func ipECNName(e byte) string {
	return [...]string{"0 (Not-ECT: no ECN)", "1 (ECT(1))", "2 (ECT(0))", "3 (CE: congestion experienced)"}[e&3]
}

// ipv4OptionName names an IPv4 option type (IANA "IP Option Numbers").
func ipv4OptionName(t byte) string {
	names := map[byte]string{7: "Record Route", 68: "Timestamp", 130: "Security", 131: "Loose Source Route",
		136: "Stream ID", 137: "Strict Source Route", 148: "Router Alert"}
	if n, ok := names[t]; ok {
		return fmt.Sprintf("type %d (%s)", t, n)
	}
	return fmt.Sprintf("type %d", t)
}
