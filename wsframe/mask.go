// Masking (RFC 6455, section 5.3).

package wsframe

import (
	"encoding/binary"
	"unsafe"
)

// Mask XORs b in place with the masking key, as section 5.3 defines it:
//
//	j                   = i MOD 4
//	transformed-octet-i = original-octet-i XOR masking-key-octet-j
//
// pos is the index (0-3) into the key of b's first byte, so a payload can
// be masked in pieces; Mask returns the index for the byte after b.
// Masking twice with the same key gives the original back.
//
// Speed matters here: a client masks every byte it sends. XOR does not care
// about byte order, so the key repeated over a 64-bit word masks eight bytes
// in one operation. Mask goes byte by byte until b's address is a multiple
// of 8, then a 64-byte block (eight words) per loop turn through an aligned
// pointer (no bounds checks, and no unaligned access on machines that
// forbid it), then single words, then the last few bytes. BENCHMARKS.md
// has its speed next to copy() on the same buffer and a byte-at-a-time loop.
func Mask(key [4]byte, pos int, b []byte) int {
	pos &= 3
	end := (pos + len(b)) & 3
	i := 0
	start := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	for ; i < len(b) && (start+uintptr(i))%8 != 0; i++ {
		b[i] ^= key[pos&3]
		pos++
	}
	if len(b)-i < 8 {
		for ; i < len(b); i++ {
			b[i] ^= key[pos&3]
			pos++
		}
		return end
	}
	var rot [8]byte // the key rotated so that rot[0] masks b[i], twice
	for j := range rot {
		rot[j] = key[(pos+j)&3]
	}
	k := binary.NativeEndian.Uint64(rot[:]) // the word whose bytes in memory are rot
	words := (len(b) - i) / 8
	base := unsafe.Add(unsafe.Pointer(unsafe.SliceData(b)), i) // aligned to 8
	w := 0
	for ; words-w >= 8; w += 8 {
		v := (*[8]uint64)(unsafe.Add(base, w*8))
		v[0] ^= k
		v[1] ^= k
		v[2] ^= k
		v[3] ^= k
		v[4] ^= k
		v[5] ^= k
		v[6] ^= k
		v[7] ^= k
	}
	for ; w < words; w++ {
		*(*uint64)(unsafe.Add(base, w*8)) ^= k
	}
	i += words * 8
	for j := 0; i < len(b); i, j = i+1, j+1 {
		b[i] ^= rot[j&3]
	}
	return end
}

// maskBytes is the simplest correct masking, byte at a time: the
// reference the fast Mask is tested against, and the baseline in benchmarks.
func maskBytes(key [4]byte, pos int, b []byte) int {
	for i := range b {
		b[i] ^= key[(pos+i)&3]
	}
	return (pos + len(b)) & 3
}
