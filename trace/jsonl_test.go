// Tests for the JSON-lines form: one event per line, every kind.

package trace

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"netlab/internal/golden"
	"netlab/osi"
)

// everyKind holds one event of each kind with the fields SCHEMA.md gives
// that kind, as a lesson would record them.
var everyKind = []Event{
	{Seq: 0, T: 0, Kind: KindLesson, Lesson: "sockets", Title: "Sockets",
		Question: "What does TCP deliver?", Layers: osi.Range(osi.Transport, osi.Application)},
	{Seq: 1, T: 1000, Kind: KindStep, Step: 1, Title: "Open a listening socket"},
	{Seq: 2, T: 2000, Kind: KindSay, Text: "The kernel picks a free port.", Layer: osi.Transport},
	{Seq: 3, T: 3000, Kind: KindTable, Title: "Two endpoints", Columns: []string{"end", "endpoint"},
		Rows: [][]string{{"client", "127.0.0.1:50000"}, {"server", "127.0.0.1:9001"}}},
	{Seq: 4, T: 4000, Kind: KindListen, Listener: 1, Name: "server", Local: "127.0.0.1:9001"},
	{Seq: 5, T: 5000, Kind: KindOpen, Conn: 1, Name: "client", Role: "client",
		Local: "127.0.0.1:50000", Remote: "127.0.0.1:9001", Initiator: "local"},
	{Seq: 6, T: 6000, Kind: KindWrite, Conn: 1, Name: "client", Offset: 0, Data: []byte("GET / HTTP/1.1\r\n")},
	{Seq: 7, T: 7000, Kind: KindRead, Conn: 2, Name: "server", Offset: 0, Data: []byte{0x00, 0xff, 0x10}},
	{Seq: 8, T: 8000, Kind: KindAnnotate, Conn: 1, Name: "client", Dir: Sent, Offset: 0,
		Fields: []osi.Annotation{{Start: 0, End: 3, Field: "method", Value: "GET", Meaning: "read", Layer: osi.Application}}},
	{Seq: 9, T: 9000, Kind: KindShutdown, Conn: 1, Name: "client", Offset: 16},
	{Seq: 10, T: 10000, Kind: KindEOF, Conn: 2, Name: "server", Offset: 3},
	{Seq: 11, T: 11000, Kind: KindError, Conn: 2, Name: "server", Err: "read: connection reset by peer (TCP RST)"},
	{Seq: 12, T: 12000, Kind: KindClose, Conn: 1, Name: "client"},
	{Seq: 13, T: 13000, Kind: KindUnlisten, Listener: 1, Name: "server", Local: "127.0.0.1:9001"},
	{Seq: 14, T: 14000, Kind: KindAnswer, Lesson: "sockets", Question: "What does TCP deliver?", Answer: "Bytes."},
}

func TestEventJSONRoundTrip(t *testing.T) {
	seen := make(map[Kind]bool)
	for _, in := range everyKind {
		seen[in.Kind] = true
		t.Run(string(in.Kind), func(t *testing.T) {
			b, err := json.Marshal(in)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			var out Event
			if err := json.Unmarshal(b, &out); err != nil {
				t.Fatalf("Unmarshal(%s): %v", b, err)
			}
			if !reflect.DeepEqual(out, in) {
				t.Errorf("round trip through %s:\n got  %+v\n want %+v", b, out, in)
			}
		})
	}
	// A new kind must be added to the table.
	for _, k := range []Kind{KindLesson, KindStep, KindSay, KindTable, KindListen, KindUnlisten,
		KindOpen, KindWrite, KindRead, KindShutdown, KindEOF, KindError, KindClose, KindAnnotate, KindAnswer} {
		if !seen[k] {
			t.Errorf("kind %q has no event in everyKind", k)
		}
	}
}

// The table's JSON lines are the schema by example: a change to them is a
// change to the public format (go test ./trace -update to accept one).
func TestEveryKindGolden(t *testing.T) {
	var buf bytes.Buffer
	sink := NewJSONSink(&buf)
	for _, e := range everyKind {
		sink.Event(e)
	}
	if err := sink.Err(); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "testdata/every-kind.jsonl", buf.Bytes())
}

// decodeFields returns the JSON object's keys and raw values.
func decodeFields(t *testing.T, b []byte) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return m
}

// "offset" appears, even as 0, exactly on the kinds that have one (SCHEMA.md:
// write, read, annotate, shutdown, eof); "len" and "hex" on reads and
// writes; "layers" on lessons, even when empty.
func TestOffsetPresentOnlyWhereItMeansSomething(t *testing.T) {
	tests := []struct {
		e    Event
		want map[string]string // key: raw JSON value; "" means absent
	}{
		{Event{Kind: KindWrite}, map[string]string{"offset": "0", "len": "0", "hex": ""}},
		{Event{Kind: KindRead}, map[string]string{"offset": "0", "len": "0", "hex": ""}},
		{Event{Kind: KindWrite, Offset: 7, Data: []byte("ab")}, map[string]string{"offset": "7", "len": "2", "hex": `"6162"`}},
		{Event{Kind: KindAnnotate}, map[string]string{"offset": "0", "len": "", "hex": ""}},
		{Event{Kind: KindShutdown}, map[string]string{"offset": "0", "len": "", "hex": ""}},
		{Event{Kind: KindEOF}, map[string]string{"offset": "0", "len": "", "hex": ""}},
		{Event{Kind: KindEOF, Offset: 12}, map[string]string{"offset": "12"}},
		{Event{Kind: KindClose, Offset: 9}, map[string]string{"offset": ""}},
		{Event{Kind: KindError, Offset: 9}, map[string]string{"offset": ""}},
		{Event{Kind: KindSay}, map[string]string{"offset": "", "len": "", "hex": ""}},
		{Event{Kind: KindOpen, Offset: 9}, map[string]string{"offset": "", "len": ""}},
		{Event{Kind: KindLesson}, map[string]string{"layers": "[]", "offset": ""}},
		{Event{Kind: KindSay, Layers: osi.Of(osi.Transport)}, map[string]string{"layers": ""}},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s offset %d", tt.e.Kind, tt.e.Offset), func(t *testing.T) {
			b, err := json.Marshal(tt.e)
			if err != nil {
				t.Fatal(err)
			}
			m := decodeFields(t, b)
			for key, want := range tt.want {
				got, ok := m[key]
				switch {
				case want == "" && ok:
					t.Errorf("%s: %q is present (%s), want it absent", b, key, got)
				case want != "" && !ok:
					t.Errorf("%s: %q is absent, want %s", b, key, want)
				case want != "" && string(got) != want:
					t.Errorf("%s: %q = %s, want %s", b, key, got, want)
				}
			}
		})
	}
}

func TestMarshalFixedFields(t *testing.T) {
	e := Event{Seq: 3, T: 1500 * time.Nanosecond, Kind: KindWrite, Conn: 1, Data: []byte{0xde, 0xad, 0xbe, 0xef}}
	b, err := json.Marshal(e)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"v":1,"seq":3,"t_ns":1500,"kind":"write","conn":1,"offset":0,"len":4,"hex":"deadbeef"}`
	if got := string(b); got != want {
		t.Errorf("Marshal =\n %s\nwant\n %s", got, want)
	}
}

func TestUnmarshalRejects(t *testing.T) {
	tests := []struct {
		name string
		line string
	}{
		{"len larger than hex", `{"v":1,"seq":5,"kind":"write","offset":0,"len":3,"hex":"6162"}`},
		{"len smaller than hex", `{"v":1,"seq":5,"kind":"read","offset":0,"len":1,"hex":"6162"}`},
		{"len without hex", `{"v":1,"seq":5,"kind":"write","offset":0,"len":2}`},
		{"odd hex", `{"v":1,"seq":5,"kind":"write","offset":0,"len":1,"hex":"616"}`},
		{"not hex", `{"v":1,"seq":5,"kind":"write","offset":0,"len":1,"hex":"zz"}`},
		{"layer 8 in layers", `{"v":1,"seq":0,"kind":"lesson","layers":[4,8]}`},
		{"seq is a string", `{"v":1,"seq":"0","kind":"say"}`},
		{"not an object", `[1,2]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var e Event
			if err := json.Unmarshal([]byte(tt.line), &e); err == nil {
				t.Errorf("Unmarshal(%s) = %+v, want an error", tt.line, e)
			}
		})
	}
}

// Hex is read in either case, and a read or write without bytes has nil
// Data.
func TestUnmarshalData(t *testing.T) {
	tests := []struct {
		line string
		want []byte
	}{
		{`{"v":1,"seq":0,"kind":"read","offset":0,"len":2,"hex":"BEEF"}`, []byte{0xbe, 0xef}},
		{`{"v":1,"seq":0,"kind":"read","offset":0,"len":0}`, nil},
	}
	for _, tt := range tests {
		var e Event
		if err := json.Unmarshal([]byte(tt.line), &e); err != nil {
			t.Errorf("Unmarshal(%s): %v", tt.line, err)
			continue
		}
		if !reflect.DeepEqual(e.Data, tt.want) {
			t.Errorf("Unmarshal(%s).Data = %#v, want %#v", tt.line, e.Data, tt.want)
		}
	}
}

func TestReadJSONL(t *testing.T) {
	var buf bytes.Buffer
	sink := NewJSONSink(&buf)
	for _, e := range everyKind {
		sink.Event(e)
	}
	// A blank line in the middle and at the end is skipped.
	text := strings.Replace(buf.String(), "\n", "\n\n", 1) + "\n"
	got, err := ReadJSONL(strings.NewReader(text))
	if err != nil {
		t.Fatalf("ReadJSONL: %v", err)
	}
	if !reflect.DeepEqual(got, everyKind) {
		t.Errorf("ReadJSONL gave %d events, want the %d written, equal", len(got), len(everyKind))
	}
}

func TestReadJSONLNamesBadLine(t *testing.T) {
	good := `{"v":1,"seq":0,"kind":"say","text":"ok"}`
	tests := []struct {
		name     string
		text     string
		wantLine string
		wantN    int   // events read before the bad line
		wantIs   error // nil: any error
	}{
		{"bad JSON on line 2", good + "\n{not json\n" + good + "\n", "trace: line 2:", 1, nil},
		{"len mismatch on line 3", good + "\n" + good + "\n" +
			`{"v":1,"seq":2,"kind":"write","offset":0,"len":9,"hex":"00"}` + "\n", "trace: line 3:", 2, nil},
		// Blank lines count: the error names the line in the file.
		{"bad line after a blank line", good + "\n\n" + "}\n", "trace: line 3:", 1, nil},
		{"line longer than MaxLine", good + "\n\n" + `{"text":"` + strings.Repeat("x", MaxLine) + `"}` + "\n",
			"trace: line 3:", 1, bufio.ErrTooLong},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadJSONL(strings.NewReader(tt.text))
			if err == nil {
				t.Fatalf("ReadJSONL gave %d events and no error, want an error", len(got))
			}
			if !strings.HasPrefix(err.Error(), tt.wantLine) {
				t.Errorf("error %q does not start %q", err, tt.wantLine)
			}
			if tt.wantIs != nil && !errors.Is(err, tt.wantIs) {
				t.Errorf("error %q is not %v", err, tt.wantIs)
			}
			if len(got) != tt.wantN {
				t.Errorf("ReadJSONL returned %d events before the error, want %d", len(got), tt.wantN)
			}
		})
	}
}

// A 1 MiB write is about 2 MiB of hex: well under MaxLine, and read back.
func TestReadJSONLLargeWrite(t *testing.T) {
	data := bytes.Repeat([]byte{0xa5}, 1<<20)
	var buf bytes.Buffer
	sink := NewJSONSink(&buf)
	sink.Event(Event{Kind: KindWrite, Conn: 1, Data: data})
	got, err := ReadJSONL(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !bytes.Equal(got[0].Data, data) {
		t.Errorf("read back %d events, want one holding the 1 MiB written", len(got))
	}
}

func TestJSONSinkWritesOneLinePerEvent(t *testing.T) {
	var buf bytes.Buffer
	r := NewRecorder(Options{Clock: StepClock(time.Microsecond), Sinks: []Sink{NewJSONSink(&buf)}})
	r.Record(Event{Kind: KindSay, Text: "one"})
	r.Record(Event{Kind: KindSay, Text: "two\nlines"}) // a newline in a string stays escaped
	want := `{"v":1,"seq":0,"t_ns":0,"kind":"say","text":"one"}` + "\n" +
		`{"v":1,"seq":1,"t_ns":1000,"kind":"say","text":"two\nlines"}` + "\n"
	if got := buf.String(); got != want {
		t.Errorf("sink wrote\n%s\nwant\n%s", got, want)
	}
}

// failingWriter accepts ok writes, then fails every write after.
type failingWriter struct {
	ok     int
	writes int
	buf    bytes.Buffer
}

var errDiskFull = errors.New("disk full")

func (w *failingWriter) Write(p []byte) (int, error) {
	w.writes++
	if w.writes > w.ok {
		return 0, errDiskFull
	}
	return w.buf.Write(p)
}

func TestJSONSinkStopsAfterWriteError(t *testing.T) {
	w := &failingWriter{ok: 2}
	sink := NewJSONSink(w)
	for i := range 5 {
		sink.Event(Event{Seq: int64(i), Kind: KindSay})
	}
	if got, want := w.writes, 3; got != want {
		t.Errorf("the writer was called %d times, want %d (two good, one failing, then none)", got, want)
	}
	if got, want := strings.Count(w.buf.String(), "\n"), 2; got != want {
		t.Errorf("%d lines written, want %d", got, want)
	}
	err := sink.Err()
	if !errors.Is(err, errDiskFull) {
		t.Fatalf("Err() = %v, want it to wrap %v", err, errDiskFull)
	}
	if want := "trace: write event 2: disk full"; err.Error() != want {
		t.Errorf("Err() = %q, want %q", err, want)
	}
}

func TestJSONSinkNoError(t *testing.T) {
	sink := NewJSONSink(new(bytes.Buffer))
	sink.Event(Event{Kind: KindSay})
	if err := sink.Err(); err != nil {
		t.Errorf("Err() = %v, want nil", err)
	}
}
