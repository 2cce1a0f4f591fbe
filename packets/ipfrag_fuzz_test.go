package packets

import (
	"encoding/binary"
	"testing"
	"time"
)

// Fuzz records: the input is read 5 bytes at a time, each record one
// fragment, so that the fuzzer can reach overlaps, holes, expiry and the
// memory cap with short inputs:
//
//	byte 0: control bits
//	        .... ...1  MF
//	        .... .11.  which of 4 datagrams (Identification 0x100 + n)
//	        .... 1...  move the clock 11 s forward first
//	        ...1 ....  raw: the next (byte 3) input bytes go to Add as they are
//	        .11. ....  length shift: the length is byte 3 × 4^shift
//	bytes 1–2: fragment offset, in 8-byte units (13 bits)
//	byte 3: length
//	byte 4: fill: data byte i of the datagram is byte(i) ^ fill
const (
	fuzzRecord   = 5
	fuzzMF       = 0x01
	fuzzAdvance  = 0x08
	fuzzRaw      = 0x10
	fuzzMaxBytes = 32 << 10
)

// FuzzReassembleIPv4 feeds arbitrary fragments to IPv4Reassembler: it
// never panics, never holds more than its cap, frees everything when
// nothing is pending, and any datagram it returns is a valid IPv4 packet
// whose data came from the fragments given. ExplainIPv4 labels every
// fragment without a panic.
func FuzzReassembleIPv4(f *testing.F) {
	f.Add(fuzzFragments(fuzzFrag{off: 0, mf: true, n: 40}, fuzzFrag{off: 5, mf: true, n: 40}, fuzzFrag{off: 10, n: 13}))
	f.Fuzz(func(t *testing.T, in []byte) {
		clock := newFragClock()
		r := NewIPv4Reassembler(IPv4ReassemblerOptions{MaxBytes: fuzzMaxBytes, Now: clock.Now})
		fills := map[uint16]map[byte]bool{}
		tainted := map[uint16]bool{} // datagrams a raw packet may have added to
		taint := func(b []byte) {
			if h, err := parseIPv4(b); err == nil {
				tainted[h.id] = true
			}
		}
		check := func(what string, out []byte) {
			st := r.Stats()
			if st.Held > fuzzMaxBytes || st.Held < 0 || (st.Pending == 0) != (st.Held == 0) {
				t.Fatalf("after %s: %+v, cap %d", what, st, fuzzMaxBytes)
			}
			if out == nil {
				return
			}
			h, err := parseIPv4(out)
			if err != nil || h.isFragment() || h.totalLen != len(out) || ipv4Checksum(out[:h.ihl]) != 0 {
				t.Fatalf("after %s: datagram %x is not a whole valid IPv4 packet: %v", what, out, err)
			}
			if used, ok := fills[h.id]; ok && !tainted[h.id] {
				for i, c := range out[h.ihl:] {
					if !used[c^byte(i)] {
						t.Fatalf("after %s: data byte %d is %#x, from no fragment given", what, i, c)
					}
				}
			}
		}
		taint(in)
		out, _ := r.Add(in)
		check("the whole input", out)
		for len(in) >= fuzzRecord {
			ctl, off, n, fill := in[0], int(binary.BigEndian.Uint16(in[1:])&fragOffsetMask), int(in[3]), in[4]
			in = in[fuzzRecord:]
			if ctl&fuzzAdvance != 0 {
				clock.Advance(11 * time.Second)
			}
			if ctl&fuzzRaw != 0 {
				raw := in[:min(n, len(in))]
				in = in[len(raw):]
				taint(raw)
				out, _ := r.Add(raw)
				check("a raw packet", out)
				_, _ = ExplainIPv4(raw)
				continue
			}
			n <<= 2 * (ctl >> 5 & 3)
			id := 0x100 + uint16(ctl>>1&3)
			data := make([]byte, min(n, ipv4MaxLength-ipv4MinHeader))
			for i := range data {
				data[i] = byte(off*fragmentUnit+i) ^ fill
			}
			if fills[id] == nil {
				fills[id] = map[byte]bool{}
			}
			fills[id][fill] = true
			frag := rawIPv4Fragment(id, off*fragmentUnit, ctl&fuzzMF != 0, data)
			out, _ := r.Add(frag)
			check("a fragment", out)
			fields, _ := ExplainIPv4(frag)
			for _, a := range fields {
				if a.Start < 0 || a.End > len(frag) || a.End <= a.Start {
					t.Fatalf("ExplainIPv4: field %q [%d,%d) outside the %d bytes", a.Field, a.Start, a.End, len(frag))
				}
			}
		}
		r.Expire()
		check("expiry", nil)
	})
}

// fuzzFrag is one fragment record, for writing seeds.
type fuzzFrag struct {
	off   int // in 8-byte units
	mf    bool
	n     int // length, before the shift
	shift int
	key   int
	fill  byte
	wait  bool // move the clock first
}

// fuzzFragments encodes records as a fuzz input.
func fuzzFragments(frags ...fuzzFrag) []byte {
	var in []byte
	for _, f := range frags {
		ctl := byte(f.key&3)<<1 | byte(f.shift&3)<<5
		if f.mf {
			ctl |= fuzzMF
		}
		if f.wait {
			ctl |= fuzzAdvance
		}
		in = append(in, ctl, byte(f.off>>8), byte(f.off), byte(f.n), f.fill)
	}
	return in
}
