package packets

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

// rawIPv4Fragment builds a fragment by hand, as an attacker would: data bytes
// at offset (a multiple of 8) of datagram id, with MF as given.
func rawIPv4Fragment(id uint16, offset int, mf bool, data []byte) []byte {
	b := make([]byte, ipv4MinHeader+len(data))
	b[ipv4VersionIHL] = 0x45
	binary.BigEndian.PutUint16(b[ipv4TotalLength:], uint16(len(b)))
	binary.BigEndian.PutUint16(b[ipv4Identification:], id)
	w := uint16(offset / fragmentUnit)
	if mf {
		w |= flagMoreFrags
	}
	binary.BigEndian.PutUint16(b[ipv4FlagsFragOffset:], w)
	b[ipv4TimeToLive], b[ipv4Protocol] = 64, ipProtoUDP
	copy(b[ipv4SourceAddress:], fragSrc.AsSlice())
	copy(b[ipv4DestAddress:], fragDst.AsSlice())
	copy(b[ipv4MinHeader:], data)
	setIPv4Checksum(b[:ipv4MinHeader])
	return b
}

// pattern is n bytes whose value depends on their position from start.
func fragPattern(start, n int) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = byte(start + i)
	}
	return p
}

// fragStep is one fragment given to the reassembler and what it must answer.
type fragStep struct {
	frag        []byte
	wantErr     error // nil: accepted
	wantDropped bool  // the error dropped the datagram
	wantDone    bool  // a datagram comes out
}

func TestReassemblePolicy(t *testing.T) {
	const id = 0x4242
	frag := func(off int, mf bool, n int) []byte { return rawIPv4Fragment(id, off, mf, fragPattern(off, n)) }
	changed := func(off int, mf bool, n int) []byte {
		p := fragPattern(off, n)
		p[n/2] ^= 0xff
		return rawIPv4Fragment(id, off, mf, p)
	}
	tests := []struct {
		name          string
		steps         []fragStep
		wantDuplicate int
	}{
		{name: "in order", steps: []fragStep{
			{frag: frag(0, true, 16)}, {frag: frag(16, true, 16)}, {frag: frag(32, false, 5), wantDone: true}}},
		{name: "last first", steps: []fragStep{
			{frag: frag(32, false, 5)}, {frag: frag(0, true, 16)}, {frag: frag(16, true, 16), wantDone: true}}},
		{name: "identical duplicates are ignored", wantDuplicate: 3, steps: []fragStep{
			{frag: frag(0, true, 16)}, {frag: frag(0, true, 16)}, {frag: frag(8, true, 8)},
			{frag: frag(32, false, 5)}, {frag: frag(32, false, 5)},
			{frag: frag(16, true, 16), wantDone: true}}},
		{name: "duplicate spanning two held fragments", wantDuplicate: 1, steps: []fragStep{
			{frag: frag(0, true, 16)}, {frag: frag(16, true, 16)}, {frag: frag(8, true, 16)},
			{frag: frag(32, false, 5), wantDone: true}}},
		{name: "teardrop: the second reaches past the first", steps: []fragStep{
			{frag: frag(0, true, 32)},
			{frag: frag(24, false, 20), wantErr: ErrFragmentOverlap, wantDropped: true}}},
		{name: "teardrop: a last fragment inside the first", steps: []fragStep{
			{frag: frag(0, true, 32)},
			{frag: changed(8, false, 8), wantErr: ErrFragmentEnd, wantDropped: true}}},
		{name: "same range, bytes differ", steps: []fragStep{
			{frag: frag(0, true, 32)},
			{frag: changed(8, true, 8), wantErr: ErrFragmentConflict, wantDropped: true}}},
		{name: "covers two held fragments and the gap between", steps: []fragStep{
			{frag: frag(0, true, 8)}, {frag: frag(16, true, 8)},
			{frag: frag(0, true, 24), wantErr: ErrFragmentOverlap, wantDropped: true}}},
		{name: "reaches in front of a held fragment", steps: []fragStep{
			{frag: frag(16, true, 16)},
			{frag: frag(8, true, 16), wantErr: ErrFragmentOverlap, wantDropped: true}}},
		{name: "two last fragments disagree", steps: []fragStep{
			{frag: frag(32, false, 5)},
			{frag: frag(32, false, 6), wantErr: ErrFragmentEnd, wantDropped: true}}},
		{name: "data past the last fragment", steps: []fragStep{
			{frag: frag(32, false, 5)},
			{frag: frag(40, true, 8), wantErr: ErrFragmentEnd, wantDropped: true}}},
		{name: "last fragment ends before held data", steps: []fragStep{
			{frag: frag(32, true, 16)},
			{frag: frag(8, false, 8), wantErr: ErrFragmentEnd, wantDropped: true}}},
		{name: "ping of death: past 65,535 bytes", steps: []fragStep{
			{frag: frag(0, true, 16)},
			{frag: frag(8189*8, false, 100), wantErr: ErrDatagramTooBig, wantDropped: true}}},
		{name: "an empty fragment is refused alone", steps: []fragStep{
			{frag: frag(0, true, 16)}, {frag: frag(16, true, 0), wantErr: ErrEmptyFragment},
			{frag: frag(16, false, 3), wantDone: true}}},
		{name: "a misaligned fragment is refused alone", steps: []fragStep{
			{frag: frag(0, true, 12), wantErr: ErrFragmentNotAligned},
			{frag: frag(16, false, 3)}, {frag: frag(0, true, 16), wantDone: true}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewIPv4Reassembler(IPv4ReassemblerOptions{})
			for i, s := range tt.steps {
				out, err := r.Add(s.frag)
				if !errors.Is(err, s.wantErr) || (err == nil) != (s.wantErr == nil) {
					t.Fatalf("fragStep %d: Add = %v, want %v", i, err, s.wantErr)
				}
				var fe *FragmentError
				if err != nil && (!errors.As(err, &fe) || fe.Dropped != s.wantDropped) {
					t.Fatalf("fragStep %d: error %#v, want a FragmentError with Dropped %v", i, err, s.wantDropped)
				}
				if (out != nil) != s.wantDone {
					t.Fatalf("fragStep %d: datagram %v, want one: %v", i, out != nil, s.wantDone)
				}
				if out != nil {
					h, err := parseIPv4(out)
					if err != nil || ipv4Checksum(out[:h.ihl]) != 0 || h.isFragment() || h.id != id {
						t.Fatalf("reassembled header % x: %v", out[:ipv4MinHeader], err)
					}
					if want := fragPattern(0, len(out)-h.ihl); !bytes.Equal(out[h.ihl:], want) {
						t.Errorf("reassembled data % x\nwant % x", out[h.ihl:], want)
					}
				}
				if s.wantDropped && len(r.Pending()) != 0 {
					t.Errorf("fragStep %d: the dropped datagram is still pending: %+v", i, r.Pending())
				}
			}
			st := r.Stats()
			if st.Duplicates != tt.wantDuplicate {
				t.Errorf("Duplicates = %d, want %d", st.Duplicates, tt.wantDuplicate)
			}
			if st.Pending == 0 && st.Held != 0 {
				t.Errorf("nothing pending, yet %d bytes held", st.Held)
			}
		})
	}
}

// TestReassembleDropsEverything: after an overlap, the fragments held are
// gone: the rest of the datagram, arriving later, never completes it.
func TestReassembleDropsEverything(t *testing.T) {
	d := fragTestDatagram(t, 9, 1000)
	frags := fragTestFragments(t, d, 300)
	r := NewIPv4Reassembler(IPv4ReassemblerOptions{})
	for _, f := range frags[:2] {
		if _, err := r.Add(f); err != nil {
			t.Fatal(err)
		}
	}
	evil := rawIPv4Fragment(9, 8, true, make([]byte, 16))
	_, err := r.Add(evil)
	var fe *FragmentError
	if !errors.As(err, &fe) || !errors.Is(err, ErrFragmentConflict) || !fe.Dropped || fe.Discarded != 2 {
		t.Fatalf("Add(overlap) = %v, want ErrFragmentConflict dropping the 2 fragments held", err)
	}
	for _, f := range frags[2:] {
		if out, err := r.Add(f); out != nil || err != nil {
			t.Fatalf("Add(rest) = %d bytes, %v; want it held", len(out), err)
		}
	}
	if p := r.Pending(); len(p) != 1 || p[0].Holes[0] != (FragmentHole{First: 0, Last: 2*280 - 1}) {
		t.Errorf("Pending = %+v, want one datagram missing bytes 0–559", p)
	}
}

// TestReassembleFromFirstHeader: the reassembled header is the first
// fragment's, with the options that stayed in it, so the datagram comes
// back byte for byte, whatever the order.
func TestReassembleFromFirstHeader(t *testing.T) {
	d := fragTestDatagram(t, 3, 1000, IPv4Option{Type: 7, Data: []byte{4, 0, 0, 0, 0, 0, 0, 0, 0}})
	frags := fragTestFragments(t, d, 300)
	fragPermutations(len(frags), func(order []int) {
		r := NewIPv4Reassembler(IPv4ReassemblerOptions{})
		if got := feedFragments(t, "netlab", r.Add, frags, order); !bytes.Equal(got, d) {
			t.Fatalf("order %v: reassembled\n% x\nwant\n% x", order, got, d)
		}
	})
}

func TestReassembleTooBigWithOptions(t *testing.T) {
	// The data ends at 65,515: with a 20-byte header, 65,535 bytes. The
	// first fragment's 60-byte header makes it 65,575.
	first := rawIPv4Fragment(5, 0, true, fragPattern(0, 65512-40))
	first = slices.Insert(first, ipv4MinHeader, make([]byte, 40)...)
	first[ipv4VersionIHL] = 0x4f
	binary.BigEndian.PutUint16(first[ipv4TotalLength:], uint16(len(first)))
	setIPv4Checksum(first[:60])
	r := NewIPv4Reassembler(IPv4ReassemblerOptions{})
	if _, err := r.Add(first); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Add(rawIPv4Fragment(5, 65512-40, true, fragPattern(0, 40))); err != nil {
		t.Fatal(err)
	}
	if _, err := r.Add(rawIPv4Fragment(5, 65512, false, fragPattern(0, 3))); !errors.Is(err, ErrDatagramTooBig) {
		t.Fatalf("Add(last) = %v, want ErrDatagramTooBig", err)
	}
}

// TestReassembleMemoryCap: each datagram's first fragment is charged 576
// data bytes, 20 of header, 64 for the fragment and 256 for the datagram:
// 916 bytes. Three fit under 3,000; the fourth is refused.
func TestReassembleMemoryCap(t *testing.T) {
	const limit = 3000
	r := NewIPv4Reassembler(IPv4ReassemblerOptions{MaxBytes: limit})
	var held [][]byte // the last fragment of each datagram started
	for id := uint16(1); ; id++ {
		d := fragTestDatagram(t, id, 600)
		frags := fragTestFragments(t, d, 596)
		if _, err := r.Add(frags[0]); err != nil {
			if !errors.Is(err, ErrReassemblyMemory) {
				t.Fatalf("datagram %d: %v, want ErrReassemblyMemory", id, err)
			}
			var fe *FragmentError
			if !errors.As(err, &fe) || fe.Dropped {
				t.Errorf("a full memory dropped a datagram: %v", err)
			}
			break
		}
		if st := r.Stats(); st.Held > limit {
			t.Fatalf("%d bytes held, over the cap of %d", st.Held, limit)
		}
		held = append(held, frags[1])
	}
	if len(held) != 3 {
		t.Errorf("%d datagrams fit in %d bytes, want 3", len(held), limit)
	}
	// New datagrams are refused, not the old: they still complete.
	for i, f := range held {
		if out, err := r.Add(f); err != nil || out == nil {
			t.Errorf("datagram %d: %v, want it complete", i+1, err)
		}
	}
	if st := r.Stats(); st.Held != 0 || st.Pending != 0 {
		t.Errorf("after completing all: %+v, want nothing held", st)
	}
}

func TestReassembleExpiry(t *testing.T) {
	clock := newFragClock()
	r := NewIPv4Reassembler(IPv4ReassemblerOptions{Now: clock.Now})
	frags := fragTestFragments(t, fragTestDatagram(t, 11, 1000), 300)
	if _, err := r.Add(frags[0]); err != nil {
		t.Fatal(err)
	}
	// More fragments do not restart the timer.
	clock.Advance(20 * time.Second)
	if _, err := r.Add(frags[2]); err != nil {
		t.Fatal(err)
	}
	clock.Advance(DefaultReassemblyTimeout - 20*time.Second - time.Nanosecond)
	if got := r.Expire(); len(got) != 0 {
		t.Fatalf("Expire before the timeout = %+v", got)
	}
	clock.Advance(time.Nanosecond)
	got := r.Expire()
	want := []FragmentHole{{First: 280, Last: 559}, {First: 840, Last: FragmentHoleInfinity}}
	if len(got) != 1 || !slices.Equal(got[0].Holes, want) || got[0].Fragments != 2 || got[0].Age != DefaultReassemblyTimeout {
		t.Fatalf("Expire = %+v, want one datagram of 2 fragments with holes %v", got, want)
	}
	if st := r.Stats(); st.Held != 0 || st.Expired != 1 {
		t.Errorf("after expiry: %+v", st)
	}
	// The late fragments start a new datagram, which lacks the first two.
	for _, f := range frags[1:] {
		if out, err := r.Add(f); out != nil || err != nil {
			t.Fatalf("late fragment: %d bytes, %v", len(out), err)
		}
	}
	if p := r.Pending(); len(p) != 1 || p[0].Holes[0] != (FragmentHole{First: 0, Last: 279}) {
		t.Errorf("Pending = %+v, want bytes 0–279 missing", p)
	}
}

// TestReassembleKeys: fragments are matched by source, destination,
// protocol and identification, all four.
func TestReassembleKeys(t *testing.T) {
	r := NewIPv4Reassembler(IPv4ReassemblerOptions{})
	a := rawIPv4Fragment(1, 0, true, fragPattern(0, 8))
	variants := map[string]func(b []byte){
		"identification": func(b []byte) { b[ipv4Identification+1] = 2 },
		"protocol":       func(b []byte) { b[ipv4Protocol] = ipProtoTCP },
		"source":         func(b []byte) { b[ipv4SourceAddress+3] = 9 },
		"destination":    func(b []byte) { b[ipv4DestAddress+3] = 9 },
	}
	if _, err := r.Add(a); err != nil {
		t.Fatal(err)
	}
	for name, change := range variants {
		b := rawIPv4Fragment(1, 0, true, fragPattern(1, 8)) // different bytes at the same place
		change(b)
		setIPv4Checksum(b[:ipv4MinHeader])
		if _, err := r.Add(b); err != nil {
			t.Errorf("a different %s: %v, want a separate datagram", name, err)
		}
	}
	if n := len(r.Pending()); n != 5 {
		t.Errorf("%d datagrams pending, want 5", n)
	}
}

func TestReassembleRefusesBadHeaders(t *testing.T) {
	good := rawIPv4Fragment(1, 0, true, fragPattern(0, 8))
	badSum := slices.Clone(good)
	badSum[ipv4HeaderChecksum] ^= 1
	tests := []struct {
		name string
		b    []byte
		want error
	}{
		{"checksum", badSum, ErrIPv4Checksum},
		{"empty", nil, ErrIPv4Truncated},
		{"header cut", good[:19], ErrIPv4Truncated},
		{"data cut", good[:25], ErrIPv4Truncated},
		{"version 6", append([]byte{0x65}, good[1:]...), ErrNotIPv4},
	}
	r := NewIPv4Reassembler(IPv4ReassemblerOptions{})
	for _, tt := range tests {
		if _, err := r.Add(tt.b); !errors.Is(err, tt.want) {
			t.Errorf("%s: Add = %v, want %v", tt.name, err, tt.want)
		}
	}
	// A whole datagram passes through, trailing link padding cut off.
	d := fragTestDatagram(t, 2, 10)
	if out, err := r.Add(append(slices.Clone(d), 0, 0, 0)); err != nil || !bytes.Equal(out, d) {
		t.Errorf("Add(whole) = %v, %v; want it back", out, err)
	}
}

// TestReassembleLossReportsHoles: whatever fragments are lost, and in
// whatever order and with whatever repeats the rest arrive, the
// reassembler either completes the datagram or names exactly the bytes
// missing (RFC 815's holes).
func TestReassembleLossReportsHoles(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for trial := range 300 {
		d := fragTestDatagram(t, uint16(trial), rng.IntN(5000))
		frags := fragTestFragments(t, d, MinMTU+rng.IntN(1500))
		h, _ := parseIPv4(d)
		dataLen := h.totalLen - h.ihl
		var arrive []int
		lost := make([]bool, len(frags))
		for k := range frags {
			if lost[k] = rng.IntN(4) == 0; !lost[k] {
				for range 1 + rng.IntN(2) {
					arrive = append(arrive, k)
				}
			}
		}
		rng.Shuffle(len(arrive), func(i, j int) { arrive[i], arrive[j] = arrive[j], arrive[i] })
		r := NewIPv4Reassembler(IPv4ReassemblerOptions{})
		var got []byte
		for _, k := range arrive {
			out, err := r.Add(frags[k])
			if err != nil {
				t.Fatalf("trial %d: fragment %d: %v", trial, k, err)
			}
			if out != nil {
				got = out
			}
		}
		var want []FragmentHole
		for k, f := range frags {
			if !lost[k] {
				continue
			}
			fh, _ := parseIPv4(f)
			first, last := fh.offset, fh.offset+fh.totalLen-fh.ihl-1
			if k == len(frags)-1 {
				last = FragmentHoleInfinity
			}
			if n := len(want); n > 0 && want[n-1].Last == first-1 {
				want[n-1].Last = last
			} else {
				want = append(want, FragmentHole{First: first, Last: last})
			}
		}
		pending := r.Pending()
		switch {
		case len(want) == 0 && !bytes.Equal(got, d):
			t.Fatalf("trial %d: nothing lost, yet no datagram (%d bytes of %d)", trial, len(got), dataLen)
		case len(want) > 0 && len(arrive) == 0 && len(pending) != 0:
			t.Fatalf("trial %d: nothing arrived, yet %+v pending", trial, pending)
		case len(want) > 0 && len(arrive) > 0 && (len(pending) != 1 || !slices.Equal(pending[0].Holes, want)):
			t.Fatalf("trial %d: pending %+v, want holes %v", trial, pending, want)
		}
	}
}
