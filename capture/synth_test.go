package capture

import (
	"bytes"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"

	"netlab/trace"
)

var start = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

// conversation is a trace of one connection seen from the client: a
// request, a two-segment response, the server's FIN, the client's close.
func conversation(response []byte) []trace.Event {
	return []trace.Event{
		{Kind: trace.KindLesson, Start: start},
		{Kind: trace.KindOpen, Conn: 1, Role: "client", Initiator: "local", Local: "127.0.0.1:50000", Remote: "127.0.0.1:8080", T: time.Millisecond},
		{Kind: trace.KindWrite, Conn: 1, Data: []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"), T: 2 * time.Millisecond},
		{Kind: trace.KindRead, Conn: 1, Data: response, T: 3 * time.Millisecond},
		{Kind: trace.KindEOF, Conn: 1, T: 4 * time.Millisecond},
		{Kind: trace.KindClose, Conn: 1, T: 5 * time.Millisecond},
	}
}

// segment is what a test needs of one synthesized TCP segment.
type segment struct {
	fromClient         bool
	syn, ack, fin, psh bool
	seq, ackNum        uint32
	payload            []byte
	at                 time.Time
}

func decode(t *testing.T, pkts []Packet) []segment {
	t.Helper()
	var out []segment
	for i, p := range pkts {
		pkt := gopacket.NewPacket(p.Data, layers.LayerTypeEthernet, gopacket.Default)
		if el := pkt.ErrorLayer(); el != nil {
			t.Fatalf("packet %d does not decode: %v", i+1, el.Error())
		}
		tcp, ok := pkt.Layer(layers.LayerTypeTCP).(*layers.TCP)
		if !ok {
			t.Fatalf("packet %d has no TCP layer", i+1)
		}
		out = append(out, segment{fromClient: tcp.SrcPort == 50000, syn: tcp.SYN, ack: tcp.ACK, fin: tcp.FIN, psh: tcp.PSH,
			seq: tcp.Seq, ackNum: tcp.Ack, payload: tcp.Payload, at: p.Time})
		if err := verifyChecksums(p.Data); err != nil {
			t.Errorf("packet %d: %v", i+1, err)
		}
	}
	return out
}

func TestSynthesizeConversation(t *testing.T) {
	response := bytes.Repeat([]byte("r"), 2000) // two segments at MSS 1460
	pkts, err := Synthesize(conversation(response), SynthOptions{})
	if err != nil {
		t.Fatal(err)
	}
	segs := decode(t, pkts)
	type shape struct {
		fromClient         bool
		syn, ack, fin, psh bool
		n                  int
	}
	want := []shape{
		{true, true, false, false, false, 0},     // SYN
		{false, true, true, false, false, 0},     // SYN-ACK
		{true, false, true, false, false, 0},     // ACK
		{true, false, true, false, true, 27},     // the request
		{false, false, true, false, false, 0},    // the server acknowledges it
		{false, false, true, false, false, 1460}, // response, first segment
		{false, false, true, false, true, 540},   // response, second segment
		{true, false, true, false, false, 0},     // the client acknowledges both
		{false, false, true, true, false, 0},     // the server's FIN
		{true, false, true, false, false, 0},     // acknowledged
		{true, false, true, true, false, 0},      // the client's FIN (close)
		{false, false, true, false, false, 0},    // acknowledged
	}
	if len(segs) != len(want) {
		t.Fatalf("%d segments, want %d", len(segs), len(want))
	}
	for i, w := range want {
		s := segs[i]
		got := shape{s.fromClient, s.syn, s.ack, s.fin, s.psh, len(s.payload)}
		if got != w {
			t.Errorf("segment %d = %+v, want %+v", i+1, got, w)
		}
	}
	// Sequence numbers: each side's advance by its payload, +1 for SYN and FIN,
	// and every acknowledgement names the next byte expected.
	next := map[bool]uint32{}
	for i, s := range segs {
		if s.syn {
			next[s.fromClient] = s.seq
		}
		if s.seq != next[s.fromClient] {
			t.Errorf("segment %d: seq %d, want %d", i+1, s.seq, next[s.fromClient])
		}
		next[s.fromClient] += uint32(len(s.payload))
		if s.syn || s.fin {
			next[s.fromClient]++
		}
		if s.ack && s.ackNum != next[!s.fromClient] {
			t.Errorf("segment %d: ack %d, want %d", i+1, s.ackNum, next[!s.fromClient])
		}
	}
	if got := segs[0].at; !got.Equal(start.Add(time.Millisecond)) {
		t.Errorf("the SYN is at %v, want the trace's open time %v", got, start.Add(time.Millisecond))
	}
}

// TestSynthesizeRoundTrip: the payloads of the synthesized segments, put
// together per direction, are exactly the bytes the trace recorded.
func TestSynthesizeRoundTrip(t *testing.T) {
	response := make([]byte, 10000)
	for i := range response {
		response[i] = byte(i * 7)
	}
	events := conversation(response)
	pkts, err := Synthesize(events, SynthOptions{MSS: 536})
	if err != nil {
		t.Fatal(err)
	}
	var up, down []byte
	for _, s := range decode(t, pkts) {
		if len(s.payload) > 536 {
			t.Errorf("a segment of %d bytes exceeds the MSS of 536", len(s.payload))
		}
		if s.fromClient {
			up = append(up, s.payload...)
		} else {
			down = append(down, s.payload...)
		}
	}
	if !bytes.Equal(up, events[2].Data) || !bytes.Equal(down, response) {
		t.Errorf("round trip: %d bytes up, %d down; want %d and %d, exactly", len(up), len(down), len(events[2].Data), len(response))
	}
}

// TestSynthesizeBothEnds: a connection traced at both ends appears once.
func TestSynthesizeBothEnds(t *testing.T) {
	events := []trace.Event{
		{Kind: trace.KindOpen, Conn: 1, Initiator: "local", Local: "127.0.0.1:50000", Remote: "127.0.0.1:8080"},
		{Kind: trace.KindOpen, Conn: 2, Initiator: "remote", Local: "127.0.0.1:8080", Remote: "127.0.0.1:50000"},
		{Kind: trace.KindWrite, Conn: 1, Data: []byte("hello")},
		{Kind: trace.KindRead, Conn: 2, Data: []byte("hello")},
	}
	pkts, err := Synthesize(events, SynthOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var data int
	for _, s := range decode(t, pkts) {
		data += len(s.payload)
	}
	if len(pkts) != 5 || data != 5 {
		t.Errorf("%d packets carrying %d bytes, want 5 packets (handshake, data, ack) carrying 5", len(pkts), data)
	}
}

func TestSynthesizeIPv6(t *testing.T) {
	events := []trace.Event{
		{Kind: trace.KindOpen, Conn: 1, Initiator: "local", Local: "[::1]:50000", Remote: "[::1]:8080"},
		{Kind: trace.KindWrite, Conn: 1, Data: []byte("hi")},
	}
	pkts, err := Synthesize(events, SynthOptions{})
	if err != nil {
		t.Fatal(err)
	}
	pkt := gopacket.NewPacket(pkts[3].Data, layers.LayerTypeEthernet, gopacket.Default)
	if pkt.Layer(layers.LayerTypeIPv6) == nil || string(pkt.ApplicationLayer().Payload()) != "hi" {
		t.Errorf("want an IPv6 segment carrying \"hi\", got %v", pkt)
	}
	if err := verifyChecksums(pkts[3].Data); err != nil {
		t.Error(err)
	}
}

func TestSynthesizeRejectsBadEndpoints(t *testing.T) {
	_, err := Synthesize([]trace.Event{{Kind: trace.KindOpen, Conn: 1, Local: "nonsense", Remote: "127.0.0.1:1"}}, SynthOptions{})
	if err == nil {
		t.Error("an endpoint that is not IP:port was accepted")
	}
}
