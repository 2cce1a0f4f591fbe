// The closing handshake (RFC 6455, sections 5.5.1, 7.1 and 7.4), and
// failing a connection that broke the rules (section 7.1.7).

package wsframe

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode/utf8"
)

// MaxCloseReason is the longest reason a close frame can carry: 125 bytes
// of payload less the 2-byte code.
const MaxCloseReason = MaxControlPayload - 2

// Close starts the closing handshake: it sends a close frame with code and
// reason, waits (up to Options.CloseTimeout) for the peer's close frame,
// then ends the TCP connection: at once for a server, and for a client
// after the server has closed its side, as section 7.1.1 asks ("the
// underlying TCP connection, in most normal cases, SHOULD be closed first
// by the server"). Data messages that arrive meanwhile are dropped. If
// another goroutine is reading, that goroutine sees the peer's close frame
// and Close waits for it.
func (c *Conn) Close(code CloseCode, reason string) error {
	if !code.validOnWire() {
		return fmt.Errorf("%w: %v", ErrInvalidCloseToWrite, code)
	}
	if len(reason) > MaxCloseReason || !utf8.ValidString(reason) {
		return fmt.Errorf("wsframe: close reason must be UTF-8 of at most %d bytes", MaxCloseReason)
	}
	sendErr := c.sendClose(code, reason)
	timeout := time.NewTimer(c.opts.CloseTimeout)
	defer timeout.Stop()
	if c.readMu.TryLock() {
		// Nobody is reading: read until the peer's close frame arrives, with
		// no earlier read's context in the way (it may be cancelled by now).
		c.readWatch.release(c.nc, readDeadline)
		_ = c.nc.SetReadDeadline(time.Now().Add(c.opts.CloseTimeout))
		for c.readErr == nil {
			if c.rs.inMessage {
				_ = c.discardMessage()
				continue
			}
			_, _ = c.readFrameLocked(nil)
		}
		c.readMu.Unlock()
	} else {
		select { // the reading goroutine finishes the handshake
		case <-c.tcpDone:
		case <-timeout.C:
		}
	}
	c.closeTCP()
	if errors.Is(sendErr, ErrCloseSent) {
		return nil
	}
	return sendErr
}

// StartClose sends a close frame with code and reason and returns: the
// goroutine that reads the connection then sees the peer's close frame (as
// a *CloseError), and the TCP connection ends as Close describes. Use it
// when a reader goroutine is running and should see every message that
// arrives before the close; Close, from a goroutine of its own, may read
// (and drop) those messages itself if no read call is in progress at that
// moment.
func (c *Conn) StartClose(code CloseCode, reason string) error {
	if !code.validOnWire() {
		return fmt.Errorf("%w: %v", ErrInvalidCloseToWrite, code)
	}
	if len(reason) > MaxCloseReason || !utf8.ValidString(reason) {
		return fmt.Errorf("wsframe: close reason must be UTF-8 of at most %d bytes", MaxCloseReason)
	}
	return c.sendClose(code, reason)
}

// CloseNow closes the TCP connection at once, without a closing handshake.
// The peer sees the connection drop (code 1006, abnormal closure).
func (c *Conn) CloseNow() error {
	c.closeTCP()
	return nil
}

// sendClose sends a close frame once; a second call returns ErrCloseSent.
func (c *Conn) sendClose(code CloseCode, reason string) error {
	var payload [MaxControlPayload]byte
	n := 0
	if code != CloseNoStatusReceived { // 1005 means "send no code": an empty close frame
		binary.BigEndian.PutUint16(payload[:], uint16(code))
		n = 2 + copy(payload[2:], reason)
	}
	return c.writeFrame(context.Background(), true, OpClose, payload[:n])
}

// receiveClose handles the peer's close frame. The caller holds readMu.
func (c *Conn) receiveClose(p []byte) error {
	ce := &CloseError{Code: CloseNoStatusReceived}
	switch {
	// Section 5.5.1: "If there is a body, the first two bytes of the body
	// MUST be a 2-byte unsigned integer ... representing a status code".
	case len(p) == 1:
		return c.fail(protocolError(CloseProtocolError, ErrCloseOneByte, ""))
	case len(p) >= 2:
		ce.Code, ce.Reason = CloseCode(binary.BigEndian.Uint16(p)), string(p[2:])
		if !ce.Code.validOnWire() {
			return c.fail(protocolError(CloseProtocolError, ErrCloseCode, "%d", uint16(ce.Code)))
		}
		// Section 5.5.1: the reason's "data is not guaranteed to be human
		// readable" but is UTF-8, and section 8.1 fails invalid UTF-8.
		if !utf8.Valid(p[2:]) {
			return c.fail(protocolError(CloseInvalidPayload, ErrCloseReasonUTF8, ""))
		}
	}
	c.closeMu.Lock()
	c.closeRecv, c.closeResult = true, ce
	c.closeMu.Unlock()
	// Section 5.5.1: "If an endpoint receives a Close frame and did not
	// previously send a Close frame, the endpoint MUST send a Close frame in
	// response. (When sending a Close frame in response, the endpoint
	// typically echos the status code it received.)"
	if err := c.sendClose(ce.Code, ""); err != nil && !errors.Is(err, ErrCloseSent) {
		c.readErr = ce
		c.closeTCP()
		return ce
	}
	c.readErr = ce
	c.endTCP()
	return ce
}

// endTCP ends the TCP connection once both close frames have crossed: a
// server closes at once; a client waits, briefly, for the server's FIN.
func (c *Conn) endTCP() {
	if c.role == RoleClient {
		_ = c.nc.SetReadDeadline(time.Now().Add(c.opts.CloseTimeout))
		_, _ = io.Copy(io.Discard, c.reader()) // until the server's FIN (EOF), or the deadline
	}
	c.closeTCP()
}

// fail fails the connection (section 7.1.7): it sends a close frame with
// the error's code, then ends TCP without reading further frames. The error
// becomes the connection's read error.
func (c *Conn) fail(err error) error {
	var pe *ProtocolError
	if !errors.As(err, &pe) {
		return c.readFailed(err)
	}
	if c.readErr == nil {
		c.readErr = pe
	}
	reason := strings.TrimPrefix(pe.Rule.Error(), "wsframe: ")
	if len(reason) > MaxCloseReason {
		reason = reason[:MaxCloseReason]
	}
	if c.sendClose(pe.Code, reason) == nil {
		// Half-close, then drain what the peer still sends until it closes:
		// closing a socket with unread data makes the kernel send RST, and
		// RST can destroy our close frame before the peer reads it.
		if cw, ok := c.nc.(interface{ CloseWrite() error }); ok {
			_ = cw.CloseWrite()
		}
		_ = c.nc.SetReadDeadline(time.Now().Add(min(c.opts.CloseTimeout, time.Second)))
		_, _ = io.Copy(io.Discard, c.reader())
	}
	c.closeTCP()
	return pe
}
