// Buffers lent by pools, for servers with many idle connections: an idle
// connection holds no read or write buffer, and waits for its peer on a
// short stack.

package wsframe

import (
	"bufio"
	"errors"
)

// errNotPooled says the connection cannot wait without a buffer (it is not
// a plain TCP connection): it keeps its reader.
var errNotPooled = errors.New("wsframe: no way to wait for bytes without reading them")

// awaitBytes, with a read pool and nothing left in the read buffer, gives
// the buffer back, waits until the peer's next bytes (or EOF, or an error)
// are in the kernel, and borrows a buffer again. The wait happens here,
// near the top of the reading goroutine's stack: a parked goroutine that
// uses little of its stack lets the garbage collector shrink it.
func (c *Conn) awaitBytes() error {
	pool := c.opts.ReadBufferPool
	if pool == nil || (c.br != nil && c.br.Buffered() > 0) {
		return nil
	}
	if c.br != nil {
		if !canWaitUnbuffered(c.nc) {
			return nil
		}
		br := c.br
		c.br = nil
		if br.Size() == c.opts.ReadBufferSize { // the handshake's may differ
			br.Reset(nil)
			pool.Put(br)
		}
	}
	err := waitReadable(c.nc)
	c.br = c.reader()
	if errors.Is(err, errNotPooled) {
		return nil
	}
	return err
}

// reader returns the read buffer, borrowing one if the connection has
// given its own back.
func (c *Conn) reader() *bufio.Reader {
	if c.br != nil {
		return c.br
	}
	br, _ := c.opts.ReadBufferPool.Get().(*bufio.Reader)
	if br == nil {
		br = bufio.NewReaderSize(c.nc, c.opts.ReadBufferSize)
	} else {
		br.Reset(c.nc)
	}
	c.br = br
	return br
}

// borrowWriteBuffer takes a write buffer for one frame.
func (c *Conn) borrowWriteBuffer(pool BufferPool) []byte {
	if b, ok := pool.Get().(*[]byte); ok && cap(*b) >= c.opts.WriteBufferSize+MaxHeaderSize {
		return (*b)[:0]
	}
	return make([]byte, 0, c.opts.WriteBufferSize+MaxHeaderSize)
}

// returnWriteBuffer gives the write buffer back after a frame.
func (c *Conn) returnWriteBuffer(pool BufferPool) {
	b := c.wbuf[:0]
	c.wbuf = nil
	pool.Put(&b)
}

// AwaitBytes waits until the peer has sent something to read (or the
// connection ended, or a read deadline passed), holding no read buffer
// meanwhile if the connection has a read pool. A server that reads many
// idle connections calls it before ReadMessage, at the top of each reading
// goroutine: parked there, the goroutine needs so little stack that the
// garbage collector shrinks it to the minimum.
func (c *Conn) AwaitBytes() error {
	c.readMu.Lock()
	defer c.readMu.Unlock()
	if c.readErr != nil {
		return c.readErr
	}
	return c.awaitBytes()
}

// Buffered returns how many bytes have been read from the connection but
// not yet consumed: more frames are ready when it is not 0.
func (c *Conn) Buffered() int {
	c.readMu.Lock()
	defer c.readMu.Unlock()
	if c.br == nil {
		return 0
	}
	return c.br.Buffered()
}
