//go:build !linux

package wsframe

import "net"

// canWaitUnbuffered: only Linux waits without a buffer.
func canWaitUnbuffered(net.Conn) bool { return false }

// waitReadable is not available here: the connection keeps its reader.
func waitReadable(net.Conn) error { return errNotPooled }
