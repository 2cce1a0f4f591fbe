// The reconnection schedule against socket.io-client's Backoff
// (build/cjs/contrib/backo2.js in interop/node/node_modules/socket.io-client):
// every expected delay in the table is what its duration() returned with
// Math.random() fixed to r and attempts set to n.

package socketio_test

import (
	"fmt"
	"testing"
	"time"

	"netlab/realtime/socketio"
)

func TestDefaultBackoff(t *testing.T) {
	// socket.io-client's Manager: reconnectionDelay 1000, reconnectionDelayMax
	// 5000, randomizationFactor 0.5, and backo2's factor 2.
	want := socketio.Backoff{Min: time.Second, Max: 5 * time.Second, Factor: 2, Jitter: 0.5}
	if socketio.DefaultBackoff != want {
		t.Errorf("DefaultBackoff = %+v, want %+v", socketio.DefaultBackoff, want)
	}
}

func TestBackoffDelay(t *testing.T) {
	slow := socketio.Backoff{Min: 500 * time.Millisecond, Max: time.Minute, Factor: 1.5, Jitter: 0.25}
	full := socketio.Backoff{Min: 100 * time.Millisecond, Max: 10 * time.Second, Factor: 3, Jitter: 1}
	steady := socketio.Backoff{Min: time.Second, Max: 5 * time.Second, Factor: 2}
	tests := []struct {
		name string
		b    socketio.Backoff
		n    int
		r    float64
		ms   int64
	}{
		// ⌊10r⌋ even: minus ⌊r × Jitter × d⌋; odd: plus.
		{"default", socketio.DefaultBackoff, 0, 0, 1000},
		{"default", socketio.DefaultBackoff, 0, 0.05, 975},
		{"default", socketio.DefaultBackoff, 0, 0.1, 1050},
		{"default", socketio.DefaultBackoff, 0, 0.15, 1075},
		{"default", socketio.DefaultBackoff, 0, 0.5, 1250},
		{"default", socketio.DefaultBackoff, 0, 0.55, 1275},
		{"default", socketio.DefaultBackoff, 0, 0.85, 575},
		{"default", socketio.DefaultBackoff, 0, 0.95, 1475},
		{"default", socketio.DefaultBackoff, 0, 0.999999, 1499},
		{"default", socketio.DefaultBackoff, 1, 0, 2000},
		{"default", socketio.DefaultBackoff, 1, 0.15, 2150},
		{"default", socketio.DefaultBackoff, 1, 0.25, 1750},
		{"default", socketio.DefaultBackoff, 1, 0.333, 2333},
		{"default", socketio.DefaultBackoff, 1, 0.999, 2999},
		{"default", socketio.DefaultBackoff, 2, 0.2, 3600},
		{"default", socketio.DefaultBackoff, 2, 0.35, 4700},
		{"default", socketio.DefaultBackoff, 2, 0.49, 3020},
		// The cap comes after the jitter: 4000 + 2000 is 5000.
		{"default", socketio.DefaultBackoff, 2, 0.5, 5000},
		{"default", socketio.DefaultBackoff, 2, 0.85, 2300},
		{"default", socketio.DefaultBackoff, 3, 0, 5000},
		{"default", socketio.DefaultBackoff, 3, 0.05, 5000},
		{"default", socketio.DefaultBackoff, 3, 0.2, 5000},
		// 8000 - 3400: the jitter can still bring attempt 3 under the cap.
		{"default", socketio.DefaultBackoff, 3, 0.85, 4600},
		{"default", socketio.DefaultBackoff, 3, 0.89, 4440},
		{"default", socketio.DefaultBackoff, 4, 0.85, 5000},
		{"default", socketio.DefaultBackoff, 4, 0.95, 5000},
		{"default", socketio.DefaultBackoff, 5, 0.05, 5000},
		{"default", socketio.DefaultBackoff, 30, 0.3, 5000},
		{"slow growth", slow, 0, 0.3, 537},
		{"slow growth", slow, 1, 0.71, 883},
		{"slow growth", slow, 4, 0.42, 2266},
		{"slow growth", slow, 9, 0.05, 18981},
		{"slow growth", slow, 11, 0.999, 54049},
		{"full jitter", full, 0, 0.9, 190},
		{"full jitter", full, 2, 0.6, 360},
		{"full jitter", full, 2, 0.7, 1530},
		{"full jitter", full, 5, 0.1, 10000},
		{"no jitter", steady, 0, 0.9, 1000},
		{"no jitter", steady, 3, 0.1, 5000},
		{"no jitter", steady, 4, 0.7, 5000},
	}
	for _, tt := range tests {
		want := time.Duration(tt.ms) * time.Millisecond
		if got := tt.b.Delay(tt.n, tt.r); got != want {
			t.Errorf("%s: Delay(%d, %v) = %v, want %v", tt.name, tt.n, tt.r, got, want)
		}
	}
}

// The ranges the documentation of Backoff gives for the defaults, over a
// fine grid of r.
func TestBackoffDocumentedRanges(t *testing.T) {
	ranges := []struct{ lo, hi time.Duration }{
		{500 * time.Millisecond, 1500 * time.Millisecond},
		{time.Second, 3 * time.Second},
		{2 * time.Second, 5 * time.Second},
		{4 * time.Second, 5 * time.Second},
		{5 * time.Second, 5 * time.Second},
		{5 * time.Second, 5 * time.Second},
	}
	for n, rg := range ranges {
		lo, hi := time.Duration(1<<62), time.Duration(0)
		for i := range 10000 {
			d := socketio.DefaultBackoff.Delay(n, float64(i)/10000)
			if d < rg.lo || d > rg.hi {
				t.Fatalf("Delay(%d, %v) = %v, outside %v–%v", n, float64(i)/10000, d, rg.lo, rg.hi)
			}
			lo, hi = min(lo, d), max(hi, d)
		}
		// The jitter spreads the delays: up to the top of the range, and
		// down to 0.55 of the base delay (the delay shrinks only when
		// ⌊10r⌋ is even, so r < 0.9 and the deviation < 0.45 d).
		base := time.Second << n
		if n < 3 && (lo > base*551/1000 || hi < min(base*1499/1000, rg.hi)) {
			t.Errorf("attempt %d: delays span only %v–%v", n, lo, hi)
		}
	}
}

// Without jitter every client waits Min × Factor^n, capped.
func TestBackoffNoJitter(t *testing.T) {
	b := socketio.Backoff{Min: 250 * time.Millisecond, Max: 10 * time.Second, Factor: 2}
	want := []time.Duration{250, 500, 1000, 2000, 4000, 8000, 10000, 10000}
	for n, ms := range want {
		for _, r := range []float64{0, 0.25, 0.5, 0.99} {
			if got := b.Delay(n, r); got != ms*time.Millisecond {
				t.Errorf("Delay(%d, %v) = %v, want %v", n, r, got, ms*time.Millisecond)
			}
		}
	}
}

// The delays of a client that keeps failing, with the jitter drawn at
// 0.25 (⌊2.5⌋ is even: shorter) and at 0.75 (⌊7.5⌋ is odd: longer). From
// the third attempt on, the 5 s cap hides the jitter.
func ExampleBackoff_Delay() {
	for n := range 5 {
		fmt.Println(n, socketio.DefaultBackoff.Delay(n, 0.25), socketio.DefaultBackoff.Delay(n, 0.75))
	}
	// Output:
	// 0 875ms 1.375s
	// 1 1.75s 2.75s
	// 2 3.5s 5s
	// 3 5s 5s
	// 4 5s 5s
}
