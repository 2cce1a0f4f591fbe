// Errors of package socketio.

package socketio

import "errors"

var (
	ErrBadPacket      = errors.New("socketio: malformed packet")
	ErrDisconnected   = errors.New("socketio: the socket is disconnected")
	ErrAckTimeout     = errors.New("socketio: no acknowledgement in time")
	ErrReservedEvent  = errors.New("socketio: a reserved event name")
	ErrServerClosed   = errors.New("socketio: the server is closed")
	ErrConnectRefused = errors.New("socketio: the server refused the connection")
)
