// A reliable transfer over the simulated network: cumulative
// acknowledgements, a retransmission timer (RFC 6298), fast retransmit
// (RFC 5681, section 3.2) and a sliding window, in virtual time.

package packets

import (
	"fmt"
	"math/rand/v2"
	"time"
)

// ReliableConfig says how Transfer sends a message, and over what.
type ReliableConfig struct {
	MSS     int                 // payload bytes per segment, 1-65535
	Window  int                 // data segments in flight (sent, not yet acknowledged), at least 1
	Network SimulatedConditions // of the simulated link each way: data, and ACKs back
	Seed    uint64              // the links' randomness: the same seed, the same run

	InitialRTO time.Duration // before the first RTT sample; 0: 1 s (RFC 6298, 2.1)
	MinRTO     time.Duration // 0: 200 ms, Linux's TCP_RTO_MIN (RFC 6298, 2.4, says 1 s)
	MaxRTO     time.Duration // 0: 60 s (RFC 6298, 2.5)
	TimeLimit  time.Duration // virtual time after which the sender gives up; 0: 10 minutes
}

func (c *ReliableConfig) defaults() error {
	if c.MSS < 1 || c.MSS > MaxSegmentPayload {
		return fmt.Errorf("MSS %d: %w", c.MSS, ErrBadMSS)
	}
	if c.Window < 1 {
		return fmt.Errorf("window of %d segments: %w", c.Window, ErrTransferConfig)
	}
	if c.InitialRTO < 0 || c.MinRTO < 0 || c.MaxRTO < 0 || c.TimeLimit < 0 {
		return fmt.Errorf("a negative timeout: %w", ErrTransferConfig)
	}
	set := func(d *time.Duration, def time.Duration) {
		if *d == 0 {
			*d = def
		}
	}
	set(&c.InitialRTO, time.Second)
	set(&c.MinRTO, 200*time.Millisecond)
	set(&c.MaxRTO, 60*time.Second)
	set(&c.TimeLimit, 10*time.Minute)
	if c.MinRTO > c.MaxRTO {
		return fmt.Errorf("minimum RTO %v above maximum %v: %w", c.MinRTO, c.MaxRTO, ErrTransferConfig)
	}
	return c.Network.Validate()
}

// TransferStats count a transfer. They add up:
//
//	DataSent = Segments + Retransmitted
//	Retransmitted = Timeouts + FastRetransmits + PartialAckRetransmits
//	Data.Sent = DataSent, Acks.Sent = AcksSent = Data.Delivered
//	on each link: Sent + Duplicated = Lost + Delivered + InFlight
//
// (the receiver acknowledges every copy that reaches it; copies still on a
// link when the sender finished are InFlight).
type TransferStats struct {
	Segments              int // the message's segments
	DataSent              int // data segments the sender put on the link, retransmissions included
	Retransmitted         int // segments sent again
	Timeouts              int // ... because the retransmission timer expired
	FastRetransmits       int // ... because three duplicate ACKs arrived
	PartialAckRetransmits int // ... because an ACK after a retransmission showed the next hole
	AcksSent              int // ACKs the receiver sent

	Data SimulatedLinkStats // what the simulated link did to data segments
	Acks SimulatedLinkStats // ... and to ACKs

	Receiver ReassemblyStats // what the receiver's reassembler saw

	MessageBytes int           // the message's length
	WireBytes    int           // every byte either end put on a link, headers included
	Duration     time.Duration // virtual time from the first send to the last ACK the sender needed
	SRTT, RTO    time.Duration // the sender's smoothed RTT and timeout at the end
}

// Goodput is the share of the bytes put on the wire that were message
// bytes delivered: MessageBytes / WireBytes (headers, ACKs and
// retransmissions are the rest).
func (s TransferStats) Goodput() float64 {
	if s.WireBytes == 0 {
		return 0
	}
	return float64(s.MessageBytes) / float64(s.WireBytes)
}

// GoodputPerSecond is message bytes delivered per second of virtual time.
func (s TransferStats) GoodputPerSecond() float64 {
	if s.Duration <= 0 {
		return 0
	}
	return float64(s.MessageBytes) / s.Duration.Seconds()
}

// A TransferResult is what Transfer delivered.
type TransferResult struct {
	Message []byte // the message as the receiver reassembled it
	Stats   TransferStats
}

// Transfer sends msg from a sender to a receiver across two simulated
// links, data one way and ACKs back, and returns what the receiver put
// together. observe, if not nil, sees every event in virtual-time order.
//
// The receiver puts every data segment into a Reassembler and answers each
// with a cumulative ACK: the acknowledgment number is the first byte it
// does not have (RFC 9293, section 3.4), and the FIN flag says it has the
// whole message. The sender:
//
//  1. Keeps up to Window segments in flight: sent, not yet acknowledged.
//     Whenever it sends data and the retransmission timer is not running,
//     it starts it (RFC 6298, 5.1).
//  2. On an ACK for new data, slides the window, takes an RTT sample from
//     the newest segment it acknowledges, and restarts the timer (5.3), or
//     stops it when everything is acknowledged (5.2). No sample is taken
//     if that segment was sent more than once (Karn's rule, RFC 6298
//     section 3), nor if any segment was sent again since it was sent, as
//     BSD's TCP cancels its timing on a retransmission: its ACK waited for
//     the repair, and would count the wait as round-trip time.
//  3. On the third duplicate ACK in a row, retransmits the earliest
//     unacknowledged segment (fast retransmit, RFC 5681 section 3.2).
//  4. After a retransmission, an ACK for new data that does not cover
//     every segment that was in flight then is a "partial
//     acknowledgment": the receiver has the repaired bytes but still
//     misses the next ones. The sender retransmits the earliest
//     unacknowledged segment at once (NewReno, RFC 6582 section 3.2),
//     instead of waiting for the timer once per lost segment.
//  5. When the timer expires, retransmits the earliest unacknowledged
//     segment (5.4), doubles the timeout (5.5) and restarts the timer (5.6).
//  6. Finishes when an ACK says the receiver has the whole message, or
//     gives up at TimeLimit (ErrTransferGaveUp).
//
// There is no congestion control (RFC 5681's windows): the window never
// shrinks, so this shows recovery from faults, not fairness to others.
func Transfer(msg []byte, cfg ReliableConfig, observe func(TransferEvent)) (TransferResult, error) {
	if err := cfg.defaults(); err != nil {
		return TransferResult{}, fmt.Errorf("transfer: %w", err)
	}
	segs, err := SplitSegments(msg, cfg.MSS)
	if err != nil {
		return TransferResult{}, fmt.Errorf("transfer: %w", err)
	}
	dataLink, _ := NewSimulatedLink(cfg.Network, rand.NewPCG(cfg.Seed, 1))
	ackLink, _ := NewSimulatedLink(cfg.Network, rand.NewPCG(cfg.Seed, 2))
	t := &transfer{
		cfg: cfg, msg: msg, segs: segs, observe: observe,
		data: dataLink, acks: ackLink,
		rto:    newRTOEstimator(cfg.InitialRTO, cfg.MinRTO, cfg.MaxRTO),
		sentAt: make([]time.Duration, len(segs)), resent: make([]bool, len(segs)), lastResend: -1,
		// The receiver keeps the whole message (an application would read
		// it as it arrives), so its limit is the message's length.
		recv: NewReassembler(ReassemblyLimits{MaxBuffered: max(len(msg), 1)}),
	}
	t.stats.Segments, t.stats.MessageBytes = len(segs), len(msg)
	err = t.run()
	t.stats.Data, t.stats.Acks, t.stats.Receiver = t.data.Stats(), t.acks.Stats(), t.recv.Stats()
	t.stats.SRTT, t.stats.RTO = t.rto.srtt, t.rto.rto
	res := TransferResult{Stats: t.stats}
	if err != nil {
		return res, fmt.Errorf("transfer: %w", err)
	}
	res.Message, err = t.recv.Message()
	return res, err
}

// transfer is one run of Transfer: both ends and both links.
type transfer struct {
	cfg        ReliableConfig
	msg        []byte
	segs       []Segment
	observe    func(TransferEvent)
	data, acks *SimulatedLink
	recv       *Reassembler
	rto        *rtoEstimator

	now        time.Duration
	una        int             // first segment not acknowledged
	next       int             // first segment never sent
	sentAt     []time.Duration // when each segment was last sent
	resent     []bool          // sent more than once (no RTT sample: Karn)
	lastResend time.Duration   // when a segment was last sent again, or -1
	timerOn    bool
	timerAt    time.Duration
	dupAcks    int
	recover    int // segments before it were in flight when a loss was seen (RFC 6582's "recover")
	lastAck    uint32
	finished   bool
	stats      TransferStats
}

// run is the event loop: it takes the earliest of the next data arrival,
// the next ACK arrival and the timer (in that order on a tie), until the
// sender finishes.
func (t *transfer) run() error {
	t.fillWindow() // step 1
	for !t.finished {
		dAt, dOK := t.data.NextAt()
		aAt, aOK := t.acks.NextAt()
		at, what := time.Duration(0), ""
		pick := func(ok bool, when time.Duration, name string) {
			if ok && (what == "" || when < at) {
				at, what = when, name
			}
		}
		pick(dOK, dAt, "data")
		pick(aOK, aAt, "ack")
		pick(t.timerOn, t.timerAt, "timer")
		if what == "" || at > t.cfg.TimeLimit {
			t.stats.Duration = t.now
			return fmt.Errorf("%d of %d segments acknowledged after %v: %w", t.una, len(t.segs), t.now, ErrTransferGaveUp)
		}
		t.now = at
		switch what {
		case "data":
			a, _ := t.data.Next()
			t.onData(a)
		case "ack":
			a, _ := t.acks.Next()
			t.onAck(a)
		case "timer":
			t.onTimeout()
		}
	}
	t.stats.Duration = t.now
	return nil
}

// fillWindow sends new segments while fewer than Window are in flight.
func (t *transfer) fillWindow() {
	for t.next < len(t.segs) && t.next-t.una < t.cfg.Window {
		t.sendData(t.next, "")
		t.next++
	}
}

// sendData puts segment i on the data link; reason is why it is sent
// again, or "" the first time.
func (t *transfer) sendData(i int, reason string) {
	wire, _ := t.segs[i].Encode() // SplitSegments made it valid
	fate := t.data.Send(t.now, wire)
	t.sentAt[i] = t.now
	t.stats.DataSent++
	t.stats.WireBytes += len(wire)
	kind := EventSend
	if reason != "" {
		kind = EventRetransmit
		t.resent[i] = true
		t.lastResend = t.now
		t.stats.Retransmitted++
	}
	if !t.timerOn { // RFC 6298 (5.1)
		t.startTimer()
	}
	t.emit(TransferEvent{At: t.now, Kind: kind, Segment: t.segs[i], Wire: wire, Fate: fate, Reason: reason})
}

func (t *transfer) startTimer() { t.timerOn, t.timerAt = true, t.now+t.rto.rto }

// onData is the receiver: take the bytes, answer with a cumulative ACK.
func (t *transfer) onData(a SimulatedArrival) {
	seg, err := DecodeSegment(a.Packet)
	ev := TransferEvent{At: t.now, Kind: EventDataArrive, Segment: seg, Wire: a.Packet, Arrival: a}
	if err == nil {
		ev.Placement, err = t.recv.Add(t.now, int64(seg.Seq), seg.Payload, seg.Flags&FlagFIN != 0)
	}
	ev.Err = err
	t.emit(ev)
	ack := Segment{Ack: uint32(t.recv.Contiguous()), Flags: FlagACK}
	if t.recv.Complete() {
		ack.Flags |= FlagFIN
	}
	wire, _ := ack.Encode()
	fate := t.acks.Send(t.now, wire)
	t.stats.AcksSent++
	t.stats.WireBytes += len(wire)
	t.emit(TransferEvent{At: t.now, Kind: EventAckSend, Segment: ack, Wire: wire, Fate: fate})
}

// onAck is the sender's steps 2, 3 and 5.
func (t *transfer) onAck(a SimulatedArrival) {
	ack, err := DecodeSegment(a.Packet)
	ev := TransferEvent{At: t.now, Kind: EventAckArrive, Segment: ack, Wire: a.Packet, Arrival: a, Err: err}
	if err != nil || ack.Flags&FlagACK == 0 {
		t.emit(ev)
		return
	}
	fin := ack.Flags&FlagFIN != 0
	before := t.una
	for t.una < t.next && t.acked(t.una, ack.Ack, fin) {
		t.una++
	}
	switch {
	case t.una > before: // step 2
		t.dupAcks, t.lastAck = 0, ack.Ack
		if newest := t.una - 1; !t.resent[newest] && t.sentAt[newest] > t.lastResend {
			t.rto.sample(t.now - t.sentAt[newest])
			ev.RTTSample = t.now - t.sentAt[newest]
		}
		ev.NewlyAcked = t.una - before
	case !fin && ack.Ack == t.lastAck && t.una < t.next: // RFC 5681's duplicate ACK
		t.dupAcks++
		ev.DupAcks = t.dupAcks
	}
	t.emit(ev)
	if fin && int(ack.Ack) == len(t.msg) { // step 6
		t.timerOn, t.finished = false, true
		return
	}
	if ev.NewlyAcked > 0 {
		t.timerOn = false
		if t.una < t.recover { // step 4
			t.stats.PartialAckRetransmits++
			t.sendData(t.una, "partial ACK")
		}
		t.fillWindow()
		if t.una < t.next && !t.timerOn { // RFC 6298 (5.3), or (5.2) when nothing is left
			t.startTimer()
		}
	}
	if t.dupAcks == 3 { // step 3
		t.stats.FastRetransmits++
		t.recover = t.next
		t.sendData(t.una, "3 duplicate ACKs")
	}
}

// acked reports whether an ACK of ack (with FIN or not) covers segment i.
// The last segment needs FIN: an empty message's segment ends at 0.
func (t *transfer) acked(i int, ack uint32, fin bool) bool {
	end := t.segs[i].End()
	return end < int64(ack) || end == int64(ack) && (i < len(t.segs)-1 || fin)
}

// onTimeout is step 5.
func (t *transfer) onTimeout() {
	t.stats.Timeouts++
	t.dupAcks = 0
	t.recover = t.next
	was := t.rto.rto
	t.timerOn = false
	t.rto.backOff() // (5.5), before (5.6) restarts the timer with it
	t.sendData(t.una, fmt.Sprintf("timeout after %v", was))
}

func (t *transfer) emit(e TransferEvent) {
	if t.observe != nil {
		t.observe(e)
	}
}
