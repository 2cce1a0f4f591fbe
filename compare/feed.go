// The feed: updates published at random moments, at a given mean rate.

package compare

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"sync"
	"time"
)

// An Update is one item of the feed. Published is the wall-clock time
// (Unix nanoseconds) it was published, so a client in another process can
// measure its latency.
type Update struct {
	Seq       uint64          `json:"seq"`
	Published int64           `json:"published_ns"`
	Symbol    string          `json:"symbol"`
	Price     json.RawMessage `json:"price"`
}

// An Item is a published update and its JSON, encoded once and sent as
// the same bytes by every mode: the payload.
type Item struct {
	Seq  uint64
	JSON []byte
}

// Feed publishes updates and keeps the most recent ones for pollers. It is
// safe for concurrent use.
type Feed struct {
	mu      sync.Mutex
	changed chan struct{} // closed and replaced at every update
	recent  []Item        // the last keep updates, oldest first
	keep    int
	subs    map[chan Item]struct{}
	seq     uint64
}

// NewFeed returns a feed that remembers the last keep updates.
func NewFeed(keep int) *Feed {
	return &Feed{changed: make(chan struct{}), keep: keep, subs: map[chan Item]struct{}{}}
}

// Publish makes the next update and hands it to every subscriber and poller.
func (f *Feed) Publish(price float64) Item {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	b, _ := json.Marshal(Update{Seq: f.seq, Published: time.Now().UnixNano(), Symbol: "NLAB",
		Price: formatPrice(price)})
	u := Item{Seq: f.seq, JSON: b}
	f.recent = append(f.recent, u)
	if len(f.recent) > f.keep {
		f.recent = f.recent[len(f.recent)-f.keep:]
	}
	for ch := range f.subs {
		select {
		case ch <- u:
		default: // a subscriber that cannot keep up misses it; its count shows it
		}
	}
	close(f.changed)
	f.changed = make(chan struct{})
	return u
}

func formatPrice(p float64) json.RawMessage {
	b, _ := json.Marshal(math.Round(p*100) / 100)
	return b
}

// Since returns the updates after seq that the feed still holds, and a
// channel that is closed when the next update comes.
func (f *Feed) Since(seq uint64) ([]Item, <-chan struct{}) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []Item
	for _, u := range f.recent {
		if u.Seq > seq {
			out = append(out, u)
		}
	}
	return out, f.changed
}

// Last returns the sequence number of the latest update.
func (f *Feed) Last() uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.seq
}

// Subscribe returns a channel that receives every update from now on,
// buffered by buf, and a function that ends the subscription.
func (f *Feed) Subscribe(buf int) (<-chan Item, func()) {
	ch := make(chan Item, buf)
	f.mu.Lock()
	f.subs[ch] = struct{}{}
	f.mu.Unlock()
	return ch, func() {
		f.mu.Lock()
		delete(f.subs, ch)
		f.mu.Unlock()
	}
}

// Run publishes updates at random moments, rate per second on average
// (exponential gaps: a Poisson process), until ctx is done or count updates
// are out (0: no limit). The price walks randomly from 100.
func (f *Feed) Run(ctx context.Context, rate float64, count int, seed uint64) {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	price := 100.0
	timer := time.NewTimer(0)
	defer timer.Stop()
	<-timer.C
	for n := 0; count == 0 || n < count; n++ {
		gap := time.Duration(rng.ExpFloat64() / rate * float64(time.Second))
		timer.Reset(gap)
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		price += (rng.Float64() - 0.5) * 0.5
		f.Publish(price)
	}
}
