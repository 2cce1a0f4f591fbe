// The narrator: one trace event in, a few lines of text out.

package narrate

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"netlab/osi"
	"netlab/trace"
)

// Width is the column the narrator wraps prose at: readable on a projector.
const Width = 80

// maxDataLines caps how many lines of one read or write are printed; the
// rest is counted, and the JSON trace keeps every byte.
const maxDataLines = 24

// Narrator prints a trace as text. It implements trace.Sink.
type Narrator struct {
	mu    sync.Mutex
	w     io.Writer
	st    style
	err   error
	conns map[int]trace.Event // each connection's "open" event, for names and roles
	layer osi.Set
}

// Options configure a Narrator.
type Options struct {
	Color bool // ANSI colour; set it only for a terminal
}

// New returns a narrator writing to w.
func New(w io.Writer, opts Options) *Narrator {
	return &Narrator{w: w, st: style{on: opts.Color}, conns: make(map[int]trace.Event)}
}

// Err returns the first write error, if any.
func (n *Narrator) Err() error {
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.err
}

func (n *Narrator) printf(format string, args ...any) {
	if n.err != nil {
		return
	}
	_, n.err = fmt.Fprintf(n.w, format, args...)
}

// Event prints one event.
func (n *Narrator) Event(e trace.Event) {
	n.mu.Lock()
	defer n.mu.Unlock()
	st := n.st
	switch e.Kind {
	case trace.KindLesson:
		n.printf("%s %s\n", st.heading("netlab · "+e.Lesson+" —"), st.bold(e.Title))
		n.printf("%s\n", st.dim("OSI layers: "+layerNames(e.Layers)))
		n.printf("%s %s\n", st.bold("Question:"), e.Question)
		if e.Seed != 0 {
			n.printf("%s\n", st.dim(fmt.Sprintf("Random bytes from seed %d: add --seed %d to repeat them exactly.", e.Seed, e.Seed)))
		}
	case trace.KindStep:
		title := fmt.Sprintf("Step %d · %s ", e.Step, e.Title)
		n.printf("\n%s\n", st.heading(title+strings.Repeat("─", max(3, Width-len([]rune(title))))))
	case trace.KindSay:
		prefix := ""
		if e.Layer.Valid() {
			prefix = "[" + st.layer(e.Layer) + "] "
		}
		n.printf("%s\n", wrap(prefix+e.Text, "  ", Width))
	case trace.KindTable:
		if e.Title != "" {
			n.printf("  %s\n", st.bold(e.Title))
		}
		n.printf("%s", FormatTable(e.Columns, e.Rows, "    "))
	case trace.KindListen:
		n.printf("%s  %s listens on %s\n", n.stamp(e), st.role("server", e.Name), st.bold(e.Local))
	case trace.KindUnlisten:
		n.printf("%s  %s stops listening on %s\n", n.stamp(e), st.role("server", e.Name), e.Local)
	case trace.KindOpen:
		n.conns[e.Conn] = e
		how := "dialled"
		if e.Initiator == "remote" {
			how = "accepted"
		}
		n.printf("%s  %s %s connection #%d: local %s, remote %s\n", n.stamp(e), n.who(e.Conn), how, e.Conn, st.bold(e.Local), e.Remote)
	case trace.KindWrite, trace.KindRead:
		verb := "wrote"
		if e.Kind == trace.KindRead {
			verb = "read"
		}
		n.printf("%s  %s %s %s %s\n", n.stamp(e), n.who(e.Conn), verb, plural(len(e.Data), "byte"),
			st.dim(streamRange(e.Offset, e.End())))
		n.printf("%s", dataBlock(e.Data, "           │ "))
	case trace.KindShutdown:
		n.printf("%s  %s shut down its sending half: FIN sent after %d bytes; it can still read\n", n.stamp(e), n.who(e.Conn), e.Offset)
	case trace.KindEOF:
		n.printf("%s  %s read end of stream: the peer sent FIN, no more bytes will come\n", n.stamp(e), n.who(e.Conn))
	case trace.KindError:
		n.printf("%s  %s %s\n", n.stamp(e), n.who(e.Conn), st.bad(e.Err))
	case trace.KindClose:
		n.printf("%s  %s closed connection #%d\n", n.stamp(e), n.who(e.Conn), e.Conn)
	case trace.KindAnnotate:
		n.printf("%s", n.fields(e))
	case trace.KindPacket:
		where := e.Name
		if e.Simulated {
			where += " (simulated network)"
		}
		n.printf("%s  %s %s\n", n.stamp(e), st.bold(where), e.Text)
		if len(e.Fields) > 0 {
			n.printf("%s", n.packetFields(e))
		} else {
			n.printf("%s", dataBlock(e.Data, "           │ "))
		}
	case trace.KindAnswer:
		n.printf("\n%s\n", st.heading(strings.Repeat("═", Width)))
		n.printf("%s\n", wrap(st.bold("Question: ")+e.Question, "", Width))
		n.printf("%s\n", wrap(st.good("Answer: ")+e.Answer, "", Width))
	}
}

// stamp is the event's time since the trace began, right-aligned.
func (n *Narrator) stamp(e trace.Event) string {
	return n.st.dim(fmt.Sprintf("%9s", formatT(e.T)))
}

// formatT prints a duration with three significant decimals in ms or s.
func formatT(d time.Duration) string {
	if d < time.Second {
		return fmt.Sprintf("%.3fms", float64(d)/float64(time.Millisecond))
	}
	return fmt.Sprintf("%.3fs", d.Seconds())
}

// who names a connection's end, coloured by role.
func (n *Narrator) who(conn int) string {
	open, ok := n.conns[conn]
	if !ok {
		return fmt.Sprintf("conn #%d", conn)
	}
	return n.st.role(open.Role, open.Name)
}

// packetFields prints a packet's labelled fields, after its hex dump.
func (n *Narrator) packetFields(e trace.Event) string {
	var b strings.Builder
	b.WriteString(dataBlock(e.Data, "           │ "))
	b.WriteString(n.fieldRows(e.Fields))
	return b.String()
}

// fields prints an annotate event as a table of labelled byte ranges.
func (n *Narrator) fields(e trace.Event) string {
	var b strings.Builder
	dir := "sent"
	if e.Dir == trace.Received {
		dir = "received"
	}
	fmt.Fprintf(&b, "           %s\n", n.st.dim(fmt.Sprintf("what %s %s, from stream byte %d:", n.who(e.Conn), dir, e.Offset)))
	b.WriteString(n.fieldRows(e.Fields))
	return b.String()
}

// fieldRows prints labelled byte ranges, one per line, meanings below.
func (n *Narrator) fieldRows(fields []osi.Annotation) string {
	var b strings.Builder
	for _, f := range fields {
		value := f.Value
		if len([]rune(value)) > 40 {
			value = string([]rune(value)[:39]) + "…"
		}
		if f.Bits != "" {
			value = f.Bits + " = " + value
		}
		line := fmt.Sprintf("           %-9s %s  %-18s %-40s", byteRange(f), n.st.layer(f.Layer), f.Field, value)
		b.WriteString(strings.TrimRight(line, " ") + "\n")
		if f.Meaning != "" {
			b.WriteString(wrap(n.st.dim(f.Meaning), strings.Repeat(" ", 26), Width) + "\n")
		}
	}
	return b.String()
}

func byteRange(a osi.Annotation) string {
	if a.End-a.Start <= 1 {
		return fmt.Sprintf("%d", a.Start)
	}
	return fmt.Sprintf("%d–%d", a.Start, a.End-1)
}

// streamRange names the stream bytes [from, to).
func streamRange(from, to int64) string {
	if to-from == 1 {
		return fmt.Sprintf("(stream byte %d)", from)
	}
	return fmt.Sprintf("(stream bytes %d–%d)", from, to-1)
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}

func layerNames(s osi.Set) string {
	var parts []string
	for _, l := range s.Layers() {
		parts = append(parts, l.String())
	}
	return strings.Join(parts, ", ")
}
