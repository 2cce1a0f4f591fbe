package narrate

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"netlab/osi"
	"netlab/trace"
)

func TestWrap(t *testing.T) {
	tests := []struct {
		text, indent string
		width        int
		want         string
	}{
		{"one two three", "", 7, "one two\nthree"},
		{"one two three", "  ", 9, "  one two\n  three"},
		{"a\nb", "> ", 80, "> a\n> b"},
		{"averyveryverylongword x", "", 5, "averyveryverylongword\nx"},
		{"\x1b[1mbold\x1b[0m word", "", 9, "\x1b[1mbold\x1b[0m word"},
	}
	for _, tt := range tests {
		if got := wrap(tt.text, tt.indent, tt.width); got != tt.want {
			t.Errorf("wrap(%q, %q, %d) = %q, want %q", tt.text, tt.indent, tt.width, got, tt.want)
		}
	}
}

func TestDataBlock(t *testing.T) {
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"text with CRLF", []byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
			"| GET / HTTP/1.1\\r\\n\n| Host: x\\r\\n\n| \\r\\n\n"},
		{"binary as hex", []byte{0x81, 0x05, 'H', 'e', 'l', 'l', 'o'},
			"| 0000  81 05 48 65 6c 6c 6f                              |..Hello|\n"},
		{"invalid UTF-8 is binary", []byte{'a', 0xff},
			"| 0000  61 ff                                             |a.|\n"},
	}
	for _, tt := range tests {
		if got := dataBlock(tt.data, "| "); got != tt.want {
			t.Errorf("%s: dataBlock =\n%q\nwant\n%q", tt.name, got, tt.want)
		}
	}
	long := bytes.Repeat([]byte("line\n"), maxDataLines+5)
	got := dataBlock(long, "")
	if lines := strings.Count(got, "\n"); lines != maxDataLines+1 {
		t.Errorf("a %d-line write printed %d lines, want %d and a count", maxDataLines+5, lines, maxDataLines+1)
	}
	if !strings.Contains(got, "… 5 more lines") {
		t.Errorf("the cut is not counted:\n%s", got)
	}
}

func TestFormatTable(t *testing.T) {
	got := FormatTable([]string{"a", "long heading"}, [][]string{{"wide cell", "x"}, {"y"}}, "  ")
	want := "" +
		"  a          long heading\n" +
		"  ─────────  ────────────\n" +
		"  wide cell  x\n" +
		"  y\n"
	if got != want {
		t.Errorf("FormatTable =\n%s\nwant\n%s", got, want)
	}
}

// TestEveryKind: the narrator prints something for every kind of event,
// and colour escapes appear only when asked for.
func TestEveryKind(t *testing.T) {
	events := []trace.Event{
		{Kind: trace.KindLesson, Lesson: "x", Title: "T", Question: "Q?", Layers: osi.Of(osi.Transport)},
		{Kind: trace.KindStep, Step: 1, Title: "first"},
		{Kind: trace.KindSay, Text: "said", Layer: osi.Application},
		{Kind: trace.KindTable, Title: "tbl", Columns: []string{"c"}, Rows: [][]string{{"r"}}},
		{Kind: trace.KindListen, Listener: 1, Name: "server", Local: "127.0.0.1:1"},
		{Kind: trace.KindOpen, Conn: 1, Name: "client", Role: "client", Local: "127.0.0.1:2", Remote: "127.0.0.1:1", Initiator: "local"},
		{Kind: trace.KindWrite, Conn: 1, Data: []byte("hi")},
		{Kind: trace.KindRead, Conn: 1, Data: []byte("yo"), Offset: 0},
		{Kind: trace.KindAnnotate, Conn: 1, Dir: trace.Sent, Fields: []osi.Annotation{{Start: 0, End: 2, Field: "greeting", Value: "hi", Meaning: "a word", Layer: osi.Application}}},
		{Kind: trace.KindShutdown, Conn: 1, Offset: 2},
		{Kind: trace.KindEOF, Conn: 1},
		{Kind: trace.KindError, Conn: 1, Err: "read: timed out"},
		{Kind: trace.KindClose, Conn: 1},
		{Kind: trace.KindUnlisten, Listener: 1, Name: "server", Local: "127.0.0.1:1"},
		{Kind: trace.KindAnswer, Question: "Q?", Answer: "A."},
	}
	for _, color := range []bool{false, true} {
		var out bytes.Buffer
		n := New(&out, Options{Color: color})
		for _, e := range events {
			before := out.Len()
			n.Event(e)
			if out.Len() == before {
				t.Errorf("color=%v: nothing printed for %q", color, e.Kind)
			}
		}
		if got := strings.Contains(out.String(), "\x1b["); got != color {
			t.Errorf("color=%v: escapes present = %v", color, got)
		}
		for _, want := range []string{"client wrote 2 bytes", "greeting", "a word", "FIN", "timed out", "Answer: A."} {
			if !color && !strings.Contains(out.String(), want) {
				t.Errorf("color=%v: output lacks %q", color, want)
			}
		}
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriteErrorIsKept(t *testing.T) {
	n := New(failingWriter{}, Options{})
	n.Event(trace.Event{Kind: trace.KindSay, Text: "x"})
	n.Event(trace.Event{Kind: trace.KindSay, Text: "y"})
	if err := n.Err(); err == nil || !strings.Contains(err.Error(), "disk full") {
		t.Errorf("Err() = %v, want the write error", err)
	}
}
