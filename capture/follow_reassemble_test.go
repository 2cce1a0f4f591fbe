// Tests of the stream reassembler: order, duplicates, overlaps (first copy
// wins), gaps reported exactly, sequence numbers that wrap, and limits.

package capture

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"reflect"
	"testing"
)

// joined is what a reassembler delivered: its pieces and gaps, as text.
func joined(r *Reassembler) string {
	var b bytes.Buffer
	for _, p := range r.Pieces() {
		fmt.Fprintf(&b, "[%d]%s", p.Offset, p.Data)
	}
	for _, g := range r.Gaps() {
		fmt.Fprintf(&b, " gap %d-%d", g.Start, g.End)
	}
	return b.String()
}

func TestReassembler(t *testing.T) {
	const isn = 1000
	seg := func(off int, payload string) Segment {
		return Segment{Seq: isn + 1 + uint32(off), Payload: []byte(payload), Packet: off + 10}
	}
	syn := Segment{Seq: isn, SYN: true, Packet: 1}
	fin := func(off int) Segment { return Segment{Seq: isn + 1 + uint32(off), FIN: true, Packet: 99} }
	tests := []struct {
		name  string
		segs  []Segment
		want  string
		stats ReassemblyStats
	}{
		{"in order", []Segment{syn, seg(0, "hello "), seg(6, "world"), fin(11)}, "[0]hello world",
			ReassemblyStats{Segments: 2, Bytes: 11}},
		{"reordered", []Segment{syn, seg(6, "world"), seg(0, "hello "), fin(11)}, "[0]hello world",
			ReassemblyStats{Segments: 2, Bytes: 11, OutOfOrder: 1}},
		{"duplicate", []Segment{syn, seg(0, "hello "), seg(0, "hello "), seg(6, "world")}, "[0]hello world",
			ReassemblyStats{Segments: 3, Bytes: 11, Retransmitted: 6}},
		{"overlap, first copy wins", []Segment{syn, seg(0, "hello "), seg(3, "LO WOR"), seg(9, "ld")}, "[0]hello WORld",
			ReassemblyStats{Segments: 3, Bytes: 11, Retransmitted: 3, Conflicting: 2}},
		{"held copy wins over a later in-order one", []Segment{syn, seg(3, "lo"), seg(0, "heLLO")}, "[0]heLlo",
			ReassemblyStats{Segments: 2, Bytes: 5, OutOfOrder: 1, Retransmitted: 2, Conflicting: 2}},
		{"overlapping held segments", []Segment{syn, seg(4, "o w"), seg(2, "LLO WO"), seg(0, "he")}, "[0]heLLo wO",
			ReassemblyStats{Segments: 3, Bytes: 8, OutOfOrder: 2, Retransmitted: 3, Conflicting: 2}},
		{"gap", []Segment{syn, seg(0, "hel"), seg(6, "world"), fin(11)}, "[0]hel[6]world gap 3-6",
			ReassemblyStats{Segments: 2, Bytes: 8, OutOfOrder: 1}},
		{"gap before the FIN", []Segment{syn, seg(0, "hello"), fin(11)}, "[0]hello gap 5-11",
			ReassemblyStats{Segments: 1, Bytes: 5}},
		{"no SYN: from the first byte seen", []Segment{seg(6, "world"), seg(0, "hello "), seg(11, "!")}, "[0]world!",
			ReassemblyStats{Segments: 3, Bytes: 6, BeforeStart: 6}},
		{"SYN with data", []Segment{{Seq: isn, SYN: true, Payload: []byte("fast"), Packet: 1}, seg(4, " open")}, "[0]fast open",
			ReassemblyStats{Segments: 2, Bytes: 9}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewReassembler(ReassemblyLimits{})
			for _, s := range tt.segs {
				r.Add(s)
			}
			r.Close()
			if got := joined(r); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if got := r.Stats(); got != tt.stats {
				t.Errorf("stats %+v, want %+v", got, tt.stats)
			}
		})
	}
}

// TestReassemblerWraps: sequence numbers wrap past 2^32 mid-stream.
func TestReassemblerWraps(t *testing.T) {
	r := NewReassembler(ReassemblyLimits{})
	isn := uint32(0xfffffffa)
	r.Add(Segment{Seq: isn, SYN: true})
	r.Add(Segment{Seq: isn + 1 + 8, Payload: []byte("89abcdef")}) // past the wrap, early
	r.Add(Segment{Seq: isn + 1, Payload: []byte("01234567")})
	r.Close()
	if got := joined(r); got != "[0]0123456789abcdef" {
		t.Errorf("got %q", got)
	}
}

// TestReassemblerProperty: any permutation, duplication and loss of the
// pieces of a message either gives the message back, or exactly its bytes
// that arrived plus gaps naming exactly the missing ranges.
func TestReassemblerProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(4, 2))
	for trial := range 500 {
		msg := make([]byte, 1+rng.IntN(3000))
		for i := range msg {
			msg[i] = byte(rng.IntN(256))
		}
		isn := rng.Uint32()
		// Cut the message into segments.
		type piece struct{ off, end int }
		var pieces []piece
		for off := 0; off < len(msg); {
			n := min(1+rng.IntN(200), len(msg)-off)
			pieces = append(pieces, piece{off, off + n})
			off += n
		}
		// Lose some, duplicate some, shuffle.
		var sent []piece
		have := make([]bool, len(msg))
		for _, p := range pieces {
			if rng.IntN(8) == 0 {
				continue
			}
			sent = append(sent, p)
			for i := p.off; i < p.end; i++ {
				have[i] = true
			}
			if rng.IntN(5) == 0 {
				sent = append(sent, p)
			}
		}
		rng.Shuffle(len(sent), func(i, j int) { sent[i], sent[j] = sent[j], sent[i] })
		r := NewReassembler(ReassemblyLimits{})
		r.Add(Segment{Seq: isn, SYN: true})
		for _, p := range sent {
			r.Add(Segment{Seq: isn + 1 + uint32(p.off), Payload: msg[p.off:p.end]})
		}
		r.Add(Segment{Seq: isn + 1 + uint32(len(msg)), FIN: true})
		r.Close()
		// What arrived comes back at its offsets; the rest is in gaps.
		got := make([]bool, len(msg))
		for _, p := range r.Pieces() {
			if !bytes.Equal(p.Data, msg[p.Offset:p.Offset+int64(len(p.Data))]) {
				t.Fatalf("trial %d: piece at %d differs from the message", trial, p.Offset)
			}
			for i := range p.Data {
				got[int(p.Offset)+i] = true
			}
		}
		var wantGaps []Gap
		for i := 0; i < len(msg); {
			if have[i] {
				i++
				continue
			}
			j := i
			for j < len(msg) && !have[j] {
				j++
			}
			wantGaps = append(wantGaps, Gap{int64(i), int64(j)})
			i = j
		}
		if !reflect.DeepEqual(got, have) {
			t.Fatalf("trial %d: delivered bytes differ from those sent", trial)
		}
		if gaps := r.Gaps(); !reflect.DeepEqual(gaps, wantGaps) && (len(gaps) > 0 || len(wantGaps) > 0) {
			t.Fatalf("trial %d: gaps %v, want %v", trial, gaps, wantGaps)
		}
		if r.Buffered() != 0 {
			t.Fatalf("trial %d: %d bytes still held after Close", trial, r.Buffered())
		}
	}
}

// TestReassemblerLimits: held bytes and segments, and kept bytes, stay
// within the limits whatever arrives.
func TestReassemblerLimits(t *testing.T) {
	lim := ReassemblyLimits{MaxPending: 1000, MaxPendingSegs: 10, MaxKept: 500}
	r := NewReassembler(lim)
	r.Add(Segment{Seq: 0, SYN: true})
	for i := range 100 { // every other 50-byte block, never in order
		r.Add(Segment{Seq: 1 + uint32(100+100*i), Payload: bytes.Repeat([]byte{'x'}, 50)})
		if r.Buffered() > lim.MaxPending || len(r.pend) > lim.MaxPendingSegs {
			t.Fatalf("held %d bytes in %d segments", r.Buffered(), len(r.pend))
		}
	}
	if st := r.Stats(); st.Dropped == 0 {
		t.Errorf("nothing dropped: %+v", st)
	}
	r = NewReassembler(lim)
	r.Add(Segment{Seq: 1, Payload: bytes.Repeat([]byte{'y'}, 2000)})
	var kept int
	for _, p := range r.Pieces() {
		kept += len(p.Data)
	}
	if kept > int(lim.MaxKept) || r.Stats().NotKept == 0 {
		t.Errorf("kept %d bytes (limit %d), not kept %d", kept, lim.MaxKept, r.Stats().NotKept)
	}
}

// TestPacketAt: which packet completed which bytes.
func TestPacketAt(t *testing.T) {
	r := NewReassembler(ReassemblyLimits{})
	r.Add(Segment{Seq: 0, SYN: true, Packet: 1})
	r.Add(Segment{Seq: 7, Payload: []byte("world"), Packet: 3}) // held until packet 4
	r.Add(Segment{Seq: 1, Payload: []byte("hello "), Packet: 4})
	r.Add(Segment{Seq: 12, Payload: []byte("!"), Packet: 5})
	for off, want := range map[int64]int{0: 4, 5: 4, 6: 4, 10: 4, 11: 5} {
		if got := r.packetAt(off); got != want {
			t.Errorf("byte %d: packet %d, want %d", off, got, want)
		}
	}
}
