// The frame header (RFC 6455, section 5.2).

package wsframe

import (
	"encoding/binary"
	"fmt"
)

// RFC 6455, section 5.2:
//
//	 0                   1                   2                   3
//	 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//	+-+-+-+-+-------+-+-------------+-------------------------------+
//	|F|R|R|R| opcode|M| Payload len |    Extended payload length    |
//	|I|S|S|S|  (4)  |A|     (7)     |             (16/64)           |
//	|N|V|V|V|       |S|             |   (if payload len==126/127)   |
//	| |1|2|3|       |K|             |                               |
//	+-+-+-+-+-------+-+-------------+ - - - - - - - - - - - - - - - +
const (
	bitFIN     = 0x80
	bitRSV1    = 0x40
	bitRSV2    = 0x20
	bitRSV3    = 0x10
	maskOpcode = 0x0F
	bitMASK    = 0x80
	maskLen7   = 0x7F

	len16Marker = 126 // "If 126, the following 2 bytes interpreted as a 16-bit unsigned integer"
	len64Marker = 127 // "If 127, the following 8 bytes interpreted as a 64-bit unsigned integer
	//                     (the most significant bit MUST be 0)"

	// MaxHeaderSize is the longest header: 2 bytes, 8 of extended length, 4 of mask.
	MaxHeaderSize = 14
	// MaxControlPayload is the longest payload of a control frame (section 5.5).
	MaxControlPayload = 125
)

// A Header is a frame's header, decoded.
type Header struct {
	Fin    bool
	Rsv    byte // RSV1, RSV2, RSV3 as bits 0x4, 0x2, 0x1
	Op     Opcode
	Masked bool
	Length int64   // payload length
	Mask   [4]byte // the masking key, if Masked
}

// Size is the number of bytes AppendHeader writes for h: the shortest
// length encoding, as section 5.2 requires of a sender ("the minimal
// number of bytes MUST be used to encode the length").
func (h Header) Size() int {
	n := 2
	switch {
	case h.Length > 0xFFFF:
		n += 8
	case h.Length > 125:
		n += 2
	}
	if h.Masked {
		n += 4
	}
	return n
}

// AppendHeader appends h to dst in wire format with the shortest length
// encoding. A negative Length is a programming error and panics.
func AppendHeader(dst []byte, h Header) []byte {
	if h.Length < 0 {
		panic("wsframe: negative payload length")
	}
	b0 := byte(h.Op) & maskOpcode
	if h.Fin {
		b0 |= bitFIN
	}
	b0 |= (h.Rsv & 0x7) << 4
	var b1 byte
	if h.Masked {
		b1 = bitMASK
	}
	switch {
	case h.Length <= 125:
		dst = append(dst, b0, b1|byte(h.Length))
	case h.Length <= 0xFFFF:
		dst = append(dst, b0, b1|len16Marker)
		dst = binary.BigEndian.AppendUint16(dst, uint16(h.Length))
	default:
		dst = append(dst, b0, b1|len64Marker)
		dst = binary.BigEndian.AppendUint64(dst, uint64(h.Length))
	}
	if h.Masked {
		dst = append(dst, h.Mask[:]...)
	}
	return dst
}

// headerNeed returns how many bytes the header starting with the two bytes
// b0, b1 occupies in all.
func headerNeed(b1 byte) int {
	n := 2
	switch b1 & maskLen7 {
	case len16Marker:
		n += 2
	case len64Marker:
		n += 8
	}
	if b1&bitMASK != 0 {
		n += 4
	}
	return n
}

// ParseHeader decodes the header at the start of b and returns it with its
// size in bytes. If b is too short it returns ErrShortHeader and the number
// of bytes needed. It checks only what the header alone can break: a 64-bit
// length with its top bit set. Rules that depend on the role or on earlier
// frames are checked by the reader.
func ParseHeader(b []byte) (Header, int, error) {
	if len(b) < 2 {
		return Header{}, 2, ErrShortHeader
	}
	need := headerNeed(b[1])
	if len(b) < need {
		return Header{}, need, ErrShortHeader
	}
	h := Header{
		Fin:    b[0]&bitFIN != 0,
		Rsv:    (b[0] >> 4) & 0x7,
		Op:     Opcode(b[0] & maskOpcode),
		Masked: b[1]&bitMASK != 0,
	}
	pos := 2
	switch l := b[1] & maskLen7; l {
	case len16Marker:
		h.Length = int64(binary.BigEndian.Uint16(b[2:]))
		pos += 2
	case len64Marker:
		u := binary.BigEndian.Uint64(b[2:])
		if u>>63 != 0 {
			return h, need, protocolError(CloseProtocolError, ErrLengthTopBit, "length field 0x%016x", u)
		}
		h.Length = int64(u)
		pos += 8
	default:
		h.Length = int64(l)
	}
	if h.Masked {
		copy(h.Mask[:], b[pos:pos+4])
	}
	return h, need, nil
}

// String writes the header compactly, as the lessons show it.
func (h Header) String() string {
	s := fmt.Sprintf("FIN=%d opcode=%v len=%d", b2i(h.Fin), h.Op, h.Length)
	if h.Rsv != 0 {
		s += fmt.Sprintf(" RSV=%03b", h.Rsv)
	}
	if h.Masked {
		s += fmt.Sprintf(" mask=%02x%02x%02x%02x", h.Mask[0], h.Mask[1], h.Mask[2], h.Mask[3])
	}
	return s
}

func b2i(b bool) int {
	if b {
		return 1
	}
	return 0
}
