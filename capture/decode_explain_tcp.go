// Explaining transport headers (OSI layer 4): TCP (RFC 9293, section 3.1)
// and UDP (RFC 768), with their checksums checked over the pseudo-header.

package capture

import (
	"encoding/binary"
	"fmt"
	"strings"

	"netlab/packets"
)

// TCP header fields (RFC 9293, section 3.1).
const (
	tcpSrcPort  = 0
	tcpDstPort  = 2
	tcpSeq      = 4
	tcpAck      = 8
	tcpDataOff  = 12
	tcpFlags    = 13
	tcpWindow   = 14
	tcpChecksum = 16
	tcpUrgent   = 18
	tcpMinHdr   = 20
)

// transportChecksum checks a TCP or UDP checksum: the ones' complement sum
// of a pseudo-header (addresses, protocol, length) and the whole segment.
// It returns "" when the capture holds too little of the segment to check.
func (s *summarizer) transportChecksum(hdr []byte, protocol byte, what string) string {
	seg := len(hdr) + len(s.v.payload)
	if s.v.truncated {
		return "not checked: the capture holds only part of the " + what
	}
	var sum uint32
	if s.v.ip == protoIPv6 {
		sum = packets.ChecksumAdd(sum, s.dec.ip6.SrcIP)
		sum = packets.ChecksumAdd(sum, s.dec.ip6.DstIP)
	} else {
		sum = packets.ChecksumAdd(sum, s.dec.ip4.SrcIP)
		sum = packets.ChecksumAdd(sum, s.dec.ip4.DstIP)
	}
	var pseudo [4]byte
	binary.BigEndian.PutUint16(pseudo[:2], uint16(protocol))
	binary.BigEndian.PutUint16(pseudo[2:], uint16(seg))
	sum = packets.ChecksumAdd(sum, pseudo[:])
	sum = packets.ChecksumAdd(sum, hdr)
	if len(hdr)%2 == 1 { // cannot happen for TCP and UDP headers, but keep the words aligned
		return "not checked"
	}
	sum = packets.ChecksumAdd(sum, s.v.payload)
	return checksumMeaning(packets.ChecksumFold(sum) == 0xffff, what+" (pseudo-header of addresses and length, header and payload)")
}

func (s *summarizer) explainTCP(f *fieldList, b []byte) {
	if len(b) < tcpMinHdr {
		return
	}
	c, dir := s.conv, s.dir
	f.add(tcpSrcPort, tcpSrcPort+2, "source port", itoa(int(be16(b))), "the sending program's port")
	f.add(tcpDstPort, tcpDstPort+2, "destination port", itoa(int(be16(b[2:]))), "the receiving program's port: the 4 numbers (2 addresses, 2 ports) name the connection")
	seq, ack := be32(b[tcpSeq:]), be32(b[tcpAck:])
	f.add(tcpSeq, tcpSeq+4, "sequence number", fmt.Sprintf("%d (relative %d)", seq, c.relSeq(dir, seq)),
		"the stream position of this segment's first byte; a SYN takes one number; the first is random (RFC 6528), so tools show it relative")
	ackMeaning := "not used: ACK is 0"
	if b[tcpFlags]&0x10 != 0 {
		ackMeaning = "the next byte this end expects from the other: everything before it arrived"
	}
	f.add(tcpAck, tcpAck+4, "acknowledgment number", fmt.Sprintf("%d (relative %d)", ack, c.relAck(dir, ack)), ackMeaning)
	doff := int(b[tcpDataOff] >> 4)
	f.bits(tcpDataOff, b[tcpDataOff], 0xf0, "data offset", fmt.Sprintf("%d (%d bytes)", doff, doff*4), "header length in 32-bit words: where the payload starts")
	var names []string
	for i, n := range []string{"FIN", "SYN", "RST", "PSH", "ACK", "URG", "ECE", "CWR"} {
		if b[tcpFlags]&(1<<i) != 0 {
			names = append(names, n)
		}
	}
	f.bits(tcpFlags, b[tcpFlags], 0xff, "flags", strings.Join(names, ", "),
		"SYN opens, FIN closes one direction, RST aborts, ACK: the acknowledgment number is valid, PSH: deliver now")
	f.add(tcpWindow, tcpWindow+2, "window", itoa(int(be16(b[tcpWindow:]))),
		"bytes the sender can still receive (times 2^scale once both SYNs offered window scaling): flow control")
	f.add(tcpChecksum, tcpChecksum+2, "checksum", hex16(be16(b[tcpChecksum:])), s.transportChecksum(b, 6, "segment"))
	f.add(tcpUrgent, tcpUrgent+2, "urgent pointer", itoa(int(be16(b[tcpUrgent:]))), "used only with URG; practically never")
	explainTCPOptions(f, b[tcpMinHdr:], tcpMinHdr)
}

// explainTCPOptions labels each option: kind, length, value.
func explainTCPOptions(f *fieldList, b []byte, at int) {
	for len(b) > 0 {
		kind := b[0]
		if kind == 0 {
			f.add(at, at+len(b), "end of options", "", "padding to a 4-byte boundary")
			return
		}
		if kind == 1 {
			f.add(at, at+1, "NOP", "", "padding so the next option is aligned")
			b, at = b[1:], at+1
			continue
		}
		if len(b) < 2 || int(b[1]) < 2 || int(b[1]) > len(b) {
			f.add(at, at+len(b), "malformed option", shortHex(b, 8), "the option's length runs past the header")
			return
		}
		n, v := int(b[1]), b[2:b[1]]
		name, value, meaning := fmt.Sprintf("option %d", kind), shortHex(v, 8), ""
		switch {
		case kind == 2 && len(v) == 2:
			name, value, meaning = "MSS", itoa(int(be16(v))), "maximum segment size: the largest payload this end wants per segment"
		case kind == 3 && len(v) == 1:
			name, value, meaning = "window scale", fmt.Sprintf("%d (×%d)", v[0], 1<<min(v[0], 14)), "shift the window field left by this many bits (RFC 7323)"
		case kind == 4:
			name, value, meaning = "SACK permitted", "", "this end understands selective acknowledgments (RFC 2018)"
		case kind == 5:
			name, meaning = "SACK", "blocks received beyond a hole: resend only what is missing"
		case kind == 8 && len(v) == 8:
			name, value, meaning = "timestamps", fmt.Sprintf("TSval %d, TSecr %d", be32(v), be32(v[4:])), "round-trip measurement and protection against wrapped sequence numbers (RFC 7323)"
		}
		f.add(at, at+n, name, value, meaning)
		b, at = b[n:], at+n
	}
}

func (s *summarizer) explainUDP(f *fieldList, b []byte) {
	if len(b) < 8 {
		return
	}
	f.add(0, 2, "source port", itoa(int(be16(b))), "the sending program's port")
	f.add(2, 4, "destination port", itoa(int(be16(b[2:]))), "the receiving program's port")
	f.add(4, 6, "length", itoa(int(be16(b[4:]))), "bytes of header and payload: UDP keeps message boundaries, TCP does not")
	sum := be16(b[6:])
	meaning := "0: the sender did not compute one (allowed over IPv4)"
	if sum != 0 {
		meaning = s.transportChecksum(b, 17, "datagram")
	}
	f.add(6, 8, "checksum", hex16(sum), meaning)
}
