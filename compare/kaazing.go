// The Kaazing table, redone with measured numbers.
//
// Source: Peter Lubbers and Frank Greco, "HTML5 Web Sockets: A Quantum
// Leap in Scalability for the Web" (Kaazing, 2010). It assumed 871 bytes of
// HTTP headers per poll and 2 bytes per WebSocket frame, one message a
// second per client, and tabulated 1,000 / 10,000 / 100,000 clients.

package compare

import "fmt"

// KaazingClients are the client counts of the article's table.
var KaazingClients = [3]int{1000, 10000, 100000}

// A KaazingRow is one line of the table: bytes of overhead per client per
// second, and what that makes at each client count in megabits per second,
// both as 10^6 bits and as 2^20 bits (the article used 2^20 and called it
// Mbps).
type KaazingRow struct {
	Label       string
	BytesPerSec float64    // overhead per client per second
	Decimal     [3]float64 // Mbps as 10^6 bits/s
	Binary      [3]float64 // "Mbps" as 2^20 bits/s
	Measured    [3]bool    // false: calculated from the per-client figure
	Source      string     // "article", "measured (application)", "measured (+TCP/IP)"
}

// KaazingArticle returns the article's two rows, from its assumptions.
func KaazingArticle() []KaazingRow {
	return []KaazingRow{
		kaazingRow("Kaazing 2010: polling, 871 B of headers (assumed)", 871, 0, "article"),
		kaazingRow("Kaazing 2010: WebSocket, 2 B per frame (assumed)", 2, 0, "article"),
	}
}

// kaazingRow fills in the Mbps for a per-client overhead; measuredAt is the
// client count that was measured (0: none).
func kaazingRow(label string, perClient float64, measuredAt int, source string) KaazingRow {
	r := KaazingRow{Label: label, BytesPerSec: perClient, Source: source}
	for i, n := range KaazingClients {
		bits := perClient * float64(n) * 8
		r.Decimal[i], r.Binary[i] = bits/1e6, bits/(1<<20)
		r.Measured[i] = n == measuredAt
	}
	return r
}

// KaazingRows turns measured results into the table's rows: each mode's
// overhead (everything but the updates' own bytes) per client per second,
// first at the application level as the article counted, then with TCP/IP
// headers (the kernel's segment counts × TCPIPHeaderBytes), which the
// article left out.
func KaazingRows(results []Result) []KaazingRow {
	var rows []KaazingRow
	for _, r := range results {
		secs := r.Duration.Seconds()
		if secs <= 0 || r.Clients == 0 {
			continue
		}
		w := r.Wire
		app := float64(w.Up.Headers+w.Up.Framing+w.Down.Headers+w.Down.Framing) / float64(r.Clients) / secs
		tcpip := float64(w.Segments*TCPIPHeaderBytes) / float64(r.Clients) / secs
		name := label(r)
		if r.Headers == BrowserHeaders && r.Mode != WebSocket && r.Mode != SSE {
			name += " (browser headers)"
		}
		rows = append(rows,
			kaazingRow(name, app, r.Clients, "measured (application)"),
			kaazingRow(name+" + TCP/IP", app+tcpip, r.Clients, "measured (+TCP/IP)"))
	}
	return rows
}

// KaazingTable lays the rows out as columns and cells: Mbps (10^6) with
// the 2^20 figure in brackets, calculated cells marked.
func KaazingTable(rows []KaazingRow) ([]string, [][]string) {
	cols := []string{"delivery", "overhead/client/s"}
	for _, n := range KaazingClients {
		cols = append(cols, fmt.Sprintf("%s clients", groupDigits(n)))
	}
	var cells [][]string
	for _, r := range rows {
		line := []string{r.Label, fmt.Sprintf("%.1f B", r.BytesPerSec)}
		for i := range KaazingClients {
			mark := ""
			if r.Source != "article" && !r.Measured[i] {
				mark = " calc."
			}
			line = append(line, fmt.Sprintf("%s (%s)%s", mbps(r.Decimal[i]), mbps(r.Binary[i]), mark))
		}
		cells = append(cells, line)
	}
	return cols, cells
}

func mbps(x float64) string {
	switch {
	case x >= 100:
		return fmt.Sprintf("%.0f", x)
	case x >= 10:
		return fmt.Sprintf("%.1f", x)
	case x >= 1:
		return fmt.Sprintf("%.2f", x)
	}
	return fmt.Sprintf("%.3f", x)
}

func groupDigits(n int) string {
	s := fmt.Sprint(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// KaazingNotes says where the 2010 table was loose, with this run's numbers.
func KaazingNotes(results []Result) []string {
	notes := []string{
		"Its \"Mbps\" are bits ÷ 2^20 (mebibits): 871 B × 1,000 clients × 8 = 6.97 million bits/s, printed as 6.6. Both units are shown above: 10^6 first, 2^20 in brackets.",
		"Its 2-byte WebSocket frame is the pre-RFC draft format (0x00 text 0xFF). In RFC 6455 a server's small frame has a 2-byte header, but every client frame carries 4 more bytes of masking key: 6 at least.",
		"It left out TCP/IP: every segment carries at least 40 bytes of IPv4 and TCP headers (52 on Linux, with timestamps), there are ACK segments, and a new connection per poll adds a handshake and a teardown. The \"+ TCP/IP\" rows count the kernel's own segments.",
	}
	for _, r := range results {
		if (r.Mode == WebSocket || r.Mode == SSE) && r.Clients > 0 && r.Duration > 0 {
			w := r.Wire
			heads := float64(w.Up.Headers+w.Down.Headers) / float64(r.Clients)
			framing := float64(w.Up.Framing+w.Down.Framing) / float64(r.Clients) / r.Duration.Seconds()
			notes = append(notes, fmt.Sprintf("The measured %s rows include its opening request and response (%.0f bytes of headers a client), spread over this %v run; after it, framing costs %.1f bytes a client a second, so a connection that lasts hours tends to that.",
				r.Mode, heads, r.Duration, framing))
		}
		if r.Mode == ShortPoll && r.Headers == BrowserHeaders && r.Wire.Requests > 0 {
			perPoll := float64(r.Wire.Up.Headers+r.Wire.Down.Headers) / float64(r.Wire.Requests)
			notes = append(notes, fmt.Sprintf("Its 871 bytes of headers were an assumption. Measured here, a poll from Chromium's fetch() and net/http's answer carry %.0f bytes of headers together.", perPoll))
		}
	}
	return notes
}
