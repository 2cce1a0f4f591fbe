// Errors of package wsframe: one sentinel per rule of RFC 6455 it enforces.

package wsframe

import (
	"errors"
	"fmt"
)

// Opening handshake, server side (RFC 6455, section 4.2.1). Each maps to
// the HTTP status the server answers with (see HandshakeError).
var (
	ErrNotGet           = errors.New("wsframe: the opening handshake must be a GET request")
	ErrHTTPVersion      = errors.New("wsframe: the opening handshake needs HTTP/1.1 or higher")
	ErrNoHost           = errors.New("wsframe: the request has no Host header field")
	ErrNoUpgrade        = errors.New("wsframe: Upgrade does not include the websocket token")
	ErrNoConnection     = errors.New("wsframe: Connection does not include the Upgrade token")
	ErrBadKey           = errors.New("wsframe: Sec-WebSocket-Key is not 16 base64-encoded bytes")
	ErrBadVersion       = errors.New("wsframe: Sec-WebSocket-Version is not 13")
	ErrHeadTooLarge     = errors.New("wsframe: the request head is longer than the limit")
	ErrOriginRefused    = errors.New("wsframe: the Origin policy refused the request")
	ErrMalformed        = errors.New("wsframe: the request is not well-formed HTTP/1.1")
	ErrHandshakeTimeout = errors.New("wsframe: the handshake did not finish before its deadline")
)

// Opening handshake, client side (RFC 6455, section 4.1, "the client MUST
// validate the server's response").
var (
	ErrNotSwitching      = errors.New("wsframe: the server did not answer 101 Switching Protocols")
	ErrResponseUpgrade   = errors.New("wsframe: the response's Upgrade is not websocket")
	ErrResponseConn      = errors.New("wsframe: the response's Connection does not include Upgrade")
	ErrBadAccept         = errors.New("wsframe: Sec-WebSocket-Accept does not match the key")
	ErrUnofferedProtocol = errors.New("wsframe: the server chose a subprotocol the client did not offer")
	ErrUnofferedExt      = errors.New("wsframe: the server chose an extension the client did not offer")
	ErrBadURL            = errors.New("wsframe: the URL is not ws://host:port/path")
)

// Framing (RFC 6455, section 5). Each is a protocol error: the connection
// is failed with the close code in ProtocolError.
var (
	ErrReservedBits        = errors.New("wsframe: RSV bit set but no extension negotiated")
	ErrReservedOpcode      = errors.New("wsframe: reserved opcode")
	ErrUnmasked            = errors.New("wsframe: a client sent an unmasked frame")
	ErrMaskedFromServer    = errors.New("wsframe: a server sent a masked frame")
	ErrControlTooLong      = errors.New("wsframe: control frame payload longer than 125 bytes")
	ErrControlFragmented   = errors.New("wsframe: control frame with FIN clear (fragmented)")
	ErrUnexpectedCont      = errors.New("wsframe: continuation frame with no message open")
	ErrDataInFragment      = errors.New("wsframe: new data frame while a fragmented message is open")
	ErrLengthTopBit        = errors.New("wsframe: 64-bit payload length with its most significant bit set")
	ErrInvalidUTF8         = errors.New("wsframe: text is not valid UTF-8")
	ErrCloseOneByte        = errors.New("wsframe: close frame with a 1-byte payload")
	ErrCloseCode           = errors.New("wsframe: close frame with a status code that may not be sent")
	ErrCloseReasonUTF8     = errors.New("wsframe: close reason is not valid UTF-8")
	ErrFrameTooBig         = errors.New("wsframe: frame longer than the limit")
	ErrMessageTooBig       = errors.New("wsframe: message longer than the limit")
	ErrShortHeader         = errors.New("wsframe: not enough bytes for a frame header")
	ErrClosed              = errors.New("wsframe: the connection is closed")
	ErrCloseSent           = errors.New("wsframe: a close frame was already sent: no more data may follow")
	ErrWriterOpen          = errors.New("wsframe: the previous message writer was not closed")
	ErrInvalidCloseToWrite = errors.New("wsframe: that close code may not be sent")
)

// A ProtocolError is a rule of RFC 6455 the peer broke. The connection is
// failed: this end sends a close frame with Code, then closes TCP.
type ProtocolError struct {
	Code   CloseCode
	Rule   error  // one of the sentinels above
	Detail string // what exactly was seen
}

func (e *ProtocolError) Error() string {
	if e.Detail == "" {
		return fmt.Sprintf("%v (close %d)", e.Rule, e.Code)
	}
	return fmt.Sprintf("%v: %s (close %d)", e.Rule, e.Detail, e.Code)
}

func (e *ProtocolError) Unwrap() error { return e.Rule }

func protocolError(code CloseCode, rule error, format string, args ...any) *ProtocolError {
	return &ProtocolError{Code: code, Rule: rule, Detail: fmt.Sprintf(format, args...)}
}

// A CloseError reports that the connection was closed with a close frame:
// the code and reason the peer sent (or 1005 if it sent no code).
type CloseError struct {
	Code   CloseCode
	Reason string
}

func (e *CloseError) Error() string {
	if e.Reason == "" {
		return fmt.Sprintf("wsframe: closed by peer with %v", e.Code)
	}
	return fmt.Sprintf("wsframe: closed by peer with %v: %q", e.Code, e.Reason)
}
