// Writing frames and messages (RFC 6455, sections 5.1-5.7).

package wsframe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
)

// WriteMessage sends p as one message in one frame. A message that fits the
// write buffer (with its header) goes out in one write(2); a larger one is
// not copied on a server (writev of header and payload) and is masked in
// large pieces on a client. It allocates nothing in steady state.
func (c *Conn) WriteMessage(ctx context.Context, typ MessageType, p []byte) error {
	if typ != TextMessage && typ != BinaryMessage {
		return fmt.Errorf("wsframe: WriteMessage with message type %d: want TextMessage or BinaryMessage", typ)
	}
	c.msgMu.Lock()
	defer c.msgMu.Unlock()
	return c.writeFrame(ctx, true, Opcode(typ), p)
}

// writeVec writes bufs in one system call: writev on a plain TCP
// connection; on a wrapped one (a traced connection, whose Write is all it
// has), joined into one buffer first, so that the bytes still leave in one
// write and the peer does not see a frame's header arrive alone.
func (c *Conn) writeVec(bufs net.Buffers) error {
	switch c.nc.(type) {
	case *net.TCPConn, *net.UnixConn:
		_, err := bufs.WriteTo(c.nc)
		return err
	}
	n := 0
	for _, b := range bufs {
		n += len(b)
	}
	joined := make([]byte, 0, n)
	for _, b := range bufs {
		joined = append(joined, b...)
	}
	_, err := c.nc.Write(joined)
	return err
}

// A Message is one whole message for WriteBatch.
type Message struct {
	Type MessageType
	Data []byte
}

// WriteBatch sends several messages, one frame each, in as few write(2)
// calls as it can: a server's frames go out with one writev of headers and
// payloads, without copying. A busy server that has several messages
// queued for one client saves a system call per message this way.
func (c *Conn) WriteBatch(ctx context.Context, msgs []Message) error {
	if c.role == RoleClient || len(msgs) == 1 {
		for _, m := range msgs {
			if err := c.WriteMessage(ctx, m.Type, m.Data); err != nil {
				return err
			}
		}
		return nil
	}
	c.msgMu.Lock()
	defer c.msgMu.Unlock()
	c.frameMu.Lock()
	defer c.frameMu.Unlock()
	if c.writeErr != nil {
		return c.writeErr
	}
	if c.closeSent.Load() {
		return ErrCloseSent
	}
	if err := c.writeWatch.watch(ctx, c.nc, writeDeadline); err != nil {
		return err
	}
	headers := make([]byte, 0, len(msgs)*4)
	bufs := make(net.Buffers, 0, 2*len(msgs))
	for _, m := range msgs {
		if m.Type != TextMessage && m.Type != BinaryMessage {
			return fmt.Errorf("wsframe: WriteBatch with message type %d: want TextMessage or BinaryMessage", m.Type)
		}
		start := len(headers)
		headers = AppendHeader(headers, Header{Fin: true, Op: Opcode(m.Type), Length: int64(len(m.Data))})
		bufs = append(bufs, headers[start:len(headers):len(headers)], m.Data)
	}
	// headers may have moved while growing: slice it again now it is whole.
	pos := 0
	for i := 0; i < len(bufs); i += 2 {
		n := len(bufs[i])
		bufs[i] = headers[pos : pos+n : pos+n]
		pos += n
	}
	if err := c.writeVec(bufs); err != nil {
		c.writeErr = ctxErr(ctx, fmt.Errorf("wsframe: write %d frames: %w", len(msgs), err))
		return c.writeErr
	}
	return nil
}

// WriteFrame sends exactly the frame described, masked if this end is a
// client: it does not check the rules, so a lesson can show how a peer
// answers a frame that breaks them. Programs use WriteMessage.
func (c *Conn) WriteFrame(ctx context.Context, fin bool, rsv byte, op Opcode, payload []byte) error {
	return c.writeFrameRSV(ctx, fin, rsv, op, payload)
}

// Ping sends a ping; the peer must answer with a pong carrying the same
// payload (at most 125 bytes).
func (c *Conn) Ping(ctx context.Context, payload []byte) error {
	if len(payload) > MaxControlPayload {
		return fmt.Errorf("wsframe: ping payload of %d bytes: %w", len(payload), ErrControlTooLong)
	}
	return c.writeFrame(ctx, true, OpPing, payload)
}

func (c *Conn) writeFrame(ctx context.Context, fin bool, op Opcode, p []byte) error {
	return c.writeFrameRSV(ctx, fin, 0, op, p)
}

// writeFrameRSV writes one frame under the frame lock.
func (c *Conn) writeFrameRSV(ctx context.Context, fin bool, rsv byte, op Opcode, p []byte) error {
	c.frameMu.Lock()
	defer c.frameMu.Unlock()
	if c.writeErr != nil {
		return c.writeErr
	}
	if c.closeSent.Load() {
		return ErrCloseSent
	}
	if op == OpClose {
		c.closeSent.Store(true) // section 5.5.1: no data frames after a close frame
	}
	if err := c.writeWatch.watch(ctx, c.nc, writeDeadline); err != nil {
		return err
	}
	h := Header{Fin: fin, Rsv: rsv, Op: op, Length: int64(len(p))}
	if c.role == RoleClient {
		// Section 5.3: "The masking key needs to be unpredictable"; a fresh
		// key for every frame, from a cryptographic generator.
		h.Masked = true
		if _, err := io.ReadFull(c.rng, c.maskKey[:]); err != nil {
			return fmt.Errorf("wsframe: masking key: %w", err)
		}
		h.Mask = c.maskKey
	}
	if c.wbuf == nil {
		if pool := c.opts.WriteBufferPool; pool != nil {
			c.wbuf = c.borrowWriteBuffer(pool)
			defer c.returnWriteBuffer(pool)
		} else {
			c.wbuf = make([]byte, 0, c.opts.WriteBufferSize+MaxHeaderSize)
		}
	}
	var err error
	switch size := h.Size() + len(p); {
	case size <= cap(c.wbuf):
		b := AppendHeader(c.wbuf[:0], h)
		hlen := len(b)
		b = append(b, p...)
		if h.Masked {
			Mask(h.Mask, 0, b[hlen:])
		}
		_, err = c.nc.Write(b)
	case !h.Masked:
		c.vec[0], c.vec[1] = AppendHeader(c.wbuf[:0], h), p
		err = c.writeVec(net.Buffers(c.vec[:]))
		c.vec[1] = nil
	default:
		err = c.writeMaskedLarge(h, p)
	}
	if err != nil {
		c.writeErr = ctxErr(ctx, fmt.Errorf("wsframe: write %v frame: %w", op, err))
		return c.writeErr
	}
	return nil
}

// largeChunk is how much of a large client payload is masked per write.
const largeChunk = 256 << 10

// writeMaskedLarge masks a payload too big for the write buffer in pieces
// through a second buffer, allocated once and kept.
func (c *Conn) writeMaskedLarge(h Header, p []byte) error {
	if c.bigbuf == nil {
		c.bigbuf = make([]byte, 0, largeChunk+MaxHeaderSize)
	}
	b := AppendHeader(c.bigbuf[:0], h)
	pos := 0
	for len(p) > 0 {
		n := min(len(p), cap(b)-len(b))
		start := len(b)
		b = append(b, p[:n]...)
		pos = Mask(h.Mask, pos, b[start:])
		if _, err := c.nc.Write(b); err != nil {
			return err
		}
		p, b = p[n:], b[:0]
	}
	if len(b) > 0 { // an empty payload: the header alone
		_, err := c.nc.Write(b)
		return err
	}
	return nil
}

// NextWriter starts a message that is written in pieces: each time the
// writer's buffer fills, a frame goes out with FIN clear; Close sends the
// last frame with FIN set. Other messages wait until Close; control frames
// do not.
func (c *Conn) NextWriter(ctx context.Context, typ MessageType) (io.WriteCloser, error) {
	if typ != TextMessage && typ != BinaryMessage {
		return nil, fmt.Errorf("wsframe: NextWriter with message type %d: want TextMessage or BinaryMessage", typ)
	}
	c.msgMu.Lock()
	if c.closeSent.Load() {
		c.msgMu.Unlock()
		return nil, ErrCloseSent
	}
	return &messageWriter{c: c, ctx: ctx, op: Opcode(typ), buf: make([]byte, 0, c.opts.WriteBufferSize)}, nil
}

// messageWriter writes one message as a sequence of frames.
type messageWriter struct {
	c      *Conn
	ctx    context.Context
	op     Opcode // the first frame's opcode, then continuation
	buf    []byte
	closed bool
	err    error
}

// Write buffers p, sending full buffers as non-final frames.
func (w *messageWriter) Write(p []byte) (int, error) {
	if w.closed {
		return 0, errors.New("wsframe: write to a closed message writer")
	}
	if w.err != nil {
		return 0, w.err
	}
	n := 0
	for len(p) > 0 {
		if len(w.buf) == 0 && len(p) >= cap(w.buf) { // a big piece goes out as it is
			return n + len(p), w.flush(false, p)
		}
		k := copy(w.buf[len(w.buf):cap(w.buf)], p)
		w.buf, p, n = w.buf[:len(w.buf)+k], p[k:], n+k
		if len(w.buf) == cap(w.buf) {
			if err := w.flush(false, w.buf); err != nil {
				return n, err
			}
			w.buf = w.buf[:0]
		}
	}
	return n, nil
}

func (w *messageWriter) flush(fin bool, p []byte) error {
	w.err = w.c.writeFrame(w.ctx, fin, w.op, p)
	w.op = OpContinuation
	return w.err
}

// Close sends what is buffered as the message's last frame.
func (w *messageWriter) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	defer w.c.msgMu.Unlock()
	if w.err != nil {
		return w.err
	}
	return w.flush(true, w.buf)
}
