// Lesson "packets": a message cut into segments crosses a simulated faulty
// network, first without reliability, then with acknowledgements and
// retransmission (RFC 9293, RFC 6298, RFC 5681).

package lessons

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"netlab/osi"
	"netlab/packets"
	"netlab/trace"
)

func packetsLesson() Lesson {
	return Lesson{
		Name:     "packets",
		Title:    "Packets: segments, loss and reassembly",
		Layers:   osi.Of(osi.Transport),
		Question: "How does a message travel as packets, and how does the receiver put it back together when the network loses, repeats and reorders them?",
		Run:      runPackets,
	}
}

// packetsMessage is the message of the lesson: 300 bytes, 8 segments of at
// most 40.
const packetsMessage = "A packet is a small segment of a larger message.\n" +
	"Each one travels on its own: the network may lose it,\n" +
	"copy it, or let a later one overtake it. The receiver\n" +
	"puts the bytes back in order by the offset in each\n" +
	"header, and the sender sends again what never came.\n" +
	"These 300 bytes go as 40-byte segments.\n"

const (
	packetsMSS    = 40
	packetsWindow = 4 // segments in flight in step 4
)

// packetsNetwork is the simulated network of steps 3 and 4, the same both
// ways.
func packetsNetwork() packets.SimulatedConditions {
	return packets.SimulatedConditions{
		LossPercent:      20,
		DuplicatePercent: 10,
		ReorderPercent:   20,
		ReorderWindow:    20 * time.Millisecond,
		Delay:            10 * time.Millisecond,
		Jitter:           2 * time.Millisecond,
		PacketGap:        time.Millisecond,
	}
}

// packetsGiveUp is the receiver's reassembly timeout in step 3.
const packetsGiveUp = 2 * time.Second

func runPackets(ctx context.Context, env *Env) error {
	msg := []byte(packetsMessage)
	if err := packetsOnLoopback(ctx, env, msg); err != nil {
		return err
	}

	// Step 2: segmentation.
	if err := env.Step(ctx, "The message, cut into segments"); err != nil {
		return err
	}
	segs, err := packets.SplitSegments(msg, packetsMSS)
	if err != nil {
		return err
	}
	env.SayAt(osi.Transport, "A network carries packets of bounded size, so the sender cuts the message. With a "+
		"maximum segment size (MSS) of %d bytes, the %d bytes make %d segments, each behind a %d-byte header. "+
		"The header is netlab's own small format, shaped like TCP's: the sequence number is the offset of the "+
		"segment's first byte in the message. Here is segment 2:",
		packetsMSS, len(msg), len(segs), packets.SegmentHeaderLen)
	if err := showSegment(env, "sender", false, "segment 2 of "+fmt.Sprint(len(segs))+": "+segs[1].String(), segs[1]); err != nil {
		return err
	}
	env.SayAt(osi.Transport, "The last segment, %v, has the FIN flag: it tells the receiver where the message ends.", segs[len(segs)-1])

	seed, err := packetsSeed(env)
	if err != nil {
		return err
	}
	held, err := packetsUnreliable(ctx, env, segs, len(msg), seed)
	if err != nil {
		return err
	}
	stats, err := packetsReliable(ctx, env, msg, seed)
	if err != nil {
		return err
	}

	env.Answer("The sender cuts the message into segments of at most one MSS (%d bytes here), each carrying its "+
		"offset in the message. A network may lose, repeat, delay and reorder them; loopback does not, so "+
		"netlab simulated it. By the offsets alone a receiver puts what arrives in order, drops repeats and names "+
		"the holes, but cannot fill them: without acknowledgements %d of %d bytes arrived and the message was given "+
		"up. With cumulative ACKs, a retransmission timer and a window of segments in flight, the sender repaired "+
		"every hole (%s): the receiver got all %d bytes, in order, each once. That is what TCP guarantees: the bytes, "+
		"in order, exactly once, or an error. It does not guarantee when: repairs cost time, and this transfer took "+
		"%s of virtual time where a clean network would take %s.",
		packetsMSS, held, len(msg), retransmissions(stats.Retransmitted), len(msg),
		virtual(stats.Duration), virtual(cleanDuration(len(msg))))
	return nil
}

// packetsOnLoopback is step 1: the message over a real TCP connection on
// loopback arrives whole.
func packetsOnLoopback(ctx context.Context, env *Env, msg []byte) error {
	if err := env.Step(ctx, "On loopback, nothing is lost"); err != nil {
		return err
	}
	ln, err := env.Listen(ctx, "server", env.ServerAddr())
	if err != nil {
		return err
	}
	client, err := env.Dial(ctx, "client", ln.Addr().String())
	if err != nil {
		return err
	}
	server, err := env.Accept(ctx, ln, "server")
	if err != nil {
		return err
	}
	if _, err := client.Write(msg); err != nil {
		return err
	}
	got := make([]byte, len(msg))
	if _, err := io.ReadFull(server, got); err != nil {
		return fmt.Errorf("server: read the message: %w", err)
	}
	if !bytes.Equal(got, msg) {
		return fmt.Errorf("the server read %q, want %q", got, msg)
	}
	client.Close()
	server.Close()
	ln.Close()
	env.SayAt(osi.Transport, "The server read the %d bytes whole and in order, over a real TCP connection. "+
		"Loopback never duplicates or reorders a packet, and loses one only if its kernel's own queue overflows: "+
		"it is a hand-over between buffers inside one kernel, with no wire and no router. Real networks lose, "+
		"duplicate and reorder. To show them, the rest of this lesson sends the same message across netlab's "+
		"simulated network, in virtual time: nothing sleeps, and everything it shows is marked simulated.", len(msg))
	return nil
}

// packetsSeed is the simulated network's seed, from the lesson's: --seed
// repeats the same losses.
func packetsSeed(env *Env) (uint64, error) {
	var b [8]byte
	if _, err := io.ReadFull(env.NewRand(), b[:]); err != nil {
		return 0, err
	}
	return binary.BigEndian.Uint64(b[:]), nil
}

// packetsUnreliable is step 3: the segments cross the simulated network
// once, and the receiver keeps what arrives. It returns how many bytes
// arrived.
func packetsUnreliable(ctx context.Context, env *Env, segs []packets.Segment, size int, seed uint64) (int, error) {
	if err := env.Step(ctx, "A simulated network loses, repeats and reorders"); err != nil {
		return 0, err
	}
	c := packetsNetwork()
	env.Say("The simulated network loses each packet with probability %.0f%%, duplicates %.0f%%, "+
		"holds back %.0f%% by up to %s so that later ones overtake them, and delays every packet by %s plus up to "+
		"%s of jitter. Its seed comes from the lesson's seed: --seed repeats the same faults. The sender sends each "+
		"segment once, one per millisecond.",
		c.LossPercent, c.DuplicatePercent, c.ReorderPercent, virtual(c.ReorderWindow), virtual(c.Delay), virtual(c.Jitter))
	link, err := packets.NewSimulatedLink(c, rand.NewPCG(seed, 1))
	if err != nil {
		return 0, err
	}
	var fates [][]string
	for _, s := range segs {
		wire, err := s.Encode()
		if err != nil {
			return 0, err
		}
		fates = append(fates, []string{s.String(), fateText(link.Send(0, wire))})
	}
	env.Table("What the simulated network does with each segment", []string{"segment", "fate (simulated, in virtual time)"}, fates)

	r := packets.NewReassembler(packets.ReassemblyLimits{MaxBuffered: size, Timeout: packetsGiveUp})
	for {
		a, ok := link.Next()
		if !ok {
			break
		}
		s, err := packets.DecodeSegment(a.Packet)
		if err != nil {
			return 0, err
		}
		p, err := r.Add(a.At, int64(s.Seq), s.Payload, s.Flags&packets.FlagFIN != 0)
		if err != nil {
			return 0, err
		}
		env.Packet(trace.Event{Name: "receiver", Proto: "segment", Simulated: true, Data: a.Packet,
			Text: fmt.Sprintf("virtual %s: %v%s: %s", virtual(a.At), s, arrivalNote(a), placementText(p))})
	}
	held := r.Buffered()
	if r.Complete() {
		env.SayAt(osi.Transport, "This time every segment arrived, and the receiver put the %d bytes in order. Run the "+
			"lesson with another --seed to see losses.", held)
		return held, nil
	}
	var rows [][]string
	for _, h := range r.Holes() {
		size := "unknown"
		if h.Last != packets.Infinity {
			size = fmt.Sprint(h.Len())
		}
		rows = append(rows, []string{h.String(), size})
	}
	env.Table("The receiver's holes (RFC 815 hole descriptors, first–last byte)", []string{"hole", "bytes"}, rows)
	env.SayAt(osi.Transport, "The receiver put %d of %d bytes in their place by their offsets, kept one copy of "+
		"each, and knows exactly which bytes are missing. With · for each missing byte, it holds:\n%s",
		held, size, strings.ReplaceAll(strings.TrimSuffix(string(r.Partial(0)), "\n"), "\x00", "·"))
	deadline, _ := r.Deadline()
	r.Expire(deadline)
	env.SayAt(osi.Transport, "Nothing tells the sender about the holes, so nothing fills them. At %s of virtual "+
		"time, %s after the first piece, the receiver gives up the incomplete message and frees the %d bytes it "+
		"held: a limit on time, like its limit on buffered bytes, is what keeps a receiver safe from pieces that "+
		"never complete.", virtual(deadline), virtual(packetsGiveUp), held)
	return held, nil
}

// packetsReliable is step 4: the same network, with acknowledgements and
// retransmission.
func packetsReliable(ctx context.Context, env *Env, msg []byte, seed uint64) (packets.TransferStats, error) {
	if err := env.Step(ctx, "The same network, with acknowledgements and retransmission"); err != nil {
		return packets.TransferStats{}, err
	}
	env.SayAt(osi.Transport, "Now the receiver answers every segment with a cumulative ACK: the acknowledgment "+
		"number is the first byte it still misses. The sender keeps up to %d segments in flight, slides the window "+
		"as ACKs arrive, and sends a segment again when its timer runs out (RFC 6298: 1 s at first, then from the "+
		"measured round-trip time, never below 200 ms), when three duplicate ACKs show a hole (RFC 5681), or when "+
		"an ACK after a repair shows the next hole (RFC 6582). ACKs cross the same simulated network, back.", packetsWindow)
	var shownAck bool
	var showErr error
	observe := func(e packets.TransferEvent) {
		switch {
		case e.Kind == packets.EventAckSend && !shownAck:
			shownAck = true
			showErr = showSegment(env, "receiver", true, fmt.Sprintf("virtual %s, the first ACK: %v", virtual(e.At), e.Segment), e.Segment)
		case e.Kind == packets.EventRetransmit:
			env.Packet(trace.Event{Name: "sender", Proto: "segment", Simulated: true, Data: e.Wire,
				Text: fmt.Sprintf("virtual %s: sends again %v (%s); %s", virtual(e.At), e.Segment, e.Reason, fateText(e.Fate))})
		}
	}
	res, err := packets.Transfer(msg, packets.ReliableConfig{MSS: packetsMSS, Window: packetsWindow, Network: packetsNetwork(), Seed: seed}, observe)
	if err != nil {
		return res.Stats, err
	}
	if showErr != nil {
		return res.Stats, showErr
	}
	if !bytes.Equal(res.Message, msg) {
		return res.Stats, fmt.Errorf("the reliable transfer delivered %q, want %q", res.Message, msg)
	}
	s := res.Stats
	count := func(n int) string { return fmt.Sprint(n) }
	env.Table("Counters (the network's are simulated)", []string{"", "data segments →", "← ACKs"}, [][]string{
		{"sent", count(s.DataSent), count(s.AcksSent)},
		{"  again, after a timeout", count(s.Timeouts), ""},
		{"  again, after 3 duplicate ACKs", count(s.FastRetransmits), ""},
		{"  again, after a partial ACK", count(s.PartialAckRetransmits), ""},
		{"lost (simulated)", count(s.Data.Lost), count(s.Acks.Lost)},
		{"duplicated (simulated)", count(s.Data.Duplicated), count(s.Acks.Duplicated)},
		{"reordered (simulated)", count(s.Data.Reordered), count(s.Acks.Reordered)},
		{"delivered", count(s.Data.Delivered), count(s.Acks.Delivered)},
		{"still in flight at the end", count(s.Data.InFlight), count(s.Acks.InFlight)},
	})
	if s.Timeouts > 1 {
		env.SayAt(osi.Transport, "Each timeout in a row doubled the next one (RFC 6298, rule 5.5: \"back off the "+
			"timer\"), so a sender slows down on a network that keeps losing; by the end it was %s.", virtual(s.RTO))
	}
	env.SayAt(osi.Transport, "Sent plus duplicated equals lost plus delivered plus in flight, on each side. The "+
		"receiver has the whole message, byte for byte, in order: %d bytes from the %d segment copies that reached it. Goodput: %d "+
		"message bytes for %d bytes on the wire (headers, ACKs and retransmissions included), %.0f%%, or %.0f bytes "+
		"per second of virtual time (%s from the first segment to the last ACK).",
		len(res.Message), s.Data.Delivered, s.MessageBytes, s.WireBytes, 100*s.Goodput(), s.GoodputPerSecond(), virtual(s.Duration))
	return s, nil
}

// showSegment records seg as a packet labelled field by field.
func showSegment(env *Env, name string, simulated bool, text string, seg packets.Segment) error {
	wire, err := seg.Encode()
	if err != nil {
		return err
	}
	fields, err := packets.ExplainSegment(wire)
	if err != nil {
		return err
	}
	env.Packet(trace.Event{Name: name, Proto: "segment", Simulated: simulated, Text: text, Data: wire, Fields: fields})
	return nil
}

// fateText says what the simulated network will do with a packet.
func fateText(f packets.SimulatedFate) string {
	switch len(f.Arrivals) {
	case 0:
		return "lost"
	case 1:
		return "arrives at " + virtual(f.Arrivals[0])
	}
	return fmt.Sprintf("duplicated: arrives at %s and at %s", virtual(f.Arrivals[0]), virtual(f.Arrivals[1]))
}

func arrivalNote(a packets.SimulatedArrival) string {
	var notes []string
	if a.Copy > 1 {
		notes = append(notes, "the duplicate copy")
	}
	if a.Reordered {
		notes = append(notes, "overtaken by a later segment")
	}
	if len(notes) == 0 {
		return ""
	}
	return " (" + strings.Join(notes, ", ") + ")"
}

func placementText(p packets.Placement) string {
	switch {
	case p.New == 0 && p.Conflict == 0:
		return "nothing new, dropped"
	case p.Duplicate == 0 && p.Conflict == 0:
		return fmt.Sprintf("%d new bytes", p.New)
	}
	return fmt.Sprintf("%d new bytes, %d already held", p.New, p.Duplicate+p.Conflict)
}

func retransmissions(n int) string {
	if n == 1 {
		return "1 segment sent again"
	}
	return fmt.Sprintf("%d segments sent again", n)
}

// cleanDuration is how long a transfer of size bytes takes on the same
// network without faults, every delay at its least.
func cleanDuration(size int) time.Duration {
	c := packetsNetwork()
	res, err := packets.Transfer(make([]byte, size), packets.ReliableConfig{MSS: packetsMSS, Window: packetsWindow,
		Network: packets.SimulatedConditions{Delay: c.Delay, PacketGap: c.PacketGap}}, nil)
	if err != nil {
		return 0
	}
	return res.Stats.Duration
}

// virtual prints a virtual time: milliseconds to the tenth, or seconds to
// the millisecond from one second on.
func virtual(d time.Duration) string {
	if d >= time.Second {
		return fmt.Sprintf("%.3f s", d.Seconds())
	}
	return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
}
