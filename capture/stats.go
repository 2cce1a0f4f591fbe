// Statistics: a protocol hierarchy like tshark's `-z io,phs` (frames and
// bytes under each path of protocols), and counts per OSI layer.

package capture

import (
	"netlab/osi"
)

// phsNode is one protocol under a path: frames and bytes that reached it.
type phsNode struct {
	p        proto
	frames   int
	bytes    int64
	children []*phsNode
}

func (n *phsNode) child(p proto) *phsNode {
	for _, c := range n.children {
		if c.p == p {
			return c
		}
	}
	c := &phsNode{p: p}
	n.children = append(n.children, c)
	return c
}

// LayerCount is what one OSI layer handled across a capture.
type LayerCount struct {
	Layer       osi.Layer
	Packets     int   // packets with a header of this layer
	Bytes       int64 // bytes from this layer's first header to the end of the packet: its PDUs whole
	HeaderBytes int64 // bytes of this layer's own headers (for layer 7: the messages)
}

// stats accumulates over packets.
type stats struct {
	root      phsNode
	layers    [osi.Application + 1]LayerCount
	frames    int
	bytes     int64
	undecoded int // frames whose link type netlab does not decode
}

// add counts the packet the summarizer last decoded.
func (st *stats) add(v *view, f *Frame) {
	st.frames++
	st.bytes += int64(f.Len)
	if v.n == 0 {
		st.undecoded++
		return
	}
	n := &st.root
	var seen [osi.Application + 1]bool
	for _, sp := range v.spans[:v.n] {
		n = n.child(sp.p)
		n.frames++
		n.bytes += int64(f.Len)
		if sp.p == protoFragment {
			continue // a piece of a datagram: no header of its own, and its layer is not known until reassembly
		}
		l := protoInfo[sp.p].layer
		lc := &st.layers[l]
		if !seen[l] {
			seen[l] = true
			lc.Packets++
			lc.Bytes += int64(len(f.Data) - sp.start)
		}
		lc.HeaderBytes += int64(sp.end - sp.start)
	}
}

// PHSRow is one line of the protocol hierarchy.
type PHSRow struct {
	Path   string // tshark's names joined by ':', such as "eth:ip:tcp:http"
	Proto  string
	Depth  int
	Frames int
	Bytes  int64
}

// rows flattens the hierarchy depth-first, in the order protocols first
// appeared (as tshark prints it).
func (st *stats) rows() []PHSRow {
	var out []PHSRow
	var walk func(n *phsNode, path string, depth int)
	walk = func(n *phsNode, path string, depth int) {
		for _, c := range n.children {
			name := protoInfo[c.p].phs
			p := name
			if path != "" {
				p = path + ":" + name
			}
			out = append(out, PHSRow{Path: p, Proto: name, Depth: depth, Frames: c.frames, Bytes: c.bytes})
			walk(c, p, depth+1)
		}
	}
	walk(&st.root, "", 0)
	return out
}

// layerCounts returns the layers that appeared, from 2 up.
func (st *stats) layerCounts() []LayerCount {
	var out []LayerCount
	for l := osi.DataLink; l <= osi.Application; l++ {
		if c := st.layers[l]; c.Packets > 0 {
			c.Layer = l
			out = append(out, c)
		}
	}
	return out
}
