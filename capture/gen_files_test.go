// The test captures: what each holds, and the pcapng block builder for
// the files gopacket's writer cannot make.

package capture

import (
	"bytes"
	"encoding/binary"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// HTTP and WebSocket bytes of the rich test stream.
const (
	genRequest1  = "GET /hello HTTP/1.1\r\nHost: 10.0.0.2\r\nUser-Agent: netlab-test\r\n\r\n"
	genResponse1 = "HTTP/1.1 200 OK\r\nContent-Length: 13\r\nContent-Type: text/plain\r\n\r\nHello, world!"
	genRequest2  = "GET /chunked HTTP/1.1\r\nHost: 10.0.0.2\r\n\r\n"
	genResponse2 = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nHello\r\n7\r\n, world\r\n0\r\n\r\n"
	genUpgrade   = "GET /chat HTTP/1.1\r\nHost: 10.0.0.2\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
	genSwitch = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"
)

// wsMasked is a client's frame: FIN, opcode op, masked with key.
func wsMasked(op byte, key [4]byte, payload string) []byte {
	b := []byte{0x80 | op, 0x80 | byte(len(payload))}
	b = append(b, key[:]...)
	for i := range len(payload) {
		b = append(b, payload[i]^key[i%4])
	}
	return b
}

// wsPlain is a server's frame: FIN, opcode op, not masked.
func wsPlain(op byte, payload []byte) []byte {
	b := []byte{0x80 | op}
	if len(payload) > 125 {
		b = append(b, 126)
		b = binary.BigEndian.AppendUint16(b, uint16(len(payload)))
	} else {
		b = append(b, byte(len(payload)))
	}
	return append(b, payload...)
}

// mixTraffic is the rich capture: ARP, DNS over UDP, an ICMP echo, and
// three TCP streams: 0 carries HTTP (Content-Length with a reordered,
// retransmitted and overlapping response, then chunked), an Upgrade and
// WebSocket frames; 1 is TLS seen from the middle (no handshake); 2 is an
// HTTP POST whose body segment the capture lost.
func mixTraffic() []datagram {
	var out []datagram
	clock := &genClock{t: genTime, step: 250*time.Microsecond + 7*time.Nanosecond}
	arpExchange(&out, clock)
	udpDatagram(&out, clock, "10.0.0.1:53000", "10.0.0.53:53", dnsMessage(false))
	udpDatagram(&out, clock, "10.0.0.53:53", "10.0.0.1:53000", dnsMessage(true))
	icmpEcho(&out, clock, "10.0.0.1", "10.0.0.2", false)
	icmpEcho(&out, clock, "10.0.0.2", "10.0.0.1", true)

	f := newFlow(&out, clock, "10.0.0.1:40000", "10.0.0.2:80", 1000, 5000)
	f.handshake()
	f.send(0, "PA", []byte(genRequest1))
	// The response in three pieces: the third overtakes the second, the
	// second is then sent twice, and a last segment overlaps the second
	// and third with different bytes where they meet (the first copy wins).
	r := []byte(genResponse1)
	s1, s2 := f.seq[1], f.seq[1]+40
	s3 := s2 + 20
	f.segmentAt(1, s1, "PA", r[:40])
	f.segmentAt(1, s3, "PA", r[60:])
	f.segmentAt(1, s2, "PA", r[40:60])
	f.segmentAt(1, s2, "PA", r[40:60])
	overlap := append([]byte(nil), r[50:70]...)
	overlap[10] = 'X' // where the second and third pieces meet
	f.segmentAt(1, s2+10, "PA", overlap)
	f.seq[1] += uint32(len(r))
	f.send(0, "A", nil)
	f.send(0, "PA", []byte(genRequest2))
	f.send(1, "PA", []byte(genResponse2))
	f.send(0, "PA", []byte(genUpgrade))
	f.send(1, "PA", []byte(genSwitch))
	f.send(0, "PA", wsMasked(0x1, [4]byte{0x37, 0xfa, 0x21, 0x3d}, "Hello")) // RFC 6455, section 5.7
	f.send(1, "PA", append(wsPlain(0x1, []byte("Hello")), wsPlain(0x9, []byte("ping?"))...))
	f.send(0, "PA", wsMasked(0xA, [4]byte{1, 2, 3, 4}, "ping?"))
	big := wsPlain(0x2, bytes.Repeat([]byte{0xab}, 200))
	f.send(1, "PA", big[:100])
	f.send(1, "PA", big[100:])
	f.send(0, "PA", wsMasked(0x8, [4]byte{5, 6, 7, 8}, "\x03\xe8bye"))
	f.send(1, "PA", wsPlain(0x8, []byte{0x03, 0xe8}))
	f.teardown()

	tls := newFlow(&out, clock, "10.0.0.1:40001", "10.0.0.2:443", 70000, 90000)
	tls.send(0, "PA", []byte("\x16\x03\x01\x00\x06\x01\x00\x00\x02\x03\x03"))
	tls.send(1, "PA", []byte("\x17\x03\x03\x00\x04\xde\xad\xbe\xef"))

	lost := newFlow(&out, clock, "10.0.0.1:40002", "10.0.0.2:80", 0xfffffff0, 3000) // the sequence numbers wrap
	lost.handshake()
	lost.send(0, "PA", []byte("POST /upload HTTP/1.1\r\nHost: 10.0.0.2\r\nContent-Length: 20\r\n\r\n"))
	lost.seq[0] += 20 // the body's segment never reached the capture
	lost.send(0, "PA", []byte("GET /next HTTP/1.1\r\nHost: 10.0.0.2\r\n\r\n"))
	lost.send(0, "FA", nil)
	return out
}

// smallTraffic is a short TCP exchange over IPv4 or IPv6: handshake, an
// HTTP request and its response, teardown; and one UDP datagram.
func smallTraffic(v6 bool, nanos bool) []datagram {
	var out []datagram
	step := 250 * time.Microsecond
	if nanos {
		step += 123 * time.Nanosecond
	}
	clock := &genClock{t: genTime, step: step}
	cli, srv, dns := "10.0.0.1:40000", "10.0.0.2:80", "10.0.0.53:53"
	if v6 {
		cli, srv, dns = "[2001:db8::1]:40000", "[2001:db8::2]:80", "[2001:db8::53]:53"
	}
	f := newFlow(&out, clock, cli, srv, 1000, 5000)
	f.handshake()
	f.send(0, "PA", []byte(genRequest1))
	f.send(1, "PA", []byte(genResponse1))
	f.teardown()
	udpDatagram(&out, clock, cli, dns, dnsMessage(false))
	return out
}

// rawMix is IPv4 and IPv6 packets in one raw-IP capture (link type 101):
// the version nibble says which.
func rawMix() []datagram {
	a, b := smallTraffic(false, false), smallTraffic(true, false)
	return []datagram{a[0], b[0], a[3], b[3], a[len(a)-1], b[len(b)-1]}
}

// A genFile is one committed test capture and how it is made.
type genFile struct {
	name string
	gen  func() []byte
}

func genFiles() []genFile {
	return []genFile{
		{"ether-mix.pcap", func() []byte { return writePcap(LinkEthernet, mixTraffic(), false, false) }},
		{"ether-v6-nanos-big.pcap", func() []byte { return writePcap(LinkEthernet, smallTraffic(true, true), true, true) }},
		{"raw101-micro-big.pcap", func() []byte { return writePcap(LinkRaw, rawMix(), false, true) }},
		{"ipv4-228-nanos.pcap", func() []byte { return writePcap(LinkIPv4, smallTraffic(false, true), true, false) }},
		{"ipv6-229.pcap", func() []byte { return writePcap(LinkIPv6, smallTraffic(true, false), false, false) }},
		{"sll-113.pcap", func() []byte { return writePcap(LinkSLL, smallTraffic(false, false), false, false) }},
		{"sll2-276-nanos-big.pcap", func() []byte { return writePcap(LinkSLL2, smallTraffic(true, true), true, true) }},
		{"null-0.pcap", func() []byte { return writePcap(LinkNull, rawMix(), false, false) }},
		{"loop-108-big.pcap", func() []byte { return writePcap(LinkLoop, smallTraffic(false, false), false, true) }},
		{"mixed-links.pcapng", mixedLinks},
		{"sections.pcapng", sections},
	}
}

// mixedLinks is a pcapng file from gopacket's writer with three interfaces
// of three link types, packets alternating between them.
func mixedLinks() []byte {
	var b bytes.Buffer
	links := []LinkType{LinkEthernet, LinkNull, LinkSLL}
	w, err := pcapgo.NewNgWriterInterface(&b, pcapgo.NgInterface{Name: "eth0", LinkType: layers.LinkType(links[0]), SnapLength: 65535},
		pcapgo.NgWriterOptions{SectionInfo: pcapgo.NgSectionInfo{Application: "netlab tests"}})
	if err != nil {
		panic(err)
	}
	for _, l := range links[1:] {
		if _, err := w.AddInterface(pcapgo.NgInterface{Name: linkName(l), LinkType: layers.LinkType(l), SnapLength: 65535}); err != nil {
			panic(err)
		}
	}
	for i, d := range smallTraffic(false, false) {
		data := frame(links[i%3], d)
		ci := gopacket.CaptureInfo{Timestamp: d.at, CaptureLength: len(data), Length: len(data), InterfaceIndex: i % 3}
		if err := w.WritePacket(ci, data); err != nil {
			panic(err)
		}
	}
	if err := w.Flush(); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// ngBuilder writes pcapng blocks in either byte order.
type ngBuilder struct {
	order binary.AppendByteOrder
	b     []byte
}

// block appends a block: type, length, body padded to 4 bytes, length.
func (n *ngBuilder) block(typ uint32, body []byte) {
	for len(body)%4 != 0 {
		body = append(body, 0)
	}
	total := uint32(12 + len(body))
	n.b = n.order.AppendUint32(n.b, typ)
	n.b = n.order.AppendUint32(n.b, total)
	n.b = append(n.b, body...)
	n.b = n.order.AppendUint32(n.b, total)
}

// opt is one option: code, length, value padded to 4 bytes.
func (n *ngBuilder) opt(code uint16, v []byte) []byte {
	o := n.order.AppendUint16(nil, code)
	o = n.order.AppendUint16(o, uint16(len(v)))
	o = append(o, v...)
	for len(o)%4 != 0 {
		o = append(o, 0)
	}
	return o
}

func (n *ngBuilder) section(app string) {
	body := n.order.AppendUint32(nil, pcapngBOM)
	body = n.order.AppendUint16(body, 1)
	body = n.order.AppendUint16(body, 0)
	body = n.order.AppendUint64(body, ^uint64(0)) // section length not given
	body = append(body, n.opt(4, []byte(app))...)
	body = append(body, n.opt(0, nil)...)
	n.block(blockSectionHeader, body)
}

func (n *ngBuilder) iface(l LinkType, snap uint32, opts ...[]byte) {
	body := n.order.AppendUint16(nil, uint16(l))
	body = n.order.AppendUint16(body, 0)
	body = n.order.AppendUint32(body, snap)
	for _, o := range opts {
		body = append(body, o...)
	}
	n.block(blockInterface, body)
}

func (n *ngBuilder) epb(id uint32, ts uint64, data []byte) {
	body := n.order.AppendUint32(nil, id)
	body = n.order.AppendUint32(body, uint32(ts>>32))
	body = n.order.AppendUint32(body, uint32(ts))
	body = n.order.AppendUint32(body, uint32(len(data)))
	body = n.order.AppendUint32(body, uint32(len(data)))
	n.block(blockEnhancedPacket, append(body, data...))
}

func (n *ngBuilder) spb(data []byte) {
	n.block(blockSimplePacket, append(n.order.AppendUint32(nil, uint32(len(data))), data...))
}

func (n *ngBuilder) obsoletePacket(id uint16, ts uint64, data []byte) {
	body := n.order.AppendUint16(nil, id)
	body = n.order.AppendUint16(body, 0) // drops
	body = n.order.AppendUint32(body, uint32(ts>>32))
	body = n.order.AppendUint32(body, uint32(ts))
	body = n.order.AppendUint32(body, uint32(len(data)))
	body = n.order.AppendUint32(body, uint32(len(data)))
	n.block(blockPacketObsolete, append(body, data...))
}

// sections is a pcapng file with two sections: the first big-endian, with
// nanosecond times, a simple packet block (no time) and an obsolete packet
// block; the second little-endian, with a name resolution block and a
// custom block to skip, and interfaces of other link types with
// binary-fraction times and a time offset.
func sections() []byte {
	pk := smallTraffic(false, true)
	v6 := smallTraffic(true, true)
	be := &ngBuilder{order: binary.BigEndian}
	be.section("netlab tests, big-endian section")
	be.iface(LinkEthernet, 0, be.opt(optIfName, []byte("eth-be")), be.opt(optIfTsResol, []byte{9}), be.opt(0, nil))
	be.epb(0, uint64(pk[0].at.UnixNano()), frame(LinkEthernet, pk[0]))
	be.spb(frame(LinkEthernet, pk[1]))
	be.obsoletePacket(0, uint64(pk[2].at.UnixNano()), frame(LinkEthernet, pk[2]))
	le := &ngBuilder{order: binary.LittleEndian}
	le.section("netlab tests, little-endian section")
	le.block(4, le.order.AppendUint32(nil, 0)) // a name resolution block with only its end marker
	const tsOffset = 1000
	le.iface(LinkIPv6, 0, le.opt(optIfName, []byte("raw6")), le.opt(optIfTsResol, []byte{0x80 | 20}),
		le.opt(optIfTsOffset, le.order.AppendUint64(nil, tsOffset)), le.opt(0, nil))
	le.iface(LinkSLL2, 0, le.opt(optIfName, []byte("any")), le.opt(0, nil))
	le.block(0x00000BAD, []byte("a custom block: readers skip blocks they do not know"))
	binTS := func(t time.Time) uint64 { // units of 2^-20 s, before the offset
		d := t.Add(-tsOffset * time.Second)
		return uint64(d.Unix())<<20 | (uint64(d.Nanosecond())<<20+1e9-1)/1e9 // rounded up
	}
	le.epb(0, binTS(v6[0].at), frame(LinkIPv6, v6[0]))
	le.epb(1, uint64(v6[1].at.UnixMicro()), frame(LinkSLL2, v6[1])) // no if_tsresol: microseconds
	le.epb(0, binTS(v6[3].at), frame(LinkIPv6, v6[3]))
	return append(be.b, le.b...)
}
