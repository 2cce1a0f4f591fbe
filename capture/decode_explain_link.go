// Explaining link-layer headers (OSI layer 2): Ethernet II (IEEE 802.3),
// 802.1Q tags, Linux cooked captures (SLL, SLL2) and BSD loopback.

package capture

import (
	"encoding/binary"

	"github.com/gopacket/gopacket/layers"
)

// Ethernet II header fields (IEEE 802.3, clause 3.2).
const (
	ethDst     = 0
	ethSrc     = 6
	ethType    = 12
	ethHdrLen  = 14
	macLen     = 6
	minEthType = 0x0600 // below this, the field is an 802.3 length
)

func macString(b []byte) string { return string(appendMAC(nil, b)) }

func macMeaning(mac []byte, dst bool) string {
	switch {
	case len(mac) < 6:
		return ""
	case string(mac) == "\x00\x00\x00\x00\x00\x00":
		return "all zeros: the loopback device has no hardware address, but Linux still writes an Ethernet header"
	case mac[0]&1 == 1 && string(mac) == "\xff\xff\xff\xff\xff\xff":
		return "broadcast: every station on the link takes the frame"
	case mac[0]&1 == 1:
		return "group (multicast) address: the I/G bit, the lowest bit of the first byte, is 1"
	case mac[0]&2 == 2:
		return "locally administered (the U/L bit is 1): chosen by software, not burnt in by a maker"
	case dst:
		return "the station this frame is for, on this link only: routers rewrite it at every hop"
	}
	return "the station that sent this frame on this link; its first 3 bytes name the maker (OUI)"
}

func etherTypeMeaning(t uint16) string {
	switch layers.EthernetType(t) {
	case layers.EthernetTypeIPv4:
		return "the payload is an IPv4 packet"
	case layers.EthernetTypeIPv6:
		return "the payload is an IPv6 packet"
	case layers.EthernetTypeARP:
		return "the payload is an ARP message"
	case layers.EthernetTypeDot1Q:
		return "an 802.1Q VLAN tag follows, then the real EtherType"
	}
	if t < minEthType {
		return "below 0x0600 this is an 802.3 length, not a type: an LLC header follows"
	}
	return "the protocol of the payload"
}

func explainEthernet(f *fieldList, b []byte) {
	if len(b) < ethHdrLen {
		return
	}
	f.add(ethDst, ethDst+macLen, "destination MAC", macString(b[ethDst:ethDst+macLen]), macMeaning(b[ethDst:ethDst+macLen], true))
	f.add(ethSrc, ethSrc+macLen, "source MAC", macString(b[ethSrc:ethSrc+macLen]), macMeaning(b[ethSrc:ethSrc+macLen], false))
	t := be16(b[ethType:])
	f.add(ethType, ethType+2, "EtherType", hex16(t)+" ("+layers.EthernetType(t).String()+")", etherTypeMeaning(t))
}

func explainDot1Q(f *fieldList, b []byte) {
	if len(b) < 4 {
		return
	}
	f.bits(0, b[0], 0xe0, "priority (PCP)", itoa(int(b[0]>>5)), "802.1p class of service, 0 (best effort) to 7")
	f.bits(0, b[0], 0x10, "drop eligible (DEI)", itoa(int(b[0]>>4&1)), "1: may be dropped first under congestion")
	f.add(0, 2, "VLAN ID", itoa(int(be16(b)&0x0fff)), "which virtual LAN the frame belongs to")
	t := be16(b[2:])
	f.add(2, 4, "EtherType", hex16(t)+" ("+layers.EthernetType(t).String()+")", etherTypeMeaning(t))
}

// sllPacketType names the Linux packet types (PACKET_HOST, ...).
func sllPacketType(t uint16) string {
	switch t {
	case 0:
		return "0: to us (PACKET_HOST)"
	case 1:
		return "1: broadcast (PACKET_BROADCAST)"
	case 2:
		return "2: multicast (PACKET_MULTICAST)"
	case 3:
		return "3: to another host (PACKET_OTHERHOST)"
	case 4:
		return "4: sent by us (PACKET_OUTGOING)"
	}
	return itoa(int(t))
}

const cookedMeaning = "a header libpcap writes itself when capturing on Linux's \"any\" device, where devices have different link types: not bytes that crossed a wire"

func explainSLL(f *fieldList, b []byte) {
	if len(b) < 16 {
		return
	}
	f.add(0, 2, "packet type", sllPacketType(be16(b)), cookedMeaning)
	f.add(2, 4, "ARPHRD type", itoa(int(be16(b[2:])))+" ("+layers.ARPHardwareType(be16(b[2:])).String()+")", "the kind of device it was captured on (1: Ethernet, 772: loopback)")
	n := int(be16(b[4:]))
	f.add(4, 6, "address length", itoa(n), "how many of the next 8 bytes hold the sender's link-layer address")
	f.add(6, 14, "address", macString(b[6:6+min(n, 8)]), "the sender's link-layer address (padded to 8 bytes)")
	t := be16(b[14:])
	f.add(14, 16, "protocol", hex16(t)+" ("+layers.EthernetType(t).String()+")", etherTypeMeaning(t))
}

func explainSLL2(f *fieldList, b []byte) {
	if len(b) < 20 {
		return
	}
	t := be16(b)
	f.add(0, 2, "protocol", hex16(t)+" ("+layers.EthernetType(t).String()+")", etherTypeMeaning(t))
	f.add(2, 4, "reserved", hex16(be16(b[2:])), "must be 0")
	f.add(4, 8, "interface index", itoa(int(be32(b[4:]))), "which Linux interface (ip link shows the numbers): SLL2 keeps what SLL lost; "+cookedMeaning)
	f.add(8, 10, "ARPHRD type", itoa(int(be16(b[8:])))+" ("+layers.ARPHardwareType(be16(b[8:])).String()+")", "the kind of device (1: Ethernet, 772: loopback)")
	f.add(10, 11, "packet type", sllPacketType(uint16(b[10])), "to us, broadcast, multicast, to another host, or sent by us")
	n := int(b[11])
	f.add(11, 12, "address length", itoa(n), "how many of the next 8 bytes hold the address")
	f.add(12, 20, "address", macString(b[12:12+min(n, 8)]), "the sender's link-layer address (padded to 8 bytes)")
}

func explainLoopback(f *fieldList, b []byte, link LinkType) {
	if len(b) < 4 {
		return
	}
	v := binary.LittleEndian.Uint32(b)
	order := "in the byte order of the machine that captured it"
	if b[0] == 0 && b[1] == 0 {
		v = binary.BigEndian.Uint32(b)
	}
	if link == LinkLoop {
		order = "in network byte order (OpenBSD's LOOP)"
	}
	f.add(0, 4, "address family", itoa(int(v))+" ("+layers.ProtocolFamily(v&0xff).String()+")",
		"which protocol the loopback device carried ("+order+"): 2 is IPv4; IPv6 is 10, 24, 28 or 30 depending on the OS. No addresses: loopback needs none")
}
