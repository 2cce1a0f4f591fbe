// Tests of the conversation table: stream numbers as tshark gives them,
// directions, relative sequence numbers, tshark's expert notes, and the
// bound on connections tracked.

package capture

import (
	"strings"
	"testing"
	"time"
)

// summarize runs the summarizer over datagrams on Ethernet and returns
// each packet's info and the conversations.
func summarize(t *testing.T, ds []datagram, max int) ([]string, []*Conversation) {
	t.Helper()
	s := newSummarizer()
	if max > 0 {
		s.convs.max = max
	}
	var infos []string
	for i, d := range ds {
		f := Frame{Number: i + 1, Time: d.at, HasTime: true, LinkType: LinkEthernet, Data: frame(LinkEthernet, d)}
		f.Len = len(f.Data)
		s.packet(&f, true)
		infos = append(infos, string(s.info))
	}
	return infos, s.convs.all
}

func TestConversations(t *testing.T) {
	var out []datagram
	clock := &genClock{t: genTime, step: time.Millisecond}
	f := newFlow(&out, clock, "10.0.0.1:40000", "10.0.0.2:80", 1000, 5000)
	f.handshake()
	f.send(0, "PA", []byte("GET / HTTP/1.1\r\n\r\n"))
	f.send(1, "PA", []byte("HTTP/1.1 204 No Content\r\n\r\n"))
	f.teardown()
	// The same ports again, after both FINs: tshark starts a new stream.
	g := newFlow(&out, clock, "10.0.0.1:40000", "10.0.0.2:80", 9000, 7000)
	g.handshake()
	// A connection seen from its middle: the server's segment first.
	h := newFlow(&out, clock, "10.0.0.3:50000", "10.0.0.2:80", 100, 200)
	h.send(1, "PA", []byte("late"))
	h.send(0, "A", nil)

	infos, convs := summarize(t, out, 0)
	if len(convs) != 3 {
		t.Fatalf("%d streams, want 3", len(convs))
	}
	want := []struct {
		a, b      string
		handshake bool
		packets   [2]int
	}{
		{"10.0.0.1:40000", "10.0.0.2:80", true, [2]int{4, 4}},
		{"10.0.0.1:40000", "10.0.0.2:80", true, [2]int{2, 1}},
		{"10.0.0.2:80", "10.0.0.3:50000", false, [2]int{1, 1}},
	}
	for i, w := range want {
		c := convs[i]
		if c.Index != i || c.A.String() != w.a || c.B.String() != w.b || c.HandshakeSeen != w.handshake || c.Packets != w.packets {
			t.Errorf("stream %d: %d %v → %v handshake %v packets %v; want %s → %s %v %v", i, c.Index, c.A, c.B, c.HandshakeSeen, c.Packets, w.a, w.b, w.handshake, w.packets)
		}
	}
	for i, w := range map[int]string{
		0:  "40000 → 80 [SYN] Seq=0 Win=502 Len=0 MSS=1460 SACK_PERM WS=128",
		1:  "80 → 40000 [SYN, ACK] Seq=0 Ack=1 Win=502 Len=0",
		2:  "40000 → 80 [ACK] Seq=1 Ack=1 Win=64256 Len=0", // 502 << 7: both SYNs offered window scaling
		3:  "GET / HTTP/1.1",
		8:  "40000 → 80 [SYN] Seq=0",                          // stream 1 counts from its own SYN
		11: "80 → 50000 [PSH, ACK] Seq=1 Ack=1 Win=502 Len=4", // no SYN: the first byte seen is byte 1
	} {
		if !strings.HasPrefix(infos[i], w) {
			t.Errorf("packet %d: %q, want it to start %q", i+1, infos[i], w)
		}
	}
}

func TestExpertNotes(t *testing.T) {
	c := &Conversation{}
	for _, step := range []struct {
		seq  uint32
		n    int
		want string
	}{
		{1, 10, ""},
		{11, 10, ""},
		{31, 10, "[TCP Previous segment not captured] "},
		{21, 10, "[TCP Out-Of-Order] "},
		{21, 10, "[TCP Retransmission] "},
		{1, 40, "[TCP Retransmission] "},
		{41, 5, ""},
	} {
		if got := c.analyze(0, step.seq, step.n); got != step.want {
			t.Errorf("seq %d len %d: %q, want %q", step.seq, step.n, got, step.want)
		}
	}
}

// TestConversationBound: past the bound, connections are shown but not
// tracked, and the table stops growing.
func TestConversationBound(t *testing.T) {
	var out []datagram
	clock := &genClock{t: genTime, step: time.Millisecond}
	for _, cli := range []string{"10.0.0.1:1", "10.0.0.1:2", "10.0.0.1:3"} {
		newFlow(&out, clock, cli, "10.0.0.2:80", 1, 2).send(0, "S", nil)
	}
	infos, convs := summarize(t, out, 2)
	if len(convs) != 2 || !strings.HasPrefix(infos[2], "3 → 80 [SYN]") {
		t.Errorf("%d streams tracked (want 2); third packet %q", len(convs), infos[2])
	}
}
