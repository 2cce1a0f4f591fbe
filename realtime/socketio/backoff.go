// The client's reconnection delays: exponential, capped, with jitter, as
// socket.io-client computes them.

package socketio

import (
	"math"
	"math/rand/v2"
	"time"
)

// Backoff is socket.io-client's reconnection schedule. Attempt n (from 0)
// waits
//
//	d = Min × Factor^n, then d ± ⌊r × Jitter × d⌋, then at most Max
//
// where r is uniform in [0, 1) and the sign is + when ⌊10r⌋ is odd. With
// the defaults (1 s, 5 s, 2, 0.5): 551 ms–1.499 s, then 1.101–2.999 s, then
// 2.201–5 s, then 4.401–5 s, then always 5 s (the cap is applied after the
// jitter, so late attempts stop being random). The jitter spreads out
// clients that lost their connection together, so that they do not all
// come back at the same instant.
type Backoff struct {
	Min    time.Duration // the first delay before jitter: socket.io's reconnectionDelay, 1 s
	Max    time.Duration // the cap: reconnectionDelayMax, 5 s
	Factor float64       // growth per attempt: 2
	Jitter float64       // randomizationFactor: 0.5; 0 makes every client wait the same
}

// DefaultBackoff is socket.io-client's.
var DefaultBackoff = Backoff{Min: time.Second, Max: 5 * time.Second, Factor: 2, Jitter: 0.5}

// withDefaults fills in each unset field from DefaultBackoff, as
// socket.io-client does option by option; a Jitter outside (0, 1] means
// none, as there.
func (b Backoff) withDefaults() Backoff {
	if b.Min <= 0 {
		b.Min = DefaultBackoff.Min
	}
	if b.Max <= 0 {
		b.Max = DefaultBackoff.Max
	}
	if b.Factor <= 0 {
		b.Factor = DefaultBackoff.Factor
	}
	if b.Jitter < 0 || b.Jitter > 1 {
		b.Jitter = 0
	}
	return b
}

// Delay is the wait before attempt n (from 0), for r uniform in [0, 1).
func (b Backoff) Delay(n int, r float64) time.Duration {
	b = b.withDefaults()
	ms := float64(b.Min.Milliseconds()) * math.Pow(b.Factor, float64(n))
	if b.Jitter > 0 {
		deviation := math.Floor(r * b.Jitter * ms)
		if int(math.Floor(r*10))&1 == 0 {
			ms -= deviation
		} else {
			ms += deviation
		}
	}
	// After a thousand attempts the power overflows; the cap still holds.
	if math.IsNaN(ms) || ms > float64(b.Max.Milliseconds()) {
		ms = float64(b.Max.Milliseconds())
	}
	return time.Duration(max(ms, 0)) * time.Millisecond
}

// backoffState counts the attempts of one run of reconnections.
type backoffState struct {
	b        Backoff
	rnd      *rand.Rand
	attempts int
}

// next is the delay before the next attempt, and its number (from 1).
func (s *backoffState) next() (int, time.Duration) {
	d := s.b.Delay(s.attempts, s.rnd.Float64())
	s.attempts++
	return s.attempts, d
}

func (s *backoffState) reset() { s.attempts = 0 }

// Range is the shortest and longest wait attempt n (from 0) can draw. The
// same r picks both the size and the sign of the jitter, so the range is
// not symmetric: with Jitter 0.5 the first attempt waits 551 ms to 1.499 s,
// not 500 ms to 1.5 s (a minus needs ⌊10r⌋ even, so r < 0.9).
func (b Backoff) Range(n int) (lo, hi time.Duration) {
	lo, hi = b.Delay(n, 0), b.Delay(n, 0)
	for i := range 10000 {
		d := b.Delay(n, float64(i)/10000)
		lo, hi = min(lo, d), max(hi, d)
	}
	return lo, hi
}
