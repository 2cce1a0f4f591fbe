package compare

import (
	"testing"
	"time"
)

// BenchmarkBytesPerUpdate delivers the feed to 100 clients in each mode
// (10 updates a second, polls every 100 ms, 2 seconds) and reports the
// bytes on the wire per delivered update, application bytes and TCP/IP
// headers together, and that figure as a ratio to WebSocket's:
//
//	go test ./compare -run '^$' -bench BytesPerUpdate -benchtime 1x
func BenchmarkBytesPerUpdate(b *testing.B) {
	var ws float64
	results := map[Mode]float64{}
	for _, mode := range []Mode{WebSocket, SSE, LongPoll, ShortPoll, ShortPollNewConn} {
		b.Run("mode="+string(mode), func(b *testing.B) {
			var per float64
			for range b.N {
				res, err := RunMode(b.Context(), Config{Mode: mode, Clients: 100, Rate: 10, PollInterval: 100 * time.Millisecond,
					Duration: 2 * time.Second, Headers: BrowserHeaders, Seed: 1, Server: testServer})
				if err != nil {
					b.Fatal(err)
				}
				if len(res.ClientErrors) > 0 || res.Missed > 0 {
					b.Fatalf("errors %v, missed %d", res.ClientErrors, res.Missed)
				}
				per = res.Figures().WirePerUpdate
			}
			results[mode] = per
			if mode == WebSocket {
				ws = per
			}
			b.ReportMetric(per, "wire-B/update")
			if ws > 0 {
				b.ReportMetric(per/ws, "×websocket")
			}
		})
	}
}
