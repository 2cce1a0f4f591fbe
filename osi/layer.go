// The seven layers of the OSI reference model (ISO/IEC 7498-1, clause 7).

package osi

import (
	"fmt"
	"strings"
)

// A Layer is one of the seven layers, numbered from the wire (1) up to the
// application (7). The zero value is not a layer.
type Layer uint8

// The seven layers.
const (
	Physical     Layer = 1
	DataLink     Layer = 2
	Network      Layer = 3
	Transport    Layer = 4
	Session      Layer = 5
	Presentation Layer = 6
	Application  Layer = 7
)

// LayerInfo describes one layer for a reader who is meeting it for the first
// time: what it is called, what its unit of data is called, what it does,
// and which protocols live there.
type LayerInfo struct {
	Layer     Layer
	Name      string
	PDU       string // protocol data unit: what one "piece" is called here
	Does      string
	Protocols []string
}

// layers is the model as a read-only table, indexed by layer number.
var layers = [...]LayerInfo{
	{},
	{Physical, "Physical", "bit", "Turns bits into signals on a medium (voltage, light, radio) and back.",
		[]string{"Ethernet PHY (1000BASE-T)", "Wi-Fi radio (802.11 PHY)", "DSL", "USB"}},
	{DataLink, "Data link", "frame", "Moves frames between neighbours on one link, addressed by MAC; detects corrupt frames.",
		[]string{"Ethernet (IEEE 802.3)", "Wi-Fi (802.11 MAC)", "ARP", "PPP", "Linux loopback"}},
	{Network, "Network", "packet", "Carries packets from host to host across many links, addressed by IP; fragments them when a link is too small.",
		[]string{"IPv4 (RFC 791)", "IPv6 (RFC 8200)", "ICMP", "IPsec"}},
	{Transport, "Transport", "segment (TCP) / datagram (UDP)", "Connects a port on one host to a port on another; TCP adds order, retransmission and flow control to a byte stream.",
		[]string{"TCP (RFC 9293)", "UDP (RFC 768)", "QUIC (RFC 9000)"}},
	{Session, "Session", "data", "Opens, keeps and closes a dialogue between applications; on the Internet this lives inside the application protocols.",
		[]string{"TLS sessions", "RPC sessions", "WebSocket opening and closing handshakes"}},
	{Presentation, "Presentation", "data", "Agrees on how data is represented: encodings, serialisation, compression, encryption.",
		[]string{"UTF-8", "JSON", "TLS record encryption", "gzip"}},
	{Application, "Application", "message", "What the program means: requests, responses, events.",
		[]string{"HTTP/1.1 (RFC 9112)", "WebSocket (RFC 6455)", "Engine.IO / Socket.IO", "DNS"}},
}

// Info returns the description of l. It panics only if l is not a layer,
// which is a programming error, never a result of outside bytes.
func (l Layer) Info() LayerInfo {
	if !l.Valid() {
		panic(fmt.Sprintf("osi: %d is not a layer", uint8(l)))
	}
	return layers[l]
}

// Valid reports whether l is one of the seven layers.
func (l Layer) Valid() bool { return l >= Physical && l <= Application }

// String returns the layer's number and name, for example "L4 Transport".
func (l Layer) String() string {
	if !l.Valid() {
		return fmt.Sprintf("Layer(%d)", uint8(l))
	}
	return fmt.Sprintf("L%d %s", uint8(l), layers[l].Name)
}

// All returns the seven layers from 1 to 7.
func All() []LayerInfo {
	out := make([]LayerInfo, 0, 7)
	for _, info := range layers[1:] {
		info.Protocols = append([]string(nil), info.Protocols...)
		out = append(out, info)
	}
	return out
}

// ParseLayer reads a layer number ("4") or name ("transport", "Data link",
// "datalink"), in any case.
func ParseLayer(s string) (Layer, error) {
	s = strings.TrimSpace(s)
	if len(s) == 1 && s[0] >= '1' && s[0] <= '7' {
		return Layer(s[0] - '0'), nil
	}
	squash := func(x string) string { return strings.ToLower(strings.ReplaceAll(x, " ", "")) }
	for _, info := range layers[1:] {
		if squash(info.Name) == squash(s) {
			return info.Layer, nil
		}
	}
	return 0, fmt.Errorf("osi: %q is not a layer: want 1-7 or a name such as transport", s)
}
