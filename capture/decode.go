// Decoding a frame layer by layer, on gopacket's DecodingLayer fast path:
// one preallocated struct per protocol, reused for every packet, so
// summarising a capture allocates nothing per packet.

package capture

import (
	"errors"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"netlab/osi"
)

// A proto is one protocol a layer of a packet can hold.
type proto uint8

const (
	protoNone proto = iota
	protoEthernet
	protoDot1Q
	protoSLL
	protoSLL2
	protoLoopback
	protoIPv4
	protoIPv6
	protoIPv6Ext
	protoFragment
	protoARP
	protoICMPv4
	protoICMPv6
	protoTCP
	protoUDP
	protoDNS
	protoHTTP
	protoWebSocket
	protoTLS
	protoData
	numProtos
)

// protoInfo is the read-only table of protocols: the name in the Protocol
// column, the name tshark's protocol hierarchy uses, the OSI layer, and a
// title for -v.
var protoInfo = [numProtos]struct {
	column, phs string
	layer       osi.Layer
	title       string
}{
	protoEthernet:  {"ETH", "eth", osi.DataLink, "Ethernet II"},
	protoDot1Q:     {"VLAN", "vlan", osi.DataLink, "802.1Q VLAN tag"},
	protoSLL:       {"SLL", "sll", osi.DataLink, "Linux cooked capture (SLL)"},
	protoSLL2:      {"SLL2", "sll", osi.DataLink, "Linux cooked capture v2 (SLL2)"},
	protoLoopback:  {"NULL", "null", osi.DataLink, "BSD loopback (address family)"},
	protoIPv4:      {"IPv4", "ip", osi.Network, "IPv4 (RFC 791)"},
	protoIPv6:      {"IPv6", "ipv6", osi.Network, "IPv6 (RFC 8200)"},
	protoIPv6Ext:   {"IPv6", "ipv6.ext", osi.Network, "IPv6 extension header"},
	protoFragment:  {"IPv4", "data", osi.Network, "IP fragment"},
	protoARP:       {"ARP", "arp", osi.DataLink, "ARP (RFC 826)"},
	protoICMPv4:    {"ICMP", "icmp", osi.Network, "ICMP (RFC 792)"},
	protoICMPv6:    {"ICMPv6", "icmpv6", osi.Network, "ICMPv6 (RFC 4443)"},
	protoTCP:       {"TCP", "tcp", osi.Transport, "TCP (RFC 9293)"},
	protoUDP:       {"UDP", "udp", osi.Transport, "UDP (RFC 768)"},
	protoDNS:       {"DNS", "dns", osi.Application, "DNS (RFC 1035)"},
	protoHTTP:      {"HTTP", "http", osi.Application, "HTTP/1.1 (RFC 9112)"},
	protoWebSocket: {"WebSocket", "websocket", osi.Application, "WebSocket (RFC 6455)"},
	protoTLS:       {"TLS", "tls", osi.Presentation, "TLS record (RFC 8446): encrypted, netlab does not decrypt"},
	protoData:      {"DATA", "data", osi.Application, "payload netlab does not decode"},
}

// errMalformedDNS marks a datagram on port 53 that is not a well-formed
// DNS message.
var errMalformedDNS = errors.New("not a well-formed DNS message (RFC 1035, section 4.1)")

// maxSpans bounds the layers kept per packet (tunnels and extension headers
// could nest without end).
const maxSpans = 12

// A span is one decoded layer: its protocol and the bytes it covers, from
// the start of the frame.
type span struct {
	p          proto
	start, end int
}

// A view is what decoding one frame found. It points into the decoder's
// structs and the frame's bytes: valid until the next decode.
type view struct {
	spans     [maxSpans]span
	n         int
	err       error // why decoding stopped early, if it did
	errProto  proto // the layer that failed
	truncated bool  // the frame was cut by the snapshot length
	unknown   gopacket.LayerType
	payload   []byte // the transport's payload (TCP, UDP) or the fragment's data
	payOff    int    // where payload starts in the frame
	ip        proto  // protoIPv4 or protoIPv6, if there is an IP layer
	transport proto  // protoTCP or protoUDP, if any
}

func (v *view) add(p proto, start, end int) {
	if v.n < maxSpans {
		v.spans[v.n] = span{p, start, end}
		v.n++
	}
}

func (v *view) has(p proto) bool {
	for _, s := range v.spans[:v.n] {
		if s.p == p {
			return true
		}
	}
	return false
}

// top is the highest layer decoded.
func (v *view) top() proto {
	if v.n == 0 {
		return protoNone
	}
	return v.spans[v.n-1].p
}

// decoder holds one of each protocol's structs; decode overwrites them.
type decoder struct {
	eth    layers.Ethernet
	dot1q  layers.Dot1Q
	sll    layers.LinuxSLL
	sll2   layers.LinuxSLL2
	loop   layers.Loopback
	ip4    layers.IPv4
	ip6    layers.IPv6
	ip6ext layers.IPv6ExtensionSkipper
	ip6frg layers.IPv6Fragment
	arp    layers.ARP
	icmp4  layers.ICMPv4
	icmp6  layers.ICMPv6
	tcp    layers.TCP
	udp    layers.UDP
	dns    dnsSummary

	truncated bool
}

// SetTruncated implements gopacket.DecodeFeedback.
func (d *decoder) SetTruncated() { d.truncated = true }

// firstLayer is the layer a frame of link type l starts with.
func firstLayer(l LinkType, data []byte) gopacket.LayerType {
	switch l {
	case LinkEthernet:
		return layers.LayerTypeEthernet
	case LinkNull, LinkLoop:
		return layers.LayerTypeLoopback
	case LinkSLL:
		return layers.LayerTypeLinuxSLL
	case LinkSLL2:
		return layers.LayerTypeLinuxSLL2
	case LinkIPv4:
		return layers.LayerTypeIPv4
	case LinkIPv6:
		return layers.LayerTypeIPv6
	case LinkRaw: // the version nibble says which IP
		if len(data) > 0 && data[0]>>4 == 4 {
			return layers.LayerTypeIPv4
		}
		if len(data) > 0 && data[0]>>4 == 6 {
			return layers.LayerTypeIPv6
		}
	}
	return gopacket.LayerTypeZero
}

// layer returns the struct and protocol that decode typ.
func (d *decoder) layer(typ gopacket.LayerType) (gopacket.DecodingLayer, proto) {
	switch typ {
	case layers.LayerTypeEthernet:
		return &d.eth, protoEthernet
	case layers.LayerTypeDot1Q:
		return &d.dot1q, protoDot1Q
	case layers.LayerTypeLinuxSLL:
		return &d.sll, protoSLL
	case layers.LayerTypeLinuxSLL2:
		return &d.sll2, protoSLL2
	case layers.LayerTypeLoopback:
		return &d.loop, protoLoopback
	case layers.LayerTypeIPv4:
		return &d.ip4, protoIPv4
	case layers.LayerTypeIPv6:
		return &d.ip6, protoIPv6
	case layers.LayerTypeIPv6HopByHop, layers.LayerTypeIPv6Routing, layers.LayerTypeIPv6Destination:
		return &d.ip6ext, protoIPv6Ext
	case layers.LayerTypeIPv6Fragment:
		return &d.ip6frg, protoIPv6Ext
	case layers.LayerTypeARP:
		return &d.arp, protoARP
	case layers.LayerTypeICMPv4:
		return &d.icmp4, protoICMPv4
	case layers.LayerTypeICMPv6:
		return &d.icmp6, protoICMPv6
	case layers.LayerTypeTCP:
		return &d.tcp, protoTCP
	case layers.LayerTypeUDP:
		return &d.udp, protoUDP
	}
	return nil, protoNone
}

// decode takes a frame apart up to its transport layer (and DNS), filling
// v. What lies above TCP is for the caller, who knows the conversation.
func (d *decoder) decode(link LinkType, data []byte, v *view) {
	*v = view{}
	d.truncated = false
	typ := firstLayer(link, data)
	rest := data
	for typ != gopacket.LayerTypeZero && typ != gopacket.LayerTypePayload {
		if typ == gopacket.LayerTypeFragment {
			v.add(protoFragment, offsetIn(data, rest), offsetIn(data, rest)+len(rest))
			v.payload, v.payOff = rest, offsetIn(data, rest)
			break
		}
		dl, p := d.layer(typ)
		if dl == nil {
			v.unknown = typ
			break
		}
		start := offsetIn(data, rest)
		if err := dl.DecodeFromBytes(rest, d); err != nil {
			v.err, v.errProto = err, p
			break
		}
		if p == protoIPv6Ext && typ == layers.LayerTypeIPv6Fragment && (d.ip6frg.FragmentOffset != 0 || d.ip6frg.MoreFragments) {
			v.add(p, start, start+len(d.ip6frg.Contents))
			rest = d.ip6frg.Payload
			typ = gopacket.LayerTypeFragment
			continue
		}
		end := start + len(d.contents(p, dl))
		if p == protoIPv6 { // a hop-by-hop header is decoded as part of IPv6
			end = max(end, offsetIn(data, dl.LayerPayload()))
		}
		v.add(p, start, end)
		switch p {
		case protoIPv4, protoIPv6:
			if v.ip == protoNone {
				v.ip = p
			}
		case protoTCP, protoUDP:
			v.transport = p
			rest = dl.LayerPayload()
			v.payload, v.payOff = rest, offsetIn(data, rest)
			if p == protoTCP {
				return // what TCP carries depends on the stream, not on a port
			}
			if d.udp.NextLayerType() == layers.LayerTypeDNS && len(rest) > 0 {
				if d.dns.parse(rest) {
					v.add(protoDNS, v.payOff, v.payOff+len(rest))
				} else {
					v.err, v.errProto = errMalformedDNS, protoDNS
				}
				v.truncated = d.truncated
				return
			}
		}
		rest = dl.LayerPayload()
		typ = dl.NextLayerType()
		if len(rest) == 0 {
			break
		}
	}
	if v.unknown == gopacket.LayerTypeZero && typ != gopacket.LayerTypeZero && typ != gopacket.LayerTypeFragment && typ != gopacket.LayerTypePayload {
		v.unknown = typ
	}
	v.truncated = d.truncated
}

// contents is a decoded layer's header bytes: read from the struct itself
// for the common layers (an interface assertion per layer costs more).
func (d *decoder) contents(p proto, dl gopacket.DecodingLayer) []byte {
	switch p {
	case protoEthernet:
		return d.eth.Contents
	case protoIPv4:
		return d.ip4.Contents
	case protoIPv6:
		return d.ip6.Contents
	case protoTCP:
		return d.tcp.Contents
	case protoUDP:
		return d.udp.Contents
	}
	if l, ok := dl.(interface{ LayerContents() []byte }); ok {
		return l.LayerContents()
	}
	return nil
}

// offsetIn is where sub starts in data, when sub is a slice of data's tail
// (as every layer's payload is): both share the end of one array.
func offsetIn(data, sub []byte) int {
	off := cap(data) - cap(sub)
	if off < 0 || off+len(sub) > len(data) {
		return len(data) - len(sub) // not a tail slice after all: assume it ends the frame
	}
	return off
}
