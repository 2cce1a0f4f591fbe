// Synthesizing packets from a trace: the TCP segments a connection's
// recorded bytes would have crossed the wire in (RFC 9293, section 3).

package capture

import (
	"fmt"
	"hash/fnv"
	"net/netip"
	"time"

	"netlab/trace"
)

// A Packet is one synthesized or captured packet: a link-layer frame and
// the time it crossed.
type Packet struct {
	Time     time.Time
	Data     []byte
	LinkType LinkType
	Conn     int // the trace connection it belongs to (0 for others)
}

// LinkType is a capture file's link-layer header type (the tcpdump.org
// LINKTYPE_ numbers).
type LinkType uint16

// The link types netlab writes and reads.
const (
	LinkNull     LinkType = 0   // LINKTYPE_NULL: BSD loopback, a 4-byte address family
	LinkEthernet LinkType = 1   // LINKTYPE_ETHERNET
	LinkRaw      LinkType = 101 // LINKTYPE_RAW: a bare IPv4 or IPv6 packet
	LinkLoop     LinkType = 108 // LINKTYPE_LOOP: OpenBSD loopback
	LinkSLL      LinkType = 113 // LINKTYPE_LINUX_SLL: Linux "cooked" capture
	LinkIPv4     LinkType = 228 // LINKTYPE_IPV4
	LinkIPv6     LinkType = 229 // LINKTYPE_IPV6
	LinkSLL2     LinkType = 276 // LINKTYPE_LINUX_SLL2
)

// SynthOptions tune the packets Synthesize makes.
type SynthOptions struct {
	// MSS is the largest segment payload; 0 means 1460, Ethernet's with
	// IPv4 and no TCP options. Lessons run on loopback, whose MTU of 65536
	// lets the kernel send far larger segments: a capture that looks like
	// an Ethernet link is what students will meet elsewhere.
	MSS int
}

// synthesizer holds the state of every connection being synthesized.
type synthesizer struct {
	mss   int
	base  time.Time
	out   []Packet
	conns map[int]*tcpConn // by trace connection id: only the chosen end of each
}

// Synthesize turns a trace into the packets that crossed the wire: for
// each TCP connection, the three-way handshake when it opened, the bytes of
// every read and write cut into segments by MSS with correct sequence and
// acknowledgement numbers, acknowledgements from the receiving side, and
// FIN segments for each half-close and close; and the trace's own packets
// (KindPacket events for real IPv4 or IPv6 packets) as they are. Times are
// the trace's. Where a connection was traced at both ends, one end's view
// (the client's) is used: it holds both directions.
func Synthesize(events []trace.Event, opts SynthOptions) ([]Packet, error) {
	s := &synthesizer{mss: opts.MSS, conns: map[int]*tcpConn{}}
	if s.mss <= 0 {
		s.mss = 1460
	}
	if err := s.chooseEnds(events); err != nil {
		return nil, err
	}
	for _, e := range events {
		at := s.base.Add(e.T)
		switch e.Kind {
		case trace.KindLesson:
		case trace.KindPacket:
			if e.Proto == "ipv4" || e.Proto == "ipv6" {
				s.out = append(s.out, Packet{Time: at, Data: etherWrap(e.Proto, e.Data), LinkType: LinkEthernet})
			}
		default:
			c, ok := s.conns[e.Conn]
			if !ok {
				continue
			}
			if err := s.connEvent(c, e, at); err != nil {
				return nil, fmt.Errorf("capture: event %d (%s on connection %d): %w", e.Seq, e.Kind, e.Conn, err)
			}
		}
	}
	return s.out, nil
}

// chooseEnds picks, for each TCP connection (a 4-tuple), the traced end
// whose view is used, and finds the trace's start time.
func (s *synthesizer) chooseEnds(events []trace.Event) error {
	chosen := map[[2]netip.AddrPort]*tcpConn{}
	for _, e := range events {
		switch {
		case e.Kind == trace.KindLesson:
			s.base = e.Start
		case e.Kind == trace.KindOpen:
			local, err := netip.ParseAddrPort(e.Local)
			if err != nil {
				return fmt.Errorf("capture: connection %d: local endpoint %q: %w", e.Conn, e.Local, err)
			}
			remote, err := netip.ParseAddrPort(e.Remote)
			if err != nil {
				return fmt.Errorf("capture: connection %d: remote endpoint %q: %w", e.Conn, e.Remote, err)
			}
			c := &tcpConn{tracedIsClient: e.Initiator != "remote"}
			c.client, c.server = local, remote
			if !c.tracedIsClient {
				c.client, c.server = remote, local
			}
			key := [2]netip.AddrPort{c.client, c.server}
			if prev, ok := chosen[key]; ok {
				if prev.tracedIsClient || !c.tracedIsClient {
					continue // keep the client's end
				}
				for id, pc := range s.conns {
					if pc == prev {
						delete(s.conns, id)
					}
				}
			}
			c.init(e.Conn)
			chosen[key] = c
			s.conns[e.Conn] = c
		}
	}
	return nil
}

// initialSequence derives an initial sequence number from the trace's
// connection id and the side, so the same lesson gives the same numbers on
// every run (RFC 9293 asks real stacks for unpredictable ones; a
// synthesized capture needs repeatable ones).
func initialSequence(conn int, side string) uint32 {
	h := fnv.New32a()
	fmt.Fprintf(h, "netlab %d %s", conn, side)
	return h.Sum32()
}

// etherWrap puts a synthetic Ethernet header in front of a bare IP packet,
// so that a capture holds one link type throughout (a pcap file cannot mix).
func etherWrap(proto string, ip []byte) []byte {
	etherType := []byte{0x08, 0x00} // IPv4
	if proto == "ipv6" {
		etherType = []byte{0x86, 0xdd}
	}
	frame := make([]byte, 0, 14+len(ip))
	frame = append(frame, serverMAC[:]...) // destination
	frame = append(frame, clientMAC[:]...) // source
	frame = append(frame, etherType...)
	return append(frame, ip...)
}
