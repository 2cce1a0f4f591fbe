// The pcapng format: typed blocks, each starting and ending with its own
// length; sections with their own byte order; interfaces each with a link
// type and a time resolution (draft-ietf-opsawg-pcapng, sections 3 and 4).

package capture

import (
	"encoding/binary"
	"fmt"
	"math/bits"
	"time"
)

// Block types (section 10.1) and their fixed fields.
const (
	blockSectionHeader   = 0x0a0d0d0a
	blockInterface       = 0x00000001
	blockPacketObsolete  = 0x00000002
	blockSimplePacket    = 0x00000003
	blockEnhancedPacket  = 0x00000006
	blockHeaderLen       = 8  // block type, block total length
	blockTrailerLen      = 4  // block total length again
	minBlockLen          = 12 // header and trailer, no body
	shbFixedLen          = 16 // byte-order magic, major, minor, section length
	idbFixedLen          = 8  // link type, reserved, snap length
	epbFixedLen          = 20 // interface, timestamp (high, low), captured length, original length
	pbFixedLen           = 20 // interface (2), drops (2), timestamp, captured length, original length
	spbFixedLen          = 4  // original length
	optEndOfOpt          = 0
	optIfName            = 2
	optIfTsResol         = 9
	optIfTsOffset        = 14
	defaultUnitsPerSec   = 1e6 // if_tsresol absent: microseconds
	maxDecimalResolution = 19  // 10^19 is the largest power of ten in a uint64
	maxBinaryResolution  = 63
)

// blockName names a block type for error messages.
func blockName(typ uint32) string {
	switch typ {
	case blockSectionHeader:
		return "section header block"
	case blockInterface:
		return "interface description block"
	case blockPacketObsolete:
		return "packet block"
	case blockSimplePacket:
		return "simple packet block"
	case blockEnhancedPacket:
		return "enhanced packet block"
	}
	return fmt.Sprintf("block of type 0x%08x", typ)
}

// readBlock reads a whole block whose header is at start, checks both of
// its length fields, and returns its body.
func (r *Reader) readBlock(start int64, typ, length uint32) ([]byte, error) {
	what := blockName(typ)
	switch {
	case length < minBlockLen:
		return nil, r.fail(start+4, start, what, fmt.Errorf("%w: block length %d is less than the %d bytes of a block's header and trailer", ErrBadBlockLength, length, minBlockLen))
	case length%4 != 0:
		return nil, r.fail(start+4, start, what, fmt.Errorf("%w: block length %d is not a multiple of 4", ErrBadBlockLength, length))
	case length > maxBlock:
		return nil, r.fail(start+4, start, what, fmt.Errorf("%w: block length %d is more than %d bytes (Wireshark's limit too)", ErrBadBlockLength, length, maxBlock))
	}
	block, err := r.read(int(length))
	if err != nil {
		return nil, r.truncated(start, len(block), int(length), start, what, what)
	}
	if trailer := r.u32(block[length-blockTrailerLen:]); trailer != length {
		return nil, r.fail(start+int64(length)-blockTrailerLen, start, what, fmt.Errorf("%w: the length at the block's end (%d) differs from the length at its start (%d): the block is corrupt, or the file has garbage here",
			ErrBadBlockLength, trailer, length))
	}
	return block[blockHeaderLen : length-blockTrailerLen], nil
}

// readSectionHeader reads a section header block at start: it sets the
// byte order of every block up to the next one, and starts a new list of
// interfaces.
func (r *Reader) readSectionHeader(start int64) error {
	const what = "section header block"
	h, err := r.peek(blockHeaderLen + 4)
	if err != nil {
		return r.truncated(start, len(h), blockHeaderLen+4, start, what, what)
	}
	switch {
	case binary.BigEndian.Uint32(h[8:]) == pcapngBOM:
		r.big = true
	case binary.LittleEndian.Uint32(h[8:]) == pcapngBOM:
		r.big = false
	default:
		return r.fail(start+8, start, what, fmt.Errorf("%w: % x (want 1a 2b 3c 4d or 4d 3c 2b 1a)", ErrBadByteOrder, h[8:12]))
	}
	body, err := r.readBlock(start, blockSectionHeader, r.u32(h[4:]))
	if err != nil {
		return err
	}
	if len(body) < shbFixedLen {
		return r.fail(start+4, start, what, fmt.Errorf("%w: a section header block needs %d bytes, this one has %d", ErrBadBlockLength, minBlockLen+shbFixedLen, len(body)+minBlockLen))
	}
	major, minor := r.u16(body[4:]), r.u16(body[6:])
	if major != 1 {
		return r.fail(start+12, start, what, fmt.Errorf("%w: pcapng version %d.%d (want 1.0)", ErrBadVersion, major, minor))
	}
	if start == 0 {
		r.format = Format{Kind: PcapNG, Magic: pcapngMagic, BigEndian: r.big, Major: major, Minor: minor}
	} else {
		r.section++
	}
	r.sections = append(r.sections, int(start))
	r.sectIfc0 = len(r.ifaces)
	return nil
}

// nextBlock reads blocks until a packet: interface descriptions are
// remembered, section headers change the byte order, blocks of other types
// (statistics, name resolution, decryption secrets, custom) are skipped,
// as the format allows.
func (r *Reader) nextBlock(f *Frame) error {
	for {
		start := r.off
		h, err := r.peek(blockHeaderLen)
		if err != nil {
			if len(h) == 0 {
				return err // io.EOF between blocks: the file ends cleanly
			}
			return r.truncated(start, len(h), blockHeaderLen, start, "block header", "block header")
		}
		if binary.BigEndian.Uint32(h) == pcapngMagic {
			if err := r.readSectionHeader(start); err != nil {
				return err
			}
			continue
		}
		typ, length := r.u32(h), r.u32(h[4:])
		body, err := r.readBlock(start, typ, length)
		if err != nil {
			return err
		}
		switch typ {
		case blockInterface:
			if err := r.readInterface(start, body); err != nil {
				return err
			}
		case blockEnhancedPacket, blockPacketObsolete:
			return r.packetBlock(f, start, typ, body)
		case blockSimplePacket:
			return r.simplePacket(f, start, body)
		}
	}
}

// readInterface reads an interface description block's body.
func (r *Reader) readInterface(start int64, body []byte) error {
	const what = "interface description block"
	if len(body) < idbFixedLen {
		return r.fail(start+4, start, what, fmt.Errorf("%w: an interface description block needs %d bytes, this one has %d", ErrBadBlockLength, minBlockLen+idbFixedLen, len(body)+minBlockLen))
	}
	ifc := Interface{Section: r.section, LinkType: LinkType(r.u16(body)), SnapLen: r.u32(body[4:]), unitsPerSec: defaultUnitsPerSec}
	optStart := start + blockHeaderLen + idbFixedLen
	err := r.options(body[idbFixedLen:], optStart, start, what, func(code uint16, at int64, v []byte) error {
		switch code {
		case optIfName:
			ifc.Name = string(v)
		case optIfTsResol:
			if len(v) != 1 {
				return r.fail(at, start, what, fmt.Errorf("%w: if_tsresol is %d bytes, want 1", ErrBadOption, len(v)))
			}
			units, ok := unitsPerSecond(v[0])
			if !ok {
				return r.fail(at, start, what, fmt.Errorf("%w: if_tsresol 0x%02x is finer than a uint64 can count", ErrBadOption, v[0]))
			}
			ifc.unitsPerSec = units
		case optIfTsOffset:
			if len(v) != 8 {
				return r.fail(at, start, what, fmt.Errorf("%w: if_tsoffset is %d bytes, want 8", ErrBadOption, len(v)))
			}
			ifc.tsOffset = int64(binary.LittleEndian.Uint64(v))
			if r.big {
				ifc.tsOffset = int64(binary.BigEndian.Uint64(v))
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	r.ifaces = append(r.ifaces, ifc)
	return nil
}

// unitsPerSecond reads if_tsresol: the top bit picks a power of 2 or of 10,
// the other bits its exponent.
func unitsPerSecond(v byte) (uint64, bool) {
	exp := uint64(v & 0x7f)
	if v&0x80 != 0 {
		return 1 << exp, exp <= maxBinaryResolution
	}
	if exp > maxDecimalResolution {
		return 0, false
	}
	u := uint64(1)
	for range exp {
		u *= 10
	}
	return u, true
}

// options walks a block's options: each a 2-byte code, a 2-byte length,
// the value, and padding to 4 bytes, up to opt_endofopt or the body's end.
func (r *Reader) options(b []byte, at, start int64, what string, each func(code uint16, at int64, v []byte) error) error {
	for len(b) >= 4 {
		code, n := r.u16(b), int(r.u16(b[2:]))
		if code == optEndOfOpt {
			return nil
		}
		padded := (n + 3) &^ 3
		if 4+n > len(b) {
			return r.fail(at+2, start, what, fmt.Errorf("%w: option %d of %d bytes runs past the block's end (%d bytes left)", ErrBadOption, code, n, len(b)-4))
		}
		if err := each(code, at+4, b[4:4+n]); err != nil {
			return err
		}
		padded = min(padded, len(b)-4)
		b = b[4+padded:]
		at += int64(4 + padded)
	}
	return nil
}

// iface returns the global index of the current section's interface id.
func (r *Reader) iface(id uint32, at, start int64, what string) (int, error) {
	if uint64(id) >= uint64(len(r.ifaces)-r.sectIfc0) {
		return 0, r.fail(at, start, what, fmt.Errorf("%w: interface %d, but the section describes %d", ErrNoInterface, id, len(r.ifaces)-r.sectIfc0))
	}
	return r.sectIfc0 + int(id), nil
}

// packetBlock reads an enhanced packet block, or the obsolete packet block
// it replaced (a 2-byte interface id and a drop count where the enhanced
// one has a 4-byte interface id).
func (r *Reader) packetBlock(f *Frame, start int64, typ uint32, body []byte) error {
	what := blockName(typ)
	if len(body) < epbFixedLen {
		return r.fail(start+4, start, what, fmt.Errorf("%w: a %s needs %d bytes, this one has %d", ErrBadBlockLength, what, minBlockLen+epbFixedLen, len(body)+minBlockLen))
	}
	id := r.u32(body)
	if typ == blockPacketObsolete {
		id = uint32(r.u16(body))
	}
	ts := uint64(r.u32(body[4:]))<<32 | uint64(r.u32(body[8:]))
	capLen, origLen := r.u32(body[12:]), r.u32(body[16:])
	fields := start + blockHeaderLen
	idx, err := r.iface(id, fields, start, what)
	if err != nil {
		return err
	}
	ifc := r.ifaces[idx]
	switch {
	case capLen > MaxCapLen:
		return r.fail(fields+12, start, what, fmt.Errorf("%w: captured length %d is more than %d bytes (libpcap's MAXIMUM_SNAPLEN)", ErrTooLarge, capLen, MaxCapLen))
	case int(capLen) > len(body)-epbFixedLen:
		return r.fail(fields+12, start, what, fmt.Errorf("%w: captured length %d does not fit in a block of %d bytes", ErrBadBlockLength, capLen, len(body)+minBlockLen))
	case ifc.SnapLen != 0 && capLen > ifc.SnapLen:
		return r.fail(fields+12, start, what, fmt.Errorf("%w: captured length %d, but interface %d's snapshot length is %d", ErrSnapLen, capLen, idx, ifc.SnapLen))
	case origLen > maxOrigLen:
		return r.fail(fields+16, start, what, fmt.Errorf("%w: original length %d bytes is more than any link carries", ErrBadRecord, origLen))
	}
	t, ok := ifc.timestamp(ts)
	*f = Frame{Offset: start, Time: t, HasTime: ok, Interface: idx, LinkType: ifc.LinkType,
		Len: int(origLen), Data: body[epbFixedLen : epbFixedLen+capLen]}
	return nil
}

// simplePacket reads a simple packet block: interface 0, no timestamp, and
// a captured length implied by the block's (section 4.4).
func (r *Reader) simplePacket(f *Frame, start int64, body []byte) error {
	const what = "simple packet block"
	if len(body) < spbFixedLen {
		return r.fail(start+4, start, what, fmt.Errorf("%w: a simple packet block needs %d bytes, this one has %d", ErrBadBlockLength, minBlockLen+spbFixedLen, len(body)+minBlockLen))
	}
	idx, err := r.iface(0, start, start, what)
	if err != nil {
		return err
	}
	ifc := r.ifaces[idx]
	origLen := r.u32(body)
	if origLen > maxOrigLen {
		return r.fail(start+blockHeaderLen, start, what, fmt.Errorf("%w: original length %d bytes is more than any link carries", ErrBadRecord, origLen))
	}
	capLen := min(uint64(origLen), uint64(len(body)-spbFixedLen))
	if ifc.SnapLen != 0 {
		capLen = min(capLen, uint64(ifc.SnapLen))
	}
	if capLen > MaxCapLen {
		return r.fail(start+4, start, what, fmt.Errorf("%w: %d bytes of packet data is more than %d (libpcap's MAXIMUM_SNAPLEN)", ErrTooLarge, capLen, MaxCapLen))
	}
	*f = Frame{Offset: start, Interface: idx, LinkType: ifc.LinkType, Len: int(origLen),
		Data: body[spbFixedLen : spbFixedLen+capLen]}
	return nil
}

// timestamp turns a count of the interface's time units into a time. The
// arithmetic is 128-bit: units can be as fine as 10^-19 s.
func (ifc Interface) timestamp(ts uint64) (time.Time, bool) {
	u := ifc.unitsPerSec
	sec, frac := ts/u, ts%u
	hi, lo := bits.Mul64(frac, 1e9)
	ns, _ := bits.Div64(hi, lo, u)
	if sec > 1<<62 {
		return time.Time{}, false
	}
	s := int64(sec)
	if (ifc.tsOffset > 0 && s > 1<<62-ifc.tsOffset) || (ifc.tsOffset < 0 && ifc.tsOffset < -1<<62) {
		return time.Time{}, false
	}
	return time.Unix(s+ifc.tsOffset, int64(ns)).UTC(), true
}
