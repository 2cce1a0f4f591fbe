// The text renderer: what Show prints for people.

package capture

import (
	"bufio"
	"fmt"
	"strings"
	"unicode/utf8"

	"netlab/osi"
)

type textRenderer struct {
	w      *bufio.Writer
	record string // what a packet's bytes are in the file: "record" (pcap) or "block" (pcapng)
}

func (t *textRenderer) header(r *Reader) {
	fmt.Fprintf(t.w, "file: %v\n", r.Format())
	t.record = "record"
	if r.Format().Kind == PcapNG {
		t.record = "block"
	}
}

func (t *textRenderer) iface(id int, ifc Interface) {
	fmt.Fprintf(t.w, "interface %d: link type %s", id, linkString(ifc.LinkType))
	if ifc.Name != "" {
		fmt.Fprintf(t.w, ", name %q", ifc.Name)
	}
	if ifc.SnapLen != 0 {
		fmt.Fprintf(t.w, ", snapshot length %d", ifc.SnapLen)
	}
	if ifc.unitsPerSec != 0 && ifc.unitsPerSec != defaultUnitsPerSec {
		fmt.Fprintf(t.w, ", time in units of 1/%d s", ifc.unitsPerSec)
	}
	if ifc.Section > 0 {
		fmt.Fprintf(t.w, ", section %d", ifc.Section)
	}
	t.w.WriteByte('\n')
}

func (t *textRenderer) packet(s *summarizer, f *Frame, o *Options) {
	if t.w.Available() < 512 {
		t.w.Flush() // write errors surface at the last Flush
	}
	line := s.appendLine(t.w.AvailableBuffer(), f) // formatted in place in the write buffer
	t.w.Write(append(line, '\n'))
	if !o.Verbose && !o.Hex {
		return
	}
	when := "no timestamp (a pcapng simple packet block carries none)"
	if f.HasTime {
		when = f.Time.Format("2006-01-02 15:04:05.000000000 UTC")
	}
	fmt.Fprintf(t.w, "      frame %d: %d bytes on the wire, %d captured; %s; interface %d, link type %s; %s at byte %d\n",
		f.Number, f.Len, len(f.Data), when, f.Interface, linkString(f.LinkType), t.record, f.Offset)
	for _, lv := range s.explain(f) {
		fmt.Fprintf(t.w, "      %s %s, bytes %s\n", layerTag(lv.Layer), lv.Title, byteSpan(lv.Start, lv.End))
		if o.Verbose {
			writeFields(t.w, lv.Fields, "        ")
		}
		if o.Hex {
			writeHexFields(t.w, f.Data, lv, "        ")
		}
	}
}

// layerTag is "L4" for layer 4.
func layerTag(l osi.Layer) string { return fmt.Sprintf("L%d", uint8(l)) }

// byteSpan names the bytes [start, end): "14–33".
func byteSpan(start, end int) string {
	if end-start <= 1 {
		return fmt.Sprint(start)
	}
	return fmt.Sprintf("%d–%d", start, end-1)
}

// writeFields prints labelled byte ranges, one a line, meanings below.
func writeFields(w *bufio.Writer, fields []osi.Annotation, indent string) {
	for _, a := range fields {
		value := a.Value
		if utf8.RuneCountInString(value) > 48 {
			value = string([]rune(value)[:47]) + "…"
		}
		if a.Bits != "" {
			value = a.Bits + " = " + value
		}
		line := fmt.Sprintf("%s%-11s %s  %-22s %s", indent, byteSpan(a.Start, a.End), layerTag(a.Layer), a.Field, value)
		w.WriteString(strings.TrimRight(line, " "))
		w.WriteByte('\n')
		if a.Meaning != "" {
			w.WriteString(wrapText(a.Meaning, indent+strings.Repeat(" ", 16), 100))
		}
	}
}

// wrapText breaks text into lines of at most width columns, each starting
// with indent.
func wrapText(text, indent string, width int) string {
	var b strings.Builder
	line := indent
	for _, word := range strings.Fields(text) {
		if utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) > width && line != indent {
			b.WriteString(line + "\n")
			line = indent
		}
		if line != indent {
			line += " "
		}
		line += word
	}
	if line != indent {
		b.WriteString(line + "\n")
	}
	return b.String()
}

// writeHexFields prints a layer's bytes as a hex dump cut at its field
// boundaries: one group of bytes a line (16 at most per line, 4 lines at
// most per field), with the field's name and value. Fields of the same
// bytes (bit fields) share a line.
func writeHexFields(w *bufio.Writer, data []byte, lv LayerView, indent string) {
	type group struct {
		start, end int
		labels     []string
	}
	var groups []group
	for _, a := range lv.Fields {
		label := a.Field
		if a.Value != "" {
			v := a.Value
			if utf8.RuneCountInString(v) > 40 {
				v = string([]rune(v)[:39]) + "…"
			}
			label += " = " + v
		}
		if n := len(groups); n > 0 && groups[n-1].start == a.Start && groups[n-1].end == a.End {
			groups[n-1].labels = append(groups[n-1].labels, label)
			continue
		}
		groups = append(groups, group{a.Start, a.End, []string{label}})
	}
	covered := lv.Start
	for _, g := range groups {
		if g.start > covered && g.start <= lv.End {
			hexRows(w, data, covered, g.start, "(not labelled)", indent)
		}
		end := min(g.end, len(data))
		if g.start >= end {
			fmt.Fprintf(w, "%s%04x  %-47s  %-16s  %s\n", indent, g.start, "", "", strings.Join(g.labels, "; "))
			continue
		}
		hexRows(w, data, g.start, end, strings.Join(g.labels, "; "), indent)
		covered = max(covered, end)
	}
	if covered < lv.End && covered < len(data) {
		hexRows(w, data, covered, min(lv.End, len(data)), "(not labelled)", indent)
	}
}

// hexRows prints data[start:end] 16 bytes a row, the label on the first.
func hexRows(w *bufio.Writer, data []byte, start, end int, label, indent string) {
	const maxRows = 4
	for row, at := 0, start; at < end; row, at = row+1, at+16 {
		if row == maxRows {
			fmt.Fprintf(w, "%s      … %d more bytes\n", indent, end-at)
			return
		}
		chunk := data[at:min(at+16, end)]
		var hx, asc strings.Builder
		for i, c := range chunk {
			if i > 0 {
				hx.WriteByte(' ')
			}
			fmt.Fprintf(&hx, "%02x", c)
			if c < 0x20 || c >= 0x7f {
				c = '.'
			}
			asc.WriteByte(c)
		}
		l := ""
		if row == 0 {
			l = label
		}
		w.WriteString(strings.TrimRight(fmt.Sprintf("%s%04x  %-47s  %-16s  %s", indent, at, hx.String(), asc.String(), l), " "))
		w.WriteByte('\n')
	}
}

func (t *textRenderer) streams(cs []*Conversation) {
	fmt.Fprintf(t.w, "TCP streams: %d (A opened the connection when its SYN was captured; bytes are TCP payload, retransmissions included)\n", len(cs))
	if len(cs) == 0 {
		return
	}
	fmt.Fprintf(t.w, "%6s  %-45s  %17s  %19s  %12s  %s\n", "stream", "A → B", "packets A→B / B→A", "bytes A→B / B→A", "duration", "state")
	for _, c := range cs {
		fmt.Fprintf(t.w, "%6d  %-45s  %17s  %19s  %12s  %s\n", c.Index, c.A.String()+" → "+c.B.String(),
			fmt.Sprintf("%d / %d", c.Packets[0], c.Packets[1]), fmt.Sprintf("%d / %d", c.Bytes[0], c.Bytes[1]),
			duration(c), convState(c))
	}
}

func duration(c *Conversation) string {
	if !c.HasTime {
		return "no timestamps"
	}
	return fmt.Sprintf("%.6fs", c.Duration().Seconds())
}

// convState says how much of the connection's life the capture saw.
func convState(c *Conversation) string {
	var parts []string
	if c.HandshakeSeen {
		parts = append(parts, "opened (SYN seen)")
	} else {
		parts = append(parts, "already open")
	}
	switch {
	case c.RST:
		parts = append(parts, "reset (RST)")
	case c.FIN[0] && c.FIN[1]:
		parts = append(parts, "closed (FIN both ways)")
	case c.FIN[0] || c.FIN[1]:
		parts = append(parts, "half-closed (one FIN)")
	default:
		parts = append(parts, "still open at the end")
	}
	if c.App != "" {
		parts = append(parts, c.App)
	}
	return strings.Join(parts, ", ")
}

func (t *textRenderer) stats(st *stats) {
	fmt.Fprintf(t.w, "Protocol hierarchy (as tshark -q -z io,phs): %d frames, %d bytes on the wire\n", st.frames, st.bytes)
	for _, r := range st.rows() {
		name := strings.Repeat("  ", r.Depth) + r.Proto
		fmt.Fprintf(t.w, "%-40s frames:%d bytes:%d\n", name, r.Frames, r.Bytes)
	}
	if st.undecoded > 0 {
		fmt.Fprintf(t.w, "%-40s frames:%d\n", "(link type not decoded)", st.undecoded)
	}
	fmt.Fprintf(t.w, "\nPer OSI layer: packets with a header of the layer; its PDUs in bytes (header and everything carried, as captured); its own header bytes\n")
	for _, c := range st.layerCounts() {
		share := 0.0
		if c.Bytes > 0 {
			share = 100 * float64(c.HeaderBytes) / float64(c.Bytes)
		}
		what := "header bytes"
		if c.Layer == osi.Application {
			what = "message bytes"
		}
		fmt.Fprintf(t.w, "%-17s %8d packets %12d bytes %12d %s (%.1f%%)\n", c.Layer, c.Packets, c.Bytes, c.HeaderBytes, what, share)
	}
}

func (t *textRenderer) failure(error) {} // the caller prints the error on stderr
