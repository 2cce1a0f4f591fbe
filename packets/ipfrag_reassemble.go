// Reassembling IPv4 fragments (RFC 791, section 3.2; RFC 815), with a
// stated policy for hostile ones.

package packets

import (
	"container/list"
	"encoding/binary"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"sync"
	"time"
)

// A FragmentKey names the datagram a fragment belongs to. RFC 791, section
// 3.2:
//
//	The protocol module assembling fragments judges fragments to belong
//	to the same datagram if they have the same source, destination,
//	protocol, and Identifier.
type FragmentKey struct {
	Src, Dst netip.Addr
	Protocol uint8
	ID       uint16
}

func (k FragmentKey) String() string {
	return fmt.Sprintf("%s → %s %s id 0x%04x", k.Src, k.Dst, protocolName(k.Protocol), k.ID)
}

// Defaults of IPv4ReassemblerOptions, both Linux's.
const (
	// DefaultReassemblyTimeout is how long an incomplete datagram is kept:
	// Linux's net.ipv4.ipfrag_time, IP_FRAG_TIME = 30 s. RFC 791 suggested
	// 15 s: "The current recommendation for the initial timer setting is 15
	// seconds."
	DefaultReassemblyTimeout = 30 * time.Second

	// DefaultReassemblyMemory caps what incomplete datagrams hold: Linux's
	// net.ipv4.ipfrag_high_thresh, 4 MiB.
	DefaultReassemblyMemory = 4 << 20
)

// Bookkeeping charged to the memory cap besides the bytes themselves, so
// that a flood of tiny fragments cannot hide behind small payloads (Linux
// likewise charges each fragment's whole buffer, its truesize).
const (
	fragmentOverhead = 64  // per fragment held
	datagramOverhead = 256 // per incomplete datagram
)

// IPv4ReassemblerOptions configure an IPv4Reassembler. The zero value gives Linux's
// defaults and the system clock.
type IPv4ReassemblerOptions struct {
	MaxBytes int              // memory cap; 0: DefaultReassemblyMemory
	Timeout  time.Duration    // lifetime of an incomplete datagram; 0: DefaultReassemblyTimeout
	Now      func() time.Time // the clock; nil: time.Now
}

// An IPv4Reassembler puts IPv4 fragments back together into datagrams. Its
// methods may be called from several goroutines; each runs under one lock.
//
// Add follows RFC 791's example procedure: the fragments of one datagram
// share a FragmentKey; the header comes from the first fragment (offset
// 0), with Total Length, MF, Fragment Offset and checksum rewritten; the
// datagram is complete when the last fragment (MF = 0) has fixed its length
// and no byte before it is missing. It keeps each datagram's pieces sorted
// and apart, so what is missing is a list of holes, as in RFC 815.
//
// Its policy for fragments that do not fit together:
//
//   - A fragment that repeats, byte for byte, data already held is a
//     duplicate (the network may deliver a packet twice): it is ignored.
//   - A fragment that overlaps held data in any other way, whether it
//     reaches past it (ErrFragmentOverlap) or repeats it with different
//     bytes (ErrFragmentConflict), drops the whole datagram: every
//     fragment held for it is discarded.
//   - So do a fragment that contradicts where the datagram ends
//     (ErrFragmentEnd; teardrop's last fragment lying inside the first is
//     one) and one that would make it longer than 65,535 bytes
//     (ErrDatagramTooBig, the "ping of death").
//   - An empty fragment (ErrEmptyFragment), a fragment other than the last
//     whose length is not a multiple of 8 (ErrFragmentNotAligned), and one
//     that does not fit in memory (ErrReassemblyMemory) are refused alone:
//     the datagram keeps what it had.
//
// Why drop on overlap, when RFC 791 lets a receiver overwrite ("this
// procedure will use the more recently arrived copy")? Because which copy
// wins differs between systems, so overlapping fragments let an attacker
// show a firewall or an intrusion detector one datagram and the host
// behind it another (RFC 1858; RFC 8900, section 3.7). IPv6 forbids them:
// RFC 5722, section 4, as amended by erratum 3089:
//
//	When reassembling an IPv6 datagram, if one or more its constituent
//	fragments is determined to be an overlapping fragment, the entire
//	datagram (and any constituent fragments) MUST be silently discarded.
//
// Linux applies the same rule to IPv4 since version 4.19 (commit
// 7969e5c40dfd, "ip: discard IPv4 datagrams with overlapping segments",
// August 2018, from the work that followed the FragmentSmack denial of
// service, CVE-2018-5391); net/ipv4/ip_fragment.c says "We do the same here
// for IPv4"; and net/ipv4/inet_fragment.c now adds:
//
//	Duplicates, however, should be ignored (i.e. skb dropped, but the
//	queue/fragments kept for later reassembly).
//
// Linux counts as a duplicate any fragment lying wholly inside held data,
// without comparing bytes, and so keeps the first copy; netlab compares,
// and drops the datagram when they differ.
//
// Limits. Incomplete datagrams are kept at most Timeout from their first
// fragment, however many more arrive (Linux's rule: "RFC791 is wrong
// proposing to prolongate timer each fragment arrival by TTL"). What they
// hold, bytes plus a fixed charge per fragment and per datagram, never
// exceeds MaxBytes: a fragment that would pass the cap is refused, whether
// it starts a datagram or continues one, and the datagrams already held
// are kept until they complete or expire. Nothing older is evicted, as in
// Linux, which accepts no fragment while it is over ipfrag_high_thresh: an
// attacker who fills the memory delays reassembly by one timeout, but cannot
// push out datagrams already under way.
type IPv4Reassembler struct {
	mu      sync.Mutex
	opts    IPv4ReassemblerOptions
	pending map[FragmentKey]*fragQueue
	order   *list.List // of *fragQueue, oldest first: the order they expire in
	held    int
	stats   IPv4ReassemblyStats
}

// IPv4ReassemblyStats count what an IPv4Reassembler did.
type IPv4ReassemblyStats struct {
	Held        int // bytes charged to the memory cap now
	Pending     int // incomplete datagrams now
	Whole       int // packets that were not fragments, passed through
	Reassembled int // datagrams completed
	Duplicates  int // fragments ignored as duplicates
	Refused     int // fragments refused alone
	Dropped     int // datagrams dropped by the policy
	Expired     int // datagrams dropped by the timeout
}

// fragQueue is an incomplete datagram.
type fragQueue struct {
	key     FragmentKey
	created time.Time
	elem    *list.Element
	header  []byte      // the first fragment's header, once it has arrived
	pieces  []fragPiece // sorted by start, never overlapping
	have    int         // data bytes held
	end     int         // the data's length, once the last fragment has arrived; else -1
	maxEnd  int         // the highest data byte seen, plus one
	charged int         // bytes charged to the memory cap
}

// fragPiece is one fragment's data: bytes [start, end) of the datagram's data.
type fragPiece struct {
	start, end int
	data       []byte
}

// NewIPv4Reassembler returns an IPv4Reassembler with the given options.
func NewIPv4Reassembler(opts IPv4ReassemblerOptions) *IPv4Reassembler {
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultReassemblyMemory
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultReassemblyTimeout
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &IPv4Reassembler{opts: opts, pending: make(map[FragmentKey]*fragQueue), order: list.New()}
}

// Add takes one IPv4 packet. It returns a datagram when the packet
// completes one (or was never fragmented: then the packet itself, copied),
// nil while fragments are missing, and an error when the packet is refused:
// a *FragmentError for a fragment, saying whether its datagram was dropped.
// The packet's bytes are copied; the caller may reuse them.
func (r *IPv4Reassembler) Add(packet []byte) ([]byte, error) {
	h, err := parseIPv4(packet)
	if err != nil {
		return nil, fmt.Errorf("reassemble: %w", err)
	}
	if ipv4Checksum(packet[:h.ihl]) != 0 {
		return nil, fmt.Errorf("reassemble: %w", ErrIPv4Checksum)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	now := r.opts.Now()
	r.expire(now)
	if !h.isFragment() {
		r.stats.Whole++
		return append([]byte(nil), packet[:h.totalLen]...), nil
	}
	data := packet[h.ihl:h.totalLen]
	start, end := h.offset, h.offset+len(data)
	key := FragmentKey{Src: h.src, Dst: h.dst, Protocol: h.protocol, ID: h.id}
	p := r.pending[key]
	refuse := func(err error) ([]byte, error) {
		r.stats.Refused++
		return nil, &FragmentError{Key: key, Offset: start, Len: len(data), Err: err}
	}
	drop := func(err error) ([]byte, error) {
		fe := &FragmentError{Key: key, Offset: start, Len: len(data), Dropped: true, Err: err}
		if p != nil {
			fe.Discarded = len(p.pieces)
			r.remove(p)
		}
		r.stats.Dropped++
		return nil, fe
	}

	// 1. The fragment alone. RFC 791, section 3.2: "If an internet
	// datagram is fragmented, its data portion must be broken on 8 octet
	// boundaries"; section 3.1: Total Length "allows the length of a
	// datagram to be up to 65,535 octets".
	switch {
	case len(data) == 0:
		return refuse(ErrEmptyFragment)
	case h.mf && len(data)%fragmentUnit != 0:
		return refuse(ErrFragmentNotAligned)
	case ipv4MinHeader+end > ipv4MaxLength:
		return drop(ErrDatagramTooBig)
	}
	if p != nil {
		// 2. Where the datagram ends. RFC 791: "If this is the last
		// fragment (that is the more fragments field is zero) the total
		// data length is computed." Every fragment must agree with it.
		switch {
		case !h.mf && (end < p.maxEnd || (p.end >= 0 && end != p.end)):
			return drop(ErrFragmentEnd)
		case h.mf && p.end >= 0 && end > p.end:
			return drop(ErrFragmentEnd)
		}
		// 3. Overlaps and duplicates: the policy above, after RFC 5722,
		// section 4: "the entire datagram (and any constituent fragments)
		// MUST be silently discarded".
		switch p.overlap(start, end, data) {
		case fragOverlapDuplicate:
			r.stats.Duplicates++
			return nil, nil
		case fragOverlapConflict:
			return drop(ErrFragmentConflict)
		case fragOverlapPartial:
			return drop(ErrFragmentOverlap)
		}
	}
	// 4. Memory. Linux refuses every fragment while over the cap
	// (inet_frag_find in net/ipv4/inet_fragment.c):
	//
	//	if (!high_thresh || frag_mem_limit(fqdir) > high_thresh)
	//		return NULL;
	cost := len(data) + fragmentOverhead
	if start == 0 {
		cost += h.ihl
	}
	if p == nil {
		cost += datagramOverhead
	}
	if r.held+cost > r.opts.MaxBytes {
		return refuse(fmt.Errorf("%d bytes held, %d more would pass the cap of %d: %w",
			r.held, cost, r.opts.MaxBytes, ErrReassemblyMemory))
	}
	// 5. Keep the fragment.
	if p == nil {
		p = &fragQueue{key: key, created: now, end: -1}
		p.elem = r.order.PushBack(p)
		r.pending[key] = p
	}
	p.insert(fragPiece{start: start, end: end, data: append([]byte(nil), data...)})
	if start == 0 {
		p.header = append([]byte(nil), packet[:h.ihl]...)
	}
	if !h.mf {
		p.end = end
	}
	p.maxEnd = max(p.maxEnd, end)
	p.charged += cost
	r.held += cost
	// 6. Complete? RFC 791: "IF TDL # 0 AND all RCVBT bits from 0 to
	// (TDL+7)/8 are set THEN TL <- TDL+(IHL*4)".
	if p.end < 0 || p.have != p.end {
		return nil, nil
	}
	if len(p.header)+p.end > ipv4MaxLength {
		return drop(ErrDatagramTooBig)
	}
	r.remove(p)
	r.stats.Reassembled++
	return p.datagram(), nil
}

// overlap kinds, from fragQueue.overlap.
const (
	fragOverlapNone = iota
	fragOverlapDuplicate
	fragOverlapConflict
	fragOverlapPartial
)

// overlap says how the data [start, end) meets the pieces held.
func (p *fragQueue) overlap(start, end int, data []byte) int {
	i := sort.Search(len(p.pieces), func(k int) bool { return p.pieces[k].end > start })
	j := i
	for j < len(p.pieces) && p.pieces[j].start < end {
		j++
	}
	if i == j {
		return fragOverlapNone
	}
	if p.pieces[i].start > start || p.pieces[j-1].end < end {
		return fragOverlapPartial
	}
	for k := i; k < j; k++ {
		if k > i && p.pieces[k-1].end != p.pieces[k].start {
			return fragOverlapPartial // a gap inside the range
		}
	}
	for k := i; k < j; k++ {
		q := p.pieces[k]
		lo, hi := max(q.start, start), min(q.end, end)
		if string(q.data[lo-q.start:hi-q.start]) != string(data[lo-start:hi-start]) {
			return fragOverlapConflict
		}
	}
	return fragOverlapDuplicate
}

// insert adds a fragPiece that overlaps none held.
func (p *fragQueue) insert(q fragPiece) {
	i := sort.Search(len(p.pieces), func(k int) bool { return p.pieces[k].start > q.start })
	p.pieces = slices.Insert(p.pieces, i, q)
	p.have += len(q.data)
}

// datagram joins a complete datagram: the first fragment's header, with
// Total Length, MF and Fragment Offset rewritten and the checksum
// recomputed, then the data.
func (p *fragQueue) datagram() []byte {
	out := make([]byte, 0, len(p.header)+p.end)
	out = append(out, p.header...)
	for _, q := range p.pieces {
		out = append(out, q.data...)
	}
	binary.BigEndian.PutUint16(out[ipv4TotalLength:], uint16(len(out)))
	flags := binary.BigEndian.Uint16(out[ipv4FlagsFragOffset:]) &^ (flagMoreFrags | fragOffsetMask)
	binary.BigEndian.PutUint16(out[ipv4FlagsFragOffset:], flags)
	setIPv4Checksum(out[:len(p.header)])
	return out
}

// remove forgets an incomplete datagram and frees its memory.
func (r *IPv4Reassembler) remove(p *fragQueue) {
	delete(r.pending, p.key)
	r.order.Remove(p.elem)
	r.held -= p.charged
}
