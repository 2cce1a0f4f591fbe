// JSON lines: the trace's public, documented form (SCHEMA.md).

package trace

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"

	"netlab/osi"
)

// SchemaVersion is written in the "v" field of every line. It changes only
// when a field changes meaning or disappears; new fields do not change it.
const SchemaVersion = 1

// wireEvent is the JSON shape of an Event (SCHEMA.md). Offset is a pointer
// so that it appears (even as 0) exactly on the kinds that have one.
type wireEvent struct {
	V         int              `json:"v"`
	Seq       int64            `json:"seq"`
	TNanos    int64            `json:"t_ns"`
	Kind      Kind             `json:"kind"`
	Conn      int              `json:"conn,omitempty"`
	Listener  int              `json:"listener,omitempty"`
	Name      string           `json:"name,omitempty"`
	Role      string           `json:"role,omitempty"`
	Local     string           `json:"local,omitempty"`
	Remote    string           `json:"remote,omitempty"`
	Initiator string           `json:"initiator,omitempty"`
	Dir       Direction        `json:"dir,omitempty"`
	Offset    *int64           `json:"offset,omitempty"`
	Len       *int             `json:"len,omitempty"`
	Hex       string           `json:"hex,omitempty"`
	Fields    []osi.Annotation `json:"fields,omitempty"`
	Err       string           `json:"error,omitempty"`
	Lesson    string           `json:"lesson,omitempty"`
	Title     string           `json:"title,omitempty"`
	Question  string           `json:"question,omitempty"`
	Answer    string           `json:"answer,omitempty"`
	Layers    *osi.Set         `json:"layers,omitempty"`
	Seed      uint64           `json:"seed,omitempty"`
	Start     string           `json:"start,omitempty"`
	Proto     string           `json:"proto,omitempty"`
	Simulated bool             `json:"simulated,omitempty"`
	Layer     osi.Layer        `json:"layer,omitempty"`
	Step      int              `json:"step,omitempty"`
	Text      string           `json:"text,omitempty"`
	Columns   []string         `json:"columns,omitempty"`
	Rows      [][]string       `json:"rows,omitempty"`
}

// MarshalJSON writes the event as one JSON object of the documented schema.
func (e Event) MarshalJSON() ([]byte, error) {
	w := wireEvent{
		V: SchemaVersion, Seq: e.Seq, TNanos: int64(e.T), Kind: e.Kind,
		Conn: e.Conn, Listener: e.Listener, Name: e.Name, Role: e.Role,
		Local: e.Local, Remote: e.Remote, Initiator: e.Initiator, Dir: e.Dir,
		Fields: e.Fields, Err: e.Err, Lesson: e.Lesson, Title: e.Title,
		Question: e.Question, Answer: e.Answer, Layer: e.Layer, Step: e.Step,
		Text: e.Text, Columns: e.Columns, Rows: e.Rows, Seed: e.Seed,
		Proto: e.Proto, Simulated: e.Simulated,
	}
	if !e.Start.IsZero() {
		w.Start = e.Start.UTC().Format(time.RFC3339Nano)
	}
	switch e.Kind {
	case KindRead, KindWrite, KindPacket:
		off, n := e.Offset, len(e.Data)
		w.Offset, w.Len, w.Hex = &off, &n, hex.EncodeToString(e.Data)
	case KindAnnotate, KindShutdown, KindEOF:
		off := e.Offset
		w.Offset = &off
	case KindLesson:
		layers := e.Layers
		w.Layers = &layers
	}
	return json.Marshal(w)
}

// UnmarshalJSON reads one line written by MarshalJSON.
func (e *Event) UnmarshalJSON(b []byte) error {
	var w wireEvent
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	if w.V != SchemaVersion {
		return fmt.Errorf("trace: event %d: schema version %d, this netlab reads version %d", w.Seq, w.V, SchemaVersion)
	}
	data, err := hex.DecodeString(w.Hex)
	if err != nil {
		return fmt.Errorf("trace: event %d: hex: %w", w.Seq, err)
	}
	if w.Len != nil && *w.Len != len(data) {
		return fmt.Errorf("trace: event %d: len is %d but hex holds %d bytes", w.Seq, *w.Len, len(data))
	}
	*e = Event{
		Seq: w.Seq, T: time.Duration(w.TNanos), Kind: w.Kind, Conn: w.Conn,
		Listener: w.Listener, Name: w.Name, Role: w.Role, Local: w.Local,
		Remote: w.Remote, Initiator: w.Initiator, Dir: w.Dir, Fields: w.Fields,
		Err: w.Err, Lesson: w.Lesson, Title: w.Title, Question: w.Question,
		Answer: w.Answer, Layer: w.Layer, Step: w.Step, Text: w.Text,
		Columns: w.Columns, Rows: w.Rows, Seed: w.Seed,
		Proto: w.Proto, Simulated: w.Simulated,
	}
	if w.Start != "" {
		if e.Start, err = time.Parse(time.RFC3339Nano, w.Start); err != nil {
			return fmt.Errorf("trace: event %d: start: %w", w.Seq, err)
		}
	}
	if w.Offset != nil {
		e.Offset = *w.Offset
	}
	if len(data) > 0 {
		e.Data = data
	}
	if w.Layers != nil {
		e.Layers = *w.Layers
	}
	return nil
}

// JSONSink writes each event as one line of JSON.
type JSONSink struct {
	mu  sync.Mutex
	w   io.Writer
	err error
}

// NewJSONSink returns a sink writing JSON lines to w.
func NewJSONSink(w io.Writer) *JSONSink { return &JSONSink{w: w} }

// Event writes e as one line. After the first write error it writes nothing
// more; Err reports that error.
func (s *JSONSink) Event(e Event) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return
	}
	b, err := json.Marshal(e)
	if err != nil {
		s.err = fmt.Errorf("trace: encode event %d: %w", e.Seq, err)
		return
	}
	if _, err := s.w.Write(append(b, '\n')); err != nil {
		s.err = fmt.Errorf("trace: write event %d: %w", e.Seq, err)
	}
}

// Err returns the first error the sink met, if any.
func (s *JSONSink) Err() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.err
}

// MaxLine is the longest JSON line ReadJSONL accepts (a 1 MiB write is
// about 2 MiB of hex).
const MaxLine = 8 << 20

// ReadJSONL reads a trace written as JSON lines. It stops at the first
// malformed line and names it.
func ReadJSONL(r io.Reader) ([]Event, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), MaxLine)
	var out []Event
	line := 0
	for sc.Scan() {
		line++
		if len(sc.Bytes()) == 0 {
			continue
		}
		var e Event
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return out, fmt.Errorf("trace: line %d: %w", line, err)
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return out, fmt.Errorf("trace: line %d: %w", line+1, err)
	}
	return out, nil
}
