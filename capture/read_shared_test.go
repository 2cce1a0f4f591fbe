// Real captures made by other tools (tcpdump, Zeek, dnscap, gopacket's
// tests), read when NETLAB_SHARED_CAPTURES names their folder. The
// project's own tests do not need them; CI runs this as an extra check.

package capture

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// followBytes reassembles and decodes stream n of a capture.
func followBytes(t *testing.T, data []byte, n int) *FollowResult {
	t.Helper()
	r, err := NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	s, fw := newSummarizer(), newFollower(n, ReassemblyLimits{})
	var f Frame
	for r.Next(&f) == nil {
		s.packet(&f, false)
		fw.add(s, &f)
	}
	if fw.conv == nil {
		t.Fatalf("no stream %d", n)
	}
	return fw.finish()
}

// unitsOf counts a followed stream's decoded messages by protocol, and
// collects what each says in its first field values.
func unitsOf(res *FollowResult) (map[string]int, string) {
	count := map[string]int{}
	var text strings.Builder
	for _, u := range res.Units {
		count[u.Protocol]++
		for _, f := range u.Fields {
			text.WriteString(f.Value + " " + f.Meaning + "\n")
		}
		if u.Payload != nil {
			text.Write(u.Payload)
			text.WriteByte('\n')
		}
	}
	return count, text.String()
}

func TestSharedCaptures(t *testing.T) {
	dir := os.Getenv("NETLAB_SHARED_CAPTURES")
	if dir == "" {
		t.Skip("NETLAB_SHARED_CAPTURES not set: the real captures in ../shared/captures are an extra check")
	}
	tests := []struct {
		file    string
		packets int
		check   func(t *testing.T, data []byte, summary string)
	}{
		{"http11-loopback-get-200.pcap", 10, func(t *testing.T, data []byte, _ string) {
			count, text := unitsOf(followBytes(t, data, 0))
			if count["HTTP"] != 2 || !strings.Contains(text, "GET") || !strings.Contains(text, "200") {
				t.Errorf("want a GET and its 200 decoded, got %v", count)
			}
		}},
		{"http11-get-multisegment.pcap", 14, func(t *testing.T, data []byte, _ string) {
			res := followBytes(t, data, 0)
			count, _ := unitsOf(res)
			if count["HTTP"] != 2 || count[""] != 0 {
				t.Errorf("want the request and the response reassembled from its segments and decoded, got %v", count)
			}
		}},
		{"websocket-text-masked-close.pcap", 22, func(t *testing.T, data []byte, _ string) {
			res := followBytes(t, data, 0)
			count, text := unitsOf(res)
			if count["HTTP"] != 2 || count["WebSocket"] < 8 || !strings.Contains(text, "close") {
				t.Errorf("want the handshake and the text and close frames, unmasked: %v, %s", count, res.Protocol)
			}
		}},
		{"websocket-ping-pong-continuation.pcap", 18, func(t *testing.T, data []byte, _ string) {
			count, text := unitsOf(followBytes(t, data, 0))
			for _, want := range []string{"ping", "pong", "continuation", "Hello Zeek!"} {
				if !strings.Contains(text, want) {
					t.Errorf("no %q among the decoded frames (%v)", want, count)
				}
			}
		}},
		{"ipv4-frag-overlap-conflict.pcap", 6, func(t *testing.T, _ []byte, summary string) {
			if !strings.Contains(summary, "Fragmented IP protocol") {
				t.Error("fragments not shown as fragments")
			}
		}},
		{"ipv4-frag-incomplete.pcap", 5, nil},
		{"dns-udp-tiny-frags-linktype228.pcap", 495, func(t *testing.T, _ []byte, summary string) {
			if !strings.Contains(summary, "link type 228") {
				t.Error("link type 228 not named")
			}
		}},
		{"dns-udp-query-response.pcap", 2, func(t *testing.T, _ []byte, summary string) {
			if !strings.Contains(summary, "Standard query response 0x5934 A www.tcpdump.org") {
				t.Error("DNS answer not decoded")
			}
		}},
		{"pcapng-3-interfaces-mixed-linktypes.pcapng", 5, func(t *testing.T, _ []byte, summary string) {
			if strings.Count(summary, "no timestamp") != 2 || strings.Contains(summary, "1970") || strings.Contains(summary, "0001-") {
				t.Error("packets without a timestamp are not shown as such")
			}
			if !strings.Contains(summary, "interface 1: link type 0") {
				t.Error("the second interface's link type is not NULL")
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join(dir, tt.file))
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			if err := Show(bytes.NewReader(data), &out, Options{Follow: -1}); err != nil {
				t.Fatalf("summary: %v", err)
			}
			if n := len(packetLine.FindAllString(out.String(), -1)); n != tt.packets {
				t.Errorf("%d packets, want %d", n, tt.packets)
			}
			if strings.Contains(out.String(), "[malformed") {
				t.Errorf("a packet did not decode:\n%s", out.String())
			}
			for _, o := range []Options{{Verbose: true, Hex: true, Follow: -1}, {Streams: true, Stats: true, Follow: -1}, {JSON: true, Verbose: true, Follow: -1}} {
				if err := Show(bytes.NewReader(data), io.Discard, o); err != nil {
					t.Errorf("%+v: %v", o, err)
				}
			}
			if tt.check != nil {
				tt.check(t, data, out.String())
			}
		})
	}
}
