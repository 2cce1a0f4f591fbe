// Explaining network-layer headers (OSI layer 3): IPv4 (RFC 791), IPv6
// (RFC 8200), ICMP, and ARP (RFC 826), which sits between layers 2 and 3.

package capture

import (
	"fmt"
	"net/netip"

	"github.com/gopacket/gopacket/layers"

	"netlab/osi"
	"netlab/packets"
)

func ipString(b []byte) string {
	a, ok := netip.AddrFromSlice(b)
	if !ok {
		return "?"
	}
	return a.String()
}

// explainIPv4 labels an IPv4 header with package packets' explainer, the
// one the ip-fragments lesson uses; hdr is the header, b the packet from
// it to the end of the frame. Only the header's labels are kept: the
// layers above explain their own bytes.
func explainIPv4(f *fieldList, hdr, b []byte) {
	as, _ := packets.ExplainIPv4(b) // labels what it can even when it stops early
	for _, a := range as {
		if a.End <= len(hdr) && a.Layer == osi.Network {
			a.Start += f.base
			a.End += f.base
			f.out = append(f.out, a)
		}
	}
}

func checksumMeaning(ok bool, what string) string {
	if ok {
		return "correct: the " + what + " arrived as it was sent"
	}
	return "does not match the " + what + ": corrupted, or (usual on the sending host and on loopback) left for the network card to fill in after capture (checksum offload)"
}

// IPv6 header fields (RFC 8200, section 3).
const (
	ip6PayloadLen = 4
	ip6NextHeader = 6
	ip6HopLimit   = 7
	ip6Src        = 8
	ip6Dst        = 24
	ip6HdrLen     = 40
)

func explainIPv6(f *fieldList, b []byte) {
	if len(b) < ip6HdrLen {
		return
	}
	f.bits(0, b[0], 0xf0, "version", itoa(int(b[0]>>4)), "6: IPv6")
	f.add(0, 2, "traffic class", itoa(int(be16(b)>>4&0xff)), "DSCP and ECN, as in IPv4")
	f.add(1, 4, "flow label", fmt.Sprintf("0x%05x", be32(b)&0xfffff), "lets routers keep one flow's packets on one path")
	f.add(ip6PayloadLen, ip6PayloadLen+2, "payload length", itoa(int(be16(b[ip6PayloadLen:]))), "bytes after this 40-byte header, extension headers included")
	p := layers.IPProtocol(b[ip6NextHeader])
	f.add(ip6NextHeader, ip6NextHeader+1, "next header", fmt.Sprintf("%d (%v)", b[ip6NextHeader], p), "what follows: an extension header, or the payload (6 TCP, 17 UDP, 58 ICMPv6)")
	f.add(ip6HopLimit, ip6HopLimit+1, "hop limit", itoa(int(b[ip6HopLimit])), "IPv4's TTL under an honest name")
	f.add(ip6Src, ip6Src+16, "source address", ipString(b[ip6Src:ip6Src+16]), "the host that sent the packet")
	f.add(ip6Dst, ip6Dst+16, "destination address", ipString(b[ip6Dst:ip6Dst+16]), "the host it is for")
	if len(b) > ip6HdrLen {
		f.add(ip6HdrLen, len(b), "hop-by-hop options", shortHex(b[ip6HdrLen:], 16), "an extension header every router on the path reads")
	}
}

func explainIPv6Ext(f *fieldList, b []byte) {
	if len(b) < 2 {
		return
	}
	p := layers.IPProtocol(b[0])
	f.add(0, 1, "next header", fmt.Sprintf("%d (%v)", b[0], p), "what follows this extension header")
	f.add(1, 2, "header length", itoa(int(b[1])), "in 8-byte units, not counting the first 8")
	if len(b) > 2 {
		f.add(2, len(b), "extension data", shortHex(b[2:], 16), "")
	}
}

func (s *summarizer) explainFragment(f *fieldList, b []byte) {
	off := int(s.dec.ip4.FragOffset) * 8
	if s.v.ip == protoIPv6 {
		off = int(s.dec.ip6frg.FragmentOffset) * 8
	}
	f.add(0, len(b), "fragment data", fmt.Sprintf("datagram bytes %d–%d", off, off+len(b)-1),
		"a piece of a datagram cut to fit a link's MTU; only the first fragment holds the transport header, so netlab stops here (the ip-fragments lesson puts them back together)")
}

func explainARP(f *fieldList, b []byte) {
	if len(b) < 8 {
		return
	}
	hl, pl := int(b[4]), int(b[5])
	f.add(0, 2, "hardware type", itoa(int(be16(b))), "1: Ethernet")
	f.add(2, 4, "protocol type", hex16(be16(b[2:])), "0x0800: IPv4 addresses are being resolved")
	f.add(4, 5, "hardware size", itoa(hl), "bytes in a MAC address")
	f.add(5, 6, "protocol size", itoa(pl), "bytes in an IP address")
	op := be16(b[6:])
	meaning := map[uint16]string{1: "request: who has this IP address?", 2: "reply: I have it, here is my MAC"}[op]
	f.add(6, 8, "opcode", itoa(int(op)), meaning)
	pos := 8
	for _, part := range []struct {
		name string
		n    int
		ip   bool
	}{{"sender MAC", hl, false}, {"sender IP", pl, true}, {"target MAC", hl, false}, {"target IP", pl, true}} {
		if pos+part.n > len(b) {
			return
		}
		v := macString(b[pos : pos+part.n])
		if part.ip {
			v = ipString(b[pos : pos+part.n])
		}
		f.add(pos, pos+part.n, part.name, v, "")
		pos += part.n
	}
}

func explainICMP(f *fieldList, b []byte, p proto) {
	if len(b) < 4 {
		return
	}
	name := layers.ICMPv4TypeCode(be16(b)).String()
	if p == protoICMPv6 {
		name = layers.ICMPv6TypeCode(be16(b)).String()
	}
	f.add(0, 1, "type", itoa(int(b[0])), name)
	f.add(1, 2, "code", itoa(int(b[1])), "refines the type")
	f.add(2, 4, "checksum", hex16(be16(b[2:])), "over the ICMP message")
	if len(b) >= 8 {
		f.add(4, 8, "rest of header", shortHex(b[4:8], 4), "for echo: identifier and sequence number")
	}
}
