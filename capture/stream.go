// TCP conversations: each connection seen in a capture gets an index, in
// the order its first packet appears (as tshark's tcp.stream numbers them,
// from 0), and counts of what crossed each way.

package capture

import (
	"encoding/binary"
	"net/netip"
	"time"

	"github.com/gopacket/gopacket/layers"
)

// A Conversation is one TCP connection seen in a capture. A is the end
// that opened it (sent the first SYN), or the sender of the first packet
// seen when the capture started after the handshake.
type Conversation struct {
	Index         int
	A, B          netip.AddrPort
	Packets       [2]int   // [0]: A to B, [1]: B to A
	Bytes         [2]int64 // TCP payload bytes, retransmissions included
	FrameBytes    [2]int64 // whole frames, as on the wire
	First, Last   time.Time
	HasTime       bool
	FirstPacket   int // frame numbers
	LastPacket    int
	SYN, FIN      [2]bool
	RST           bool
	HandshakeSeen bool   // the capture saw the opening SYN
	aLo           bool   // A is the lower endpoint of the flow key
	App           string // "HTTP", "WebSocket", "TLS", or "" when nothing was recognised

	base      [2]uint32 // relative sequence numbers count from here (tshark's Seq=0 is the SYN)
	haveBase  [2]bool
	upgraded  bool     // a 101 Switching Protocols crossed: WebSocket from here on
	wsRemain  [2]int64 // WebSocket payload bytes still to come of a frame begun in an earlier segment
	winShift  [2]uint8 // window scale each end offered in its SYN (RFC 7323, section 2)
	winScaled [2]bool
	seqEnd    [2]uint32 // the highest relative sequence number seen, plus one
	seqSeen   [2]bool
	holes     [2][]seqHole // ranges skipped over, not yet seen (at most maxHoles)
}

// A seqHole is a range of relative sequence numbers not yet seen.
type seqHole struct{ start, end uint32 }

const maxHoles = 8

// seqAfter reports whether sequence number a comes after b (RFC 9293,
// section 3.4: comparisons are modulo 2^32).
func seqAfter(a, b uint32) bool { return int32(a-b) > 0 }

// analyze says what a segment with n payload bytes at relative sequence
// number seq is, as tshark's expert analysis names it: the first sight of
// its bytes (""), a jump past bytes not captured, bytes that fill such a
// hole late (out of order), or bytes seen before (a retransmission).
func (c *Conversation) analyze(dir int, seq uint32, n int) string {
	end := seq + uint32(n)
	if !c.seqSeen[dir] {
		c.seqEnd[dir], c.seqSeen[dir] = end, true
		return ""
	}
	top := c.seqEnd[dir]
	switch {
	case seq == top:
		c.seqEnd[dir] = end
		return ""
	case seqAfter(seq, top):
		if len(c.holes[dir]) < maxHoles {
			c.holes[dir] = append(c.holes[dir], seqHole{top, seq})
		}
		c.seqEnd[dir] = end
		return "[TCP Previous segment not captured] "
	}
	if seqAfter(end, top) {
		c.seqEnd[dir] = end
	}
	filled := false
	hs := c.holes[dir][:0]
	for _, h := range c.holes[dir] {
		if !seqAfter(end, h.start) || !seqAfter(h.end, seq) { // no overlap
			hs = append(hs, h)
			continue
		}
		filled = true
		if seqAfter(seq, h.start) {
			hs = append(hs, seqHole{h.start, seq})
		}
		if seqAfter(h.end, end) {
			hs = append(hs, seqHole{end, h.end})
		}
	}
	c.holes[dir] = hs
	if filled {
		return "[TCP Out-Of-Order] "
	}
	return "[TCP Retransmission] "
}

// window is a segment's receive window in bytes: the field shifted by the
// scale its sender offered, once both SYNs offered one (RFC 7323: "the
// Window field in a SYN segment itself is never scaled").
func (c *Conversation) window(dir int, t *layers.TCP) uint32 {
	if t.SYN || !c.winScaled[0] || !c.winScaled[1] {
		return uint32(t.Window)
	}
	return uint32(t.Window) << c.winShift[dir]
}

// Duration is the time between the conversation's first and last packets.
func (c *Conversation) Duration() time.Duration {
	if !c.HasTime {
		return 0
	}
	return c.Last.Sub(c.First)
}

// flowKey names a connection regardless of direction: the lower endpoint
// first.
type flowKey struct {
	lo, hi         [16]byte
	loPort, hiPort uint16
}

// maxConversations bounds the connections tracked. Past it, a new
// connection's packets are still shown, against a scratch record that is
// not kept (index -1): a capture cannot grow the table without end.
const maxConversations = 1 << 20

// flowKey4 is flowKey for IPv4, the common case: a smaller key hashes
// faster.
type flowKey4 struct {
	lo, hi         uint32
	loPort, hiPort uint16
}

// conversations is the table of TCP connections seen so far. The last
// connection found is remembered: packets of one connection often come
// one after another.
type conversations struct {
	byKey   map[flowKey]*Conversation
	byKey4  map[flowKey4]*Conversation
	all     []*Conversation
	last4   flowKey4 // the IPv4 key lookup last saw, and its conversation
	lastC   *Conversation
	lastKey flowKey // the IPv6 key lookup last saw
	v4      bool    // whether lookup last saw IPv4
	max     int     // connections tracked at most (maxConversations)
	scratch Conversation
}

func newConversations() *conversations {
	return &conversations{byKey: make(map[flowKey]*Conversation), byKey4: make(map[flowKey4]*Conversation), max: maxConversations}
}

// lookup finds the conversation of a segment between src and dst, and
// whether src is the lower endpoint. It remembers the key for store.
func (cs *conversations) lookup(src, dst []byte, sp, dp uint16) (*Conversation, bool) {
	if len(src) == 4 && len(dst) == 4 {
		a, b := binary.BigEndian.Uint32(src), binary.BigEndian.Uint32(dst)
		srcLo := a < b || a == b && sp <= dp
		k := flowKey4{a, b, sp, dp}
		if !srcLo {
			k = flowKey4{b, a, dp, sp}
		}
		cs.v4 = true
		if k == cs.last4 && cs.lastC != nil {
			return cs.lastC, srcLo
		}
		cs.last4, cs.lastC = k, cs.byKey4[k]
		return cs.lastC, srcLo
	}
	k, srcLo := keyOf(src, dst, sp, dp)
	cs.v4, cs.lastKey = false, k
	return cs.byKey[k], srcLo
}

// store files c under the key lookup last saw.
func (cs *conversations) store(c *Conversation) {
	if cs.v4 {
		cs.byKey4[cs.last4], cs.lastC = c, c
		return
	}
	cs.byKey[cs.lastKey] = c
}

// track finds or starts the conversation of the TCP segment the
// summarizer just decoded, and counts it. It returns the conversation and
// the direction (0: A to B, 1: B to A).
func (cs *conversations) track(s *summarizer, f *Frame) (*Conversation, int) {
	tcp := &s.dec.tcp
	var srcIP, dstIP []byte
	if s.v.ip == protoIPv6 {
		srcIP, dstIP = s.dec.ip6.SrcIP, s.dec.ip6.DstIP
	} else {
		srcIP, dstIP = s.dec.ip4.SrcIP, s.dec.ip4.DstIP
	}
	c, srcLo := cs.lookup(srcIP, dstIP, uint16(tcp.SrcPort), uint16(tcp.DstPort))
	syn := tcp.SYN && !tcp.ACK
	if c != nil && syn && (c.RST || (c.FIN[0] && c.FIN[1])) && c.haveBase[0] && tcp.Seq != c.base[0] {
		c = nil // the same ports again after the last connection closed: a new connection
	}
	if c == nil {
		src, dst := s.ipEndpoints()
		if len(cs.all) >= cs.max {
			cs.scratch = Conversation{Index: -1, A: src, B: dst, FirstPacket: f.Number, aLo: srcLo}
			c = &cs.scratch
		} else {
			c = &Conversation{Index: len(cs.all), A: src, B: dst, FirstPacket: f.Number, aLo: srcLo}
			cs.store(c)
			cs.all = append(cs.all, c)
		}
		if f.HasTime {
			c.First, c.HasTime = f.Time, true
		}
	}
	dir := 0
	if srcLo != c.aLo {
		dir = 1
	}
	if !c.haveBase[dir] {
		c.base[dir], c.haveBase[dir] = tcp.Seq-1, true // no SYN seen: the first byte seen is byte 1
		if tcp.SYN {
			c.base[dir] = tcp.Seq
			if dir == 0 {
				c.HandshakeSeen = true
			}
		}
	}
	if tcp.ACK && !c.haveBase[1-dir] { // the other end's first byte, as this one acknowledges it
		c.base[1-dir], c.haveBase[1-dir] = tcp.Ack-1, true
	}
	c.Packets[dir]++
	c.Bytes[dir] += int64(len(s.v.payload))
	c.FrameBytes[dir] += int64(f.Len)
	c.LastPacket = f.Number
	if f.HasTime {
		if !c.HasTime {
			c.First, c.HasTime = f.Time, true
		}
		c.Last = f.Time
	}
	if tcp.SYN {
		for _, o := range tcp.Options {
			if o.OptionType == layers.TCPOptionKindWindowScale && len(o.OptionData) == 1 {
				c.winShift[dir], c.winScaled[dir] = min(o.OptionData[0], 14), true
			}
		}
	}
	c.SYN[dir] = c.SYN[dir] || tcp.SYN
	c.FIN[dir] = c.FIN[dir] || tcp.FIN
	c.RST = c.RST || tcp.RST
	return c, dir
}

// keyOf orders the two endpoints, and says whether the source is the
// lower one.
func keyOf(src, dst []byte, sp, dp uint16) (flowKey, bool) {
	var k flowKey
	var a, b [16]byte
	if len(src) == 4 { // IPv4 as ::ffff:a.b.c.d, as netip does
		a[10], a[11], b[10], b[11] = 0xff, 0xff, 0xff, 0xff
		copy(a[12:], src)
		copy(b[12:], dst)
	} else {
		copy(a[:], src)
		copy(b[:], dst)
	}
	lo := a != b && string(a[:]) < string(b[:]) || a == b && sp <= dp
	if lo {
		k.lo, k.hi, k.loPort, k.hiPort = a, b, sp, dp
	} else {
		k.lo, k.hi, k.loPort, k.hiPort = b, a, dp, sp
	}
	return k, lo
}

// relSeq is a sequence number relative to the direction's first.
func (c *Conversation) relSeq(dir int, seq uint32) uint32 { return seq - c.base[dir] }

// relAck is an acknowledgement number relative to the other direction's
// first sequence number, or as it is when that is not known yet.
func (c *Conversation) relAck(dir int, ack uint32) uint32 {
	if !c.haveBase[1-dir] {
		return ack
	}
	return ack - c.base[1-dir]
}

// endpoint is an address and port, without allocating.
func endpoint(ip []byte, port uint16) netip.AddrPort {
	a, _ := netip.AddrFromSlice(ip)
	return netip.AddrPortFrom(a.Unmap(), port)
}
