package compare

import (
	"encoding/xml"
	"strings"
	"testing"
	"time"
)

// TestKaazingArticleFigures: the article's own figures come out of its
// assumptions when "Mbps" is read as 2^20 bits a second.
func TestKaazingArticleFigures(t *testing.T) {
	rows := KaazingArticle()
	want := [2][3]float64{{6.6, 66, 665}, {0.015, 0.153, 1.526}} // as printed in the article (rounded or cut short)
	for i, r := range rows {
		for j := range KaazingClients {
			if got := r.Binary[j]; got < want[i][j]*0.97 || got > want[i][j]*1.03 {
				t.Errorf("%s at %d clients: %.4f (2^20), the article printed %g", r.Label, KaazingClients[j], got, want[i][j])
			}
		}
	}
	if got := rows[0].Decimal[0]; got < 6.967 || got > 6.969 {
		t.Errorf("871 B × 1,000 × 8 = %.3f million bits/s, want 6.968", got)
	}
}

// TestKaazingRowsFromResults: the measured row's per-client figure is the
// overhead bytes per client per second; only the measured count is marked so.
func TestKaazingRowsFromResults(t *testing.T) {
	r := Result{Config: Config{Mode: ShortPoll, Clients: 1000, Duration: 10 * time.Second, Headers: BrowserHeaders}}
	r.Wire.Up.Headers = 5_000_000 // 500 B per client per second
	r.Wire.Down.Headers = 1_500_000
	r.Wire.Down.Payload = 750_000 // payload is not overhead
	r.Wire.Segments = 40_000      // 4 segments per client per second
	rows := KaazingRows([]Result{r})
	if len(rows) != 2 {
		t.Fatalf("%d rows, want 2 (application, + TCP/IP)", len(rows))
	}
	if got := rows[0].BytesPerSec; got != 650 {
		t.Errorf("overhead %v B/client/s, want 650", got)
	}
	if got := rows[1].BytesPerSec; got != 650+4*TCPIPHeaderBytes {
		t.Errorf("with TCP/IP %v B/client/s, want %d", got, 650+4*TCPIPHeaderBytes)
	}
	if !rows[0].Measured[0] || rows[0].Measured[1] || rows[0].Measured[2] {
		t.Errorf("measured marks %v: want only 1,000 clients measured", rows[0].Measured)
	}
	_, cells := KaazingTable(rows)
	if !strings.Contains(cells[0][3], "calc.") || strings.Contains(cells[0][2], "calc.") {
		t.Errorf("cells %q: want 10,000 and 100,000 marked calculated, 1,000 not", cells[0])
	}
}

func TestSVGIsWellFormed(t *testing.T) {
	results := []Result{
		{Config: Config{Mode: ShortPoll, Clients: 10, Rate: 1, PollInterval: time.Second, Duration: time.Second}, Deliveries: 10,
			Latency: Latency{P50: 400 * time.Millisecond, P99: 990 * time.Millisecond}},
		{Config: Config{Mode: WebSocket, Clients: 10, Rate: 1, PollInterval: time.Second, Duration: time.Second}, Deliveries: 10,
			Latency: Latency{P50: 300 * time.Microsecond, P99: 2 * time.Millisecond}},
	}
	results[0].Wire.Up.Headers, results[1].Wire.Down.Payload = 5000, 800
	svg := SVG(results, "a <title> & more")
	if err := xml.Unmarshal(svg, new(struct{ XMLName xml.Name })); err != nil {
		t.Fatalf("not well-formed XML: %v", err)
	}
	for _, want := range []string{"short-poll", "websocket", "&lt;title&gt;", "990 ms", "300 µs"} {
		if !strings.Contains(string(svg), want) {
			t.Errorf("the chart lacks %q", want)
		}
	}
}
