// Following one TCP stream: its segments, each direction reassembled, and
// what the bytes carry decoded (tshark's "Follow TCP Stream", with every
// field explained).

package capture

import (
	"time"

	"netlab/osi"
)

// A followed stream: the conversation and its two directions, [0] from
// the end that opened it (the client) and [1] back.
type follower struct {
	index int
	conv  *Conversation
	dirs  [2]*Reassembler
	first time.Time
}

func newFollower(index int, lim ReassemblyLimits) *follower {
	return &follower{index: index, dirs: [2]*Reassembler{NewReassembler(lim), NewReassembler(lim)}}
}

// add takes the last packet the summarizer decoded, if it belongs to the
// stream.
func (fw *follower) add(s *summarizer, f *Frame) {
	if s.conv == nil || s.conv.Index != fw.index || fw.index < 0 {
		return
	}
	fw.conv = s.conv
	t := &s.dec.tcp
	fw.dirs[s.dir].Add(Segment{Seq: t.Seq, SYN: t.SYN, FIN: t.FIN || t.RST, Payload: s.v.payload, Packet: f.Number})
}

// A FollowUnit is one message (an HTTP head and body, a WebSocket frame),
// or a run of bytes that could not be decoded, or a gap, in one direction
// of a followed stream.
type FollowUnit struct {
	Dir      int   // 0: from the conversation's end A to B, 1: back
	Offset   int64 // stream offset of its first byte
	End      int64
	Packet   int              // the packet that completed it
	Protocol string           // "HTTP", "WebSocket", or "" when not decoded
	Fields   []osi.Annotation // offsets from the unit's first byte
	Data     []byte           // its bytes as they crossed (nil for a gap)
	Payload  []byte           // for a WebSocket frame: the payload unmasked
	Note     string           // for undecoded bytes and gaps: why
	Gap      bool
}

// FollowResult is a followed stream, reassembled and decoded.
type FollowResult struct {
	Index    int
	Conv     *Conversation
	Client   int // which of the conversation's ends opened it: 0 (A) or 1 (B)
	Dirs     [2]DirectionSummary
	Units    []FollowUnit
	Protocol string // what the stream carries, in words
}

// DirectionSummary is what reassembly found in one direction.
type DirectionSummary struct {
	From, To string
	Stats    ReassemblyStats
	Gaps     []Gap
	SYN      bool
	FINAt    int64 // -1: no FIN seen
}

// finish closes both directions and decodes them.
func (fw *follower) finish() *FollowResult {
	res := &FollowResult{Index: fw.index, Conv: fw.conv}
	for d, r := range fw.dirs {
		r.Close()
		from, to := fw.conv.A.String(), fw.conv.B.String()
		if d == 1 {
			from, to = to, from
		}
		res.Dirs[d] = DirectionSummary{From: from, To: to, Stats: r.Stats(), Gaps: r.Gaps(), SYN: r.SYNSeen(), FINAt: r.FINAt()}
	}
	decodeStream(res, fw.dirs)
	return res
}
