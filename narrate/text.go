// Text layout: wrapping prose, printing bytes, aligning tables.

package narrate

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// wrap breaks text into lines of at most width runes, each starting with
// indent. Escape sequences count as zero width.
func wrap(text, indent string, width int) string {
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		line := indent
		for _, word := range strings.Fields(para) {
			if visibleLen(line) > len(indent) && visibleLen(line)+1+visibleLen(word) > width {
				lines = append(lines, line)
				line = indent
			}
			if visibleLen(line) > len(indent) {
				line += " "
			}
			line += word
		}
		lines = append(lines, line)
	}
	return strings.Join(lines, "\n")
}

// visibleLen counts runes, skipping ANSI escape sequences.
func visibleLen(s string) int {
	n, esc := 0, false
	for _, r := range s {
		switch {
		case r == '\x1b':
			esc = true
		case esc && r == 'm':
			esc = false
		case !esc:
			n++
		}
	}
	return n
}

// isText reports whether b reads as text: valid UTF-8 with no control
// characters other than tab, CR and LF.
func isText(b []byte) bool {
	if !utf8.Valid(b) {
		return false
	}
	for _, r := range string(b) {
		if r < 0x20 && r != '\t' && r != '\r' && r != '\n' || r == 0x7f {
			return false
		}
	}
	return true
}

// DumpLines shows bytes the way netlab prints data everywhere: as text
// lines with CR, LF and tab made visible when they read as text (valid
// UTF-8, no other control characters), as a hex dump of 16 bytes a line
// otherwise. The capture reader's --follow prints with it too.
func DumpLines(b []byte) []string {
	var lines []string
	if isText(b) {
		visible := strings.NewReplacer("\r", `\r`, "\n", `\n`, "\t", `\t`)
		text := string(b)
		for len(text) > 0 {
			i := strings.IndexByte(text, '\n')
			var line string
			if i < 0 {
				line, text = text, ""
			} else {
				line, text = text[:i+1], text[i+1:]
			}
			lines = append(lines, visible.Replace(line))
		}
		return lines
	}
	for off := 0; off < len(b); off += 16 {
		lines = append(lines, hexLine(b, off))
	}
	return lines
}

// dataBlock prints bytes under a prefix (DumpLines), at most maxDataLines.
func dataBlock(b []byte, prefix string) string {
	lines := DumpLines(b)
	var out strings.Builder
	for i, line := range lines {
		if i == maxDataLines {
			fmt.Fprintf(&out, "%s… %d more lines (the JSON trace has every byte)\n", prefix, len(lines)-i)
			break
		}
		out.WriteString(prefix + line + "\n")
	}
	return out.String()
}

// hexLine writes 16 bytes from off as offset, hex, and printable ASCII.
func hexLine(b []byte, off int) string {
	end := min(off+16, len(b))
	var hexPart, ascii strings.Builder
	for i := off; i < off+16; i++ {
		if i < end {
			fmt.Fprintf(&hexPart, "%02x ", b[i])
			c := b[i]
			if c < 0x20 || c >= 0x7f {
				c = '.'
			}
			ascii.WriteByte(c)
		} else {
			hexPart.WriteString("   ")
		}
		if i == off+7 {
			hexPart.WriteByte(' ')
		}
	}
	return fmt.Sprintf("%04x  %s |%s|", off, hexPart.String(), ascii.String())
}

// FormatTable aligns columns under their headings, each line starting with indent.
func FormatTable(cols []string, rows [][]string, indent string) string {
	width := make([]int, len(cols))
	for i, c := range cols {
		width[i] = visibleLen(c)
	}
	for _, r := range rows {
		for i := 0; i < len(r) && i < len(width); i++ {
			width[i] = max(width[i], visibleLen(r[i]))
		}
	}
	var b strings.Builder
	line := func(cells []string) {
		var parts []string
		for i := range width {
			cell := ""
			if i < len(cells) {
				cell = cells[i]
			}
			parts = append(parts, cell+strings.Repeat(" ", width[i]-visibleLen(cell)))
		}
		b.WriteString(strings.TrimRight(indent+strings.Join(parts, "  "), " ") + "\n")
	}
	line(cols)
	var rule []string
	for _, w := range width {
		rule = append(rule, strings.Repeat("─", w))
	}
	line(rule)
	for _, r := range rows {
		line(r)
	}
	return b.String()
}
