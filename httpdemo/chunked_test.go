// Tests of the chunked transfer coding (RFC 9112, section 7.1).

package httpdemo

import (
	"errors"
	"strings"
	"testing"
)

func TestParseChunkSize(t *testing.T) {
	tests := []struct {
		line string
		want int64
		ok   bool
	}{
		{"0\r\n", 0, true},
		{"000\r\n", 0, true}, // last-chunk = 1*("0")
		{"5\r\n", 5, true},
		{"a\r\n", 10, true},
		{"A\r\n", 10, true}, // HEXDIG is case-insensitive (RFC 5234, section 2.3)
		{"1f\r\n", 31, true},
		{"1F\r\n", 31, true},
		{"fffffffffffffff\r\n", 1<<60 - 1, true}, // 15 digits: the most netlab reads
		{"5;name=value\r\n", 5, true},            // chunk-ext
		{"5;a;b=\"c;d\"\r\n", 5, true},
		{"5 ;name\r\n", 5, true}, // BWS before ';'
		{"5\t;name\r\n", 5, true},
		{"\r\n", 0, false},
		{";name\r\n", 0, false},
		{"g\r\n", 0, false},
		{"+5\r\n", 0, false}, // chunk-size = 1*HEXDIG: no sign
		{"-5\r\n", 0, false},
		{"-0\r\n", 0, false},
		{"0x5\r\n", 0, false},
		{"5_0\r\n", 0, false},
		{" 5\r\n", 0, false},
		{"5 5\r\n", 0, false},
		{"1000000000000000\r\n", 0, false}, // 16 digits
		{"0000000000000001\r\n", 0, false}, // 16 digits, even if small
	}
	for _, tt := range tests {
		t.Run(strings.TrimSuffix(tt.line, "\r\n"), func(t *testing.T) {
			got, err := parseChunkSize([]byte(tt.line))
			if tt.ok {
				if err != nil || got != tt.want {
					t.Errorf("parseChunkSize(%q) = %d, %v; want %d", tt.line, got, err, tt.want)
				}
				return
			}
			if !errors.Is(err, ErrBadChunk) {
				t.Errorf("parseChunkSize(%q) = %d, %v; want ErrBadChunk", tt.line, got, err)
			}
		})
	}
}

// TestReadChunked reads chunked bodies on their own: the decoded body, and
// raw bytes that are exactly the chunked coding, no more.
func TestReadChunked(t *testing.T) {
	tests := []struct {
		name string
		wire string
		body string
	}{
		{"only the last chunk", "0\r\n" +
			"\r\n", ""},
		{"one chunk", "3\r\n" +
			"abc\r\n" +
			"0\r\n" +
			"\r\n", "abc"},
		{"chunk data holding CRLF and a fake last chunk", "a\r\n" +
			"\r\n0\r\n\r\nxxx\r\n" + // 10 bytes of data that look like framing
			"0\r\n" +
			"\r\n", "\r\n0\r\n\r\nxxx"},
		{"trailer fields", "1\r\n" +
			"x\r\n" +
			"0\r\n" +
			"Expires: never\r\n" +
			"Digest: sha-256=abc\r\n" +
			"\r\n", "x"},
		{"a chunk longer than the bufio buffer", "1000\r\n" + // 4096 bytes
			strings.Repeat("y", 4096) + "\r\n" +
			"0\r\n" +
			"\r\n", strings.Repeat("y", 4096)},
	}
	const next = "GET /next HTTP/1.1\r\n\r\n"
	for _, tt := range tests {
		for _, rd := range readers {
			t.Run(tt.name+"/"+rd.name, func(t *testing.T) {
				br := rd.wrap(strings.NewReader(tt.wire + next))
				body, raw, err := readChunked(br, Limits{})
				if err != nil {
					t.Fatalf("readChunked: %v", err)
				}
				if string(body) != tt.body {
					t.Errorf("body = %q, want %q", body, tt.body)
				}
				if string(raw) != tt.wire {
					t.Errorf("raw = %q, want %q", raw, tt.wire)
				}
				if r := rest(t, br); r != next {
					t.Errorf("left in the reader: %q, want %q", r, next)
				}
			})
		}
	}
}
