package lessons

import (
	"bytes"
	"context"
	"errors"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"netlab/internal/golden"
	"netlab/narrate"
	"netlab/osi"
	"netlab/trace"
)

// TestTranscripts runs every lesson for real on loopback and compares its
// transcript, as text and as JSON lines, with testdata/transcripts. Values
// that change from run to run (ports, dates, this kernel's MSS and port
// range) are replaced in the events by placeholders before both renderers
// see them; times come from a fake clock.
func TestTranscripts(t *testing.T) {
	for _, l := range All() {
		t.Run(l.Name, func(t *testing.T) {
			events := normalize(runForTest(t, l))
			var text, jsonl bytes.Buffer
			n, j := narrate.New(&text, narrate.Options{}), trace.NewJSONSink(&jsonl)
			for _, e := range events {
				n.Event(e)
				j.Event(e)
			}
			if err := errors.Join(n.Err(), j.Err()); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, "../testdata/transcripts/"+l.Name+".txt", text.Bytes())
			golden.Check(t, "../testdata/transcripts/"+l.Name+".jsonl", jsonl.Bytes())
		})
	}
}

// runForTest runs l with a fake clock and returns its whole trace.
func runForTest(t *testing.T, l Lesson) []trace.Event {
	t.Helper()
	var events []trace.Event
	keep := trace.SinkFunc(func(e trace.Event) { events = append(events, e) })
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if err := Run(ctx, l, RunOptions{Sinks: []trace.Sink{keep}, Clock: trace.StepClock(time.Microsecond), Seed: 1,
		Start: time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatalf("Run(%s): %v", l.Name, err)
	}
	return events
}

var (
	httpDate    = regexp.MustCompile(`[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT`)
	loopbackMSS = regexp.MustCompile(`\d+ bytes here on loopback`)
	portRange   = regexp.MustCompile(`\(\d+–\d+, from /proc/sys/net/ipv4/ip_local_port_range\)`)
	portNumber  = regexp.MustCompile(`:(\d+)$`)
	publishedAt = regexp.MustCompile(`published_ns(\\?"):\d+`)
)

// normalize returns the events with every run-to-run value replaced: each
// port the trace's sockets used becomes port1, port2, ... in order of first
// appearance, wherever it appears (text, table cells, annotations, bytes).
func normalize(events []trace.Event) []trace.Event {
	seen := map[string]bool{}
	var pairs []string
	for _, e := range events {
		for _, addr := range []string{e.Local, e.Remote} {
			m := portNumber.FindStringSubmatch(addr)
			if m == nil || seen[m[1]] {
				continue
			}
			seen[m[1]] = true
			pairs = append(pairs, m[1], "port"+strconv.Itoa(len(seen)))
		}
	}
	pairs = append(pairs, os.TempDir(), "<tmp>")
	ports := strings.NewReplacer(pairs...)
	fix := func(s string) string {
		s = httpDate.ReplaceAllString(s, "<http-date>")
		s = loopbackMSS.ReplaceAllString(s, "<mss> bytes here on loopback")
		s = portRange.ReplaceAllString(s, "(<ephemeral port range>)")
		s = publishedAt.ReplaceAllString(s, `published_ns$1:<time>`)
		return ports.Replace(s)
	}
	out := make([]trace.Event, len(events))
	for i, e := range events {
		e.Local, e.Remote, e.Text, e.Title, e.Answer = fix(e.Local), fix(e.Remote), fix(e.Text), fix(e.Title), fix(e.Answer)
		if e.Data != nil {
			e.Data = []byte(fix(string(e.Data)))
		}
		measured := strings.HasPrefix(e.Title, measuredTitle) // numbers that change from run to run
		var rows [][]string
		for _, r := range e.Rows {
			var row []string
			for i, cell := range r {
				if measured && i > 0 { // the first column names the row; the rest are measurements
					cell = "<measured>"
				}
				row = append(row, fix(cell))
			}
			rows = append(rows, row)
		}
		e.Rows = rows
		// A captured frame holds the ports in binary, and so its checksum
		// depends on them: both change from run to run.
		frame := e.Kind == trace.KindPacket && e.Proto == "ethernet"
		if frame {
			e.Data = []byte("<frame bytes: they hold the run's ports, in binary>")
		}
		var fields []osi.Annotation
		for _, f := range e.Fields {
			f.Value, f.Meaning = fix(f.Value), fix(f.Meaning)
			if frame && strings.Contains(f.Field, "checksum") && f.Layer == osi.Transport {
				f.Value = "<checksum>"
			}
			fields = append(fields, f)
		}
		e.Fields = fields
		out[i] = e
	}
	return out
}
