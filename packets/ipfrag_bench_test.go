package packets

import "testing"

// BenchmarkDefrag fragments a 64,000-byte UDP datagram for a 1,500-byte
// MTU (44 fragments) and reassembles it, with netlab's reassembler and
// with gopacket's ip4defrag; MB/s counts the datagram's bytes. The two
// share the fragmenting; BenchmarkFragment shows its share.
func BenchmarkDefrag(b *testing.B) {
	d := fragTestDatagram(b, 1, 64000-28)
	impls := []struct {
		name string
		add  func() func([]byte) ([]byte, error)
	}{
		{"netlab", func() func([]byte) ([]byte, error) { return NewIPv4Reassembler(IPv4ReassemblerOptions{}).Add }},
		{"gopacket", func() func([]byte) ([]byte, error) { return NewGopacketReassembler(nil).Add }},
	}
	for _, impl := range impls {
		b.Run("impl="+impl.name, func(b *testing.B) {
			add := impl.add()
			b.SetBytes(int64(len(d)))
			b.ReportAllocs()
			for b.Loop() {
				frags, err := Fragment(d, 1500)
				if err != nil {
					b.Fatal(err)
				}
				var out []byte
				for _, f := range frags {
					if out, err = add(f); err != nil {
						b.Fatal(err)
					}
				}
				if len(out) != len(d) {
					b.Fatalf("reassembled %d bytes, want %d", len(out), len(d))
				}
			}
		})
	}
}

func BenchmarkFragment(b *testing.B) {
	d := fragTestDatagram(b, 1, 64000-28)
	b.SetBytes(int64(len(d)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Fragment(d, 1500); err != nil {
			b.Fatal(err)
		}
	}
}
