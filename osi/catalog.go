// The catalogue: which netlab package shows which layers.

package osi

// A Package is one netlab package and the layers it shows. The same layers
// are written in the package's doc comment ("OSI layer: 4"); a test in this
// package reads every doc.go and fails if the two disagree.
type Package struct {
	Path   string `json:"path"` // import path inside the module, e.g. "tcpsock"
	Layers Set    `json:"layers"`
	Shows  string `json:"shows"` // one line: what a student sees in it
}

// packages is the catalogue as read-only data. Keep it sorted by path.
var packages = []Package{
	{"capture", Range(DataLink, Application), "pcap and pcapng: lessons' traces written as captures, any capture read layer by layer"},
	{"compare", Of(Transport, Application), "one feed delivered by polling, long polling, SSE and WebSocket, measured at the socket"},
	{"httpdemo", Of(Application), "HTTP/1.1 written and parsed by hand over a TCP socket; every field annotated"},
	{"lessons", Of(DataLink, Network, Transport, Application), "the runnable lessons and their registry (each lesson declares its own layers)"},
	{"narrate", Of(), "renders a trace as text on a terminal (a renderer: shows no layer of its own)"},
	{"osi", Range(Physical, Application), "the seven layers, layer sets and byte-range annotations"},
	{"packets", Range(Network, Transport), "segmentation and reassembly through a simulated faulty network; real IPv4 fragments"},
	{"realtime/engineio", Of(Application), "Engine.IO v4: HTTP long polling, the upgrade to WebSocket, the heartbeat; server and client"},
	{"realtime/refserver", Of(Application), "the reference server behind netlab serve-socketio: socket.io's test-suite handlers and the lessons' demo events"},
	{"realtime/socketio", Of(Application), "Socket.IO v5: events, acks, namespaces, rooms, broadcasts, recovery of missed events; server and client"},
	{"tcpsock", Of(Transport), "TCP endpoints, traced sockets, byte-stream and half-close demos"},
	{"trace", Of(Transport), "the ordered record of what crossed each socket, and its JSON-lines form"},
	{"wsframe", Of(Application), "WebSocket by hand (RFC 6455): handshake, framing, closing, and a frame explainer"},
}

// Packages returns the catalogue, sorted by path.
func Packages() []Package { return append([]Package(nil), packages...) }
