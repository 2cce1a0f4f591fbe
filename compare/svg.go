// A chart of the comparison as SVG: bytes per second and latency per mode,
// on log scales, drawn by hand (no plotting library).

package compare

import (
	"fmt"
	"html"
	"math"
	"strings"
	"time"
)

// palette gives each mode the same colour in both panels.
var palette = []string{"#d1495b", "#edae49", "#8d6a9f", "#00798c", "#30638e", "#66a182"}

// SVG draws two panels: wire bytes per second (application and TCP/IP
// headers together) per mode, and latency (p50 bar, p99 tick) per mode,
// both on log-10 axes, so a ×100 gap reads as a gap and not as a wall.
func SVG(results []Result, title string) []byte {
	const (
		width, height = 960, 460
		panelW        = 430
		top, bottom   = 70, 360
	)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", width, height, width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&b, `<text x="%d" y="28" font-size="18" font-weight="bold" text-anchor="middle">%s</text>`+"\n", width/2, html.EscapeString(title))
	if len(results) > 0 {
		r := results[0]
		fmt.Fprintf(&b, `<text x="%d" y="48" fill="#555" text-anchor="middle">%d clients, %g updates/s, polling every %v, %v each, %s headers · measured on loopback by netlab</text>`+"\n",
			width/2, r.Clients, r.Rate, r.PollInterval, r.Duration, r.Headers)
	}
	var rates, p50s, p99s []float64
	for _, r := range results {
		rates = append(rates, r.Figures().BytesPerSecond)
		p50s = append(p50s, float64(r.Latency.P50)/float64(time.Millisecond))
		p99s = append(p99s, float64(r.Latency.P99)/float64(time.Millisecond))
	}
	drawPanel(&b, 60, top, panelW-60, bottom-top, "bytes on the wire per second (log scale)", "B/s", results, rates, nil)
	drawPanel(&b, 60+panelW+30, top, panelW-60, bottom-top, "update latency, ms (log scale): bar p50, line p99", "ms", results, p50s, p99s)
	fmt.Fprintf(&b, `<text x="%d" y="%d" fill="#555" text-anchor="middle">TCP/IP bytes: the kernel's segment counts × %d B (IPv4 20 + TCP 32). Every number comes from bytes that crossed sockets in this run.</text>`+"\n",
		width/2, height-14, TCPIPHeaderBytes)
	b.WriteString("</svg>\n")
	return []byte(b.String())
}

// drawPanel draws bars (and optional ticks) for each result on a log axis.
func drawPanel(b *strings.Builder, x, y, w, h int, title, unit string, results []Result, bars, ticks []float64) {
	fmt.Fprintf(b, `<text x="%d" y="%d" font-weight="bold">%s</text>`+"\n", x, y-10, html.EscapeString(title))
	lo, hi := logBounds(append(append([]float64{}, bars...), ticks...))
	ypos := func(v float64) float64 {
		if v <= 0 {
			return float64(y + h)
		}
		return float64(y+h) - (math.Log10(v)-lo)/(hi-lo)*float64(h)
	}
	for e := lo; e <= hi+1e-9; e++ { // a gridline at each power of ten
		gy := ypos(math.Pow(10, e))
		fmt.Fprintf(b, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>`+"\n", x, gy, x+w, gy)
		fmt.Fprintf(b, `<text x="%d" y="%.1f" text-anchor="end" fill="#555">%s</text>`+"\n", x-4, gy+4, powerLabel(e, unit))
	}
	fmt.Fprintf(b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#333"/>`+"\n", x, y+h, x+w, y+h)
	n := max(len(results), 1)
	slot := float64(w) / float64(n)
	for i, r := range results {
		cx := float64(x) + slot*(float64(i)+0.5)
		bw := slot * 0.6
		by := ypos(bars[i])
		color := palette[i%len(palette)]
		fmt.Fprintf(b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"><title>%s: %s</title></rect>`+"\n",
			cx-bw/2, by, bw, float64(y+h)-by, color, html.EscapeString(label(r)), valueText(bars[i], unit))
		fmt.Fprintf(b, `<text x="%.1f" y="%.1f" text-anchor="middle" font-size="11">%s</text>`+"\n", cx, by-4, valueText(bars[i], unit))
		if ticks != nil {
			ty := ypos(ticks[i])
			fmt.Fprintf(b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#222" stroke-width="2"><title>p99 %s</title></line>`+"\n",
				cx-bw/2, ty, cx+bw/2, ty, valueText(ticks[i], unit))
		}
		fmt.Fprintf(b, `<text x="%.1f" y="%d" text-anchor="end" transform="rotate(-30 %.1f %d)">%s</text>`+"\n",
			cx, y+h+16, cx, y+h+16, html.EscapeString(label(r)))
	}
}

// logBounds returns whole powers of ten around the positive values.
func logBounds(vals []float64) (lo, hi float64) {
	lo, hi = math.Inf(1), math.Inf(-1)
	for _, v := range vals {
		if v > 0 {
			lo, hi = math.Min(lo, math.Log10(v)), math.Max(hi, math.Log10(v))
		}
	}
	if math.IsInf(lo, 1) {
		return 0, 1
	}
	lo, hi = math.Floor(lo), math.Ceil(hi)
	if hi == lo {
		hi++
	}
	return lo, hi
}

func powerLabel(e float64, unit string) string {
	v := math.Pow(10, e)
	return valueText(v, unit)
}

func valueText(v float64, unit string) string {
	if unit == "ms" {
		switch {
		case v >= 1000:
			return fmt.Sprintf("%.3g s", v/1000)
		case v < 1:
			return fmt.Sprintf("%.3g µs", v*1000)
		}
		return fmt.Sprintf("%.3g ms", v)
	}
	switch {
	case v >= 1e9:
		return fmt.Sprintf("%.3g G%s", v/1e9, unit)
	case v >= 1e6:
		return fmt.Sprintf("%.3g M%s", v/1e6, unit)
	case v >= 1e3:
		return fmt.Sprintf("%.3g k%s", v/1e3, unit)
	}
	return fmt.Sprintf("%.3g %s", v, unit)
}
