// Property tests of the reassembler: whatever happens to the pieces, it
// either gives back exactly the message or names exactly what is missing.

package packets

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

// cutPieces cuts msg into pieces of random sizes from 1 to maxSize; the
// last one is marked. An empty message is one empty, marked piece.
func cutPieces(rng *rand.Rand, msg []byte, maxSize int) []piece {
	var out []piece
	for off := 0; ; {
		n := min(1+rng.IntN(maxSize), len(msg)-off)
		out = append(out, piece{off: off, n: n, last: off+n == len(msg)})
		off += n
		if off == len(msg) {
			return out
		}
	}
}

// expectedHoles computes, without the reassembler, what is missing once
// the given pieces arrived: the runs of bytes no piece covered, up to the
// end when a marked piece arrived, or up to the highest byte received and
// then from there to infinity.
func expectedHoles(size int, got []piece) []Hole {
	covered := make([]bool, size)
	end, high := int64(-1), 0
	for _, p := range got {
		for i := p.off; i < p.off+p.n; i++ {
			covered[i] = true
		}
		high = max(high, p.off+p.n)
		if p.last {
			end = int64(p.off + p.n)
		}
	}
	limit := high
	if end >= 0 {
		limit = int(end)
	}
	var holes []Hole
	for i := 0; i < limit; i++ {
		if covered[i] {
			continue
		}
		j := i
		for j+1 < limit && !covered[j+1] {
			j++
		}
		holes = append(holes, Hole{int64(i), int64(j)})
		i = j
	}
	if end < 0 {
		holes = append(holes, Hole{int64(high), Infinity})
	}
	return holes
}

// TestReassemblerProperty: for random messages and any permutation,
// duplication and loss of their pieces, cut two different ways so that
// pieces overlap, the reassembler either gives back exactly the message or
// reports exactly the holes computed independently.
func TestReassemblerProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(815, 1))
	iterations := 3000
	if testing.Short() {
		iterations = 300
	}
	completed := 0
	for it := range iterations {
		msg := make([]byte, rng.IntN(600))
		for i := range msg {
			msg[i] = byte(rng.IntN(256))
		}
		pieces := cutPieces(rng, msg, 1+rng.IntN(80))
		if rng.IntN(2) == 0 { // a second cut: pieces overlap
			pieces = append(pieces, cutPieces(rng, msg, 1+rng.IntN(80))...)
		}
		loss, dup := rng.Float64()*0.4, rng.Float64()*0.4
		var sent []piece
		for _, p := range pieces {
			if rng.Float64() < loss {
				continue
			}
			sent = append(sent, p)
			for rng.Float64() < dup {
				sent = append(sent, p)
			}
		}
		rng.Shuffle(len(sent), func(i, j int) { sent[i], sent[j] = sent[j], sent[i] })

		r := NewReassembler(ReassemblyLimits{})
		for _, p := range sent {
			if _, err := r.Add(0, int64(p.off), msg[p.off:p.off+p.n], p.last); err != nil {
				t.Fatalf("iteration %d: Add(%d, %d bytes, last %v): %v", it, p.off, p.n, p.last, err)
			}
		}
		want := expectedHoles(len(msg), sent)
		if got := r.Holes(); !slices.Equal(got, want) {
			t.Fatalf("iteration %d: %d-byte message, %d pieces arrived: holes %v, want %v", it, len(msg), len(sent), got, want)
		}
		got, err := r.Message()
		switch {
		case len(want) == 0 && (err != nil || !bytes.Equal(got, msg)):
			t.Fatalf("iteration %d: no holes, but Message() = %d bytes, %v (want the %d-byte message)", it, len(got), err, len(msg))
		case len(want) > 0 && err == nil:
			t.Fatalf("iteration %d: holes %v, but Message() returned %d bytes", it, want, len(got))
		}
		if err == nil {
			completed++
		}
		if r.Buffered() > len(msg) {
			t.Fatalf("iteration %d: %d bytes buffered for a %d-byte message", it, r.Buffered(), len(msg))
		}
	}
	// Both outcomes must have been exercised for the property to mean much.
	if completed == 0 || completed == iterations {
		t.Errorf("%d of %d messages completed: the generator does not exercise both outcomes", completed, iterations)
	}
}

// TestReassemblerFirstCopyWins: when pieces disagree, every byte of the
// message is the one from the first piece that carried it, and every
// later differing byte is counted as a conflict.
func TestReassemblerFirstCopyWins(t *testing.T) {
	rng := rand.New(rand.NewPCG(815, 2))
	for it := range 1000 {
		msg := make([]byte, 1+rng.IntN(300))
		for i := range msg {
			msg[i] = byte(rng.IntN(256))
		}
		pieces := append(cutPieces(rng, msg, 1+rng.IntN(50)), cutPieces(rng, msg, 1+rng.IntN(50))...)
		rng.Shuffle(len(pieces), func(i, j int) { pieces[i], pieces[j] = pieces[j], pieces[i] })

		r := NewReassembler(ReassemblyLimits{})
		first := make([]int, len(msg)) // the first value seen for each byte, or -1
		for i := range first {
			first[i] = -1
		}
		conflicts := 0
		for _, p := range pieces {
			data := slices.Clone(msg[p.off : p.off+p.n])
			if rng.IntN(3) == 0 && len(data) > 0 { // a forged copy
				data[rng.IntN(len(data))] ^= byte(1 + rng.IntN(255))
			}
			for i, b := range data {
				switch at := p.off + i; {
				case first[at] < 0:
					first[at] = int(b)
				case first[at] != int(b):
					conflicts++
				}
			}
			if _, err := r.Add(0, int64(p.off), data, p.last); err != nil {
				t.Fatalf("iteration %d: %v", it, err)
			}
		}
		want := make([]byte, len(msg))
		for i, b := range first {
			want[i] = byte(b)
		}
		got, err := r.Message()
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("iteration %d: Message() = %x, %v; want the first copies %x", it, got, err, want)
		}
		if st := r.Stats(); st.ConflictBytes != conflicts {
			t.Fatalf("iteration %d: %d conflicting bytes counted, want %d", it, st.ConflictBytes, conflicts)
		}
	}
}

func ExampleReassembler() {
	r := NewReassembler(ReassemblyLimits{})
	msg := "packets arrive in any order"
	r.Add(0, 20, []byte(msg[20:]), true) // the last piece first
	r.Add(0, 0, []byte(msg[:8]), false)
	fmt.Println("holes:", r.Holes(), "complete:", r.Complete())
	r.Add(0, 8, []byte(msg[8:20]), false)
	got, _ := r.Message()
	fmt.Printf("holes: %v complete: %v %q\n", r.Holes(), r.Complete(), got)
	// Output:
	// holes: [8–19] complete: false
	// holes: [] complete: true "packets arrive in any order"
}
