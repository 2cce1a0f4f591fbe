// Masking (RFC 6455, section 5.3).

package wsframe

import "encoding/binary"

// Mask XORs b in place with the masking key, as section 5.3 defines it:
//
//	j                   = i MOD 4
//	transformed-octet-i = original-octet-i XOR masking-key-octet-j
//
// pos is the index (0-3) into the key of b's first byte, so a payload can
// be masked in pieces; Mask returns the index for the byte after b.
// Masking twice with the same key gives the original back.
//
// It works eight bytes at a time, four words per loop turn: XOR does not
// care about byte order, so the key repeated over a 64-bit word masks eight
// bytes in one operation.
func Mask(key [4]byte, pos int, b []byte) int {
	pos &= 3
	var rot [4]byte // the key rotated so that rot[0] masks b[0]
	for i := range rot {
		rot[i] = key[(pos+i)&3]
	}
	k32 := binary.LittleEndian.Uint32(rot[:])
	k := uint64(k32) | uint64(k32)<<32
	i := 0
	for ; len(b)-i >= 32; i += 32 {
		w := b[i : i+32 : i+32]
		binary.LittleEndian.PutUint64(w[0:], binary.LittleEndian.Uint64(w[0:])^k)
		binary.LittleEndian.PutUint64(w[8:], binary.LittleEndian.Uint64(w[8:])^k)
		binary.LittleEndian.PutUint64(w[16:], binary.LittleEndian.Uint64(w[16:])^k)
		binary.LittleEndian.PutUint64(w[24:], binary.LittleEndian.Uint64(w[24:])^k)
	}
	for ; len(b)-i >= 8; i += 8 {
		binary.LittleEndian.PutUint64(b[i:], binary.LittleEndian.Uint64(b[i:])^k)
	}
	for j := 0; i < len(b); i, j = i+1, j+1 {
		b[i] ^= rot[j&3]
	}
	return (pos + len(b)) & 3
}

// maskBytes is the simplest correct masking, byte at a time: the
// reference the fast Mask is tested against, and the baseline in benchmarks.
func maskBytes(key [4]byte, pos int, b []byte) int {
	for i := range b {
		b[i] ^= key[(pos+i)&3]
	}
	return (pos + len(b)) & 3
}
