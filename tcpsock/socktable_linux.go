// The kernel's socket table, as /proc/net/tcp shows it (what `ss -tan` reads).

//go:build linux

package tcpsock

import (
	"bufio"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/netip"
	"os"
	"strconv"
	"strings"
)

// KernelSockets returns the kernel's TCP sockets (IPv4 and IPv6) that have
// port as their local or remote port, in the order the kernel lists them.
func KernelSockets(port int) ([]KernelSocket, error) {
	var out []KernelSocket
	for _, file := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		socks, err := readProcNetTCP(file)
		if err != nil {
			if os.IsNotExist(err) {
				continue
			}
			return nil, err
		}
		for _, s := range socks {
			if int(s.Local.Port()) == port || int(s.Remote.Port()) == port {
				out = append(out, s)
			}
		}
	}
	return out, nil
}

func readProcNetTCP(file string) ([]KernelSocket, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []KernelSocket
	sc := bufio.NewScanner(f)
	for line := 0; sc.Scan(); line++ {
		if line == 0 {
			continue // the header
		}
		s, err := parseProcNetTCPLine(sc.Text())
		if err != nil {
			return nil, fmt.Errorf("%s line %d: %w", file, line+1, err)
		}
		out = append(out, s)
	}
	return out, sc.Err()
}

// parseProcNetTCPLine reads "sl local rem st ..." where addresses are
// hex IP:hex port. The kernel prints each 32-bit word of the address as a
// number read in host byte order, so on little-endian machines the bytes
// of each word come out reversed.
func parseProcNetTCPLine(line string) (KernelSocket, error) {
	f := strings.Fields(line)
	if len(f) < 4 {
		return KernelSocket{}, fmt.Errorf("want at least 4 fields, got %d", len(f))
	}
	local, err := parseProcAddr(f[1])
	if err != nil {
		return KernelSocket{}, err
	}
	remote, err := parseProcAddr(f[2])
	if err != nil {
		return KernelSocket{}, err
	}
	st, err := strconv.ParseUint(f[3], 16, 8)
	if err != nil {
		return KernelSocket{}, fmt.Errorf("state %q: %w", f[3], err)
	}
	return KernelSocket{Local: local, Remote: remote, State: TCPState(st)}, nil
}

func parseProcAddr(s string) (netip.AddrPort, error) {
	ipHex, portHex, ok := strings.Cut(s, ":")
	if !ok {
		return netip.AddrPort{}, fmt.Errorf("address %q: no colon", s)
	}
	raw, err := hex.DecodeString(ipHex)
	if err != nil || (len(raw) != 4 && len(raw) != 16) {
		return netip.AddrPort{}, fmt.Errorf("address %q: bad IP", s)
	}
	for i := 0; i < len(raw); i += 4 { // each 32-bit word was printed as a number in host byte order
		binary.NativeEndian.PutUint32(raw[i:], binary.BigEndian.Uint32(raw[i:]))
	}
	ip, _ := netip.AddrFromSlice(raw)
	port, err := strconv.ParseUint(portHex, 16, 16)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("address %q: port: %w", s, err)
	}
	return netip.AddrPortFrom(ip.Unmap(), uint16(port)), nil
}
