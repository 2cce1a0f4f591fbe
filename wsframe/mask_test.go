// Tests of masking (RFC 6455, section 5.3): the word-at-a-time Mask against
// the byte-at-a-time reference.

package wsframe

import (
	"bytes"
	"math/rand/v2"
	"testing"
)

// TestMaskRFCExample is section 5.7's masked "Hello".
func TestMaskRFCExample(t *testing.T) {
	key := [4]byte{0x37, 0xfa, 0x21, 0x3d}
	b := []byte("Hello")
	want := []byte{0x7f, 0x9f, 0x4d, 0x51, 0x58}
	if pos := Mask(key, 0, b); pos != 1 {
		t.Errorf("Mask returned position %d, want 1 (5 mod 4)", pos)
	}
	if !bytes.Equal(b, want) {
		t.Errorf("Mask(37fa213d, \"Hello\") = % x, want % x", b, want)
	}
	Mask(key, 0, b)
	if string(b) != "Hello" {
		t.Errorf("masking twice gives %q, want \"Hello\"", b)
	}
}

// TestMaskMatchesReference: for every length up to 300 (past the 32-byte
// and 8-byte loops several times), every starting position in the key,
// and sub-slices at every alignment, Mask does exactly what maskBytes
// does, and touches nothing outside its slice.
func TestMaskMatchesReference(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	key := [4]byte{0x37, 0xfa, 0x21, 0x3d}
	src := make([]byte, 300+8)
	for i := range src {
		src[i] = byte(rng.Uint32())
	}
	for n := 0; n <= 300; n++ {
		for pos := range 4 {
			for off := range 8 { // unaligned starts
				got, want := bytes.Clone(src), bytes.Clone(src)
				gotPos := Mask(key, pos, got[off:off+n])
				wantPos := maskBytes(key, pos, want[off:off+n])
				if !bytes.Equal(got, want) || gotPos != wantPos {
					t.Fatalf("length %d, pos %d, offset %d: Mask differs from maskBytes (returned %d, want %d)", n, pos, off, gotPos, wantPos)
				}
			}
		}
	}
}

// TestMaskPosWraps: pos is taken mod 4, so a caller may pass a running
// count of bytes.
func TestMaskPosWraps(t *testing.T) {
	key := [4]byte{1, 2, 3, 4}
	for pos := range 12 {
		got, want := make([]byte, 37), make([]byte, 37)
		gp := Mask(key, pos, got)
		wp := maskBytes(key, pos&3, want)
		if !bytes.Equal(got, want) || gp != wp {
			t.Errorf("pos %d: Mask = % x, %d; want % x, %d", pos, got, gp, want, wp)
		}
	}
}

// TestMaskInPieces: a payload masked in two pieces, the second starting
// where the first left the key, equals the payload masked at once, for
// every split point and every starting position.
func TestMaskInPieces(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	key := [4]byte{0xde, 0xad, 0xbe, 0xef}
	for _, n := range []int{0, 1, 3, 4, 7, 8, 9, 31, 32, 33, 64, 100, 131} {
		src := make([]byte, n)
		for i := range src {
			src[i] = byte(rng.Uint32())
		}
		for pos := range 4 {
			whole := bytes.Clone(src)
			wholePos := Mask(key, pos, whole)
			for split := 0; split <= n; split++ {
				pieces := bytes.Clone(src)
				p := Mask(key, pos, pieces[:split])
				p = Mask(key, p, pieces[split:])
				if !bytes.Equal(pieces, whole) || p != wholePos {
					t.Fatalf("length %d, pos %d, split at %d: pieces give % x (pos %d), at once % x (pos %d)", n, pos, split, pieces, p, whole, wholePos)
				}
			}
		}
	}
}
