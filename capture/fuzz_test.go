// Fuzz targets for the capture reader and the stream reassembler: outside
// bytes never panic, never allocate what they claim, and every error names
// where it is.

package capture

import (
	"bytes"
	"errors"
	"io"
	"testing"
)

// FuzzReadCapture reads arbitrary bytes as a capture in every mode.
func FuzzReadCapture(f *testing.F) {
	for _, g := range genFiles() {
		b := g.gen()
		f.Add(b)
		f.Add(b[:len(b)/2])
	}
	f.Add([]byte{})
	f.Add([]byte{0x0a, 0x0d, 0x0d, 0x0a, 0xff, 0xff, 0xff, 0x7f, 0x4d, 0x3c, 0x2b, 0x1a})
	f.Fuzz(func(t *testing.T, data []byte) {
		// The reader alone: lengths stay within their bounds.
		if r, err := NewReader(bytes.NewReader(data)); err == nil {
			var fr Frame
			for {
				err := r.Next(&fr)
				if err != nil {
					checkReadError(t, err, len(data))
					break
				}
				if len(fr.Data) > MaxCapLen || fr.Offset < 0 || fr.Offset >= int64(len(data)) {
					t.Fatalf("packet %d: %d bytes at offset %d", fr.Number, len(fr.Data), fr.Offset)
				}
				if cap(r.buf) > maxBlock {
					t.Fatalf("read buffer grew to %d bytes", cap(r.buf))
				}
			}
		} else {
			checkReadError(t, err, len(data))
		}
		// Every mode, over the same bytes.
		for _, o := range []Options{
			{Follow: -1},
			{Verbose: true, Hex: true, Follow: -1},
			{Streams: true, Stats: true, Follow: 0},
			{JSON: true, Verbose: true, Streams: true, Stats: true, Follow: 1},
		} {
			err := Show(bytes.NewReader(data), io.Discard, o)
			if err != nil && !errors.Is(err, ErrUnknownStream) {
				checkReadError(t, err, len(data))
			}
		}
	})
}

// checkReadError: io.EOF, or a *ReadError naming an offset within the file.
func checkReadError(t *testing.T, err error, size int) {
	t.Helper()
	if errors.Is(err, io.EOF) {
		return
	}
	var re *ReadError
	if !errors.As(err, &re) {
		t.Fatalf("error %v (%T) is not a *ReadError", err, err)
	}
	if re.Offset < 0 || re.Offset > int64(size) || re.Packet < 0 {
		t.Fatalf("error names byte %d, packet %d, of a %d-byte file: %v", re.Offset, re.Packet, size, err)
	}
}

// fuzzByte is the byte the fuzzed stream holds at offset i.
func fuzzByte(i int) byte { return byte(i*7 + 3) }

// FuzzFollowStream feeds arbitrary TCP segments to the reassembler. Each
// segment is four bytes, then its payload: a 16-bit offset, flags (bit 0:
// FIN; bit 1: carry different bytes than the stream's; bit 2: SYN), and a
// length. Whatever the order, duplication and overlap, every byte delivered
// is the first copy of that byte that arrived, every byte sent is
// delivered, no byte sent is in a gap, and nothing held outlives Close.
func FuzzFollowStream(f *testing.F) {
	f.Add([]byte{0, 0, 0, 10, 0, 20, 0, 10, 0, 10, 0, 10})
	f.Add([]byte{0, 0, 4, 0, 0, 5, 0, 10, 0, 0, 0, 5, 0, 15, 1, 0})
	f.Add([]byte{0, 30, 0, 10, 0, 0, 0, 40, 0, 5, 2, 10, 0, 40, 1, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		const base = 0xfffff000 // near the wrap of the 32-bit sequence space
		r := NewReassembler(ReassemblyLimits{MaxPending: 1 << 20, MaxKept: 1 << 20})
		first := map[int]byte{} // offset from the first byte seen → first copy
		start, started := 0, false
		for len(data) >= 4 && r.Stats().Segments < 1000 {
			off := int(data[0])<<8 | int(data[1])
			flags, n := data[2], int(data[3])
			data = data[4:]
			payload := make([]byte, n)
			for i := range payload {
				payload[i] = fuzzByte(off + i)
				if flags&2 != 0 {
					payload[i] ^= 0x55
				}
			}
			seq := uint32(base + off)
			syn := flags&4 != 0
			if syn {
				seq-- // the SYN's own sequence number is one before its data
			}
			if !started {
				started, start = true, off
			}
			r.Add(Segment{Seq: seq, SYN: syn, FIN: flags&1 != 0, Payload: payload})
			for i, c := range payload {
				at := off + i - start
				if _, ok := first[at]; !ok && at >= 0 {
					first[at] = c
				}
			}
			if r.Buffered() > 1<<20 {
				t.Fatalf("held %d bytes", r.Buffered())
			}
		}
		r.Close()
		if r.Buffered() != 0 {
			t.Fatalf("%d bytes held after Close", r.Buffered())
		}
		got := map[int]bool{}
		var prevEnd int64 = -1
		for _, p := range r.Pieces() {
			if p.Offset < prevEnd {
				t.Fatalf("pieces overlap or go back: %d after %d", p.Offset, prevEnd)
			}
			prevEnd = p.Offset + int64(len(p.Data))
			for i, c := range p.Data {
				at := int(p.Offset) + i
				want, ok := first[at]
				if !ok {
					t.Fatalf("byte %d delivered but never sent", at)
				}
				if c != want {
					t.Fatalf("byte %d is %#x, but the first copy was %#x", at, c, want)
				}
				got[at] = true
			}
		}
		st := r.Stats()
		for at := range first {
			if !got[at] && st.Dropped == 0 && st.NotKept == 0 {
				t.Fatalf("byte %d was sent but not delivered", at)
			}
		}
		for _, g := range r.Gaps() {
			for at := g.Start; at < g.End; at++ {
				if _, sent := first[int(at)]; sent {
					t.Fatalf("byte %d is in gap %d-%d but was sent", at, g.Start, g.End)
				}
			}
		}
	})
}
