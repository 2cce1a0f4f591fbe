// Kernel counters, where the operating system does not expose them.

//go:build !linux

package tcpsock

// Stats is not available on this operating system.
func (c *Conn) Stats() (Stats, error) { return Stats{}, ErrUnsupported }
