// Explaining a decoded packet field by field: every header byte labelled
// with its field, value, meaning and OSI layer, offsets from the frame's
// first byte. This is the slow path, for -v and --hex.

package capture

import (
	"encoding/binary"
	"fmt"
	"strconv"

	"netlab/osi"
)

// A LayerView is one layer of a packet, explained.
type LayerView struct {
	Proto  string           `json:"proto"` // tshark's name: eth, ip, tcp, http, ...
	Title  string           `json:"title"`
	Layer  osi.Layer        `json:"layer"`
	Start  int              `json:"start"`
	End    int              `json:"end"`
	Fields []osi.Annotation `json:"fields"`
}

// fieldList collects the annotations of one layer.
type fieldList struct {
	out   []osi.Annotation
	base  int // where the layer starts in the frame
	layer osi.Layer
}

// add labels the bytes [start, end) of the layer.
func (f *fieldList) add(start, end int, field, value, meaning string) {
	f.out = append(f.out, osi.Annotation{Start: f.base + start, End: f.base + end, Field: field,
		Value: value, Meaning: meaning, Layer: f.layer})
}

// bits labels some bits of the byte at offset at, drawn as Wireshark does.
func (f *fieldList) bits(at int, b, mask byte, field, value, meaning string) {
	f.out = append(f.out, osi.Annotation{Start: f.base + at, End: f.base + at + 1, Field: field,
		Bits: osi.Bits(uint64(b), uint64(mask), 8), Value: value, Meaning: meaning, Layer: f.layer})
}

func be16(b []byte) uint16 { return binary.BigEndian.Uint16(b) }
func be32(b []byte) uint32 { return binary.BigEndian.Uint32(b) }

func hex16(v uint16) string { return fmt.Sprintf("0x%04x", v) }

func itoa(n int) string { return strconv.Itoa(n) }

// explain labels every layer of the packet the summarizer last decoded.
func (s *summarizer) explain(f *Frame) []LayerView {
	var out []LayerView
	for _, sp := range s.v.spans[:s.v.n] {
		info := protoInfo[sp.p]
		fl := &fieldList{base: sp.start, layer: info.layer}
		b := f.Data[sp.start:sp.end]
		switch sp.p {
		case protoEthernet:
			explainEthernet(fl, b)
		case protoDot1Q:
			explainDot1Q(fl, b)
		case protoSLL:
			explainSLL(fl, b)
		case protoSLL2:
			explainSLL2(fl, b)
		case protoLoopback:
			explainLoopback(fl, b, f.LinkType)
		case protoIPv4:
			explainIPv4(fl, b, f.Data[sp.start:])
		case protoIPv6:
			explainIPv6(fl, b)
		case protoIPv6Ext:
			explainIPv6Ext(fl, b)
		case protoFragment:
			s.explainFragment(fl, b)
		case protoARP:
			explainARP(fl, b)
		case protoICMPv4, protoICMPv6:
			explainICMP(fl, b, sp.p)
		case protoTCP:
			s.explainTCP(fl, b)
		case protoUDP:
			s.explainUDP(fl, b)
		case protoDNS:
			explainDNS(fl, b)
		case protoHTTP:
			explainHTTP(fl, b)
		case protoWebSocket:
			explainWebSocket(fl, b, s.wsBefore)
		case protoTLS:
			explainTLS(fl, b)
		case protoData:
			explainData(fl, b, s)
		}
		out = append(out, LayerView{Proto: info.phs, Title: info.title, Layer: info.layer,
			Start: sp.start, End: sp.end, Fields: fl.out})
	}
	return append(out, s.tail(f)...)
}

// tail labels the bytes after the decoded layers: what the top layer
// carries that netlab does not take apart, and padding after the IP
// packet's end (Ethernet pads frames to its 60-byte minimum).
func (s *summarizer) tail(f *Frame) []LayerView {
	if s.v.n == 0 || s.v.err != nil {
		return nil
	}
	end, ipEnd := s.lastEnd(), len(f.Data)
	for _, sp := range s.v.spans[:s.v.n] {
		if sp.p == protoIPv4 && sp.end-sp.start >= 4 {
			ipEnd = min(ipEnd, sp.start+int(be16(f.Data[sp.start+2:])))
			break
		}
		if sp.p == protoIPv6 && sp.end-sp.start >= 6 {
			ipEnd = min(ipEnd, sp.start+40+int(be16(f.Data[sp.start+4:])))
			break
		}
	}
	var out []LayerView
	if end < ipEnd {
		top := protoInfo[s.v.top()]
		fl := &fieldList{base: end, layer: top.layer}
		what := "not decoded by netlab"
		if s.v.unknown != 0 {
			what = s.v.unknown.String() + ", which netlab does not decode"
		}
		fl.add(0, ipEnd-end, "data", shortHex(f.Data[end:ipEnd], 16)+" ("+itoa(ipEnd-end)+" bytes)", "what the "+top.column+" layer carries: "+what)
		out = append(out, LayerView{Proto: "data", Title: "undecoded data", Layer: top.layer, Start: end, End: ipEnd, Fields: fl.out})
	}
	if ipEnd >= end && ipEnd < len(f.Data) {
		fl := &fieldList{base: ipEnd, layer: osi.DataLink}
		fl.add(0, len(f.Data)-ipEnd, "padding", shortHex(f.Data[ipEnd:], 16),
			"bytes after the IP packet's end: Ethernet pads frames to its 60-byte minimum (64 with the FCS, which captures usually leave out)")
		out = append(out, LayerView{Proto: "trailer", Title: "frame padding", Layer: osi.DataLink,
			Start: ipEnd, End: len(f.Data), Fields: fl.out})
	}
	return out
}

// lastEnd is where the decoded layers end: the top layer's end, or its
// payload's when the top is a transport.
func (s *summarizer) lastEnd() int {
	if s.v.n == 0 {
		return 0
	}
	end := s.v.spans[s.v.n-1].end
	if s.v.transport != protoNone && s.v.payload != nil {
		end = max(end, s.v.payOff+len(s.v.payload))
	}
	return end
}

func shortHex(b []byte, n int) string {
	if len(b) <= n {
		return fmt.Sprintf("% x", b)
	}
	return fmt.Sprintf("% x …", b[:n])
}
