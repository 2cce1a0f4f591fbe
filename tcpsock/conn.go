// A traced TCP connection: every byte that crosses it goes into the trace.

package tcpsock

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"syscall"
	"time"

	"netlab/osi"
	"netlab/trace"
)

// Roles of a connection's end.
const (
	RoleClient = "client" // this end dialled
	RoleServer = "server" // this end accepted
)

// Conn is one end of a TCP connection whose reads and writes are recorded
// in a trace. It implements net.Conn.
//
// Read may be called from one goroutine at a time, as with any stream.
// Write may be called from several goroutines: each call is recorded whole,
// and calls do not interleave their bytes.
type Conn struct {
	nc    net.Conn
	rec   *trace.Recorder // nil: not traced
	id    int
	name  string
	role  string
	local string
	peer  string

	rmu  sync.Mutex
	rOff int64 // bytes read so far: the offset of the next read
	wmu  sync.Mutex
	wOff int64 // bytes written so far

	closeOnce sync.Once
	closeErr  error
	finalMu   sync.Mutex
	final     Stats // the kernel's counters just before Close
	finalOK   bool

	explainers [2]explainer // sent, received
}

// explainer is a StreamExplainer attached at a stream offset.
type explainer struct {
	ex   osi.StreamExplainer
	base int64
}

// Wrap traces an established connection. role is RoleClient if this end
// dialled, RoleServer if it accepted; name is what the lesson calls this
// end. rec may be nil, and then nothing is recorded.
func Wrap(nc net.Conn, rec *trace.Recorder, role, name string) *Conn {
	c := &Conn{nc: nc, rec: rec, role: role, name: name,
		local: nc.LocalAddr().String(), peer: nc.RemoteAddr().String()}
	if rec == nil {
		return c
	}
	c.id = rec.NewConnID()
	initiator := "local"
	if role == RoleServer {
		initiator = "remote"
	}
	rec.Record(trace.Event{Kind: trace.KindOpen, Conn: c.id, Name: name, Role: role,
		Local: c.local, Remote: c.peer, Initiator: initiator})
	return c
}

// Dial opens a TCP connection to a loopback address and traces it.
func Dial(ctx context.Context, rec *trace.Recorder, name, addr string) (*Conn, error) {
	if err := CheckLoopback(addr); err != nil {
		return nil, err
	}
	var d net.Dialer
	nc, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", addr, err)
	}
	return Wrap(nc, rec, RoleClient, name), nil
}

// ID is the connection's id in the trace (0 when untraced).
func (c *Conn) ID() int { return c.id }

// Name is what the lesson calls this end.
func (c *Conn) Name() string { return c.name }

// Role is RoleClient or RoleServer.
func (c *Conn) Role() string { return c.role }

// NetConn returns the underlying, untraced connection.
func (c *Conn) NetConn() net.Conn { return c.nc }

// Read reads from the stream and records what it returned.
func (c *Conn) Read(p []byte) (int, error) {
	c.rmu.Lock()
	defer c.rmu.Unlock()
	n, err := c.nc.Read(p)
	off := c.rOff
	c.rOff += int64(n)
	if c.rec != nil {
		if n > 0 {
			c.rec.Record(trace.Event{Kind: trace.KindRead, Conn: c.id, Name: c.name,
				Offset: off, Data: append([]byte(nil), p[:n]...)}, c.explain(trace.Received, p[:n])...)
		}
		c.recordErr(err, "read")
	}
	return n, err
}

// Write writes p to the stream and records the bytes the kernel accepted.
// Its place in the trace is taken before the write starts, so the peer's
// read of these bytes always comes later in the trace.
func (c *Conn) Write(p []byte) (int, error) {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.rec == nil {
		n, err := c.nc.Write(p)
		c.wOff += int64(n)
		return n, err
	}
	ticket := c.rec.Begin()
	n, err := c.nc.Write(p)
	if n > 0 || err == nil {
		ticket.Commit(trace.Event{Kind: trace.KindWrite, Conn: c.id, Name: c.name,
			Offset: c.wOff, Data: append([]byte(nil), p[:n]...)}, c.explain(trace.Sent, p[:n])...)
	} else { // nothing left: the ticket carries the error instead of an empty write
		ticket.Commit(trace.Event{Kind: trace.KindError, Conn: c.id, Name: c.name, Err: "write: " + Describe(err)})
	}
	c.wOff += int64(n)
	if n > 0 {
		c.recordErr(err, "write")
	}
	return n, err
}

// recordErr records a failed operation; io.EOF is the peer's FIN.
func (c *Conn) recordErr(err error, op string) {
	switch {
	case err == nil:
	case errors.Is(err, net.ErrClosed):
		// This end closed the socket while a read or write was waiting: the
		// program's own doing, already recorded as "close", not a network event.
	case errors.Is(err, io.EOF):
		c.rec.Record(trace.Event{Kind: trace.KindEOF, Conn: c.id, Name: c.name, Offset: c.rOff})
	default:
		c.rec.Record(trace.Event{Kind: trace.KindError, Conn: c.id, Name: c.name,
			Err: op + ": " + Describe(err)})
	}
}

// Describe says in a few words why a socket operation failed, without the
// addresses the standard library repeats in every error.
func Describe(err error) string {
	var errno syscall.Errno
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		return "timed out (the deadline passed with nothing to read or write)"
	case errors.Is(err, net.ErrClosed):
		return "the socket was already closed by this end"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset by peer (TCP RST)"
	case errors.Is(err, syscall.EPIPE):
		return "broken pipe (the peer closed and the kernel refused more data)"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused (nothing listens there: the kernel answered SYN with RST)"
	case errors.As(err, &errno):
		return errno.Error()
	}
	return err.Error()
}

// CloseWrite shuts down this end's sending half (shutdown(SHUT_WR)): the
// kernel sends FIN, the peer reads end of stream, and this end can still
// read what the peer sends. This is TCP's half-close.
func (c *Conn) CloseWrite() error {
	cw, ok := c.nc.(interface{ CloseWrite() error })
	if !ok {
		return fmt.Errorf("tcpsock: %T cannot half-close", c.nc)
	}
	c.wmu.Lock()
	defer c.wmu.Unlock()
	if c.rec == nil {
		return cw.CloseWrite()
	}
	ticket := c.rec.Begin() // before the FIN leaves, so the peer's EOF comes later in the trace
	err := cw.CloseWrite()
	ticket.Commit(trace.Event{Kind: trace.KindShutdown, Conn: c.id, Name: c.name, Offset: c.wOff})
	c.recordErr(err, "shutdown")
	return err
}

// Close closes the socket once; later calls return the first call's error.
func (c *Conn) Close() error {
	c.closeOnce.Do(func() {
		// The kernel forgets a socket's counters when it is closed: keep them.
		if st, err := c.Stats(); err == nil {
			c.finalMu.Lock()
			c.final, c.finalOK = st, true
			c.finalMu.Unlock()
		}
		if c.rec == nil {
			c.closeErr = c.nc.Close()
			return
		}
		ticket := c.rec.Begin() // before the FIN leaves, so the peer's EOF comes later in the trace
		c.closeErr = c.nc.Close()
		ticket.Commit(trace.Event{Kind: trace.KindClose, Conn: c.id, Name: c.name})
	})
	return c.closeErr
}

// FinalStats returns the kernel's counters as they were when Close was
// called, and whether there are any (not before Close, not where the
// operating system does not give them).
func (c *Conn) FinalStats() (Stats, bool) {
	c.finalMu.Lock()
	defer c.finalMu.Unlock()
	return c.final, c.finalOK
}

// Annotate labels bytes of one of the connection's streams. offset is the
// stream offset the annotations' Start and End count from.
func (c *Conn) Annotate(dir trace.Direction, offset int64, fields []osi.Annotation) {
	if c.rec == nil || len(fields) == 0 {
		return
	}
	c.rec.Record(trace.Event{Kind: trace.KindAnnotate, Conn: c.id, Name: c.name,
		Dir: dir, Offset: offset, Fields: fields})
}

// Explain attaches a stream explainer to one direction: from the next byte
// on, every read or write is fed to it, and what it explains is recorded
// as annotate events right after the bytes that completed each unit.
func (c *Conn) Explain(dir trace.Direction, ex osi.StreamExplainer) {
	if dir == trace.Sent {
		c.wmu.Lock()
		c.explainers[0] = explainer{ex: ex, base: c.wOff}
		c.wmu.Unlock()
		return
	}
	c.rmu.Lock()
	c.explainers[1] = explainer{ex: ex, base: c.rOff}
	c.rmu.Unlock()
}

// explain feeds data to the direction's explainer and returns the annotate
// events for what it explains, to be recorded right after the data.
func (c *Conn) explain(dir trace.Direction, data []byte) []trace.Event {
	i := 0
	if dir == trace.Received {
		i = 1
	}
	e := c.explainers[i]
	if e.ex == nil {
		return nil
	}
	var out []trace.Event
	for _, x := range e.ex.Feed(data) {
		if len(x.Fields) > 0 {
			out = append(out, trace.Event{Kind: trace.KindAnnotate, Conn: c.id, Name: c.name,
				Dir: dir, Offset: e.base + x.Offset, Fields: x.Fields})
		}
	}
	return out
}

// ReadOffset is the number of bytes read so far: the stream offset of the
// next byte Read will return.
func (c *Conn) ReadOffset() int64 {
	c.rmu.Lock()
	defer c.rmu.Unlock()
	return c.rOff
}

// WriteOffset is the number of bytes written so far.
func (c *Conn) WriteOffset() int64 {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	return c.wOff
}

// SetNoDelay turns Nagle's algorithm off (true, Go's default) or on (false).
// With Nagle on, the kernel holds a small write back while earlier data is
// unacknowledged, to send fewer, fuller segments (RFC 896).
func (c *Conn) SetNoDelay(noDelay bool) error {
	tc, ok := c.nc.(*net.TCPConn)
	if !ok {
		return fmt.Errorf("tcpsock: %T has no TCP_NODELAY", c.nc)
	}
	return tc.SetNoDelay(noDelay)
}

// LocalAddr returns this end's endpoint.
func (c *Conn) LocalAddr() net.Addr { return c.nc.LocalAddr() }

// RemoteAddr returns the other end's endpoint.
func (c *Conn) RemoteAddr() net.Addr { return c.nc.RemoteAddr() }

// SetDeadline sets the read and write deadlines.
func (c *Conn) SetDeadline(t time.Time) error { return c.nc.SetDeadline(t) }

// SetReadDeadline sets the read deadline.
func (c *Conn) SetReadDeadline(t time.Time) error { return c.nc.SetReadDeadline(t) }

// SetWriteDeadline sets the write deadline.
func (c *Conn) SetWriteDeadline(t time.Time) error { return c.nc.SetWriteDeadline(t) }

// FourTuple names the connection as the kernel does: the client's endpoint
// and the server's, seen from whichever end c is.
func (c *Conn) FourTuple() FourTuple {
	if c.role == RoleServer {
		return FourTuple{Client: c.peer, Server: c.local}
	}
	return FourTuple{Client: c.local, Server: c.peer}
}

// A FourTuple is (client IP, client port, server IP, server port): the name
// of one TCP connection. No two open connections share one.
type FourTuple struct {
	Client string // IP:port
	Server string // IP:port
}

// String writes the tuple as "client ⇄ server".
func (t FourTuple) String() string { return t.Client + " ⇄ " + t.Server }
