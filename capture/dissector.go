// Taking packets apart one by one, for programs (a lesson, say) rather
// than for Show's printed output.

package capture

import "strings"

// A Dissector takes packets apart one after another. It keeps the TCP
// conversations across packets, as Wireshark does, so sequence numbers come
// out relative to each connection's first and the protocol above TCP is
// known from the conversation (HTTP, then WebSocket after a 101).
type Dissector struct{ s *summarizer }

// NewDissector returns a Dissector with no conversations yet.
func NewDissector() *Dissector { return &Dissector{s: newSummarizer()} }

// Dissect returns the packet's one-line summary (as `netlab pcap` prints
// it) and every layer explained field by field (as `netlab pcap -v`).
// Frames must be given in file order.
func (d *Dissector) Dissect(f *Frame) (summary string, layers []LayerView) {
	d.s.packet(f, true)
	line := string(d.s.appendLine(nil, f))
	return strings.TrimSpace(line), d.s.explain(f)
}
