// Putting one direction of a TCP connection back in order (RFC 9293,
// section 3.10.7.4): segments may arrive out of order, twice, overlapping,
// or never; the reassembler hands on the bytes in stream order and says
// exactly what it saw.

package capture

import "slices"

// ReassemblyLimits bound the memory one direction's reassembly may use.
// Outside bytes never grow a buffer beyond them. --follow reassembles one
// stream, two directions: at most twice these in all (40 MiB by default).
type ReassemblyLimits struct {
	MaxPending     int   // out-of-order bytes held, waiting for a hole to fill; 0: 4 MiB
	MaxPendingSegs int   // out-of-order segments held; 0: 4096
	MaxKept        int64 // in-order bytes kept to be shown and decoded; 0: 16 MiB
}

func (l ReassemblyLimits) withDefaults() ReassemblyLimits {
	if l.MaxPending <= 0 {
		l.MaxPending = 4 << 20
	}
	if l.MaxPendingSegs <= 0 {
		l.MaxPendingSegs = 4096
	}
	if l.MaxKept <= 0 {
		l.MaxKept = 16 << 20
	}
	return l
}

// A Segment is what the reassembler needs of one TCP segment.
type Segment struct {
	Seq      uint32
	SYN, FIN bool
	Payload  []byte // read only during Add: the reassembler copies what it keeps
	Packet   int    // the frame number it came in, to say which packet delivered which bytes
}

// A Piece is a run of stream bytes without a hole: Offset counts from the
// first byte after the SYN (or, with no SYN seen, from the first byte seen).
type Piece struct {
	Offset int64
	Data   []byte
}

// A Gap is a range of stream bytes the capture never saw.
type Gap struct{ Start, End int64 }

// A Delivery records that the bytes up to End were complete once Packet
// arrived.
type Delivery struct {
	End    int64
	Packet int
}

// ReassemblyStats counts what happened to one direction's segments.
type ReassemblyStats struct {
	Segments      int   // segments with payload
	Bytes         int64 // stream bytes delivered in order
	OutOfOrder    int   // segments that arrived ahead of a hole (out of order, or after a loss)
	Retransmitted int64 // bytes that arrived again after they were already had
	Conflicting   int64 // of those, bytes whose second copy differed from the first
	BeforeStart   int64 // bytes from before the first byte seen (the capture began mid-stream)
	Dropped       int64 // out-of-order bytes dropped because the limits were reached
	NotKept       int64 // in-order bytes counted but not kept (beyond MaxKept)
}

type pending struct {
	off    int64
	data   []byte
	packet int
}

// A Reassembler puts one direction of a TCP connection back in order. Its
// overlap policy is "first copy wins", as Linux and Wireshark do for bytes
// already received: a byte that arrives again is compared with the copy
// already held, counted, and dropped. It is not safe for concurrent use.
type Reassembler struct {
	lim        ReassemblyLimits
	started    bool
	synSeen    bool
	base       uint32 // sequence number of stream offset 0
	next       int64  // offset of the next byte expected
	finAt      int64  // offset of the FIN, or -1
	pend       []pending
	pendBytes  int
	pieces     []Piece
	kept       int64
	gaps       []Gap
	deliveries []Delivery
	stats      ReassemblyStats
}

// NewReassembler returns a reassembler with the given limits.
func NewReassembler(lim ReassemblyLimits) *Reassembler {
	return &Reassembler{lim: lim.withDefaults(), finAt: -1}
}

// offset unwraps a 32-bit sequence number into a stream offset: the one
// nearest the next byte expected (sequence numbers wrap every 4 GiB).
func (r *Reassembler) offset(seq uint32) int64 {
	return r.next + int64(int32(seq-(r.base+uint32(r.next))))
}

// Add takes one segment.
func (r *Reassembler) Add(s Segment) {
	// Step 1: the first segment fixes offset 0: the byte after the SYN, or
	// the first byte seen when the capture began after the handshake.
	if !r.started {
		r.started, r.base = true, s.Seq
		if s.SYN {
			r.base, r.synSeen = s.Seq+1, true
		}
	}
	seq := s.Seq
	if s.SYN {
		seq++ // the SYN takes one sequence number; data after it starts at seq+1
	}
	off := r.offset(seq)
	data := s.Payload
	if s.FIN && r.finAt < 0 {
		r.finAt = off + int64(len(data))
	}
	if len(data) == 0 {
		return
	}
	r.stats.Segments++
	// Step 2: drop what lies before offset 0: bytes from before the capture.
	if off < 0 {
		n := min(-off, int64(len(data)))
		r.stats.BeforeStart += n
		data, off = data[n:], off+n
		if len(data) == 0 {
			return
		}
	}
	// Step 3: bytes already delivered are a retransmission: first copy wins.
	if off < r.next {
		n := min(r.next-off, int64(len(data)))
		r.stats.Retransmitted += n
		r.stats.Conflicting += r.differs(off, data[:n])
		data, off = data[n:], off+n
		if len(data) == 0 {
			return
		}
	}
	// Step 4: in order: deliver up to where a held segment begins (its
	// bytes arrived first, so they win).
	if off == r.next {
		n := int64(len(data))
		if len(r.pend) > 0 {
			n = min(n, r.pend[0].off-off)
		}
		r.deliver(data[:n], s.Packet)
		data, off = data[n:], off+n
		if len(data) == 0 {
			r.drain(s.Packet)
			return
		}
	} else {
		r.stats.OutOfOrder++
	}
	// Step 5: hold the rest, keeping the first copy of each byte, and
	// deliver whatever is now in order.
	r.hold(off, data, s.Packet)
	r.drain(s.Packet)
}

// deliver appends in-order bytes to the stream.
func (r *Reassembler) deliver(data []byte, packet int) {
	n := int64(len(data))
	if n == 0 {
		return
	}
	if keep := min(n, r.lim.MaxKept-r.kept); keep > 0 {
		if len(r.pieces) == 0 || r.pieces[len(r.pieces)-1].Offset+int64(len(r.pieces[len(r.pieces)-1].Data)) != r.next {
			r.pieces = append(r.pieces, Piece{Offset: r.next})
		}
		last := &r.pieces[len(r.pieces)-1]
		last.Data = append(last.Data, data[:keep]...)
		r.kept += keep
		r.stats.NotKept += n - keep
	} else {
		r.stats.NotKept += n
	}
	r.next += n
	r.stats.Bytes += n
	if len(r.deliveries) > 0 && r.deliveries[len(r.deliveries)-1].Packet == packet {
		r.deliveries[len(r.deliveries)-1].End = r.next
	} else if len(r.deliveries) < 1<<20 {
		r.deliveries = append(r.deliveries, Delivery{End: r.next, Packet: packet})
	}
}

// drain delivers held segments that the stream has reached.
func (r *Reassembler) drain(packet int) {
	for len(r.pend) > 0 && r.pend[0].off <= r.next {
		p := r.pend[0]
		r.pend = r.pend[1:]
		r.pendBytes -= len(p.data)
		data := p.data
		if skip := r.next - p.off; skip > 0 { // cannot happen: held pieces never overlap what was delivered
			data = data[min(skip, int64(len(data))):]
		}
		r.deliver(data, packet)
	}
	if len(r.pend) == 0 {
		r.pend = nil
	}
}

// hold keeps the parts of an early segment that no held segment covers.
func (r *Reassembler) hold(off int64, data []byte, packet int) {
	end := off + int64(len(data))
	i, _ := slices.BinarySearchFunc(r.pend, off, func(p pending, o int64) int {
		return cmpInt64(p.off+int64(len(p.data)), o+1)
	})
	// Walk the held segments that overlap [off, end), keeping the gaps between them.
	for off < end {
		if i < len(r.pend) && r.pend[i].off <= off {
			p := r.pend[i]
			pEnd := p.off + int64(len(p.data))
			if pEnd > off {
				n := min(pEnd, end) - off
				r.stats.Retransmitted += n
				r.stats.Conflicting += countDiff(p.data[off-p.off:off-p.off+n], data[:n])
				data, off = data[n:], off+n
			}
			i++
			continue
		}
		n := end - off
		if i < len(r.pend) {
			n = min(n, r.pend[i].off-off)
		}
		if r.pendBytes+int(n) > r.lim.MaxPending || len(r.pend) >= r.lim.MaxPendingSegs {
			r.stats.Dropped += end - off
			return
		}
		piece := pending{off: off, data: append([]byte(nil), data[:n]...), packet: packet}
		r.pend = slices.Insert(r.pend, i, piece)
		r.pendBytes += int(n)
		i++
		data, off = data[n:], off+n
	}
}

func cmpInt64(a, b int64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// differs counts the bytes of a retransmission at off that differ from the
// copy delivered before (bytes no longer kept cannot be compared).
func (r *Reassembler) differs(off int64, data []byte) int64 {
	var n int64
	for _, p := range r.pieces {
		pEnd := p.Offset + int64(len(p.Data))
		lo, hi := max(off, p.Offset), min(off+int64(len(data)), pEnd)
		if lo < hi {
			n += countDiff(p.Data[lo-p.Offset:hi-p.Offset], data[lo-off:hi-off])
		}
	}
	return n
}

func countDiff(a, b []byte) int64 {
	var n int64
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			n++
		}
	}
	return n
}

// Close ends the stream: bytes held beyond holes are delivered, each hole
// recorded as a gap, and a hole before the FIN too.
func (r *Reassembler) Close() {
	for len(r.pend) > 0 {
		p := r.pend[0]
		if p.off > r.next {
			r.gaps = append(r.gaps, Gap{Start: r.next, End: p.off})
			r.next = p.off
		}
		r.drain(p.packet)
	}
	if r.finAt > r.next {
		r.gaps = append(r.gaps, Gap{Start: r.next, End: r.finAt})
		r.next = r.finAt
	}
}

// Pieces returns the stream's bytes, one piece per run without a hole.
func (r *Reassembler) Pieces() []Piece { return r.pieces }

// Gaps returns the holes Close found.
func (r *Reassembler) Gaps() []Gap { return r.gaps }

// Deliveries says which packet completed which bytes.
func (r *Reassembler) Deliveries() []Delivery { return r.deliveries }

// Stats returns the counts so far.
func (r *Reassembler) Stats() ReassemblyStats { return r.stats }

// SYNSeen reports whether the stream's start was captured.
func (r *Reassembler) SYNSeen() bool { return r.synSeen }

// FINAt is the stream offset of the FIN, or -1 if none was seen.
func (r *Reassembler) FINAt() int64 { return r.finAt }

// Buffered is the number of out-of-order bytes held.
func (r *Reassembler) Buffered() int { return r.pendBytes }

// packetAt returns the packet that completed the byte at offset off.
func (r *Reassembler) packetAt(off int64) int {
	i, _ := slices.BinarySearchFunc(r.deliveries, off, func(d Delivery, o int64) int {
		return cmpInt64(d.End, o+1)
	})
	if i >= len(r.deliveries) {
		if len(r.deliveries) == 0 {
			return 0
		}
		return r.deliveries[len(r.deliveries)-1].Packet
	}
	return r.deliveries[i].Packet
}
