// gopacket's IPv4 defragmenter, behind the same Add as IPv4Reassembler, to
// compare the two.

package packets

import (
	"fmt"
	"sync"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/ip4defrag"
	"github.com/gopacket/gopacket/layers"
)

// GopacketReassembler reassembles IPv4 fragments with gopacket's
// ip4defrag.IPv4Defragmenter, so that lessons and tests can set it beside
// IPv4Reassembler. Its Add may be called from several goroutines.
//
// What ip4defrag does differently, read from its source (v1.7.7): the
// reassembled header is a copy of the fragment that arrived last, not of
// the first, so options that stay in the first fragment are lost when
// another arrives last, and DF is cleared; a fragment lying wholly inside
// data already held is ignored without comparing its bytes, even a last
// fragment that says the datagram ends sooner (teardrop's); a non-final
// fragment's length is cut down to whole 8-byte units rather than refused;
// nothing expires unless DiscardOlderThan is called, and the number of
// datagrams held has no limit.
type GopacketReassembler struct {
	mu  sync.Mutex
	d   *ip4defrag.IPv4Defragmenter
	now func() time.Time
}

// NewGopacketReassembler returns a GopacketReassembler whose clock is now
// (nil: time.Now). ip4defrag uses the time only for DiscardOlderThan.
func NewGopacketReassembler(now func() time.Time) *GopacketReassembler {
	if now == nil {
		now = time.Now
	}
	return &GopacketReassembler{d: ip4defrag.NewIPv4Defragmenter(), now: now}
}

// Add decodes packet with gopacket and hands it to ip4defrag. It returns
// the datagram once one is complete, serialized by gopacket with its
// header checksum computed (ip4defrag leaves it zero), and nil while
// fragments are missing. The packet is copied: ip4defrag keeps the
// fragments it is given.
func (g *GopacketReassembler) Add(packet []byte) ([]byte, error) {
	var ip layers.IPv4
	if err := ip.DecodeFromBytes(append([]byte(nil), packet...), gopacket.NilDecodeFeedback); err != nil {
		return nil, fmt.Errorf("gopacket: decode IPv4: %w", err)
	}
	g.mu.Lock()
	out, err := g.d.DefragIPv4WithTimestamp(&ip, g.now())
	g.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("gopacket ip4defrag: %w", err)
	}
	if out == nil {
		return nil, nil
	}
	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	if err := gopacket.SerializeLayers(buf, opts, out, gopacket.Payload(out.Payload)); err != nil {
		return nil, fmt.Errorf("gopacket: serialize the datagram: %w", err)
	}
	return buf.Bytes(), nil
}
