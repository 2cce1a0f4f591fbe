// Errors of package engineio.

package engineio

import "errors"

var (
	ErrBadPacket      = errors.New("engineio: malformed packet")
	ErrSessionClosed  = errors.New("engineio: the session is closed")
	ErrUnknownSession = errors.New("engineio: unknown session id")
	ErrTooLarge       = errors.New("engineio: payload larger than maxPayload")
	ErrSlowClient     = errors.New("engineio: the client does not read fast enough: too much queued for it")
)
