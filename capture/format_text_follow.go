// The text renderer for --follow: a stream's two directions, what
// reassembly found, and each message with its bytes and its fields.

package capture

import (
	"bufio"
	"fmt"

	"netlab/narrate"
)

// maxDumpLines bounds the lines of bytes shown per message; --json has
// every byte.
const maxDumpLines = 24

func (t *textRenderer) follow(res *FollowResult) {
	w := t.w
	c := res.Conv
	role := [2]string{"client", "server"}
	if res.Client == 1 {
		role = [2]string{"server", "client"}
	}
	fmt.Fprintf(w, "TCP stream %d: %s (%s) ⇄ %s (%s), packets %d–%d, carrying %s\n",
		res.Index, c.A, role[0], c.B, role[1], c.FirstPacket, c.LastPacket, res.Protocol)
	for d, ds := range res.Dirs {
		st := ds.Stats
		fmt.Fprintf(w, "  %s → %s: %d bytes in order from %s; %d arrived ahead of a hole, %d bytes retransmitted (%d differing), %s",
			role[d], role[1-d], st.Bytes, plural(st.Segments, "segment"), st.OutOfOrder, st.Retransmitted, st.Conflicting, gapWords(ds.Gaps))
		if !ds.SYN {
			fmt.Fprintf(w, "; no SYN seen: offsets count from the first byte captured")
		}
		if ds.FINAt >= 0 {
			fmt.Fprintf(w, "; FIN after byte %d", ds.FINAt)
		}
		if st.BeforeStart > 0 {
			fmt.Fprintf(w, "; %d bytes from before the first one seen ignored", st.BeforeStart)
		}
		if st.Dropped > 0 || st.NotKept > 0 {
			fmt.Fprintf(w, "; over netlab's limits: %d out-of-order bytes dropped, %d bytes counted but not kept", st.Dropped, st.NotKept)
		}
		w.WriteByte('\n')
	}
	fmt.Fprintf(w, "  reassembly: bytes in sequence order; when a byte arrives twice the first copy wins, and a second copy that differs is counted\n")
	for _, u := range res.Units {
		from := role[u.Dir] + " → " + role[1-u.Dir]
		switch {
		case u.Gap:
			fmt.Fprintf(w, "\n#%-5d %s  gap, stream bytes %s: %s\n", u.Packet, from, byteSpan64(u.Offset, u.End), u.Note)
			continue
		case u.Protocol == "":
			fmt.Fprintf(w, "\n#%-5d %s  stream bytes %s, not decoded: %s\n", u.Packet, from, byteSpan64(u.Offset, u.End), u.Note)
		default:
			fmt.Fprintf(w, "\n#%-5d %s  stream bytes %s, %s %s\n", u.Packet, from, byteSpan64(u.Offset, u.End), u.Protocol, unitKind(u))
			if u.Note != "" {
				fmt.Fprintf(w, "       %s\n", u.Note)
			}
		}
		dump := u.Data
		label := ""
		if u.Payload != nil && len(u.Payload) > 0 && u.Protocol == "WebSocket" {
			dump, label = u.Payload, "payload, unmasked:"
		}
		if label != "" {
			fmt.Fprintf(w, "       %s\n", label)
		}
		writeDump(w, dump, "       │ ")
		if len(u.Fields) > 0 && u.Protocol != "" {
			writeFields(w, u.Fields, "       ")
		}
	}
}

func unitKind(u FollowUnit) string {
	if u.Protocol == "WebSocket" {
		return "frame"
	}
	if len(u.Data) > 5 && string(u.Data[:5]) == "HTTP/" {
		return "response"
	}
	return "request"
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

func gapWords(gaps []Gap) string {
	if len(gaps) == 0 {
		return "no gaps"
	}
	var n int64
	for _, g := range gaps {
		n += g.End - g.Start
	}
	return fmt.Sprintf("%s (%d bytes never captured)", plural(len(gaps), "gap"), n)
}

func byteSpan64(start, end int64) string {
	if end-start <= 1 {
		return fmt.Sprint(start)
	}
	return fmt.Sprintf("%d–%d", start, end-1)
}

// writeDump prints bytes as netlab prints data everywhere (narrate.DumpLines),
// at most maxDumpLines.
func writeDump(w *bufio.Writer, b []byte, prefix string) {
	lines := narrate.DumpLines(b)
	for i, line := range lines {
		if i == maxDumpLines {
			fmt.Fprintf(w, "%s… %d more lines (--json has every byte)\n", prefix, len(lines)-i)
			return
		}
		w.WriteString(prefix + line + "\n")
	}
}
