// What a reliable transfer over the simulated network did, event by event.

package packets

import (
	"fmt"
	"strings"
	"time"
)

// A TransferEventKind says what happened in a transfer.
type TransferEventKind int

// The events of a transfer.
const (
	EventSend       TransferEventKind = iota + 1 // the sender put a data segment on the link, the first time
	EventRetransmit                              // the sender sent a data segment again (Reason says why)
	EventDataArrive                              // a copy of a data segment reached the receiver
	EventAckSend                                 // the receiver put an ACK on the link
	EventAckArrive                               // a copy of an ACK reached the sender
)

func (k TransferEventKind) String() string {
	switch k {
	case EventSend:
		return "send"
	case EventRetransmit:
		return "retransmit"
	case EventDataArrive:
		return "data arrives"
	case EventAckSend:
		return "ACK sent"
	case EventAckArrive:
		return "ACK arrives"
	}
	return fmt.Sprintf("TransferEventKind(%d)", int(k))
}

// Who names the end where the event happened: "sender" or "receiver".
func (k TransferEventKind) Who() string {
	if k == EventDataArrive || k == EventAckSend {
		return "receiver"
	}
	return "sender"
}

// A TransferEvent is one thing that happened in a transfer, at a virtual
// time. Which fields are set depends on Kind.
type TransferEvent struct {
	At      time.Duration // virtual time
	Kind    TransferEventKind
	Segment Segment // the segment sent or received (decoded)
	Wire    []byte  // its bytes

	Fate    SimulatedFate    // send, retransmit, ACK sent: what the simulated link will do with it
	Arrival SimulatedArrival // data and ACK arrivals: which copy, sent when
	Reason  string           // retransmit: "timeout after 200ms", "3 duplicate ACKs"

	Placement  Placement     // data arrives: what the reassembler did with its bytes
	NewlyAcked int           // ACK arrives: segments it acknowledged for the first time
	DupAcks    int           // ACK arrives: duplicate ACKs in a row, counting this one
	RTTSample  time.Duration // ACK arrives: the round-trip time it measured, if any
	Err        error         // the segment could not be decoded or placed
}

// String sums the event up in one line, and says the network is
// simulated wherever it decided something.
func (e TransferEvent) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%v %s %s: %v", e.At, e.Kind.Who(), e.Kind, e.Segment)
	switch e.Kind {
	case EventSend, EventRetransmit, EventAckSend:
		if e.Reason != "" {
			fmt.Fprintf(&b, " (%s)", e.Reason)
		}
		b.WriteString("; " + e.Fate.String())
	case EventDataArrive:
		b.WriteString("; " + e.Arrival.note())
		switch {
		case e.Err != nil:
			fmt.Fprintf(&b, "; refused: %v", e.Err)
		case e.Placement.New == 0:
			b.WriteString("; nothing new")
		case e.Placement.Duplicate > 0:
			fmt.Fprintf(&b, "; %d new bytes", e.Placement.New)
		}
	case EventAckArrive:
		b.WriteString("; " + e.Arrival.note())
		if e.DupAcks > 0 {
			fmt.Fprintf(&b, "; duplicate ACK %d", e.DupAcks)
		}
	}
	return b.String()
}

// String says what the simulated link will do with the packet.
func (f SimulatedFate) String() string {
	switch len(f.Arrivals) {
	case 0:
		return "simulated loss: it will never arrive"
	case 1:
		return fmt.Sprintf("simulated network: arrives at %v", f.Arrivals[0])
	}
	return fmt.Sprintf("simulated duplication: arrives at %v and again at %v", f.Arrivals[0], f.Arrivals[1])
}

// note says which copy arrived, briefly.
func (a SimulatedArrival) note() string {
	s := "simulated network"
	if a.Copy > 1 {
		s += ", the duplicate copy"
	}
	if a.Reordered {
		s += ", overtaken (reordered)"
	}
	return s
}
