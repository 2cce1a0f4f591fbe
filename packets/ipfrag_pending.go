// What incomplete IPv4 datagrams hold and lack (RFC 815's holes), and
// their expiry.

package packets

import (
	"fmt"
	"time"
)

// expire drops the incomplete datagrams older than the timeout and returns
// what they were missing.
func (r *IPv4Reassembler) expire(now time.Time) []IncompleteDatagram {
	var out []IncompleteDatagram
	for e := r.order.Front(); e != nil; e = r.order.Front() {
		p := e.Value.(*fragQueue)
		if now.Sub(p.created) < r.opts.Timeout {
			break
		}
		out = append(out, p.incomplete(now))
		r.remove(p)
		r.stats.Expired++
	}
	return out
}

// Expire drops the incomplete datagrams older than the timeout now, and
// says what each was missing. Add also drops them, silently.
func (r *IPv4Reassembler) Expire() []IncompleteDatagram {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.expire(r.opts.Now())
}

// Pending says what each incomplete datagram is missing, oldest first.
func (r *IPv4Reassembler) Pending() []IncompleteDatagram {
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.opts.Now()
	var out []IncompleteDatagram
	for e := r.order.Front(); e != nil; e = e.Next() {
		out = append(out, e.Value.(*fragQueue).incomplete(now))
	}
	return out
}

// Stats returns the counters.
func (r *IPv4Reassembler) Stats() IPv4ReassemblyStats {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := r.stats
	s.Held, s.Pending = r.held, len(r.pending)
	return s
}

// An IncompleteDatagram is one whose fragments have not all arrived.
type IncompleteDatagram struct {
	Key       FragmentKey
	Age       time.Duration  // since its first fragment arrived
	Fragments int            // fragments held
	Have      int            // data bytes held
	Holes     []FragmentHole // what is missing, in order
}

// A FragmentHole is a run of missing data bytes, First to Last inclusive, as RFC
// 815's hole descriptors are. Last is FragmentHoleInfinity when the last fragment
// has not arrived, so the datagram's length is not known.
type FragmentHole struct{ First, Last int }

// FragmentHoleInfinity is the Last of a hole that runs to the unknown end of the
// datagram (RFC 815: "hole.last" is "infinity").
const FragmentHoleInfinity = -1

func (h FragmentHole) String() string {
	if h.Last == FragmentHoleInfinity {
		return fmt.Sprintf("%d–end", h.First)
	}
	return fmt.Sprintf("%d–%d", h.First, h.Last)
}

func (p *fragQueue) incomplete(now time.Time) IncompleteDatagram {
	in := IncompleteDatagram{Key: p.key, Age: now.Sub(p.created), Fragments: len(p.pieces), Have: p.have}
	next := 0
	for _, q := range p.pieces {
		if q.start > next {
			in.Holes = append(in.Holes, FragmentHole{First: next, Last: q.start - 1})
		}
		next = q.end
	}
	switch {
	case p.end < 0:
		in.Holes = append(in.Holes, FragmentHole{First: next, Last: FragmentHoleInfinity})
	case next < p.end:
		in.Holes = append(in.Holes, FragmentHole{First: next, Last: p.end - 1})
	}
	return in
}
