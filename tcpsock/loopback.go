// Loopback only: netlab's sockets never leave the machine.

package tcpsock

import (
	"fmt"
	"net"
	"net/netip"
)

// CheckLoopback returns an error unless addr ("host:port") names a loopback
// IP address literally (127.0.0.0/8 or ::1). Host names are refused too:
// "localhost" could resolve anywhere a resolver says.
func CheckLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("address %q: want IP:port, such as 127.0.0.1:9001: %w", addr, err)
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return fmt.Errorf("address %q: %w: want a loopback IP literal (127.0.0.1 or ::1), not a host name", addr, ErrNotLoopback)
	}
	if !ip.Unmap().IsLoopback() {
		return fmt.Errorf("address %q: %w", addr, ErrNotLoopback)
	}
	return nil
}
