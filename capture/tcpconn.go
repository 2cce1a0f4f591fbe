// One synthesized TCP connection: sequence numbers, acknowledgements, and
// the segments each traced event stands for (RFC 9293, sections 3.4-3.10).

package capture

import (
	"fmt"
	"net/netip"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"netlab/trace"
)

// side is one end of a synthesized connection.
type side struct {
	addr    netip.AddrPort
	mac     [6]byte
	nxt     uint32 // SND.NXT: the sequence number of the next byte it sends
	rcvNxt  uint32 // RCV.NXT: the next byte it expects; what it acknowledges
	lastAck uint32 // the acknowledgement number it last sent
	ipID    uint16
	finSent bool
	unacked int // segments received since it last acknowledged
}

// tcpConn is a TCP connection seen through one traced end.
type tcpConn struct {
	client, server netip.AddrPort
	tracedIsClient bool
	c, s           side // the client's and the server's side
}

// The synthetic MAC addresses: locally administered, one per role.
var (
	clientMAC = [6]byte{0x02, 0x00, 0x00, 0x00, 0x00, 0x01}
	serverMAC = [6]byte{0x02, 0x00, 0x00, 0x00, 0x00, 0x02}
)

func (c *tcpConn) init(conn int) {
	c.c = side{addr: c.client, mac: clientMAC, nxt: initialSequence(conn, "client"), ipID: 1}
	c.s = side{addr: c.server, mac: serverMAC, nxt: initialSequence(conn, "server"), ipID: 1}
}

// ends returns the traced end and its peer.
func (c *tcpConn) ends() (traced, peer *side) {
	if c.tracedIsClient {
		return &c.c, &c.s
	}
	return &c.s, &c.c
}

// connEvent adds the segments one trace event stands for.
func (s *synthesizer) connEvent(c *tcpConn, e trace.Event, at time.Time) error {
	traced, peer := c.ends()
	switch e.Kind {
	case trace.KindOpen:
		// The kernels finished the three-way handshake before the program
		// saw the connection: SYN, SYN-ACK, ACK.
		if err := s.segment(&c.c, &c.s, layers.TCP{SYN: true}, nil, at); err != nil {
			return err
		}
		if err := s.segment(&c.s, &c.c, layers.TCP{SYN: true, ACK: true}, nil, at); err != nil {
			return err
		}
		return s.segment(&c.c, &c.s, layers.TCP{ACK: true}, nil, at)
	case trace.KindWrite:
		return s.data(traced, peer, e.Data, at)
	case trace.KindRead:
		return s.data(peer, traced, e.Data, at)
	case trace.KindShutdown, trace.KindClose:
		return s.fin(traced, peer, at)
	case trace.KindEOF:
		return s.fin(peer, traced, at)
	}
	return nil
}

// data sends payload from one side to the other in segments of at most
// MSS bytes; the receiver acknowledges every second segment, as delayed
// acknowledgement does (RFC 9293, section 3.8.6.3), and at the end.
func (s *synthesizer) data(from, to *side, payload []byte, at time.Time) error {
	if from.finSent {
		return fmt.Errorf("data after this side's FIN")
	}
	for len(payload) > 0 {
		n := min(len(payload), s.mss)
		flags := layers.TCP{ACK: true, PSH: n == len(payload)}
		if err := s.segment(from, to, flags, payload[:n], at); err != nil {
			return err
		}
		payload = payload[n:]
		if to.unacked >= 2 && len(payload) > 0 {
			if err := s.ack(to, from, at); err != nil {
				return err
			}
		}
	}
	return s.ack(to, from, at)
}

// fin sends a FIN from one side, once, and the other side's acknowledgement.
func (s *synthesizer) fin(from, to *side, at time.Time) error {
	if from.finSent {
		return nil
	}
	if err := s.segment(from, to, layers.TCP{FIN: true, ACK: true}, nil, at); err != nil {
		return err
	}
	from.finSent = true
	return s.ack(to, from, at)
}

// ack sends a pure acknowledgement from one side, if it has anything new
// to acknowledge: a repeated one would read as a duplicate ACK, a sign of
// loss that did not happen.
func (s *synthesizer) ack(from, to *side, at time.Time) error {
	if from.rcvNxt == from.lastAck {
		return nil
	}
	return s.segment(from, to, layers.TCP{ACK: true}, nil, at)
}

// segment builds one TCP segment from one side to the other, advances the
// sequence numbers, and appends the frame.
func (s *synthesizer) segment(from, to *side, tcp layers.TCP, payload []byte, at time.Time) error {
	tcp.SrcPort = layers.TCPPort(from.addr.Port())
	tcp.DstPort = layers.TCPPort(to.addr.Port())
	tcp.Seq = from.nxt
	tcp.Window = 65535
	if tcp.SYN {
		tcp.Options = []layers.TCPOption{{OptionType: layers.TCPOptionKindMSS, OptionLength: 4,
			OptionData: []byte{byte(s.mss >> 8), byte(s.mss)}}}
	}
	if tcp.ACK {
		tcp.Ack = from.rcvNxt
		from.lastAck = from.rcvNxt
		from.unacked = 0
	}
	frame, err := s.frame(from, to, &tcp, payload)
	if err != nil {
		return err
	}
	advance := uint32(len(payload))
	if tcp.SYN || tcp.FIN {
		advance++ // SYN and FIN each take one sequence number
	}
	from.nxt += advance
	to.rcvNxt = from.nxt
	if len(payload) > 0 {
		to.unacked++
	}
	s.out = append(s.out, Packet{Time: at, Data: frame, LinkType: LinkEthernet})
	return nil
}

// frame serializes Ethernet, IP and TCP headers around payload, with
// lengths and checksums computed.
func (s *synthesizer) frame(from, to *side, tcp *layers.TCP, payload []byte) ([]byte, error) {
	eth := &layers.Ethernet{SrcMAC: from.mac[:], DstMAC: to.mac[:]}
	var ip gopacket.NetworkLayer
	var ipLayer gopacket.SerializableLayer
	if from.addr.Addr().Is4() {
		eth.EthernetType = layers.EthernetTypeIPv4
		v4 := &layers.IPv4{Version: 4, IHL: 5, TTL: 64, Protocol: layers.IPProtocolTCP, Flags: layers.IPv4DontFragment,
			Id: from.ipID, SrcIP: from.addr.Addr().AsSlice(), DstIP: to.addr.Addr().AsSlice()}
		ip, ipLayer = v4, v4
		from.ipID++
	} else {
		eth.EthernetType = layers.EthernetTypeIPv6
		v6 := &layers.IPv6{Version: 6, HopLimit: 64, NextHeader: layers.IPProtocolTCP,
			SrcIP: from.addr.Addr().AsSlice(), DstIP: to.addr.Addr().AsSlice()}
		ip, ipLayer = v6, v6
	}
	if err := tcp.SetNetworkLayerForChecksum(ip); err != nil {
		return nil, err
	}
	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	if err := gopacket.SerializeLayers(buf, opts, eth, ipLayer, tcp, gopacket.Payload(payload)); err != nil {
		return nil, fmt.Errorf("serialize a segment: %w", err)
	}
	return append([]byte(nil), buf.Bytes()...), nil
}
