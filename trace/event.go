// Events: one kind per thing that can happen on a socket or in a lesson.

package trace

import (
	"time"

	"netlab/osi"
)

// A Kind names what an event records.
type Kind string

// The event kinds. SCHEMA.md lists the fields each one carries.
const (
	KindLesson   Kind = "lesson"   // a lesson starts: name, title, question, layers
	KindStep     Kind = "step"     // a numbered step begins
	KindSay      Kind = "say"      // the lesson explains something
	KindTable    Kind = "table"    // the lesson shows rows of values
	KindListen   Kind = "listen"   // a listening socket was opened
	KindUnlisten Kind = "unlisten" // a listening socket was closed
	KindOpen     Kind = "open"     // a connection was established (dialled or accepted)
	KindWrite    Kind = "write"    // bytes handed to the kernel by write(2)
	KindRead     Kind = "read"     // bytes returned by read(2)
	KindShutdown Kind = "shutdown" // this end stopped writing (TCP FIN sent)
	KindEOF      Kind = "eof"      // a read returned end of stream (the peer's FIN)
	KindError    Kind = "error"    // a socket operation failed (timeout, reset, ...)
	KindClose    Kind = "close"    // this end closed its socket
	KindAnnotate Kind = "annotate" // byte ranges of a stream labelled with fields
	KindAnswer   Kind = "answer"   // the lesson restates its question and answers it
	KindPacket   Kind = "packet"   // a packet that did not cross a socket: built, simulated or read from a file
)

// Direction says which of a connection's two byte streams an annotation
// refers to, seen from the traced end.
type Direction string

// The two directions of a connection.
const (
	Sent     Direction = "sent"     // bytes this end wrote
	Received Direction = "received" // bytes this end read
)

// An Event is one entry of the trace. Which fields are set depends on Kind;
// SCHEMA.md is the reference. Data is owned by the event: recorders copy it.
type Event struct {
	Seq  int64         // position in the trace, from 0, without gaps
	T    time.Duration // since the trace began, from a monotonic clock
	Kind Kind

	// Sockets.
	Conn      int    // connection id, from 1; 0 when not about a connection
	Listener  int    // listener id, from 1
	Name      string // who this end is in the lesson ("client", "server", "alice")
	Role      string // "client" (dialled) or "server" (accepted)
	Local     string // this end's endpoint, IP:port
	Remote    string // the other end's endpoint, IP:port
	Initiator string // "local" or "remote": who opened the connection
	Offset    int64  // read/write/annotate: stream offset of the first byte; shutdown/eof: bytes before the FIN
	Data      []byte // read/write: the exact bytes
	Dir       Direction
	Fields    []osi.Annotation // annotate: offsets relative to Offset
	Err       string

	// Narration.
	Lesson   string
	Title    string
	Question string
	Answer   string
	Layers   osi.Set
	Seed     uint64    // lesson: the seed of its random bytes (--seed repeats them)
	Start    time.Time // lesson: the wall-clock time it began (captures need real dates)

	// Packets that did not cross a socket (KindPacket): Data holds the
	// packet, Fields label it (offsets from its first byte), Text sums it up.
	Proto     string // what Data is: "ipv4", "ipv6", or "segment" (netlab's teaching format)
	Simulated bool   // it crossed netlab's simulated network, not a real one
	Step      int
	Text      string
	Columns   []string
	Rows      [][]string
	Layer     osi.Layer // say/annotate: the layer the remark is about, if any
}

// End returns the stream offset just past the event's data.
func (e Event) End() int64 { return e.Offset + int64(len(e.Data)) }
