// The hand-written formatters of summary lines against the standard
// library's, which they replace for speed: the text must not change.

package capture

import (
	"fmt"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket/layers"
)

// someUints are numbers around every power of ten, and the extremes.
func someUints() []uint64 {
	us := []uint64{0, 1, 9, math.MaxUint32, math.MaxUint64 - 1, math.MaxUint64}
	for p := uint64(1); p <= 1e19; p *= 10 {
		us = append(us, p-1, p, p+1)
		if p == 1e19 {
			break
		}
	}
	return us
}

func TestAppendUintPad(t *testing.T) {
	for _, u := range someUints() {
		if got, want := decimalLen(u), len(strconv.FormatUint(u, 10)); got != want {
			t.Errorf("decimalLen(%d) = %d, want %d", u, got, want)
		}
		for _, width := range []int{0, 1, 5, 6, 25} {
			got := string(appendUintPad([]byte("x"), u, width))
			want := fmt.Sprintf("x%*d", width, u)
			if got != want {
				t.Errorf("appendUintPad(%d, %d) = %q, want %q", u, width, got, want)
			}
		}
		if got, want := string(appendUint(nil, u)), strconv.FormatUint(u, 10); got != want {
			t.Errorf("appendUint(%d) = %q, want %q", u, got, want)
		}
	}
	for _, n := range []int64{-1, -12345678, math.MinInt64} {
		if got, want := string(appendIntPad(nil, n, 6)), fmt.Sprintf("%6d", n); got != want {
			t.Errorf("appendIntPad(%d, 6) = %q, want %q", n, got, want)
		}
	}
}

func TestAppendSeconds(t *testing.T) {
	ds := []time.Duration{0, 499, 500, 999_999_499, 999_999_500, time.Second, 20 * time.Microsecond,
		-499, -500, -time.Second - 500, 1234567*time.Second + 890123456, math.MaxInt64, math.MinInt64}
	for _, d := range ds {
		// What tshark prints: seconds with six decimals, the microsecond
		// rounded half away from zero.
		us := (d + time.Microsecond/2) / time.Microsecond
		if d < 0 {
			us = (d - time.Microsecond/2) / time.Microsecond
		}
		sign, abs := "", uint64(us)
		if us < 0 {
			sign, abs = "-", uint64(-us)
		}
		want := fmt.Sprintf("%12s", fmt.Sprintf("%s%d.%06d", sign, abs/1e6, abs%1e6))
		if got := string(appendSeconds(nil, d, 12)); got != want {
			t.Errorf("appendSeconds(%d) = %q, want %q", d, got, want)
		}
	}
}

func TestAppendIP(t *testing.T) {
	for _, s := range []string{"0.0.0.0", "10.0.0.53", "192.168.100.9", "255.255.255.255", "::1", "2001:db8::1"} {
		a := netip.MustParseAddr(s)
		if got := string(appendIP([]byte("x"), a.AsSlice())); got != "x"+s {
			t.Errorf("appendIP(%s) = %q", s, got)
		}
	}
}

func TestAppendFirstLine(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"GET / HTTP/1.1\r\nHost: x\r\n", "GET / HTTP/1.1"},
		{"no line end", "no line end"},
		{"ctl\x01\x7f\xffbytes\n", "ctl...bytes"},
		{strings.Repeat("a", 80), strings.Repeat("a", 80)},
		{strings.Repeat("a", 81), strings.Repeat("a", 80) + "…"},
		{strings.Repeat("a", 80) + "\r\n", strings.Repeat("a", 80) + "…"}, // cut at 80 before the end is seen
		{"", ""},
	} {
		if got := string(appendFirstLine(nil, []byte(tc.in), 80)); got != tc.want {
			t.Errorf("appendFirstLine(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestTCPFlagText(t *testing.T) {
	for _, tc := range []struct {
		tcp  layers.TCP
		want string
	}{
		{layers.TCP{}, "[<None>]"},
		{layers.TCP{SYN: true}, "[SYN]"},
		{layers.TCP{SYN: true, ACK: true}, "[SYN, ACK]"},
		{layers.TCP{FIN: true, PSH: true, ACK: true}, "[FIN, PSH, ACK]"},
		{layers.TCP{FIN: true, SYN: true, RST: true, PSH: true, ACK: true, URG: true, ECE: true, CWR: true},
			"[FIN, SYN, RST, PSH, ACK, URG, ECE, CWR]"},
	} {
		if got := tcpFlagText[flagsByte(&tc.tcp)]; got != tc.want {
			t.Errorf("flags %+v: got %q, want %q", tc.tcp, got, tc.want)
		}
	}
}
