// Test captures, generated: real packets built with gopacket's layers and
// written with pcapgo's writers (byte-swapped for the big-endian variants),
// or block by block for the pcapng files gopacket cannot write (several
// sections, big-endian, simple and obsolete packet blocks). The generated
// bytes are committed under testdata/ and checked against the generator.

package capture

import (
	"bytes"
	"encoding/binary"
	"net"
	"net/netip"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// genTime is when every generated capture starts.
var genTime = time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC)

// A datagram is one IP packet (or, for ARP, an Ethernet payload) and when
// it crossed.
type datagram struct {
	at    time.Time
	data  []byte
	v6    bool
	arp   bool
	srcHW net.HardwareAddr
	dstHW net.HardwareAddr
}

var (
	clientHW = net.HardwareAddr{0x02, 0x00, 0x00, 0x00, 0x00, 0x01}
	serverHW = net.HardwareAddr{0x02, 0x00, 0x00, 0x00, 0x00, 0x02}
)

// serialize builds packet bytes with lengths and checksums filled in.
func serialize(ls ...gopacket.SerializableLayer) []byte {
	buf := gopacket.NewSerializeBuffer()
	if err := gopacket.SerializeLayers(buf, gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}, ls...); err != nil {
		panic(err) // the test's own layers: a programming error
	}
	return append([]byte(nil), buf.Bytes()...)
}

// ipLayer returns the network layer from src to dst carrying protocol p.
func ipLayer(src, dst netip.Addr, p layers.IPProtocol, id uint16) (gopacket.SerializableLayer, gopacket.NetworkLayer) {
	if src.Is6() {
		ip := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: p, SrcIP: src.AsSlice(), DstIP: dst.AsSlice()}
		return ip, ip
	}
	ip := &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Id: id, Flags: layers.IPv4DontFragment, Protocol: p, SrcIP: src.AsSlice(), DstIP: dst.AsSlice()}
	return ip, ip
}

// A tcpFlow writes the segments of one connection with correct sequence
// and acknowledgement numbers. End 0 is the client.
type tcpFlow struct {
	ends  [2]netip.AddrPort
	hw    [2]net.HardwareAddr
	seq   [2]uint32
	ipID  uint16
	clock *genClock
	out   *[]datagram
}

// genClock hands out times: each packet a little after the last.
type genClock struct {
	t    time.Time
	step time.Duration
}

func (c *genClock) next() time.Time {
	c.t = c.t.Add(c.step)
	return c.t
}

func newFlow(out *[]datagram, clock *genClock, client, server string, isn0, isn1 uint32) *tcpFlow {
	return &tcpFlow{ends: [2]netip.AddrPort{netip.MustParseAddrPort(client), netip.MustParseAddrPort(server)},
		hw: [2]net.HardwareAddr{clientHW, serverHW}, seq: [2]uint32{isn0, isn1}, ipID: 0x100, clock: clock, out: out}
}

// segmentAt sends payload from end d with sequence number seq, without
// moving the flow's own sequence number (for reordering and overlaps).
func (f *tcpFlow) segmentAt(d int, seq uint32, flags string, payload []byte, opts ...layers.TCPOption) {
	src, dst := f.ends[d], f.ends[1-d]
	tcp := &layers.TCP{SrcPort: layers.TCPPort(src.Port()), DstPort: layers.TCPPort(dst.Port()), Seq: seq,
		Ack: f.seq[1-d], Window: 502, Options: opts}
	for _, c := range flags {
		switch c {
		case 'S':
			tcp.SYN = true
		case 'A':
			tcp.ACK = true
		case 'F':
			tcp.FIN = true
		case 'P':
			tcp.PSH = true
		case 'R':
			tcp.RST = true
		}
	}
	if !tcp.ACK {
		tcp.Ack = 0
	}
	ipl, nl := ipLayer(src.Addr(), dst.Addr(), layers.IPProtocolTCP, f.ipID)
	f.ipID++
	_ = tcp.SetNetworkLayerForChecksum(nl)
	*f.out = append(*f.out, datagram{at: f.clock.next(), data: serialize(ipl, tcp, gopacket.Payload(payload)),
		v6: src.Addr().Is6(), srcHW: f.hw[d], dstHW: f.hw[1-d]})
}

// send sends payload from end d and advances its sequence number.
func (f *tcpFlow) send(d int, flags string, payload []byte, opts ...layers.TCPOption) {
	f.segmentAt(d, f.seq[d], flags, payload, opts...)
	f.seq[d] += uint32(len(payload))
	for _, c := range flags {
		if c == 'S' || c == 'F' {
			f.seq[d]++
		}
	}
}

var synOptions = []layers.TCPOption{
	{OptionType: layers.TCPOptionKindMSS, OptionLength: 4, OptionData: []byte{0x05, 0xb4}},
	{OptionType: layers.TCPOptionKindSACKPermitted, OptionLength: 2},
	{OptionType: layers.TCPOptionKindNop, OptionLength: 1},
	{OptionType: layers.TCPOptionKindWindowScale, OptionLength: 3, OptionData: []byte{7}},
}

// handshake opens the connection: SYN, SYN-ACK, ACK.
func (f *tcpFlow) handshake() {
	f.send(0, "S", nil, synOptions...)
	f.send(1, "SA", nil, synOptions...)
	f.send(0, "A", nil)
}

// teardown closes it: FIN from the server, FIN from the client, last ACK.
func (f *tcpFlow) teardown() {
	f.send(1, "FA", nil)
	f.send(0, "FA", nil)
	f.send(1, "A", nil)
}

// udp sends one UDP datagram.
func udpDatagram(out *[]datagram, clock *genClock, from, to string, payload []byte) {
	src, dst := netip.MustParseAddrPort(from), netip.MustParseAddrPort(to)
	u := &layers.UDP{SrcPort: layers.UDPPort(src.Port()), DstPort: layers.UDPPort(dst.Port())}
	ipl, nl := ipLayer(src.Addr(), dst.Addr(), layers.IPProtocolUDP, 0x200)
	_ = u.SetNetworkLayerForChecksum(nl)
	*out = append(*out, datagram{at: clock.next(), data: serialize(ipl, u, gopacket.Payload(payload)), v6: src.Addr().Is6(),
		srcHW: clientHW, dstHW: serverHW})
}

// dnsQuery is a DNS question or answer for example.com, built by gopacket.
func dnsMessage(response bool) []byte {
	d := &layers.DNS{ID: 0x1234, RD: true, QR: response, RA: response,
		Questions: []layers.DNSQuestion{{Name: []byte("example.com"), Type: layers.DNSTypeA, Class: layers.DNSClassIN}}}
	if response {
		d.Answers = []layers.DNSResourceRecord{{Name: []byte("example.com"), Type: layers.DNSTypeA, Class: layers.DNSClassIN,
			TTL: 300, IP: net.IP{93, 184, 215, 14}}}
	}
	return serialize(d)
}

func icmpEcho(out *[]datagram, clock *genClock, from, to string, reply bool) {
	src, dst := netip.MustParseAddr(from), netip.MustParseAddr(to)
	typ := uint8(layers.ICMPv4TypeEchoRequest)
	if reply {
		typ = uint8(layers.ICMPv4TypeEchoReply)
	}
	ic := &layers.ICMPv4{TypeCode: layers.CreateICMPv4TypeCode(typ, 0), Id: 7, Seq: 1}
	ipl, _ := ipLayer(src, dst, layers.IPProtocolICMPv4, 0x300)
	*out = append(*out, datagram{at: clock.next(), data: serialize(ipl, ic, gopacket.Payload("ping!")), srcHW: clientHW, dstHW: serverHW})
}

func arpExchange(out *[]datagram, clock *genClock) {
	req := &layers.ARP{AddrType: layers.LinkTypeEthernet, Protocol: layers.EthernetTypeIPv4, HwAddressSize: 6, ProtAddressSize: 4,
		Operation: layers.ARPRequest, SourceHwAddress: clientHW, SourceProtAddress: []byte{10, 0, 0, 1},
		DstHwAddress: make([]byte, 6), DstProtAddress: []byte{10, 0, 0, 2}}
	*out = append(*out, datagram{at: clock.next(), data: serialize(req), arp: true, srcHW: clientHW, dstHW: layers.EthernetBroadcast})
	rep := *req
	rep.Operation, rep.SourceHwAddress, rep.SourceProtAddress = layers.ARPReply, serverHW, []byte{10, 0, 0, 2}
	rep.DstHwAddress, rep.DstProtAddress = clientHW, []byte{10, 0, 0, 1}
	*out = append(*out, datagram{at: clock.next(), data: serialize(&rep), arp: true, srcHW: serverHW, dstHW: clientHW})
}

// frame wraps a datagram in link type l's header.
func frame(l LinkType, d datagram) []byte {
	etype := layers.EthernetTypeIPv4
	family := uint32(2) // AF_INET
	if d.v6 {
		etype, family = layers.EthernetTypeIPv6, 30 // AF_INET6 on macOS, as a capture from there holds
	}
	if d.arp {
		etype = layers.EthernetTypeARP
	}
	switch l {
	case LinkEthernet:
		return serialize(&layers.Ethernet{SrcMAC: d.srcHW, DstMAC: d.dstHW, EthernetType: etype}, gopacket.Payload(d.data))
	case LinkNull:
		return append(binary.LittleEndian.AppendUint32(nil, family), d.data...)
	case LinkLoop:
		return append(binary.BigEndian.AppendUint32(nil, family), d.data...)
	case LinkSLL:
		h := []byte{
			0x00, 0x04, // packet type: sent by us
			0x00, 0x01, // ARPHRD_ETHER
			0x00, 0x06, // address length
		}
		h = append(h, d.srcHW...)
		h = append(h, 0, 0) // address padded to 8 bytes
		h = binary.BigEndian.AppendUint16(h, uint16(etype))
		return append(h, d.data...)
	case LinkSLL2:
		h := binary.BigEndian.AppendUint16(nil, uint16(etype))
		h = append(h, 0, 0)                       // reserved
		h = binary.BigEndian.AppendUint32(h, 1)   // interface index: lo
		h = binary.BigEndian.AppendUint16(h, 772) // ARPHRD_LOOPBACK
		h = append(h, 0x00, 0x06)                 // packet type: to us; address length 6
		h = append(h, 0, 0, 0, 0, 0, 0, 0, 0)     // loopback has no address
		return append(h, d.data...)
	}
	return d.data // raw, IPv4 and IPv6 link types: the IP packet itself
}

// writePcap writes datagrams as a pcap file of link type l, microsecond
// or nanosecond, in little- or big-endian byte order.
func writePcap(l LinkType, ds []datagram, nanos, bigEndian bool) []byte {
	var b bytes.Buffer
	w := pcapgo.NewWriter(&b)
	if nanos {
		w = pcapgo.NewWriterNanos(&b)
	}
	if err := w.WriteFileHeader(65535, layers.LinkType(l)); err != nil {
		panic(err)
	}
	for _, d := range ds {
		data := frame(l, d)
		if err := w.WritePacket(gopacket.CaptureInfo{Timestamp: d.at, CaptureLength: len(data), Length: len(data)}, data); err != nil {
			panic(err)
		}
	}
	if bigEndian {
		return swapPcap(b.Bytes())
	}
	return b.Bytes()
}

// swapPcap rewrites a little-endian pcap file in big-endian order: what a
// big-endian machine's libpcap writes.
func swapPcap(b []byte) []byte {
	out := append([]byte(nil), b...)
	swap32 := func(at int) { binary.BigEndian.PutUint32(out[at:], binary.LittleEndian.Uint32(b[at:])) }
	swap16 := func(at int) { binary.BigEndian.PutUint16(out[at:], binary.LittleEndian.Uint16(b[at:])) }
	swap32(0)
	swap16(4)
	swap16(6)
	for _, at := range []int{8, 12, 16, 20} {
		swap32(at)
	}
	for at := pcapHeaderLen; at+recordHeaderLen <= len(b); {
		n := int(binary.LittleEndian.Uint32(b[at+8:]))
		for i := 0; i < recordHeaderLen; i += 4 {
			swap32(at + i)
		}
		at += recordHeaderLen + n
	}
	return out
}
