// What the kernel counts for one connection (getsockopt TCP_INFO).

//go:build linux

package tcpsock

import (
	"fmt"
	"syscall"

	"golang.org/x/sys/unix"
)

// Stats returns the kernel's counters for this connection.
func (c *Conn) Stats() (Stats, error) {
	sc, ok := c.nc.(syscall.Conn)
	if !ok {
		return Stats{}, fmt.Errorf("tcpsock: %T has no file descriptor: %w", c.nc, ErrUnsupported)
	}
	raw, err := sc.SyscallConn()
	if err != nil {
		return Stats{}, fmt.Errorf("tcp_info: %w", err)
	}
	var info *unix.TCPInfo
	var infoErr error
	if err := raw.Control(func(fd uintptr) { info, infoErr = unix.GetsockoptTCPInfo(int(fd), unix.IPPROTO_TCP, unix.TCP_INFO) }); err != nil {
		return Stats{}, fmt.Errorf("tcp_info: %w", err)
	}
	if infoErr != nil {
		return Stats{}, fmt.Errorf("getsockopt TCP_INFO: %w", infoErr)
	}
	return Stats{
		SegsOut:     info.Segs_out,
		SegsIn:      info.Segs_in,
		DataSegsOut: info.Data_segs_out,
		DataSegsIn:  info.Data_segs_in,
		SendMSS:     info.Snd_mss,
		State:       TCPState(info.State),
	}, nil
}
