// Reassembly of a message from byte ranges, keeping the holes as RFC 815
// ("IP Datagram Reassembly Algorithms") describes.

package packets

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"time"
)

// Infinity is RFC 815's "infinity": the Last of the hole after the highest
// byte received, while no piece has said where the message ends.
const Infinity int64 = math.MaxInt64

// A Hole is a run of missing bytes, First to Last inclusive, as RFC 815's
// hole descriptors are ("hole.first" and "hole.last").
type Hole struct {
	First, Last int64
}

// Len is the number of missing bytes, or Infinity.
func (h Hole) Len() int64 {
	if h.Last == Infinity {
		return Infinity
	}
	return h.Last - h.First + 1
}

// String prints the hole as "40–79", or "280–∞" when the end is unknown.
func (h Hole) String() string {
	if h.Last == Infinity {
		return strconv.FormatInt(h.First, 10) + "–∞"
	}
	return strconv.FormatInt(h.First, 10) + "–" + strconv.FormatInt(h.Last, 10)
}

// DefaultMaxBuffered is the reassembler's limit on buffered bytes when
// ReassemblyLimits leaves it 0.
const DefaultMaxBuffered = 1 << 20

// ReassemblyLimits bound what one message may cost the receiver.
type ReassemblyLimits struct {
	// MaxBuffered is the most message bytes the reassembler holds; a piece
	// that would take it further is refused whole (ErrBufferLimit). 0 or
	// less means DefaultMaxBuffered. Bookkeeping (one record per run of
	// bytes stored, one per hole) adds at most a few dozen bytes per byte
	// held, so memory stays proportional to the limit.
	MaxBuffered int
	// Timeout, in virtual time from the first piece accepted, after which
	// an incomplete message is given up and its bytes released
	// (ErrReassemblyGaveUp). 0 means never.
	Timeout time.Duration
	// MaxMessage is the largest offset a piece may end at. 0 or less means
	// the segment format's MaxMessage.
	MaxMessage int64
}

// A Placement says what Add did with each byte of a piece.
type Placement struct {
	New       int // bytes that filled a hole
	Duplicate int // bytes already held, and equal
	Conflict  int // bytes already held, but different: the held copy stays
}

// ReassemblyStats count everything a reassembler was given.
type ReassemblyStats struct {
	Pieces         int // pieces accepted (not refused)
	Refused        int // pieces refused: over a limit, past the end, after giving up
	NewBytes       int // bytes that filled holes
	DuplicateBytes int // bytes received again, equal to the copy held
	ConflictBytes  int // bytes received again, different from the copy held
	ConflictPieces int // pieces with at least one conflicting byte
}

// A Reassembler puts one message back together from pieces that arrive in
// any order, any number of times, overlapping or not.
//
// Overlap policy: the first copy of a byte wins. A piece only fills holes;
// its bytes that are already held are compared with the held copy and
// counted as duplicate (equal) or conflicting (different: Placement.Conflict
// and ReassemblyStats.ConflictBytes report them), and never replace it. RFC
// 815 copies every fragment into the buffer, so there the last copy wins;
// keeping the first means a late forged piece cannot change bytes already
// received.
//
// The end of the message is unknown until a piece with last set says it
// ends there. A piece past that end, or a last piece that disagrees with an
// end or with bytes already received, is refused (ErrPastEnd,
// ErrEndMismatch). A refused piece changes nothing.
//
// Time is virtual: every call that can expire the message takes now, the
// simulated clock's reading. A Reassembler is not safe for concurrent use.
type Reassembler struct {
	lim     ReassemblyLimits
	holes   []Hole   // sorted, disjoint; RFC 815's hole descriptor list
	pieces  []extent // sorted, disjoint: the bytes held
	held    int      // bytes held: the sum of len(pieces[i].data)
	end     int64    // the message's length, or -1 while unknown
	started bool     // a piece was accepted; the timeout runs from firstAt
	firstAt time.Duration
	gaveUp  bool
	stats   ReassemblyStats
}

// An extent is a run of bytes held, starting at off.
type extent struct {
	off  int64
	data []byte
}

func (e extent) end() int64 { return e.off + int64(len(e.data)) }

// NewReassembler returns a reassembler for one message. Its hole list
// starts as RFC 815's: one hole from 0 to infinity.
func NewReassembler(lim ReassemblyLimits) *Reassembler {
	if lim.MaxBuffered <= 0 {
		lim.MaxBuffered = DefaultMaxBuffered
	}
	if lim.MaxMessage <= 0 {
		lim.MaxMessage = MaxMessage
	}
	return &Reassembler{lim: lim, holes: []Hole{{0, Infinity}}, end: -1}
}

// Add gives the reassembler the bytes data found at offset off of the
// message, received at virtual time now; last says the message ends with
// them. It keeps a copy of the bytes it needs. The steps:
//
//  1. If the message was given up, or its timeout has passed, refuse.
//  2. Check the piece against the limits and the known end.
//  3. Count the bytes that would fill holes; refuse if they would take the
//     buffered bytes past MaxBuffered.
//  4. Compare the bytes already held with the held copy.
//  5. Fill the holes: RFC 815's steps 1-7 (see fill).
//  6. If last, the message ends here: drop or shorten the holes past it.
func (r *Reassembler) Add(now time.Duration, off int64, data []byte, last bool) (Placement, error) {
	// Step 1.
	if r.Expire(now) || r.gaveUp {
		r.stats.Refused++
		return Placement{}, fmt.Errorf("add bytes at %d: %w", off, ErrReassemblyGaveUp)
	}
	// Step 2.
	if err := r.check(off, int64(len(data)), last); err != nil {
		r.stats.Refused++
		return Placement{}, fmt.Errorf("add %d bytes at %d: %w", len(data), off, err)
	}
	if len(data) == 0 && !last {
		// Nothing to place, nothing to say. Left to RFC 815's steps, an
		// empty fragment (last = first-1) would cut a hole in two.
		r.stats.Pieces++
		return Placement{}, nil
	}
	fLast := off + int64(len(data)) - 1 // RFC 815's fragment.last
	// Step 3.
	lo, hi := r.overlappingHoles(off, fLast)
	var fresh int64
	for _, h := range r.holes[lo:hi] {
		fresh += min(h.Last, fLast) - max(h.First, off) + 1
	}
	if int64(r.held)+fresh > int64(r.lim.MaxBuffered) {
		r.stats.Refused++
		return Placement{}, fmt.Errorf("add %d bytes at %d: %d buffered + %d new > %d: %w",
			len(data), off, r.held, fresh, r.lim.MaxBuffered, ErrBufferLimit)
	}
	if !r.started {
		r.started, r.firstAt = true, now
	}
	r.stats.Pieces++
	// Step 4.
	var p Placement
	p.Duplicate, p.Conflict = r.compareHeld(off, data)
	p.New = int(fresh)
	// Step 5.
	r.fill(lo, hi, off, data, last)
	// Step 6.
	if last {
		r.end = off + int64(len(data))
		r.trimHolesPast(r.end)
	}
	r.stats.NewBytes += p.New
	r.stats.DuplicateBytes += p.Duplicate
	r.stats.ConflictBytes += p.Conflict
	if p.Conflict > 0 {
		r.stats.ConflictPieces++
	}
	return p, nil
}

// check applies step 2's rules.
func (r *Reassembler) check(off, n int64, last bool) error {
	switch {
	case off < 0 || off > r.lim.MaxMessage-n:
		return fmt.Errorf("offset %d + %d bytes, allowed up to %d: %w", off, n, r.lim.MaxMessage, ErrPieceOffset)
	case r.end >= 0 && off+n > r.end:
		return fmt.Errorf("the message ends at %d: %w", r.end, ErrPastEnd)
	case last && r.end >= 0 && off+n != r.end:
		return fmt.Errorf("an earlier piece said the message ends at %d, this one at %d: %w", r.end, off+n, ErrEndMismatch)
	case last && r.highest() > off+n:
		return fmt.Errorf("this piece says the message ends at %d, but bytes up to %d arrived: %w", off+n, r.highest(), ErrEndMismatch)
	}
	return nil
}

// highest is the offset just past the highest byte held.
func (r *Reassembler) highest() int64 {
	if len(r.pieces) == 0 {
		return 0
	}
	return r.pieces[len(r.pieces)-1].end()
}

// overlappingHoles returns the holes [lo, hi) that the bytes first to last
// overlap. RFC 815's steps 1-3 walk the whole list; the list is sorted, so
// a binary search finds the same holes.
func (r *Reassembler) overlappingHoles(first, last int64) (lo, hi int) {
	lo = sort.Search(len(r.holes), func(i int) bool { return r.holes[i].Last >= first })
	hi = lo
	for hi < len(r.holes) && r.holes[hi].First <= last {
		hi++
	}
	return lo, hi
}

// compareHeld counts the bytes of data (at off) that are already held:
// equal (duplicate) or not (conflict).
func (r *Reassembler) compareHeld(off int64, data []byte) (dup, conflict int) {
	end := off + int64(len(data))
	i := sort.Search(len(r.pieces), func(i int) bool { return r.pieces[i].end() > off })
	for ; i < len(r.pieces) && r.pieces[i].off < end; i++ {
		e := r.pieces[i]
		a, b := max(off, e.off), min(end, e.end())
		held, got := e.data[a-e.off:b-e.off], data[a-off:b-off]
		for k := range held {
			if held[k] == got[k] {
				dup++
			} else {
				conflict++
			}
		}
	}
	return dup, conflict
}

// fill applies RFC 815's steps to the holes [lo, hi) that the fragment
// (off, data) overlaps, and stores the bytes that fill them. RFC 815:
//
//  4. Delete the current entry from the hole descriptor list.
//  5. If fragment.first is greater than hole.first, then create a new hole
//     descriptor "new_hole" with new_hole.first equal to hole.first, and
//     new_hole.last equal to fragment.first minus one.
//  6. If fragment.last is less than hole.last and fragment.more fragments
//     is true, then create a new hole descriptor "new_hole", with
//     new_hole.first equal to fragment.last plus one and new_hole.last
//     equal to hole.last.
func (r *Reassembler) fill(lo, hi int, off int64, data []byte, last bool) {
	fLast := off + int64(len(data)) - 1
	// At most two new holes: step 5 can apply only to the first hole the
	// fragment overlaps, step 6 only to the last.
	var buf [2]Hole
	replace := buf[:0]
	for _, h := range r.holes[lo:hi] {
		a, b := max(h.First, off), min(h.Last, fLast)
		if a <= b {
			r.store(a, data[a-off:b-off+1])
		}
		if off > h.First { // step 5
			replace = append(replace, Hole{h.First, off - 1})
		}
		if fLast < h.Last && !last { // step 6
			replace = append(replace, Hole{fLast + 1, h.Last})
		}
	}
	r.holes = slices.Replace(r.holes, lo, hi, replace...)
}

// store keeps a copy of b, which fills a hole at off.
func (r *Reassembler) store(off int64, b []byte) {
	i := sort.Search(len(r.pieces), func(i int) bool { return r.pieces[i].off > off })
	r.pieces = slices.Insert(r.pieces, i, extent{off: off, data: append([]byte(nil), b...)})
	r.held += len(b)
}

// trimHolesPast drops what lies at or past end from the hole list. RFC
// 815's step 6 does this only for the hole the last fragment overlaps; a
// last piece whose bytes all arrived before (without the mark) overlaps no
// hole, and would leave the hole [end, ∞] open forever.
func (r *Reassembler) trimHolesPast(end int64) {
	for len(r.holes) > 0 {
		h := &r.holes[len(r.holes)-1]
		switch {
		case h.First >= end:
			r.holes = r.holes[:len(r.holes)-1]
			continue
		case h.Last >= end:
			h.Last = end - 1
		}
		return
	}
}

// Expire gives the message up if its timeout has passed at virtual time
// now and it is not complete: its bytes are released, and every later Add
// is refused. It reports whether the message is given up.
func (r *Reassembler) Expire(now time.Duration) bool {
	if !r.gaveUp && r.started && r.lim.Timeout > 0 && !r.Complete() && now-r.firstAt >= r.lim.Timeout {
		r.gaveUp = true
		r.pieces, r.held = nil, 0
	}
	return r.gaveUp
}

// Deadline is the virtual time at which an incomplete message will be
// given up, and false when no timeout runs (none set, or no piece yet).
func (r *Reassembler) Deadline() (time.Duration, bool) {
	if !r.started || r.lim.Timeout <= 0 {
		return 0, false
	}
	return r.firstAt + r.lim.Timeout, true
}

// GaveUp reports whether the message was given up at its timeout.
func (r *Reassembler) GaveUp() bool { return r.gaveUp }

// Complete reports whether every byte of the message, to its end, arrived.
func (r *Reassembler) Complete() bool { return r.end >= 0 && len(r.holes) == 0 && !r.gaveUp }

// Holes returns the missing byte ranges, in order: RFC 815's hole list.
// While no piece has said where the message ends, the last hole ends at
// Infinity. After the message was given up, the holes it had then.
func (r *Reassembler) Holes() []Hole { return slices.Clone(r.holes) }

// Contiguous is the number of bytes held from offset 0 without a gap: what
// a cumulative acknowledgement can acknowledge.
func (r *Reassembler) Contiguous() int64 {
	if len(r.holes) == 0 {
		return max(r.end, 0)
	}
	return r.holes[0].First
}

// Buffered is the number of message bytes held.
func (r *Reassembler) Buffered() int { return r.held }

// End returns the message's length, and false while no piece has said it.
func (r *Reassembler) End() (int64, bool) { return r.end, r.end >= 0 }

// Stats returns the counters.
func (r *Reassembler) Stats() ReassemblyStats { return r.stats }

// Partial returns what the receiver holds so far, from byte 0 to the
// highest byte received (or the end, when known), with each missing byte
// replaced by fill: what an application would see if it took the bytes
// now, holes and all.
func (r *Reassembler) Partial(fill byte) []byte {
	n := r.highest()
	if r.end >= 0 {
		n = r.end
	}
	out := bytes.Repeat([]byte{fill}, int(n))
	for _, e := range r.pieces {
		copy(out[e.off:], e.data)
	}
	return out
}

// Message returns the whole message, a new copy, once it is complete.
func (r *Reassembler) Message() ([]byte, error) {
	switch {
	case r.gaveUp:
		return nil, fmt.Errorf("message: %w", ErrReassemblyGaveUp)
	case !r.Complete():
		return nil, fmt.Errorf("message: holes %v: %w", r.holes, ErrIncomplete)
	}
	msg := make([]byte, 0, r.end)
	for _, e := range r.pieces {
		msg = append(msg, e.data...)
	}
	return msg, nil
}
