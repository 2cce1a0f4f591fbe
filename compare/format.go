// The comparison as tables for people, JSON lines and CSV for programs.

package compare

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"time"
)

// Tables returns the comparison as two tables (columns, rows): bytes per
// delivered update, and latency and cost.
func Tables(results []Result) (bytesCols []string, bytesRows [][]string, costCols []string, costRows [][]string) {
	bytesCols = []string{"mode", "requests", "HTTP heads", "framing", "payload", "TCP/IP*", "on the wire", "× websocket"}
	costCols = []string{"mode", "conns", "segments", "latency p50", "p99", "max", "missed", "repeated", "server CPU/1000"}
	var ws float64
	for _, r := range results {
		if r.Mode == WebSocket {
			ws = r.Figures().WirePerUpdate
		}
	}
	for _, r := range results {
		f := r.Figures()
		ratio := "—"
		if ws > 0 {
			ratio = fmt.Sprintf("%.1f×", f.WirePerUpdate/ws)
		}
		bytesRows = append(bytesRows, []string{label(r), fmt.Sprintf("%.2f", f.RequestsPerUpdate),
			bytesText(f.HeadersPerUpdate), bytesText(f.FramingPerUpdate), bytesText(f.PayloadPerUpdate),
			bytesText(f.TCPIPPerUpdate), bytesText(f.WirePerUpdate), ratio})
		costRows = append(costRows, []string{label(r), strconv.FormatInt(f.ConnsOpened, 10),
			fmt.Sprintf("%.1f/update", f.SegmentsPerUpdate), durationText(r.Latency.P50), durationText(r.Latency.P99),
			durationText(r.Latency.Max), strconv.FormatUint(r.Missed, 10), strconv.FormatUint(r.Duplicates, 10),
			cpuText(r, f)})
	}
	return bytesCols, bytesRows, costCols, costRows
}

// label names a result's mode, with its headers when they are not the default.
func label(r Result) string {
	if r.Headers == MinimalHeaders && r.Mode != WebSocket {
		return string(r.Mode) + " (minimal headers)"
	}
	return string(r.Mode)
}

func bytesText(b float64) string {
	switch {
	case b >= 10000:
		return fmt.Sprintf("%.1f kB", b/1000)
	case b >= 100:
		return fmt.Sprintf("%.0f B", b)
	}
	return fmt.Sprintf("%.1f B", b)
}

func durationText(d time.Duration) string {
	switch {
	case d >= time.Second:
		return fmt.Sprintf("%.2f s", d.Seconds())
	case d >= time.Millisecond:
		return fmt.Sprintf("%.1f ms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.0f µs", float64(d)/float64(time.Microsecond))
}

// jsonResult is one line of --json.
type jsonResult struct {
	Mode          Mode    `json:"mode"`
	Headers       string  `json:"headers"`
	Clients       int     `json:"clients"`
	Rate          float64 `json:"rate_per_second"`
	PollInterval  int64   `json:"poll_interval_ns"`
	Duration      int64   `json:"duration_ns"`
	CountsAgree   bool    `json:"client_and_server_counts_agree"`
	Result        Result  `json:"measured"`
	Figures       Figures `json:"figures"`
	TCPIPModelB   int     `json:"tcpip_bytes_per_segment_model"`
	ServerCPUNote string  `json:"server_cpu_note"`
}

// WriteJSON writes one JSON object per mode.
func WriteJSON(w io.Writer, results []Result) error {
	enc := json.NewEncoder(w)
	for _, r := range results {
		if err := enc.Encode(jsonResult{Mode: r.Mode, Headers: string(r.Headers), Clients: r.Clients, Rate: r.Rate,
			PollInterval: int64(r.PollInterval), Duration: int64(r.Duration), CountsAgree: r.CountsAgree(),
			Result: r, Figures: r.Figures(), TCPIPModelB: TCPIPHeaderBytes,
			ServerCPUNote: "user+system time of the server process (getrusage), start-up included"}); err != nil {
			return err
		}
	}
	return nil
}

// WriteCSV writes a header row and one row per mode.
func WriteCSV(w io.Writer, results []Result) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"mode", "headers", "clients", "rate", "poll_interval_ms", "duration_s", "published", "deliveries",
		"missed", "duplicates", "requests", "connections", "segments", "up_headers", "up_framing", "up_payload",
		"down_headers", "down_framing", "down_payload", "wire_bytes_per_update", "latency_p50_ms", "latency_p99_ms",
		"latency_max_ms", "server_cpu_ms", "counts_agree"})
	for _, r := range results {
		w, f := r.Wire, r.Figures()
		ms := func(d time.Duration) string {
			return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 3, 64)
		}
		_ = cw.Write([]string{string(r.Mode), string(r.Headers), strconv.Itoa(r.Clients), strconv.FormatFloat(r.Rate, 'g', -1, 64),
			ms(r.PollInterval), strconv.FormatFloat(r.Duration.Seconds(), 'g', -1, 64), strconv.FormatUint(r.Published, 10),
			strconv.FormatUint(r.Deliveries, 10), strconv.FormatUint(r.Missed, 10), strconv.FormatUint(r.Duplicates, 10),
			strconv.FormatInt(w.Requests, 10), strconv.FormatInt(w.Conns, 10), strconv.FormatUint(w.Segments, 10),
			strconv.FormatInt(w.Up.Headers, 10), strconv.FormatInt(w.Up.Framing, 10), strconv.FormatInt(w.Up.Payload, 10),
			strconv.FormatInt(w.Down.Headers, 10), strconv.FormatInt(w.Down.Framing, 10), strconv.FormatInt(w.Down.Payload, 10),
			strconv.FormatFloat(f.WirePerUpdate, 'f', 1, 64), ms(r.Latency.P50), ms(r.Latency.P99), ms(r.Latency.Max),
			ms(r.ServerCPU), strconv.FormatBool(r.CountsAgree())})
	}
	cw.Flush()
	return cw.Error()
}

// cpuText is the server's CPU time per 1,000 updates, or a dash when the
// server ran in this process (its CPU time cannot be told apart).
func cpuText(r Result, f Figures) string {
	if r.Server == nil {
		return "— (in-process)"
	}
	return fmt.Sprintf("%.0f ms", f.CPUPer1000)
}
