package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testCapture is one of the capture package's committed test captures.
func testCapture(name string) string { return filepath.Join("..", "..", "capture", "testdata", name) }

func TestPcapCommand(t *testing.T) {
	mix := testCapture("ether-mix.pcap")
	data, err := os.ReadFile(mix)
	if err != nil {
		t.Fatal(err)
	}
	truncated := filepath.Join(t.TempDir(), "cut.pcap")
	if err := os.WriteFile(truncated, data[:1000], 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		args       []string
		wantCode   int
		wantOut    []string
		wantErr    []string
		notWantOut []string
	}{
		{"summary", []string{"pcap", mix}, exitOK, []string{"file: pcap 2.4", "GET /hello HTTP/1.1", "WebSocket text [FIN] [MASKED]"}, nil, nil},
		{"flags after the file", []string{"pcap", mix, "--stats"}, exitOK, []string{"Protocol hierarchy", "L4 Transport"}, nil, []string{"GET /hello"}},
		{"flags before the file", []string{"pcap", "--streams", mix}, exitOK, []string{"TCP streams: 3", "10.0.0.1:40000 → 10.0.0.2:80"}, nil, nil},
		{"follow", []string{"pcap", mix, "--follow", "0"}, exitOK, []string{"HTTP/1.1, then WebSocket", "payload, unmasked:"}, nil, nil},
		{"verbose", []string{"pcap", "-v", mix}, exitOK, []string{"L2 Ethernet II", "L3  TTL", "L4  window"}, nil, nil},
		{"hex", []string{"pcap", mix, "--hex"}, exitOK, []string{"0000  02 00 00 00 00 01"}, nil, nil},
		{"no file", []string{"pcap"}, exitUsage, nil, []string{"pcap wants one capture file, got 0"}, nil},
		{"two files", []string{"pcap", mix, mix}, exitUsage, nil, []string{"got 2 arguments"}, nil},
		{"no such stream", []string{"pcap", mix, "--follow", "9"}, exitUsage, nil, []string{"no TCP stream with that index: 9", "0: 10.0.0.1:40000 → 10.0.0.2:80", "2: 10.0.0.1:40002"}, nil},
		{"negative stream", []string{"pcap", mix, "--follow", "-1"}, exitUsage, nil, []string{"--follow -1: want a stream number"}, nil},
		{"follow without a number", []string{"pcap", mix, "--follow", "x"}, exitUsage, nil, []string{"invalid value"}, nil},
		{"unknown flag", []string{"pcap", mix, "--frobnicate"}, exitUsage, nil, []string{"flag provided but not defined: -frobnicate"}, nil},
		{"missing file", []string{"pcap", filepath.Join(t.TempDir(), "none.pcap")}, exitFailed, nil, []string{"cannot open the capture", "no such file"}, nil},
		{"not a capture", []string{"pcap", "pcap_test.go"}, exitFailed, nil, []string{"byte 0", "not a pcap or pcapng file"}, nil},
		{"truncated: the good packets, then the error", []string{"pcap", truncated}, exitFailed,
			[]string{"GET /hello HTTP/1.1"}, []string{"cut.pcap: byte 1000, reading packet 11 (record starting at byte 903)", "the file ends"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit status %d, want %d (stderr: %s)", code, tt.wantCode, stderr)
			}
			for _, want := range tt.wantOut {
				if !strings.Contains(stdout, want) {
					t.Errorf("stdout does not say %q:\n%s", want, firstLines(stdout, 20))
				}
			}
			for _, bad := range tt.notWantOut {
				if strings.Contains(stdout, bad) {
					t.Errorf("stdout says %q", bad)
				}
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr does not say %q:\n%s", want, stderr)
				}
			}
		})
	}
}

func firstLines(s string, n int) string {
	lines := strings.SplitN(s, "\n", n+1)
	return strings.Join(lines[:min(n, len(lines))], "\n")
}

// TestPcapJSON: with --json, every mode writes JSON objects, one per line,
// and nothing else; a broken file ends with an error object.
func TestPcapJSON(t *testing.T) {
	mix := testCapture("ether-mix.pcap")
	data, _ := os.ReadFile(mix)
	cut := filepath.Join(t.TempDir(), "cut.pcap")
	if err := os.WriteFile(cut, data[:1000], 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"pcap", mix, "--json"},
		{"pcap", mix, "--json", "-v", "--hex"},
		{"pcap", mix, "--json", "--streams", "--stats"},
		{"pcap", mix, "--json", "--follow", "0"},
		{"pcap", testCapture("sections.pcapng"), "--json"},
		{"pcap", cut, "--json"},
	} {
		t.Run(strings.Join(args[2:], " "), func(t *testing.T) {
			_, stdout, _ := runCLI(t, "", args...)
			kinds := map[string]int{}
			for i, line := range strings.Split(strings.TrimSuffix(stdout, "\n"), "\n") {
				var obj map[string]any
				if err := json.Unmarshal([]byte(line), &obj); err != nil {
					t.Fatalf("line %d is not a JSON object: %v\n%s", i+1, err, line)
				}
				kind, _ := obj["kind"].(string)
				kinds[kind]++
			}
			if kinds["capture"] != 1 || kinds["interface"] == 0 {
				t.Errorf("kinds %v: want one capture line and the interfaces", kinds)
			}
			if args[1] == cut && kinds["error"] != 1 {
				t.Errorf("a broken file's JSON does not end with an error object: %v", kinds)
			}
		})
	}
}

func TestPcapHelp(t *testing.T) {
	code, stdout, _ := runCLI(t, "", "pcap", "--help")
	if code != exitOK {
		t.Fatalf("exit status %d", code)
	}
	for _, want := range []string{"OSI layer", "examples: netlab pcap lesson.pcap", "--follow N", "magic", "tshark"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("help does not say %q:\n%s", want, stdout)
		}
	}
}
