package compare

import (
	"testing"
	"time"
)

// TestEveryMode runs each mode for real with a few clients and checks the
// counts: every update delivered once to every client, the split adds up,
// and the clients' sockets counted what the server's sockets counted.
func TestEveryMode(t *testing.T) {
	for _, mode := range AllModes {
		t.Run(string(mode), func(t *testing.T) {
			res, err := RunMode(t.Context(), Config{Mode: mode, Clients: 4, Rate: 20, PollInterval: 100 * time.Millisecond,
				Duration: time.Second, Headers: BrowserHeaders, Seed: 1, Server: testServer})
			if err != nil {
				t.Fatal(err)
			}
			if len(res.ClientErrors) > 0 {
				t.Fatalf("client errors: %v", res.ClientErrors)
			}
			if res.Published == 0 {
				t.Fatal("nothing was published")
			}
			if want := res.Published * 4; res.Deliveries != want || res.Missed != 0 || res.Duplicates != 0 {
				t.Errorf("deliveries %d (missed %d, duplicates %d), want %d", res.Deliveries, res.Missed, res.Duplicates, want)
			}
			if !res.CountsAgree() {
				t.Errorf("the clients counted %d up and %d down, the server %d in and %d out",
					res.Wire.CountedUp, res.Wire.CountedDown, res.ServerIn, res.ServerOut)
			}
			w := res.Wire
			if w.Up.Total() != w.CountedUp || w.Down.Total() != w.CountedDown || w.Up.Framing < 0 || w.Down.Framing < 0 {
				t.Errorf("the split does not add up: %+v", w)
			}
			if w.Segments == 0 || res.ServerCPU <= 0 || res.Latency.N == 0 {
				t.Errorf("segments %d, server CPU %v, latency samples %d: want all measured", w.Segments, res.ServerCPU, res.Latency.N)
			}
			f := res.Figures()
			t.Logf("%-20s published %d, %.2f req/update, %.0f B/update (headers %.0f, framing %.1f, payload %.1f), TCP/IP %.0f, conns %d, p50 %v p99 %v, CPU %.2f ms/1000",
				mode, res.Published, f.RequestsPerUpdate, f.BytesPerUpdate, f.HeadersPerUpdate, f.FramingPerUpdate, f.PayloadPerUpdate, f.TCPIPPerUpdate, f.ConnsOpened, res.Latency.P50, res.Latency.P99, f.CPUPer1000)
		})
	}
}
