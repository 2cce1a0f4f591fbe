package wsframe

import (
	"errors"
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

// canWaitUnbuffered says whether waitReadable works on nc.
func canWaitUnbuffered(nc net.Conn) bool {
	_, ok := nc.(syscall.Conn)
	return ok
}

// waitReadable parks until nc has bytes to read, EOF or an error, through
// Go's poller (read deadlines apply), without reading: it peeks one byte.
func waitReadable(nc net.Conn) error {
	sc, ok := nc.(syscall.Conn)
	if !ok {
		return errNotPooled
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return errNotPooled
	}
	err = rc.Read(func(fd uintptr) bool {
		var b [1]byte
		_, _, perr := unix.Recvfrom(int(fd), b[:], unix.MSG_PEEK|unix.MSG_DONTWAIT)
		return !errors.Is(perr, unix.EAGAIN) // anything but "nothing yet" is for the reader to see
	})
	return err
}
