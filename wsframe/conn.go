// A WebSocket connection after the handshake: options, state, life cycle.

package wsframe

import (
	"bufio"
	"context"
	crand "crypto/rand"
	"io"
	"math/rand/v2"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// Role says which end of a connection a Conn is; the rules differ: a
// client masks every frame it sends, a server never does (section 5.1).
type Role uint8

// The two roles.
const (
	RoleServer Role = iota
	RoleClient
)

func (r Role) String() string {
	if r == RoleClient {
		return "client"
	}
	return "server"
}

// Defaults for Options.
const (
	DefaultMaxMessage   = 16 << 20
	DefaultBufferSize   = 4096
	DefaultCloseTimeout = 5 * time.Second
)

// Options tune a connection. The zero value gives the defaults.
type Options struct {
	// MaxMessage bounds a whole message, all fragments together; a longer
	// one fails the connection with 1009 before its payload is read.
	MaxMessage int64
	// MaxFrame bounds a single frame; 0 means MaxMessage.
	MaxFrame int64
	// ReadBufferSize and WriteBufferSize size the connection's buffers. A
	// message that fits the write buffer is sent with one write(2).
	ReadBufferSize, WriteBufferSize int
	// CloseTimeout bounds how long Close waits for the peer's close frame,
	// and a client for the server to close TCP afterwards.
	CloseTimeout time.Duration
	// Rand supplies a client's masking keys and handshake key. nil means a
	// ChaCha8 generator seeded from crypto/rand, as section 10.3 asks ("the
	// masking key MUST be derived from a strong source of entropy"). A
	// lesson passes a seeded one so its transcript repeats exactly.
	Rand io.Reader
	// ReadBufferPool and WriteBufferPool, if set, lend the connection its
	// buffers only while it uses them, for a server that holds thousands
	// of mostly idle connections (a *sync.Pool will do; one pool per size).
	// A connection with a read pool gives its read buffer back whenever
	// it has read all that arrived, and waits for more bytes without one,
	// and with little stack; with a write pool it keeps no write buffer
	// between writes.
	ReadBufferPool, WriteBufferPool BufferPool
}

// A BufferPool lends buffers; *sync.Pool is one.
type BufferPool interface {
	Get() any
	Put(any)
}

func (o *Options) normalized() Options {
	var n Options
	if o != nil {
		n = *o
	}
	if n.MaxMessage <= 0 {
		n.MaxMessage = DefaultMaxMessage
	}
	if n.MaxFrame <= 0 || n.MaxFrame > n.MaxMessage {
		n.MaxFrame = n.MaxMessage
	}
	if n.ReadBufferSize < 2*MaxHeaderSize {
		n.ReadBufferSize = DefaultBufferSize
	}
	if n.WriteBufferSize < 2*MaxHeaderSize {
		n.WriteBufferSize = DefaultBufferSize
	}
	if n.CloseTimeout <= 0 {
		n.CloseTimeout = DefaultCloseTimeout
	}
	return n
}

// Conn is a WebSocket connection.
//
// Concurrency: one goroutine at a time may read (ReadMessage, NextReader
// and its reader, ReadFrame). Any number may write at once: WriteMessage,
// NextWriter, WriteFrame, Ping and Close each send whole frames under a
// lock, and a message's fragments are never interleaved with another
// message's (control frames may come between them, as section 5.4 allows).
// Replies the protocol requires (a pong for a ping, a close for a close)
// are sent by the reading goroutine.
type Conn struct {
	nc          net.Conn
	br          *bufio.Reader
	role        Role
	opts        Options
	subprotocol string

	readMu    sync.Mutex
	readWatch ctxWatch // under readMu
	rs        readState
	readErr   error // sticky: once reading failed, it always fails
	ctrl      [MaxControlPayload]byte
	scratch   []byte // for discarding the rest of an unread message; made when first needed

	msgMu      sync.Mutex // held while a data message is being written
	writeWatch ctxWatch   // under frameMu
	frameMu    sync.Mutex // held while one frame is being written
	closeSent  atomic.Bool
	wbuf       []byte
	bigbuf     []byte
	vec        [2][]byte // header and payload for writev
	maskKey    [4]byte   // the next masking key, read here so that it does not escape
	rng        io.Reader // masking keys (a client)
	writeErr   error     // sticky, under frameMu

	closeMu     sync.Mutex
	closeRecv   bool
	peerClosed  chan struct{} // closed when the peer's close frame has arrived
	tcpOnce     sync.Once
	tcpDone     chan struct{} // closed when the TCP connection is closed
	closeResult *CloseError   // what the peer's close frame said
}

// NewConn makes a WebSocket connection from a TCP connection whose opening
// handshake is done. br must be the reader that read the handshake (it may
// hold frames that arrived with it), or nil.
func NewConn(nc net.Conn, br *bufio.Reader, role Role, opts *Options) *Conn {
	o := opts.normalized()
	if br == nil {
		br = bufio.NewReaderSize(nc, o.ReadBufferSize)
	}
	c := &Conn{
		nc:   nc,
		br:   br,
		role: role,
		opts: o,
		// wbuf is made at the first write: an idle connection (most of a
		// busy server's) holds no write buffer.
		peerClosed: make(chan struct{}),
		tcpDone:    make(chan struct{}),
	}
	if role == RoleClient {
		c.rng = o.randSource()
	}
	return c
}

// randSource returns Rand, or a fresh cryptographic generator.
func (o *Options) randSource() io.Reader {
	if o.Rand != nil {
		return o.Rand
	}
	var seed [32]byte
	_, _ = crand.Read(seed[:]) // crypto/rand.Read never fails (Go 1.24+)
	return rand.NewChaCha8(seed)
}

// Role returns which end this is.
func (c *Conn) Role() Role { return c.role }

// Subprotocol returns the subprotocol the handshake agreed on, or "".
func (c *Conn) Subprotocol() string { return c.subprotocol }

// NetConn returns the underlying TCP connection.
func (c *Conn) NetConn() net.Conn { return c.nc }

// LocalAddr returns this end's endpoint.
func (c *Conn) LocalAddr() net.Addr { return c.nc.LocalAddr() }

// RemoteAddr returns the peer's endpoint.
func (c *Conn) RemoteAddr() net.Addr { return c.nc.RemoteAddr() }

// SetReadDeadline sets the deadline for reads, as net.Conn does.
func (c *Conn) SetReadDeadline(t time.Time) error { return c.nc.SetReadDeadline(t) }

// SetWriteDeadline sets the deadline for writes, as net.Conn does.
func (c *Conn) SetWriteDeadline(t time.Time) error { return c.nc.SetWriteDeadline(t) }

// closeTCP closes the TCP connection once.
func (c *Conn) closeTCP() {
	c.tcpOnce.Do(func() {
		_ = c.nc.Close()
		close(c.tcpDone)
		// Let go of the contexts: their watches would keep them reachable.
		c.readWatch.release(c.nc, readDeadline)
		c.writeWatch.release(c.nc, writeDeadline)
	})
}

// Which deadline a context watch moves.
const (
	readDeadline  = 1
	writeDeadline = 2
	bothDeadlines = readDeadline | writeDeadline
)

// noStop is what withDeadline returns for a context that cannot be
// cancelled: nothing to stop, nothing allocated.
func noStop() bool { return true }

// withDeadline makes ctx's cancellation interrupt blocking I/O on nc by
// moving its read or write deadline (or both) to the past. It costs
// nothing for a context that cannot be cancelled.
func withDeadline(ctx context.Context, nc net.Conn, which int) (stop func() bool) {
	if ctx.Done() == nil {
		return noStop
	}
	return context.AfterFunc(ctx, func() { setDeadline(nc, which, time.Unix(1, 0)) })
}

// ctxErr turns a deadline error caused by ctx into ctx's error.
func ctxErr(ctx context.Context, err error) error {
	if err != nil && ctx.Err() != nil {
		return context.Cause(ctx)
	}
	return err
}
