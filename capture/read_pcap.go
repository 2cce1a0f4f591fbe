// The classic pcap format: a 24-byte file header, then a 16-byte header
// before each packet (draft-ietf-opsawg-pcap, sections 4 and 5).

package capture

import (
	"encoding/binary"
	"fmt"
	"time"
)

// Field offsets in the pcap file header and record header.
const (
	pcapHeaderLen = 24
	offVersion    = 4  // major (2 bytes), minor (2 bytes)
	offSnapLen    = 16 // largest captured length
	offLinkType   = 20 // LinkType in the low 16 bits; FCS length in the top bits

	recordHeaderLen = 16
	offTsSec        = 0  // seconds since 1970
	offTsFrac       = 4  // microseconds or nanoseconds
	offCapLen       = 8  // bytes captured, in the file after this header
	offOrigLen      = 12 // bytes the packet had on the wire
)

// readPcapHeader reads the file header: magic, version, snapshot length,
// link type.
func (r *Reader) readPcapHeader() error {
	h, err := r.peek(pcapHeaderLen)
	if err != nil {
		if len(h) >= 4 && isPcapMagic(binary.BigEndian.Uint32(h)) {
			return r.truncated(0, len(h), pcapHeaderLen, 0, "", "pcap file header")
		}
		return r.fail(0, 0, "", badMagic(h))
	}
	magic := binary.BigEndian.Uint32(h)
	f := Format{Kind: Pcap, Magic: magic}
	switch magic {
	case pcapMicroBig:
		f.BigEndian = true
	case pcapMicroLittle:
	case pcapNanoBig:
		f.BigEndian, f.Nanos = true, true
	case pcapNanoLittle:
		f.Nanos = true
	case pcapKuznetsovB, pcapKuznetsovL:
		return r.fail(0, 0, "", fmt.Errorf("%w: magic 0x%08x is Kuznetsov's modified pcap, which netlab does not read (convert it with editcap -F pcap)", ErrBadMagic, magic))
	default:
		return r.fail(0, 0, "", badMagic(h))
	}
	r.big = f.BigEndian
	f.Major, f.Minor = r.u16(h[offVersion:]), r.u16(h[offVersion+2:])
	// Version 2.4 since 1998; readers accept 2.x (libpcap reads 2.2 and 2.3 too).
	if f.Major != 2 {
		return r.fail(offVersion, 0, "", fmt.Errorf("%w: pcap version %d.%d (want 2.4)", ErrBadVersion, f.Major, f.Minor))
	}
	r.format = f
	r.snapLen = r.u32(h[offSnapLen:])
	link := LinkType(r.u32(h[offLinkType:]) & 0xffff)
	r.fracUnit = 1e6
	if f.Nanos {
		r.fracUnit = 1e9
	}
	r.ifaces = append(r.ifaces, Interface{LinkType: link, SnapLen: r.snapLen})
	r.take(pcapHeaderLen)
	return nil
}

func isPcapMagic(m uint32) bool {
	switch m {
	case pcapMicroBig, pcapMicroLittle, pcapNanoBig, pcapNanoLittle:
		return true
	}
	return false
}

// badMagic explains a file that starts with neither format's magic.
func badMagic(h []byte) error {
	return fmt.Errorf("%w: the file starts with % x; pcap starts with a1 b2 c3 d4 or a1 b2 3c 4d (either byte order), pcapng with 0a 0d 0d 0a",
		ErrBadMagic, h[:min(4, len(h))])
}

// nextRecord reads one record: its header, then its captured bytes.
func (r *Reader) nextRecord(f *Frame) error {
	start := r.off
	const what = "record"
	h, err := r.peek(recordHeaderLen)
	if err != nil {
		if len(h) == 0 {
			return err // io.EOF: the file ends cleanly between records
		}
		return r.truncated(start, len(h), recordHeaderLen, start, what, "record header")
	}
	sec, frac := r.u32(h[offTsSec:]), r.u32(h[offTsFrac:])
	capLen, origLen := r.u32(h[offCapLen:]), r.u32(h[offOrigLen:])
	switch {
	case capLen > MaxCapLen:
		return r.fail(start+offCapLen, start, what, fmt.Errorf("%w: captured length %d is more than %d bytes (libpcap's MAXIMUM_SNAPLEN)", ErrTooLarge, capLen, MaxCapLen))
	case r.snapLen != 0 && capLen > r.snapLen:
		return r.fail(start+offCapLen, start, what, fmt.Errorf("%w: captured length %d, but the file header's snapshot length is %d", ErrSnapLen, capLen, r.snapLen))
	case origLen > maxOrigLen:
		return r.fail(start+offOrigLen, start, what, fmt.Errorf("%w: original length %d bytes is more than any link carries", ErrBadRecord, origLen))
	case frac >= r.fracUnit:
		return r.fail(start+offTsFrac, start, what, fmt.Errorf("%w: timestamp fraction %d is not below %d", ErrBadRecord, frac, r.fracUnit))
	}
	var data []byte
	if n := recordHeaderLen + int(capLen); n <= bufSize {
		// Header and data in one look at the read buffer.
		b, err := r.peek(n)
		if err != nil {
			r.take(len(b))
			return r.truncated(start+recordHeaderLen, len(b)-recordHeaderLen, int(capLen), start, what, "packet data")
		}
		data = b[recordHeaderLen:n:n]
		r.take(n)
	} else {
		r.take(recordHeaderLen)
		if data, err = r.read(int(capLen)); err != nil {
			return r.truncated(start+recordHeaderLen, len(data), int(capLen), start, what, "packet data")
		}
	}
	ns := int64(frac)
	if !r.format.Nanos {
		ns *= 1000
	}
	// Field by field rather than *f = Frame{...}, which builds the whole
	// Frame on the stack and then copies it (through the garbage
	// collector's write barrier while a collection runs): reading is about
	// 7% faster this way.
	f.Offset, f.Time, f.HasTime = start, time.Unix(int64(sec), ns).UTC(), true
	f.Interface, f.LinkType, f.Len, f.Data = 0, r.ifaces[0].LinkType, int(origLen), data
	return nil
}
