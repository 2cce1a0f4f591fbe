// The retransmission timer's value: RFC 6298, "Computing TCP's
// Retransmission Timer", in virtual time.

package packets

import "time"

// RFC 6298's constants (section 2): "The above SHOULD be computed using
// alpha=1/8 and beta=1/4 (as suggested in [JK88])", and K = 4.
const (
	rtoK = 4
	// rtoGranularity is G, the clock granularity. The virtual clock
	// counts nanoseconds; a millisecond keeps RTO above SRTT when the
	// simulated delays do not vary.
	rtoGranularity = time.Millisecond
)

// An rtoEstimator computes the retransmission timeout from round-trip time
// samples, as RFC 6298 section 2 does.
type rtoEstimator struct {
	srtt, rttvar time.Duration
	rto          time.Duration
	min, max     time.Duration
	measured     bool // a first sample arrived
}

// newRTOEstimator starts with RFC 6298 (2.1): "Until a round-trip time
// (RTT) measurement has been made for a segment sent between the sender and
// receiver, the sender SHOULD set RTO <- 1 second", or initial.
func newRTOEstimator(initial, min, max time.Duration) *rtoEstimator {
	return &rtoEstimator{rto: initial, min: min, max: max}
}

// sample takes one round-trip time measurement r.
func (e *rtoEstimator) sample(r time.Duration) {
	if !e.measured {
		// (2.2) When the first RTT measurement R is made, the host MUST set
		//
		//	SRTT <- R
		//	RTTVAR <- R/2
		//	RTO <- SRTT + max (G, K*RTTVAR)
		e.srtt, e.rttvar, e.measured = r, r/2, true
	} else {
		// (2.3) When a subsequent RTT measurement R' is made, a host MUST set
		//
		//	RTTVAR <- (1 - beta) * RTTVAR + beta * |SRTT - R'|
		//	SRTT <- (1 - alpha) * SRTT + alpha * R'
		diff := e.srtt - r
		if diff < 0 {
			diff = -diff
		}
		e.rttvar = e.rttvar - e.rttvar/4 + diff/4
		e.srtt = e.srtt - e.srtt/8 + r/8
	}
	e.rto = e.clamp(e.srtt + max(rtoGranularity, rtoK*e.rttvar))
}

// backOff doubles the timeout after the timer expired. RFC 6298 (5.5):
// "The host MUST set RTO <- RTO * 2 ("back off the timer")."
func (e *rtoEstimator) backOff() { e.rto = e.clamp(2 * e.rto) }

// clamp applies (2.4) and (2.5): "Whenever RTO is computed, if it is less
// than 1 second, then the RTO SHOULD be rounded up to 1 second" (netlab
// uses its configured minimum: Linux's is 200 ms), and "A maximum value MAY
// be placed on RTO provided it is at least 60 seconds."
func (e *rtoEstimator) clamp(d time.Duration) time.Duration { return min(max(d, e.min), e.max) }
