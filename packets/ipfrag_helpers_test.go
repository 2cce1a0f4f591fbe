// Helpers shared by the IPv4 fragmentation tests.

package packets

import (
	"net/netip"
	"sync"
	"testing"
	"time"
)

var (
	fragSrc = netip.MustParseAddr("192.0.2.1")    // RFC 5737 documentation addresses
	fragDst = netip.MustParseAddr("198.51.100.7") // they go nowhere
)

// fragTestPayload is n bytes of readable text, different at every position
// modulo 251, so a byte out of place shows.
func fragTestPayload(n int) []byte {
	p := make([]byte, n)
	for i := range p {
		p[i] = 'a' + byte(i%251%26)
		if i%251 >= 26*9 {
			p[i] = '0' + byte(i%10)
		}
	}
	return p
}

// fragTestDatagram builds an IPv4/UDP datagram carrying n bytes of payload.
func fragTestDatagram(t testing.TB, id uint16, n int, opts ...IPv4Option) []byte {
	t.Helper()
	b, err := UDPDatagram{Src: fragSrc, Dst: fragDst, SrcPort: 40000, DstPort: 5000, ID: id,
		Options: opts, Payload: fragTestPayload(n)}.Marshal()
	if err != nil {
		t.Fatalf("build a datagram of %d bytes: %v", n, err)
	}
	return b
}

// fragTestFragments fragments d for mtu.
func fragTestFragments(t testing.TB, d []byte, mtu int) [][]byte {
	t.Helper()
	frags, err := Fragment(d, mtu)
	if err != nil {
		t.Fatalf("Fragment(%d bytes, MTU %d): %v", len(d), mtu, err)
	}
	return frags
}

// fragClock is a clock the test moves by hand.
type fragClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFragClock() *fragClock {
	return &fragClock{t: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}
}

func (c *fragClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fragClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// fragPermutations calls f with every order of 0..n-1.
func fragPermutations(n int, f func(order []int)) {
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	var permute func(k int)
	permute = func(k int) {
		if k == n {
			f(order)
			return
		}
		for i := k; i < n; i++ {
			order[k], order[i] = order[i], order[k]
			permute(k + 1)
			order[k], order[i] = order[i], order[k]
		}
	}
	permute(0)
}

// feedFragments gives the fragments, in the order given, to add, and returns the
// one datagram that came out. It fails the test on an error, on a datagram
// before the last fragment, or on none after it.
func feedFragments(t testing.TB, name string, add func([]byte) ([]byte, error), frags [][]byte, order []int) []byte {
	t.Helper()
	var got []byte
	for i, k := range order {
		out, err := add(frags[k])
		if err != nil {
			t.Fatalf("%s: fragment %d (order %v): %v", name, k, order, err)
		}
		if out != nil && i != len(order)-1 {
			t.Fatalf("%s: a datagram came out after %d of %d fragments (order %v)", name, i+1, len(order), order)
		}
		got = out
	}
	if got == nil {
		t.Fatalf("%s: no datagram after all %d fragments (order %v)", name, len(order), order)
	}
	return got
}
