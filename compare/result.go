// Turning what the clients counted into the comparison's figures.

package compare

import (
	"slices"
	"time"
)

// TCPIPHeaderBytes is the model for the bytes TCP and IP add to each
// segment on loopback: 20 bytes of IPv4 header and 32 of TCP header (20,
// plus the 12-byte timestamp option Linux puts on every segment by
// default). An Ethernet link would add 18 more (header and checksum) and
// 20 of preamble and gap on the wire; loopback has no link header at all.
// Segment counts are the kernel's own (TCP_INFO), so only this per-segment
// size is a model.
const TCPIPHeaderBytes = 52

// Latency is the time from publishing an update to a client reading it:
// the staleness a client sees, whatever the mode.
type Latency struct {
	P50 time.Duration `json:"p50_ns"`
	P99 time.Duration `json:"p99_ns"`
	Max time.Duration `json:"max_ns"`
	N   int           `json:"samples"`
}

func latencyOf(all []time.Duration) Latency {
	if len(all) == 0 {
		return Latency{}
	}
	slices.Sort(all)
	at := func(q float64) time.Duration { return all[min(len(all)-1, int(q*float64(len(all))))] }
	return Latency{P50: at(0.50), P99: at(0.99), Max: all[len(all)-1], N: len(all)}
}

// collect adds up the clients' counts.
func (r *Result) collect(clients []*clientRun) {
	var lat []time.Duration
	for _, c := range clients {
		c.wire.settle()
		r.Wire.add(c.wire)
		lat = append(lat, c.lat...)
		for seq := uint64(1); seq <= r.Published; seq++ {
			switch n := c.seen[seq]; {
			case n == 0:
				r.Missed++
			case n > 1:
				r.Duplicates += uint64(n - 1)
			}
		}
		r.Deliveries += uint64(len(c.seen))
		if c.err != nil && len(r.ClientErrors) < 5 {
			r.ClientErrors = append(r.ClientErrors, c.err.Error())
		}
	}
	r.Latency = latencyOf(lat)
}

// Figures are a result's numbers per delivered update and per second.
type Figures struct {
	RequestsPerUpdate float64 `json:"requests_per_update"`
	BytesPerUpdate    float64 `json:"bytes_per_update"`        // up and down, application bytes
	HeadersPerUpdate  float64 `json:"header_bytes_per_update"` // HTTP heads, both ways
	FramingPerUpdate  float64 `json:"framing_bytes_per_update"`
	PayloadPerUpdate  float64 `json:"payload_bytes_per_update"`
	TCPIPPerUpdate    float64 `json:"tcpip_bytes_per_update"` // segments × TCPIPHeaderBytes
	WirePerUpdate     float64 `json:"wire_bytes_per_update"`  // application + TCP/IP
	BytesPerSecond    float64 `json:"wire_bytes_per_second"`
	ConnsOpened       int64   `json:"connections_opened"`
	SegmentsPerUpdate float64 `json:"segments_per_update"`
	CPUPer1000        float64 `json:"server_cpu_ms_per_1000_updates"`
}

// Figures computes the per-update and per-second numbers.
func (r Result) Figures() Figures {
	d := float64(max(r.Deliveries, 1))
	w := r.Wire
	app := float64(w.Up.Total() + w.Down.Total())
	tcpip := float64(w.Segments * TCPIPHeaderBytes)
	secs := r.Duration.Seconds()
	if secs <= 0 {
		secs = 1
	}
	return Figures{
		RequestsPerUpdate: float64(w.Requests) / d,
		BytesPerUpdate:    app / d,
		HeadersPerUpdate:  float64(w.Up.Headers+w.Down.Headers) / d,
		FramingPerUpdate:  float64(w.Up.Framing+w.Down.Framing) / d,
		PayloadPerUpdate:  float64(w.Up.Payload+w.Down.Payload) / d,
		TCPIPPerUpdate:    tcpip / d,
		WirePerUpdate:     (app + tcpip) / d,
		BytesPerSecond:    (app + tcpip) / secs,
		ConnsOpened:       w.Conns,
		SegmentsPerUpdate: float64(w.Segments) / d,
		CPUPer1000:        float64(r.ServerCPU.Microseconds()) / 1000 / d * 1000,
	}
}

// CountsAgree reports whether what the clients' sockets counted equals
// what the server's sockets counted, both ways: the check that no byte was
// lost or double-counted.
func (r Result) CountsAgree() bool {
	return r.Wire.CountedUp == r.ServerIn && r.Wire.CountedDown == r.ServerOut
}
