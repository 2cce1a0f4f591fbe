// netlab's protocol hierarchy against tshark's, on the same generated
// captures.

package capture

import (
	"bytes"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"netlab/internal/needtool"
)

// phsCounts are frames and bytes by protocol path ("eth:ip:tcp").
type phsCounts map[string][2]int64

// tsharkPHS runs `tshark -q -z io,phs` and reads its tree.
func tsharkPHS(t *testing.T, tshark, file string) phsCounts {
	t.Helper()
	out, err := exec.Command(tshark, "-q", "-z", "io,phs", "-r", file).Output()
	if err != nil {
		t.Fatalf("tshark: %v", err)
	}
	row := regexp.MustCompile(`^( *)(\S+)\s+frames:(\d+) bytes:(\d+)$`)
	counts := phsCounts{}
	var path []string
	for _, line := range strings.Split(string(out), "\n") {
		m := row.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		depth := len(m[1]) / 2
		path = append(path[:min(depth, len(path))], m[2])
		frames, _ := strconv.ParseInt(m[3], 10, 64)
		bytes, _ := strconv.ParseInt(m[4], 10, 64)
		key := strings.Join(path, ":")
		key = strings.TrimPrefix(key, "raw:") // tshark names the raw-IP link layer; it has no header
		counts[key] = [2]int64{frames, bytes}
	}
	return counts
}

// netlabPHS is netlab's hierarchy for a capture.
func netlabPHS(t *testing.T, data []byte) phsCounts {
	t.Helper()
	r, err := NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	s, st := newSummarizer(), &stats{}
	var f Frame
	for r.Next(&f) == nil {
		s.packet(&f, false)
		st.add(&s.v, &f)
	}
	counts := phsCounts{}
	for _, row := range st.rows() {
		counts[row.Path] = [2]int64{int64(row.Frames), row.Bytes}
	}
	return counts
}

// TestStatsMatchTshark: for the protocols both decode the same way (link
// layers, IP, TCP, UDP, DNS, ICMP, ARP), frames and bytes under each path
// are tshark's. HTTP is compared where every message fits one segment:
// tshark counts an HTTP message in the frame that completes it, netlab in
// the frame that starts it.
func TestStatsMatchTshark(t *testing.T) {
	tshark := needtool.Path(t, "tshark", "apt-get install tshark")
	same := map[string]bool{"eth": true, "sll": true, "null": true, "ip": true, "ipv6": true, "tcp": true,
		"udp": true, "dns": true, "icmp": true, "arp": true}
	for _, g := range genFiles() {
		t.Run(g.name, func(t *testing.T) {
			path := filepath.Join("testdata", g.name)
			want := tsharkPHS(t, tshark, path)
			got := netlabPHS(t, readTestdata(t, g.name))
			compared := 0
			for p, counts := range got {
				names := strings.Split(p, ":")
				ok := true
				for _, n := range names {
					ok = ok && (same[n] || n == "http" && g.name != "ether-mix.pcap")
				}
				if !ok {
					continue
				}
				compared++
				if want[p] != counts {
					t.Errorf("%s: netlab frames, bytes %v; tshark %v", p, counts, want[p])
				}
			}
			if compared == 0 {
				t.Errorf("no protocol path compared; netlab %v, tshark %v", got, want)
			}
		})
	}
}
