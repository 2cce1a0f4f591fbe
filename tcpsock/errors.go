// Errors of package tcpsock, one per rule.

package tcpsock

import "errors"

// ErrNotLoopback is returned for any address outside 127.0.0.0/8 and ::1.
var ErrNotLoopback = errors.New("tcpsock: netlab only uses loopback addresses (127.0.0.1 or ::1)")

// ErrMessageTooLong is returned when a framed message exceeds the limit.
var ErrMessageTooLong = errors.New("tcpsock: message longer than the limit")

// ErrUnsupported is returned where this operating system cannot answer.
var ErrUnsupported = errors.New("tcpsock: not supported on this operating system")
