// Appending text without allocating: addresses, padded columns, seconds,
// and the info of protocols that need only a few words.

package capture

import (
	"math/bits"
	"net/netip"
	"slices"
	"strconv"
	"time"

	"github.com/gopacket/gopacket/layers"
)

const hexDigits = "0123456789abcdef"

// digitPairs holds "00" to "99", for writing two digits at a time.
const digitPairs = "00010203040506070809101112131415161718192021222324252627282930313233343536373839" +
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879" +
	"8081828384858687888990919293949596979899"

// appendIP appends an IPv4 or IPv6 address as text.
func appendIP(b []byte, ip []byte) []byte {
	if len(ip) == 4 { // the common case, without netip's generality
		return appendIPv4(b, ip)
	}
	a, ok := netip.AddrFromSlice(ip)
	if !ok {
		return append(b, '?')
	}
	return a.Unmap().AppendTo(b)
}

// appendIPv4 appends a 4-byte address in dotted decimal. It makes room
// for the longest address once and writes by index: every summary line
// has two addresses, and a capacity check per digit showed in profiles.
func appendIPv4(b []byte, ip []byte) []byte {
	const longest = len("255.255.255.255")
	n := len(b)
	b = slices.Grow(b, longest)[:n+longest]
	for i, c := range ip[:4] {
		if i > 0 {
			b[n] = '.'
			n++
		}
		switch {
		case c >= 100:
			b[n], b[n+1], b[n+2] = '0'+c/100, digitPairs[c%100*2], digitPairs[c%100*2+1]
			n += 3
		case c >= 10:
			b[n], b[n+1] = digitPairs[c*2], digitPairs[c*2+1]
			n += 2
		default:
			b[n] = '0' + c
			n++
		}
	}
	return b[:n]
}

func appendMAC(b []byte, mac []byte) []byte {
	for i, c := range mac {
		if i > 0 {
			b = append(b, ':')
		}
		b = append(b, hexDigits[c>>4], hexDigits[c&0xf])
	}
	if len(mac) == 0 {
		b = append(b, '?')
	}
	return b
}

// appendIntPad appends n right-aligned in width columns.
func appendIntPad(b []byte, n int64, width int) []byte {
	if n < 0 { // never on a summary line: counts, lengths and ports
		return padLeft(b, strconv.AppendInt(nil, n, 10), width)
	}
	return appendUintPad(b, uint64(n), width)
}

// appendUint appends u in decimal. A single digit (Len=0, Seq=1, Ack=1)
// is common enough to append inline.
func appendUint(b []byte, u uint64) []byte {
	if u < 10 {
		return append(b, byte('0'+u))
	}
	return appendUintPad(b, u, 0)
}

// appendUintPad appends u in decimal, right-aligned in width columns. A
// summary line holds up to eight numbers, so this writes the digits
// straight into b, where strconv.AppendUint formats into a scratch array
// and copies.
func appendUintPad(b []byte, u uint64, width int) []byte {
	digits := decimalLen(u)
	b = growPadded(b, width-digits, digits)
	putDigits(b, u)
	return b
}

// growPadded appends pad spaces (none if pad < 0) and then n bytes for the
// caller to fill in.
func growPadded(b []byte, pad, n int) []byte {
	pad = max(pad, 0)
	start := len(b)
	b = slices.Grow(b, pad+n)[:start+pad+n]
	for i := start; i < start+pad; i++ {
		b[i] = ' '
	}
	return b
}

// putDigits writes u in decimal at the end of b, two digits at a time
// (decimalLen(u) bytes, which b must hold).
func putDigits(b []byte, u uint64) {
	i := len(b)
	for u >= 100 {
		r := u % 100
		u /= 100
		i -= 2
		b[i], b[i+1] = digitPairs[r*2], digitPairs[r*2+1]
	}
	if u >= 10 {
		b[i-2], b[i-1] = digitPairs[u*2], digitPairs[u*2+1]
	} else {
		b[i-1] = byte('0' + u)
	}
}

// pow10 holds the powers of ten that fit in a uint64.
var pow10 = [...]uint64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
	1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19}

// decimalLen is the number of decimal digits of u, from its bit length
// (1233/4096 is just above log10(2)) and one comparison, without dividing.
func decimalLen(u uint64) int {
	n := bits.Len64(u) * 1233 >> 12
	if n < len(pow10) && u >= pow10[n] {
		n++
	}
	return max(n, 1)
}

// spaces is padding, sliced as needed.
const spaces = "                                "

// appendSpaces appends n spaces (none if n < 0).
func appendSpaces(b []byte, n int) []byte {
	for ; n > len(spaces); n -= len(spaces) {
		b = append(b, spaces...)
	}
	return append(b, spaces[:max(n, 0)]...)
}

// padLeft appends the ASCII s right-aligned in width columns.
func padLeft(b, s []byte, width int) []byte {
	return append(appendSpaces(b, width-len(s)), s...)
}

// padRight appends the ASCII s left-aligned in width columns.
func padRight(b, s []byte, width int) []byte {
	return appendSpaces(append(b, s...), width-len(s))
}

// appendSeconds writes d as seconds with six decimals, as tshark does,
// rounded to the microsecond and right-aligned in width columns.
func appendSeconds(b []byte, d time.Duration, width int) []byte {
	us := int64((d + time.Microsecond/2) / time.Microsecond)
	if d < 0 {
		us = int64((d - time.Microsecond/2) / time.Microsecond)
	}
	neg := us < 0
	abs := uint64(us)
	if neg {
		abs = uint64(-us)
	}
	sec, frac := abs/1e6, abs%1e6
	n := decimalLen(sec) + len(".000000")
	if neg {
		n++
	}
	b = growPadded(b, width-n, n)
	end := len(b)
	for range 3 { // the six decimals, two at a time
		end -= 2
		b[end], b[end+1] = digitPairs[frac%100*2], digitPairs[frac%100*2+1]
		frac /= 100
	}
	end--
	b[end] = '.'
	putDigits(b[:end], sec)
	if neg {
		b[len(b)-n] = '-'
	}
	return b
}

// appendFirstLine writes p's first line, at most max bytes, as text:
// bytes outside printable ASCII become '.', and a line cut short ends in
// "…". It copies the line whole and then replaces what is not printable,
// rather than appending byte by byte.
func appendFirstLine(b, p []byte, max int) []byte {
	end := 0
	for end < len(p) && end < max && p[end] != '\r' && p[end] != '\n' {
		end++
	}
	start := len(b)
	b = append(b, p[:end]...)
	for i, c := range b[start:] {
		if c < 0x20 || c >= 0x7f {
			b[start+i] = '.'
		}
	}
	if end == max && end < len(p) {
		b = append(b, "…"...)
	}
	return b
}

// appendTLS names the content type of the first TLS record.
func appendTLS(b, p []byte) []byte {
	b = append(b, "TLS record: "...)
	switch p[0] {
	case 20:
		b = append(b, "change cipher spec"...)
	case 21:
		b = append(b, "alert"...)
	case 22:
		b = append(b, "handshake"...)
	case 23:
		b = append(b, "application data (encrypted)"...)
	}
	return b
}

func appendICMPv4(b []byte, i *layers.ICMPv4) []byte {
	switch i.TypeCode.Type() {
	case layers.ICMPv4TypeEchoRequest, layers.ICMPv4TypeEchoReply:
		if i.TypeCode.Type() == layers.ICMPv4TypeEchoRequest {
			b = append(b, "Echo (ping) request"...)
		} else {
			b = append(b, "Echo (ping) reply"...)
		}
		b = append(b, " id=0x"...)
		b = strconv.AppendUint(b, uint64(i.Id), 16)
		b = append(b, ", seq="...)
		return strconv.AppendUint(b, uint64(i.Seq), 10)
	}
	return append(b, i.TypeCode.String()...)
}

func appendARP(b []byte, a *layers.ARP) []byte {
	switch a.Operation {
	case layers.ARPRequest:
		b = append(b, "Who has "...)
		b = appendIP(b, a.DstProtAddress)
		b = append(b, "? Tell "...)
		return appendIP(b, a.SourceProtAddress)
	case layers.ARPReply:
		b = appendIP(b, a.SourceProtAddress)
		b = append(b, " is at "...)
		return appendMAC(b, a.SourceHwAddress)
	}
	return append(b, "ARP operation "...)
}
