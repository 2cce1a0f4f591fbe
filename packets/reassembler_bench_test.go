package packets

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// BenchmarkReassemble puts a 1 MiB message back together from 1460-byte
// pieces (Ethernet's usual TCP MSS) arriving in order, reversed and
// shuffled. Run with -benchmem; MB/s is message bytes reassembled.
func BenchmarkReassemble(b *testing.B) {
	msg := make([]byte, 1<<20)
	for i := range msg {
		msg[i] = byte(i)
	}
	segs, err := SplitSegments(msg, 1460)
	if err != nil {
		b.Fatal(err)
	}
	reversed := slices.Clone(segs)
	slices.Reverse(reversed)
	shuffled := slices.Clone(segs)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(shuffled), func(i, j int) { shuffled[i], shuffled[j] = shuffled[j], shuffled[i] })

	for _, order := range []struct {
		name string
		segs []Segment
	}{{"in-order", segs}, {"reversed", reversed}, {"shuffled", shuffled}} {
		b.Run(order.name, func(b *testing.B) {
			b.SetBytes(int64(len(msg)))
			b.ReportAllocs()
			for b.Loop() {
				r := NewReassembler(ReassemblyLimits{MaxBuffered: len(msg)})
				for _, s := range order.segs {
					if _, err := r.Add(0, int64(s.Seq), s.Payload, s.Flags&FlagFIN != 0); err != nil {
						b.Fatal(err)
					}
				}
				if _, err := r.Message(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
