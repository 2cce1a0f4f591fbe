// The kernel socket table, where the operating system does not expose it.

//go:build !linux

package tcpsock

// KernelSockets is not available on this operating system.
func KernelSockets(port int) ([]KernelSocket, error) { return nil, ErrUnsupported }
