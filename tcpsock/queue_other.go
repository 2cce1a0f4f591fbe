// The kernel's receive queue, where the operating system cannot tell it.

//go:build !linux

package tcpsock

// Queued is not available on this operating system.
func (c *Conn) Queued() (int, error) { return 0, ErrUnsupported }
