// One line per packet, as tcpdump and tshark print them: number, time,
// source → destination, protocol, length, and what the packet says.

package capture

import (
	"net/netip"
	"strconv"
	"strings"
	"time"

	"github.com/gopacket/gopacket/layers"
)

// summarizer decodes packets one after another and keeps what a packet's
// line needs from earlier packets: the first time, the conversations. Its
// buffers are reused, so a line costs no allocation.
type summarizer struct {
	dec       decoder
	v         view
	convs     *conversations
	firstTime time.Time
	haveFirst bool

	// about the last packet
	app      proto // what its transport payload is (HTTP, WebSocket, ...), or protoNone
	conv     *Conversation
	dir      int
	analysis string // tshark-style expert note on a TCP segment, or ""
	wsBefore int64  // WebSocket payload bytes at the start of its segment that finish an earlier frame
	src, dst []byte // its endpoints, formatted
	info     []byte
}

func newSummarizer() *summarizer {
	return &summarizer{convs: newConversations()}
}

// packet decodes f, tracks its TCP conversation, and, if wantInfo, writes
// its endpoints and info text.
func (s *summarizer) packet(f *Frame, wantInfo bool) {
	s.dec.decode(f.LinkType, f.Data, &s.v)
	s.app, s.conv = protoNone, nil
	if f.HasTime && !s.haveFirst {
		s.firstTime, s.haveFirst = f.Time, true
	}
	v := &s.v
	if v.transport == protoTCP {
		s.conv, s.dir = s.convs.track(s, f)
		s.analysis = ""
		if len(v.payload) > 0 {
			s.analysis = s.conv.analyze(s.dir, s.conv.relSeq(s.dir, s.dec.tcp.Seq), len(v.payload))
		}
		s.app = classifyTCP(s.conv, v.payload)
		if s.app != protoTCP {
			v.add(s.app, v.payOff, v.payOff+len(v.payload))
		}
	} else if v.transport == protoUDP && !v.has(protoDNS) && len(v.payload) > 0 && v.err == nil {
		v.add(protoData, v.payOff, v.payOff+len(v.payload))
	}
	if s.app == protoWebSocket {
		s.wsBefore = s.conv.wsRemain[s.dir]
	}
	if !wantInfo {
		if s.app == protoWebSocket { // keeps frame boundaries right for later lines
			s.info = wsFrames(s.info[:0], s.conv, s.dir, v.payload)
		}
		return
	}
	s.addresses()
	s.info = s.appendInfo(s.info[:0], f)
}

// ipEndpoints is the source and destination address and port of a TCP or
// UDP packet.
func (s *summarizer) ipEndpoints() (src, dst netip.AddrPort) {
	var sp, dp uint16
	if s.v.transport == protoTCP {
		sp, dp = uint16(s.dec.tcp.SrcPort), uint16(s.dec.tcp.DstPort)
	} else {
		sp, dp = uint16(s.dec.udp.SrcPort), uint16(s.dec.udp.DstPort)
	}
	if s.v.ip == protoIPv6 {
		return endpoint(s.dec.ip6.SrcIP, sp), endpoint(s.dec.ip6.DstIP, dp)
	}
	return endpoint(s.dec.ip4.SrcIP, sp), endpoint(s.dec.ip4.DstIP, dp)
}

// addresses formats the packet's source and destination: IP addresses if
// it has them, else link-layer addresses.
func (s *summarizer) addresses() {
	s.src, s.dst = s.src[:0], s.dst[:0]
	d := &s.dec
	switch {
	case s.v.ip == protoIPv4:
		s.src = appendIP(s.src, d.ip4.SrcIP)
		s.dst = appendIP(s.dst, d.ip4.DstIP)
	case s.v.ip == protoIPv6:
		s.src = appendIP(s.src, d.ip6.SrcIP)
		s.dst = appendIP(s.dst, d.ip6.DstIP)
	case s.v.has(protoEthernet):
		s.src = appendMAC(s.src, d.eth.SrcMAC)
		s.dst = appendMAC(s.dst, d.eth.DstMAC)
	case s.v.has(protoSLL):
		s.src = appendMAC(s.src, d.sll.Addr)
		s.dst = append(s.dst, '?')
	case s.v.has(protoSLL2):
		s.src = appendMAC(s.src, d.sll2.Addr)
		s.dst = append(s.dst, '?')
	default:
		s.src = append(s.src, '?')
		s.dst = append(s.dst, '?')
	}
}

// column is the Protocol column: the highest layer decoded. TCP and UDP
// payload netlab does not recognise leaves the column at TCP or UDP, as
// in tshark.
func (s *summarizer) columnName() string {
	top := s.v.top()
	switch {
	case top == protoData && s.v.transport == protoTCP:
		return "TCP"
	case top == protoData && s.v.transport == protoUDP:
		return "UDP"
	case top == protoIPv6Ext:
		return "IPv6"
	case top == protoFragment && s.v.ip == protoIPv6:
		return "IPv6"
	case top == protoNone:
		return "?"
	}
	return protoInfo[top].column
}

// appendLine appends the packet's summary line, without a newline.
func (s *summarizer) appendLine(b []byte, f *Frame) []byte {
	b = appendIntPad(b, int64(f.Number), 6)
	b = append(b, "  "...)
	if f.HasTime {
		b = appendSeconds(b, f.Time.Sub(s.firstTime), 12)
	} else {
		b = append(b, "no timestamp"...)
	}
	b = append(b, "  "...)
	b = padLeft(b, s.src, 15)
	b = append(b, " → "...)
	b = padRight(b, s.dst, 15)
	b = append(b, "  "...)
	col := s.columnName()
	b = append(b, col...)
	b = appendSpaces(b, 9-len(col))
	b = append(b, ' ')
	b = appendIntPad(b, int64(f.Len), 5)
	b = append(b, "  "...)
	return append(b, s.info...)
}

// appendInfo writes the Info column: what the top layer says.
func (s *summarizer) appendInfo(b []byte, f *Frame) []byte {
	v, d := &s.v, &s.dec
	if v.transport == protoTCP {
		b = append(b, s.analysis...)
	}
	switch top := v.top(); {
	case v.n == 0 && v.err == nil:
		b = append(b, "link type "...)
		b = append(b, linkString(f.LinkType)...)
		b = append(b, ": netlab does not decode it"...)
	case top == protoHTTP:
		b = appendFirstLine(b, v.payload, 80)
	case top == protoWebSocket:
		b = wsFrames(b, s.conv, s.dir, v.payload)
	case top == protoTLS:
		b = appendTLS(b, v.payload)
	case v.transport == protoTCP:
		b = s.appendTCP(b)
	case top == protoDNS:
		b = appendDNS(b, &d.dns)
	case v.transport == protoUDP:
		b = appendUint(b, uint64(d.udp.SrcPort))
		b = append(b, " → "...)
		b = appendUint(b, uint64(d.udp.DstPort))
		b = append(b, " Len="...)
		b = appendUint(b, uint64(len(v.payload)))
		if v.unknown != 0 {
			b = append(b, " (port suggests "...)
			b = append(b, v.unknown.String()...)
			b = append(b, "; netlab does not decode it)"...)
		}
	case top == protoICMPv4:
		b = appendICMPv4(b, &d.icmp4)
	case top == protoICMPv6:
		b = append(b, d.icmp6.TypeCode.String()...)
	case top == protoARP:
		b = appendARP(b, &d.arp)
	case top == protoFragment:
		b = s.appendFragment(b)
	default:
		if v.unknown != 0 {
			b = append(b, v.unknown.String()...)
			b = append(b, " (netlab does not decode it)"...)
		}
	}
	if v.err != nil {
		b = append(b, " [malformed "...)
		b = append(b, protoInfo[v.errProto].column...)
		b = append(b, ": "...)
		b = append(b, v.err.Error()...)
		b = append(b, ']')
	}
	if len(f.Data) < f.Len {
		b = append(b, " [captured "...)
		b = strconv.AppendInt(b, int64(len(f.Data)), 10)
		b = append(b, " of "...)
		b = strconv.AppendInt(b, int64(f.Len), 10)
		b = append(b, " bytes]"...)
	}
	return b
}

// appendTCP writes tshark's TCP info: ports, flags, relative sequence and
// acknowledgement numbers, window, payload length, and the options a
// handshake negotiates.
func (s *summarizer) appendTCP(b []byte) []byte {
	t := &s.dec.tcp
	b = appendUint(b, uint64(t.SrcPort))
	b = append(b, " → "...)
	b = appendUint(b, uint64(t.DstPort))
	b = append(b, ' ')
	b = append(b, tcpFlagText[flagsByte(t)]...)
	b = append(b, " Seq="...)
	b = appendUint(b, uint64(s.conv.relSeq(s.dir, t.Seq)))
	if t.ACK {
		b = append(b, " Ack="...)
		b = appendUint(b, uint64(s.conv.relAck(s.dir, t.Ack)))
	}
	b = append(b, " Win="...)
	b = appendUint(b, uint64(s.conv.window(s.dir, t)))
	b = append(b, " Len="...)
	b = appendUint(b, uint64(len(s.v.payload)))
	for _, o := range t.Options {
		switch {
		case o.OptionType == layers.TCPOptionKindMSS && len(o.OptionData) == 2:
			b = append(b, " MSS="...)
			b = appendUint(b, uint64(o.OptionData[0])<<8|uint64(o.OptionData[1]))
		case o.OptionType == layers.TCPOptionKindWindowScale && len(o.OptionData) == 1:
			b = append(b, " WS="...)
			b = appendUint(b, 1<<min(o.OptionData[0], 14))
		case o.OptionType == layers.TCPOptionKindSACKPermitted:
			b = append(b, " SACK_PERM"...)
		}
	}
	return b
}

// tcpFlagNames are the TCP flags in the order tshark lists them, which is
// also their order in the header's flags byte, from its lowest bit (RFC
// 9293, section 3.1; ECE and CWR from RFC 3168, section 23.2).
var tcpFlagNames = [8]string{"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"}

// flagsByte is the segment's flags byte: FIN in bit 0 up to CWR in bit 7.
func flagsByte(t *layers.TCP) uint8 {
	var f uint8
	for i, on := range [8]bool{t.FIN, t.SYN, t.RST, t.PSH, t.ACK, t.URG, t.ECE, t.CWR} {
		if on {
			f |= 1 << i
		}
	}
	return f
}

// tcpFlagText is the bracketed flag list of each flags byte, as tshark
// writes it: "[SYN, ACK]", or "[<None>]". A read-only table, made once:
// the list is on most lines of a summary.
var tcpFlagText = func() (text [256]string) {
	for f := range text {
		var names []string
		for i, name := range tcpFlagNames {
			if f&(1<<i) != 0 {
				names = append(names, name)
			}
		}
		if len(names) == 0 {
			names = []string{"<None>"}
		}
		text[f] = "[" + strings.Join(names, ", ") + "]"
	}
	return text
}()

func (s *summarizer) appendFragment(b []byte) []byte {
	if s.v.ip == protoIPv6 {
		f := &s.dec.ip6frg
		b = append(b, "IPv6 fragment (offset "...)
		b = strconv.AppendUint(b, uint64(f.FragmentOffset)*8, 10)
		b = append(b, ", id 0x"...)
		b = strconv.AppendUint(b, uint64(f.Identification), 16)
		if f.MoreFragments {
			b = append(b, ", more follow"...)
		}
		return append(b, ")"...)
	}
	ip := &s.dec.ip4
	b = append(b, "Fragmented IP protocol (proto="...)
	b = append(b, ip.Protocol.String()...)
	b = append(b, ", off="...)
	b = strconv.AppendUint(b, uint64(ip.FragOffset)*8, 10)
	b = append(b, ", ID="...)
	b = strconv.AppendUint(b, uint64(ip.Id), 16)
	if ip.Flags&layers.IPv4MoreFragments != 0 {
		b = append(b, ", MF"...)
	}
	return append(b, ")"...)
}
