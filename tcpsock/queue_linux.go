// The kernel's receive queue: bytes that arrived but were not read yet.

//go:build linux

package tcpsock

import (
	"fmt"
	"syscall"

	"golang.org/x/sys/unix"
)

// Queued returns how many bytes wait in the kernel's receive queue for this
// socket (ioctl SIOCINQ, what `ss` shows as Recv-Q). They arrived; nobody
// has read them yet; nothing in them marks where one write ended.
func (c *Conn) Queued() (int, error) {
	sc, ok := c.nc.(syscall.Conn)
	if !ok {
		return 0, fmt.Errorf("tcpsock: %T has no file descriptor: %w", c.nc, ErrUnsupported)
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return 0, fmt.Errorf("queued: %w", err)
	}
	var n int
	var ioErr error
	if err := raw.Control(func(fd uintptr) { n, ioErr = unix.IoctlGetInt(int(fd), unix.SIOCINQ) }); err != nil {
		return 0, fmt.Errorf("queued: %w", err)
	}
	if ioErr != nil {
		return 0, fmt.Errorf("queued: ioctl SIOCINQ: %w", ioErr)
	}
	return n, nil
}
