// Reading frames and messages, with every rule a receiver must enforce
// (RFC 6455, sections 5.1-5.6 and 8.1).

package wsframe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
)

// readState is where the reader is in the stream of frames.
type readState struct {
	frameLeft int64 // payload bytes of the current data frame not read yet
	fin       bool  // the current data frame ends its message
	masked    bool
	mask      [4]byte
	maskPos   int
	msgOpen   bool   // a data message has begun and its last frame has not
	msgOp     Opcode // the open message's type
	msgLen    int64  // payload bytes of the open message so far
	utf8      utf8Validator
	inMessage bool   // a message is being handed out by NextReader
	gen       uint64 // counts messages, so a stale reader sees EOF
}

// A Frame is one frame: its header and its payload, unmasked.
type Frame struct {
	Header
	Payload []byte
}

// ReadFrame reads the next frame, whatever its kind, appending its
// unmasked payload to dst[:0] (pass a buffer to read without allocating).
// It enforces every rule, and does what the protocol requires on the way:
// a ping is answered with a pong, a close frame with a close frame. Lessons
// use it to show frames one by one; programs use ReadMessage.
func (c *Conn) ReadFrame(ctx context.Context, dst []byte) (Frame, error) {
	c.readMu.Lock()
	defer c.readMu.Unlock()
	if c.readErr != nil {
		return Frame{}, c.readErr
	}
	if c.rs.inMessage {
		return Frame{}, fmt.Errorf("wsframe: ReadFrame while a message reader is open")
	}
	if err := c.readWatch.watch(ctx, c.nc, readDeadline); err != nil {
		return Frame{}, err
	}
	f, err := c.readFrameLocked(dst)
	return f, ctxErr(ctx, err)
}

// readFrameLocked reads one whole frame. The caller holds readMu.
func (c *Conn) readFrameLocked(dst []byte) (Frame, error) {
	h, err := c.nextHeader()
	if err != nil {
		return Frame{}, err
	}
	if h.Op.IsControl() {
		payload, err := c.handleControl(h)
		return Frame{Header: h, Payload: append(dst[:0], payload...)}, err
	}
	c.beginData(h)
	payload := dst[:0]
	if int64(cap(payload)) < h.Length {
		payload = make([]byte, 0, h.Length) // bounded: nextHeader checked MaxFrame
	}
	payload = payload[:h.Length]
	for off := 0; off < len(payload); {
		n, err := c.readData(payload[off:])
		off += n
		if err != nil {
			return Frame{Header: h}, err
		}
	}
	if h.Fin {
		if err := c.endMessage(); err != nil {
			return Frame{Header: h, Payload: payload}, err
		}
	}
	return Frame{Header: h, Payload: payload}, nil
}

// nextHeader reads one frame header and checks it against the rules that a
// header, the role and the frames before it decide.
func (c *Conn) nextHeader() (Header, error) {
	if err := c.awaitBytes(); err != nil {
		return Header{}, c.readFailed(err)
	}
	b, err := c.br.Peek(2)
	if err != nil {
		return Header{}, c.readFailed(err)
	}
	b, err = c.br.Peek(headerNeed(b[1]))
	if err != nil {
		return Header{}, c.readFailed(err)
	}
	h, n, err := ParseHeader(b)
	_, _ = c.br.Discard(n)
	if err != nil {
		return h, c.fail(err)
	}
	if err := c.checkHeader(h); err != nil {
		return h, c.fail(err)
	}
	return h, nil
}

// checkHeader applies RFC 6455's receiver rules to a frame header.
func (c *Conn) checkHeader(h Header) error {
	switch {
	// Section 5.2: "MUST be 0 unless an extension is negotiated that
	// defines meanings for non-zero values." netlab negotiates none.
	case h.Rsv != 0:
		return protocolError(CloseProtocolError, ErrReservedBits, "RSV bits %03b", h.Rsv)
	// Section 5.2: "If an unknown opcode is received, the receiving
	// endpoint MUST _Fail the WebSocket Connection_."
	case h.Op.reserved():
		return protocolError(CloseProtocolError, ErrReservedOpcode, "opcode 0x%X", byte(h.Op))
	// Section 5.1: "The server MUST close the connection upon receiving a
	// frame that is not masked." ... "A client MUST close a connection if
	// it detects a masked frame."
	case c.role == RoleServer && !h.Masked:
		return protocolError(CloseProtocolError, ErrUnmasked, "%v frame of %d bytes", h.Op, h.Length)
	case c.role == RoleClient && h.Masked:
		return protocolError(CloseProtocolError, ErrMaskedFromServer, "%v frame of %d bytes", h.Op, h.Length)
	}
	if h.Op.IsControl() {
		// Section 5.5: "All control frames MUST have a payload length of 125
		// bytes or less and MUST NOT be fragmented."
		switch {
		case h.Length > MaxControlPayload:
			return protocolError(CloseProtocolError, ErrControlTooLong, "%v frame of %d bytes", h.Op, h.Length)
		case !h.Fin:
			return protocolError(CloseProtocolError, ErrControlFragmented, "%v frame", h.Op)
		}
		return nil
	}
	// Section 5.4: a fragmented message is a first frame with FIN clear,
	// then continuation frames, the last with FIN set; "The fragments of
	// one message MUST NOT be interleaved between the fragments of another
	// message".
	switch {
	case h.Op == OpContinuation && !c.rs.msgOpen:
		return protocolError(CloseProtocolError, ErrUnexpectedCont, "")
	case h.Op != OpContinuation && c.rs.msgOpen:
		return protocolError(CloseProtocolError, ErrDataInFragment, "%v frame inside a %v message", h.Op, c.rs.msgOp)
	case h.Length > c.opts.MaxFrame:
		return protocolError(CloseMessageTooBig, ErrFrameTooBig, "%d bytes, limit %d", h.Length, c.opts.MaxFrame)
	case c.rs.msgLen+h.Length > c.opts.MaxMessage && c.rs.msgOpen,
		h.Length > c.opts.MaxMessage:
		return protocolError(CloseMessageTooBig, ErrMessageTooBig, "%d bytes so far and %d more, limit %d", c.rs.msgLen, h.Length, c.opts.MaxMessage)
	}
	return nil
}

// beginData applies a checked data frame header to the message state.
func (c *Conn) beginData(h Header) {
	if h.Op != OpContinuation {
		c.rs.msgOpen, c.rs.msgOp, c.rs.msgLen = true, h.Op, 0
		c.rs.utf8 = utf8Validator{}
	}
	c.rs.frameLeft, c.rs.fin = h.Length, h.Fin
	c.rs.masked, c.rs.mask, c.rs.maskPos = h.Masked, h.Mask, 0
	c.rs.msgLen += h.Length
}

// readData reads some of the current data frame's payload into p (at most
// what is left of the frame, in one read of the stream), unmasks it, and
// validates text as it arrives.
func (c *Conn) readData(p []byte) (int, error) {
	if int64(len(p)) > c.rs.frameLeft {
		p = p[:c.rs.frameLeft]
	}
	// One read, not ReadFull: text is checked as its bytes arrive, so an
	// impossible byte fails the connection without waiting for the rest of
	// a long frame (section 8.1, and Autobahn's "fail fast" cases).
	n, err := c.br.Read(p)
	if err == nil && n == 0 && len(p) > 0 {
		err = io.ErrNoProgress
	}
	c.rs.frameLeft -= int64(n)
	if c.rs.masked {
		c.rs.maskPos = Mask(c.rs.mask, c.rs.maskPos, p[:n])
	}
	if c.rs.msgOp == OpText && !c.rs.utf8.Write(p[:n]) {
		return n, c.fail(protocolError(CloseInvalidPayload, ErrInvalidUTF8, "in a text message, within its first %d bytes", c.rs.msgLen-c.rs.frameLeft))
	}
	if err != nil {
		return n, c.readFailed(err)
	}
	return n, nil
}

// endMessage closes a message whose last frame has been read.
func (c *Conn) endMessage() error {
	c.rs.msgOpen = false
	if c.rs.msgOp == OpText && !c.rs.utf8.Complete() {
		return c.fail(protocolError(CloseInvalidPayload, ErrInvalidUTF8, "the text message ends inside a code point"))
	}
	return nil
}

// handleControl reads a control frame's payload and does what the protocol
// requires. The payload it returns is valid until the next read.
func (c *Conn) handleControl(h Header) ([]byte, error) {
	p := c.ctrl[:h.Length]
	if _, err := io.ReadFull(c.br, p); err != nil {
		return nil, c.readFailed(err)
	}
	if h.Masked {
		Mask(h.Mask, 0, p)
	}
	switch h.Op {
	case OpPing:
		// Section 5.5.2: "Upon receipt of a Ping frame, an endpoint MUST send
		// a Pong frame in response ... The Pong frame MUST have the same
		// payload as the Ping frame."
		if err := c.writeFrame(context.Background(), true, OpPong, p); err != nil && !errors.Is(err, ErrCloseSent) {
			return p, c.readFailed(err)
		}
	case OpClose:
		return p, c.receiveClose(p)
	}
	return p, nil
}

// NextReader waits for the next data message and returns its type and a
// reader of its payload, across all its fragments. Control frames that
// arrive before or between the fragments are handled on the way. Reading
// the message is bounded by ctx as well. A message not read to its end is
// discarded by the next call.
func (c *Conn) NextReader(ctx context.Context) (MessageType, io.Reader, error) {
	c.readMu.Lock()
	defer c.readMu.Unlock()
	typ, err := c.nextMessageLocked(ctx)
	if err != nil {
		return 0, nil, err
	}
	return typ, &messageReader{c: c, ctx: ctx, gen: c.rs.gen}, nil
}

// nextMessageLocked reads up to the first frame of the next data message.
// The caller holds readMu.
func (c *Conn) nextMessageLocked(ctx context.Context) (MessageType, error) {
	if c.readErr != nil {
		return 0, c.readErr
	}
	if err := c.discardMessage(); err != nil {
		return 0, err
	}
	if err := c.readWatch.watch(ctx, c.nc, readDeadline); err != nil {
		return 0, err
	}
	for {
		h, err := c.nextHeader()
		if err == nil && h.Op.IsControl() {
			_, err = c.handleControl(h)
			if err == nil {
				continue
			}
		}
		if err != nil {
			return 0, ctxErr(ctx, err)
		}
		c.beginData(h)
		c.rs.gen++
		c.rs.inMessage = true
		return MessageType(h.Op), nil
	}
}

// discardMessage reads and drops what is left of a message handed out by
// NextReader. The caller holds readMu.
func (c *Conn) discardMessage() error {
	if c.rs.inMessage && c.scratch == nil {
		c.scratch = make([]byte, 512)
	}
	for c.rs.inMessage {
		if _, err := c.readMessageLocked(c.scratch); err != nil && err != io.EOF {
			return err
		}
	}
	return nil
}

// messageReader reads one message's payload across its frames.
type messageReader struct {
	c   *Conn
	ctx context.Context
	gen uint64
}

// Read reads payload bytes; io.EOF marks the end of the message.
func (r *messageReader) Read(p []byte) (int, error) {
	c := r.c
	c.readMu.Lock()
	defer c.readMu.Unlock()
	if c.readErr != nil {
		return 0, c.readErr
	}
	if !c.rs.inMessage || c.rs.gen != r.gen {
		return 0, io.EOF
	}
	n, err := c.readMessageLocked(p)
	return n, ctxErr(r.ctx, err)
}

// readMessageLocked reads the open message's payload, moving to its next
// fragment when a frame is used up.
func (c *Conn) readMessageLocked(p []byte) (int, error) {
	if err := c.advanceLocked(); err != nil {
		return 0, err
	}
	if len(p) == 0 {
		return 0, nil
	}
	return c.readData(p)
}

// advanceLocked makes sure the current data frame has payload left to
// read, reading past used-up frames and any control frames between
// fragments. At the end of the message it returns io.EOF.
func (c *Conn) advanceLocked() error {
	for c.rs.frameLeft == 0 {
		if c.rs.fin {
			c.rs.inMessage = false
			if err := c.endMessage(); err != nil {
				return err
			}
			return io.EOF
		}
		h, err := c.nextHeader()
		if err != nil {
			return err
		}
		if h.Op.IsControl() {
			if _, err := c.handleControl(h); err != nil {
				return err
			}
			continue
		}
		c.beginData(h)
	}
	return nil
}

// ReadMessage reads a whole message into a new slice.
func (c *Conn) ReadMessage(ctx context.Context) (MessageType, []byte, error) {
	return c.AppendMessage(ctx, nil)
}

// AppendMessage reads a whole message, appending its payload to dst[:0]:
// with a buffer of enough capacity it allocates nothing.
func (c *Conn) AppendMessage(ctx context.Context, dst []byte) (MessageType, []byte, error) {
	c.readMu.Lock()
	defer c.readMu.Unlock()
	typ, err := c.nextMessageLocked(ctx)
	if err != nil {
		return 0, nil, err
	}
	b := dst[:0]
	for {
		switch err := c.advanceLocked(); {
		case err == io.EOF:
			return typ, b, nil
		case err != nil:
			return typ, b, ctxErr(ctx, err)
		}
		if left := c.rs.frameLeft; int64(cap(b)-len(b)) < left {
			b = slices.Grow(b, int(left)) // room for the whole frame; bounded by MaxFrame
		}
		n, err := c.readData(b[len(b):cap(b)])
		b = b[:len(b)+n]
		if err != nil {
			return typ, b, ctxErr(ctx, err)
		}
	}
}

// readFailed records an I/O error from the TCP stream as the connection's
// read error. A stream that ends without a close frame is an abnormal
// closure (1006): the peer vanished.
func (c *Conn) readFailed(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		err = fmt.Errorf("%w: the TCP connection ended without a close frame", &CloseError{Code: CloseAbnormal})
	}
	if c.readErr == nil {
		c.readErr = err
	}
	c.closeTCP()
	return err
}
