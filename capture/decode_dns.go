// DNS messages read just far enough for a summary line (RFC 1035, section
// 4.1): the header, the first question, and the addresses in the answers.
// Hand-written and allocation-free: gopacket's full DNS layer cost more
// than the rest of a packet's summary.

package capture

import (
	"encoding/binary"

	"github.com/gopacket/gopacket/layers"
)

// DNS header fields and limits (RFC 1035, sections 4.1.1 to 4.1.4).
const (
	dnsHeaderLen  = 12
	dnsMaxName    = 255 // octets in a name (section 2.3.4)
	dnsMaxPointer = 16  // compression pointers followed before giving up (a loop)
	dnsMaxAnswers = 4   // addresses shown
	dnsTypeA      = 1
	dnsTypeAAAA   = 28
)

// dnsSummary is what a summary line says of a DNS message.
type dnsSummary struct {
	id      uint16
	qr      bool // a response
	qdCount uint16
	name    [dnsMaxName]byte
	nameLen int
	qtype   uint16
	answers [dnsMaxAnswers]dnsAnswer
	nAns    int
}

type dnsAnswer struct {
	typ  uint16
	addr [16]byte
	n    int // 4 or 16 bytes of addr used; 0 for other types
}

// parse reads msg; false means it is not a well-formed DNS message.
func (d *dnsSummary) parse(msg []byte) bool {
	if len(msg) < dnsHeaderLen {
		return false
	}
	d.id = binary.BigEndian.Uint16(msg)
	d.qr = msg[2]&0x80 != 0
	d.qdCount = binary.BigEndian.Uint16(msg[4:])
	anCount := int(binary.BigEndian.Uint16(msg[6:]))
	d.nameLen, d.qtype, d.nAns = 0, 0, 0
	off := dnsHeaderLen
	for q := 0; q < int(d.qdCount); q++ {
		end, ok := d.readName(msg, off, q == 0)
		if !ok || end+4 > len(msg) {
			return false
		}
		if q == 0 {
			d.qtype = binary.BigEndian.Uint16(msg[end:])
		}
		off = end + 4 // type, class
	}
	for a := 0; a < anCount; a++ {
		end, ok := d.readName(msg, off, false)
		if !ok || end+10 > len(msg) {
			return false
		}
		typ := binary.BigEndian.Uint16(msg[end:])
		rdLen := int(binary.BigEndian.Uint16(msg[end+8:]))
		rdata := end + 10
		if rdata+rdLen > len(msg) {
			return false
		}
		if d.nAns < dnsMaxAnswers {
			ans := dnsAnswer{typ: typ}
			if typ == dnsTypeA && rdLen == 4 || typ == dnsTypeAAAA && rdLen == 16 {
				ans.n = copy(ans.addr[:], msg[rdata:rdata+rdLen])
			}
			d.answers[d.nAns] = ans
			d.nAns++
		}
		off = rdata + rdLen
	}
	return true
}

// readName walks the name at off, following compression pointers, and
// returns where the name ends in place (after its first pointer, if any).
// With keep, the name's text is kept in d.name.
func (d *dnsSummary) readName(msg []byte, off int, keep bool) (int, bool) {
	end := -1
	for hops, total := 0, 0; ; {
		if off >= len(msg) {
			return 0, false
		}
		l := int(msg[off])
		switch {
		case l == 0:
			if end < 0 {
				end = off + 1
			}
			return end, true
		case l&0xc0 == 0xc0: // a pointer to an earlier name
			if off+2 > len(msg) || hops == dnsMaxPointer {
				return 0, false
			}
			if end < 0 {
				end = off + 2
			}
			off = int(binary.BigEndian.Uint16(msg[off:]) & 0x3fff)
			hops++
			continue
		case l&0xc0 != 0: // reserved label types
			return 0, false
		}
		if off+1+l > len(msg) {
			return 0, false
		}
		total += l + 1
		if total > dnsMaxName {
			return 0, false
		}
		if keep {
			if d.nameLen > 0 {
				d.name[d.nameLen] = '.'
				d.nameLen++
			}
			d.nameLen += copy(d.name[d.nameLen:], msg[off+1:off+1+l])
		}
		off += 1 + l
	}
}

// appendDNS writes tshark's DNS info: "Standard query 0x1234 A
// example.com", and for a response the answers' types and addresses.
func appendDNS(b []byte, d *dnsSummary) []byte {
	b = append(b, "Standard query "...)
	if d.qr {
		b = append(b, "response "...)
	}
	b = append(b, "0x"...)
	b = append(b, hexDigits[d.id>>12], hexDigits[d.id>>8&0xf], hexDigits[d.id>>4&0xf], hexDigits[d.id&0xf])
	if d.qdCount > 0 {
		b = append(b, ' ')
		b = append(b, layers.DNSType(d.qtype).String()...)
		b = append(b, ' ')
		b = appendPrintable(b, d.name[:d.nameLen])
	}
	for _, a := range d.answers[:d.nAns] {
		b = append(b, ' ')
		b = append(b, layers.DNSType(a.typ).String()...)
		if a.n > 0 {
			b = append(b, ' ')
			b = appendIP(b, a.addr[:a.n])
		}
	}
	return b
}

// appendPrintable appends b with bytes outside printable ASCII as '.'.
func appendPrintable(b, s []byte) []byte {
	for _, c := range s {
		if c < 0x20 || c >= 0x7f {
			c = '.'
		}
		b = append(b, c)
	}
	return b
}
