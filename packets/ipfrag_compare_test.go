package packets

import (
	"bytes"
	"cmp"
	"fmt"
	"math/rand/v2"
	"testing"
)

// TestCompareWithGopacket fragments datagrams of many sizes for many MTUs
// and gives the fragments, in every order for up to 6 of them and in
// random orders (some repeated) beyond, to netlab's reassembler and to
// gopacket's ip4defrag. Both must give back the original datagram, byte
// for byte.
func TestCompareWithGopacket(t *testing.T) {
	sizes := []int{0, 1, 7, 8, 9, 40, 41, 100, 548, 1400, 1472, 4000, 8972, 65507}
	mtus := []int{MinMTU, 69, 300, 576, 1006, 1500, 9000}
	rng := rand.New(rand.NewPCG(1, 2))
	datagrams, orders := 0, 0
	for _, size := range sizes {
		for _, mtu := range mtus {
			d := fragTestDatagram(t, uint16(size), size)
			frags := fragTestFragments(t, d, mtu)
			if len(frags) > 1200 {
				continue // 65,507 bytes for 68: every order is a slow test of the same code
			}
			datagrams++
			check := func(order []int) {
				orders++
				name := fmt.Sprintf("%d bytes, MTU %d, order %v", size, mtu, order)
				ours := NewIPv4Reassembler(IPv4ReassemblerOptions{})
				theirs := NewGopacketReassembler(nil)
				if got := feedFragments(t, "netlab: "+name, ours.Add, frags, order); !bytes.Equal(got, d) {
					t.Fatalf("netlab: %s: reassembled %d bytes, differs from the %d sent", name, len(got), len(d))
				}
				if got := feedFragments(t, "gopacket: "+name, theirs.Add, frags, order); !bytes.Equal(got, d) {
					t.Fatalf("gopacket: %s: reassembled %d bytes, differs from the %d sent", name, len(got), len(d))
				}
			}
			if len(frags) <= 6 {
				fragPermutations(len(frags), check)
				continue
			}
			for range 20 {
				// A random order, with three fragments repeated, as a
				// network may: both ignore the copies. The fragment put
				// last comes once, so the datagram completes with it.
				order := rng.Perm(len(frags))
				last := order[len(order)-1]
				order = order[:len(order)-1]
				for range 3 {
					order = append(order, order[rng.IntN(len(order))])
				}
				rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
				check(append(order, last))
			}
		}
	}
	t.Logf("%d datagrams, %d orders: netlab and ip4defrag agree with the original every time", datagrams, orders)
}

// TestDisagreements records where netlab's reassembler and ip4defrag
// (gopacket v1.7.7) differ, each by design on one side or the other.
func TestDisagreements(t *testing.T) {
	t.Run("an option that stays in the first fragment", func(t *testing.T) {
		// ip4defrag copies the header of the fragment that arrived last;
		// when that is not the first, the Record Route option is lost.
		d := fragTestDatagram(t, 3, 1000, IPv4Option{Type: 7, Data: []byte{4, 0, 0, 0, 0, 0, 0, 0, 0}})
		frags := fragTestFragments(t, d, 300)
		order := []int{0, 1, 2, 3}
		ours := feedFragments(t, "netlab", NewIPv4Reassembler(IPv4ReassemblerOptions{}).Add, frags, order)
		theirs := feedFragments(t, "gopacket", NewGopacketReassembler(nil).Add, frags, order)
		if !bytes.Equal(ours, d) {
			t.Errorf("netlab: reassembled datagram differs from the original")
		}
		if len(theirs) != len(d)-12 || !bytes.Equal(theirs[20:], d[32:]) {
			t.Errorf("gopacket: %d bytes, want the original's %d less its 12 bytes of options", len(theirs), len(d))
		}
	})
	t.Run("a fragment inside held data with other bytes", func(t *testing.T) {
		// netlab drops the datagram; ip4defrag keeps the first copy
		// without looking at the second.
		first, evil := rawIPv4Fragment(1, 0, true, fragPattern(0, 32)), rawIPv4Fragment(1, 8, true, make([]byte, 8))
		last := rawIPv4Fragment(1, 32, false, fragPattern(32, 4))
		ours := NewIPv4Reassembler(IPv4ReassemblerOptions{})
		theirs := NewGopacketReassembler(nil)
		var oursErr, theirsErr error
		var oursOut, theirsOut []byte
		for _, f := range [][]byte{first, evil, last} {
			out, err := ours.Add(f)
			oursOut, oursErr = out, cmp.Or(oursErr, err)
			out, err = theirs.Add(f)
			theirsOut, theirsErr = out, cmp.Or(theirsErr, err)
		}
		if oursErr == nil || oursOut != nil {
			t.Errorf("netlab: %v, %d bytes; want the datagram dropped", oursErr, len(oursOut))
		}
		if theirsErr != nil || !bytes.Equal(theirsOut[20:], fragPattern(0, 36)) {
			t.Errorf("gopacket: %v; want the first copy's bytes", theirsErr)
		}
	})
	t.Run("a fragment other than the last, not a multiple of 8", func(t *testing.T) {
		// netlab refuses it; ip4defrag (like Linux) uses its whole 8-byte
		// units and drops the rest.
		odd := rawIPv4Fragment(2, 0, true, fragPattern(0, 20))
		last := rawIPv4Fragment(2, 16, false, fragPattern(16, 4))
		ours := NewIPv4Reassembler(IPv4ReassemblerOptions{})
		if _, err := ours.Add(odd); err == nil {
			t.Errorf("netlab accepted a 20-byte fragment with MF set")
		}
		theirs := NewGopacketReassembler(nil)
		if _, err := theirs.Add(odd); err != nil {
			t.Fatal(err)
		}
		if out, err := theirs.Add(last); err != nil || !bytes.Equal(out[20:], fragPattern(0, 20)) {
			t.Errorf("gopacket: %v, data % x; want the first 16 bytes and the last 4", err, out)
		}
	})
}
