// Golden outputs of the reader over the generated test captures, in every
// mode. Refresh with `go test ./capture -update` and read the diff.

package capture

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"netlab/internal/golden"
)

// TestTestdataCaptures keeps the committed captures and their generator in
// step: -update rewrites them, otherwise they must match byte for byte.
func TestTestdataCaptures(t *testing.T) {
	for _, g := range genFiles() {
		golden.Check(t, filepath.Join("testdata", g.name), g.gen())
	}
}

// showFile runs Show over a committed capture.
func showFile(t *testing.T, name string, opts Options) (string, error) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err = Show(bytes.NewReader(data), &out, opts)
	return out.String(), err
}

func TestGoldenSummary(t *testing.T) {
	for _, g := range genFiles() {
		t.Run(g.name, func(t *testing.T) {
			out, err := showFile(t, g.name, Options{Follow: -1})
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(out, "malformed") || strings.Contains(out, "does not decode") && !strings.Contains(g.name, "mix") {
				t.Errorf("a generated capture did not decode cleanly:\n%s", out)
			}
			golden.Check(t, filepath.Join("testdata", "golden", g.name+".txt"), []byte(out))
		})
	}
}

func TestGoldenModes(t *testing.T) {
	tests := []struct {
		file, mode string
		opts       Options
	}{
		{"ether-mix.pcap", "v", Options{Verbose: true, Follow: -1}},
		{"ether-mix.pcap", "hex", Options{Hex: true, Follow: -1}},
		{"ether-mix.pcap", "streams", Options{Streams: true, Follow: -1}},
		{"ether-mix.pcap", "follow0", Options{Follow: 0}},
		{"ether-mix.pcap", "follow1", Options{Follow: 1}},
		{"ether-mix.pcap", "follow2", Options{Follow: 2}},
		{"ether-mix.pcap", "stats", Options{Stats: true, Follow: -1}},
		{"ether-mix.pcap", "json", Options{JSON: true, Follow: -1}},
		{"ether-mix.pcap", "v.json", Options{JSON: true, Verbose: true, Follow: -1}},
		{"ether-mix.pcap", "streams.json", Options{JSON: true, Streams: true, Follow: -1}},
		{"ether-mix.pcap", "follow0.json", Options{JSON: true, Follow: 0}},
		{"ether-mix.pcap", "stats.json", Options{JSON: true, Stats: true, Follow: -1}},
		{"mixed-links.pcapng", "v", Options{Verbose: true, Follow: -1}},
		{"sections.pcapng", "v", Options{Verbose: true, Follow: -1}},
		{"sections.pcapng", "json", Options{JSON: true, Follow: -1}},
		{"loop-108-big.pcap", "hex", Options{Hex: true, Follow: -1}},
		{"sll2-276-nanos-big.pcap", "v", Options{Verbose: true, Follow: -1}},
		{"ether-v6-nanos-big.pcap", "follow0", Options{Follow: 0}},
	}
	for _, tt := range tests {
		t.Run(tt.file+"/"+tt.mode, func(t *testing.T) {
			out, err := showFile(t, tt.file, tt.opts)
			if err != nil {
				t.Fatal(err)
			}
			ext := ".txt"
			if tt.opts.JSON {
				ext = "l" // .json → .jsonl
			}
			golden.Check(t, filepath.Join("testdata", "golden", tt.file+"."+tt.mode+ext), []byte(out))
		})
	}
}
