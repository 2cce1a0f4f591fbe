// Fuzz target for the reassembler: arbitrary pieces, from outside. Findings
// go under testdata/fuzz/ and run as ordinary tests from then on:
//
//	go test ./packets -run '^$' -fuzz '^FuzzReassembler$' -fuzztime 2m

package packets

import (
	"bytes"
	"testing"
	"time"
)

// Limits of the fuzzed reassembler: small, so that the fuzzer reaches them.
const (
	fuzzMaxBuffered = 512
	fuzzMaxMessage  = 2048
	fuzzTimeout     = 1000 // virtual time units (nanoseconds)
)

// FuzzReassembler feeds the reassembler arbitrary pieces. Each 4 bytes of
// the input are one piece:
//
//	byte 0-1  offset, 0-4095 (past fuzzMaxMessage sometimes)
//	byte 2    length, 0-255
//	byte 3    bit 0: last; bits 1-2: which of 4 versions of the bytes
//	          (version 0 is the "true" message, others conflict); bits 3-7:
//	          virtual time that passes before the piece, in units of 40
//
// Properties: it never panics; it never holds more than its limit; a
// refused piece changes nothing; its holes are exactly those a model that
// keeps the first copy of every byte computes; a complete message is
// exactly the model's bytes; giving up releases every byte.
func FuzzReassembler(f *testing.F) {
	f.Add([]byte{0, 0, 10, 0, 0, 10, 10, 1})                    // two pieces in order
	f.Add([]byte{0, 10, 10, 1, 0, 0, 10, 0})                    // reversed
	f.Add([]byte{0, 0, 10, 0, 0, 5, 10, 2, 0, 15, 5, 1})        // a conflicting overlap
	f.Add([]byte{0, 0, 255, 0, 0, 255, 255, 0, 1, 254, 255, 0}) // over the limit
	f.Add([]byte{0, 0, 10, 0, 0, 20, 10, 0xf9})                 // after the timeout
	f.Add([]byte{0x0f, 0xff, 10, 0})                            // past the largest message
	f.Fuzz(func(t *testing.T, in []byte) {
		r := NewReassembler(ReassemblyLimits{MaxBuffered: fuzzMaxBuffered, MaxMessage: fuzzMaxMessage, Timeout: fuzzTimeout})
		m := newReassemblyModel()
		var now int64
		for ; len(in) >= 4; in = in[4:] {
			off := int(in[0])<<8&0x0f00 | int(in[1])
			n := int(in[2])
			last := in[3]&1 != 0
			version := in[3] >> 1 & 3
			now += int64(in[3]>>3) * 40
			data := make([]byte, n)
			for i := range data {
				data[i] = byte(off+i) ^ (version * 0x55)
			}
			holesBefore := r.Holes()
			_, err := r.Add(time.Duration(now), int64(off), data, last)
			if err != nil {
				if r.GaveUp() {
					m.gaveUp = true
				}
				if !m.gaveUp && !sameHoles(holesBefore, r.Holes()) {
					t.Fatalf("a refused piece (%v) changed the holes from %v to %v", err, holesBefore, r.Holes())
				}
			} else {
				m.add(off, data, last)
			}
			if r.Buffered() > fuzzMaxBuffered {
				t.Fatalf("%d bytes buffered, over the limit %d", r.Buffered(), fuzzMaxBuffered)
			}
			if m.gaveUp {
				if r.Buffered() != 0 {
					t.Fatalf("gave up but still holds %d bytes", r.Buffered())
				}
				continue
			}
			if want := m.holes(); !sameHoles(r.Holes(), want) {
				t.Fatalf("holes %v, the model says %v", r.Holes(), want)
			}
			if r.Buffered() != m.held {
				t.Fatalf("%d bytes buffered, the model holds %d", r.Buffered(), m.held)
			}
			msg, err := r.Message()
			if r.Complete() != (err == nil) || r.Complete() != (len(m.holes()) == 0) {
				t.Fatalf("Complete() %v, Message() error %v, model holes %v", r.Complete(), err, m.holes())
			}
			if err == nil && !bytes.Equal(msg, m.bytes()) {
				t.Fatalf("message % x, the model's first copies % x", msg, m.bytes())
			}
		}
	})
}

// reassemblyModel is the obvious, slow reassembler: a byte array with a
// flag per byte. It keeps the first copy of each byte.
type reassemblyModel struct {
	data   [fuzzMaxMessage]byte
	have   [fuzzMaxMessage]bool
	held   int
	end    int // -1 while unknown
	high   int
	gaveUp bool
}

func newReassemblyModel() *reassemblyModel { return &reassemblyModel{end: -1} }

func (m *reassemblyModel) add(off int, data []byte, last bool) {
	for i, b := range data {
		if !m.have[off+i] {
			m.have[off+i], m.data[off+i] = true, b
			m.held++
		}
	}
	if len(data) > 0 {
		m.high = max(m.high, off+len(data))
	}
	if last {
		m.end = off + len(data)
	}
}

func (m *reassemblyModel) holes() []Hole {
	limit := m.high
	if m.end >= 0 {
		limit = m.end
	}
	var holes []Hole
	for i := 0; i < limit; i++ {
		if m.have[i] {
			continue
		}
		j := i
		for j+1 < limit && !m.have[j+1] {
			j++
		}
		holes = append(holes, Hole{int64(i), int64(j)})
		i = j
	}
	if m.end < 0 {
		holes = append(holes, Hole{int64(m.high), Infinity})
	}
	return holes
}

func (m *reassemblyModel) bytes() []byte { return append([]byte{}, m.data[:m.end]...) }

func sameHoles(a, b []Hole) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
