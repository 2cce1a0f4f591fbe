// Appending text without allocating: addresses, padded columns, seconds,
// and the info of protocols that need only a few words.

package capture

import (
	"net/netip"
	"strconv"
	"time"

	"github.com/gopacket/gopacket/layers"
)

const hexDigits = "0123456789abcdef"

// digitPairs holds "00" to "99", for writing two digits at a time.
const digitPairs = "00010203040506070809101112131415161718192021222324252627282930313233343536373839" +
	"40414243444546474849505152535455565758596061626364656667686970717273747576777879" +
	"8081828384858687888990919293949596979899"

func appendIP(b []byte, ip []byte) []byte {
	if len(ip) == 4 { // the common case, without netip's generality
		for i, c := range ip {
			if i > 0 {
				b = append(b, '.')
			}
			b = appendSmall(b, c)
		}
		return b
	}
	a, ok := netip.AddrFromSlice(ip)
	if !ok {
		return append(b, '?')
	}
	return a.Unmap().AppendTo(b)
}

// appendSmall appends a byte in decimal.
func appendSmall(b []byte, c byte) []byte {
	switch {
	case c >= 100:
		return append(b, '0'+c/100, '0'+c/10%10, '0'+c%10)
	case c >= 10:
		return append(b, '0'+c/10, '0'+c%10)
	}
	return append(b, '0'+c)
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
	if width > 0 {
		digits := 1
		for x := n; x >= 10 || x <= -10; x /= 10 {
			digits++
		}
		if n < 0 {
			digits++
		}
		if pad := width - digits; pad > 0 {
			b = append(b, spaces[:min(pad, len(spaces))]...)
		}
	}
	return strconv.AppendInt(b, n, 10)
}

// spaces is padding, sliced as needed.
const spaces = "                                "

// padLeft appends the ASCII s right-aligned in width columns.
func padLeft(b, s []byte, width int) []byte {
	for n := len(s); n < width; n++ {
		b = append(b, ' ')
	}
	return append(b, s...)
}

// padRight appends the ASCII s left-aligned in width columns.
func padRight(b, s []byte, width int) []byte {
	b = append(b, s...)
	for n := len(s); n < width; n++ {
		b = append(b, ' ')
	}
	return b
}

// appendSeconds writes d as seconds with six decimals, as tshark does,
// rounded to the microsecond and right-aligned in width columns.
func appendSeconds(b []byte, d time.Duration, width int) []byte {
	us := int64((d + time.Microsecond/2) / time.Microsecond)
	if d < 0 {
		us = int64((d - time.Microsecond/2) / time.Microsecond)
	}
	neg := us < 0
	if neg {
		us = -us
	}
	var tmp [32]byte
	i := len(tmp)
	frac := us % 1e6
	us /= 1e6
	for range 3 { // two digits at a time
		i -= 2
		tmp[i], tmp[i+1] = digitPairs[frac%100*2], digitPairs[frac%100*2+1]
		frac /= 100
	}
	i--
	tmp[i] = '.'
	for {
		i--
		tmp[i] = byte('0' + us%10)
		us /= 10
		if us == 0 {
			break
		}
	}
	if neg {
		i--
		tmp[i] = '-'
	}
	for w := len(tmp) - i; w < width; w++ {
		b = append(b, ' ')
	}
	return append(b, tmp[i:]...)
}

// appendFirstLine writes p's first line, at most max bytes, as text.
func appendFirstLine(b, p []byte, max int) []byte {
	for i, c := range p {
		if c == '\r' || c == '\n' || i == max {
			if i == max {
				b = append(b, "…"...)
			}
			break
		}
		if c < 0x20 || c >= 0x7f {
			c = '.'
		}
		b = append(b, c)
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
