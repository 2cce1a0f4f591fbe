// Kernel socket table entries and TCP states (RFC 9293, section 3.3.2).

package tcpsock

import "net/netip"

// A KernelSocket is one row of the kernel's TCP socket table.
type KernelSocket struct {
	Local, Remote netip.AddrPort
	State         TCPState
}

// TCPState is a TCP connection state as Linux numbers it (include/net/tcp_states.h).
type TCPState uint8

// The states a lesson meets. Their names are RFC 9293's.
const (
	StateEstablished TCPState = 0x01
	StateSynSent     TCPState = 0x02
	StateSynRecv     TCPState = 0x03
	StateFinWait1    TCPState = 0x04
	StateFinWait2    TCPState = 0x05
	StateTimeWait    TCPState = 0x06
	StateClose       TCPState = 0x07
	StateCloseWait   TCPState = 0x08
	StateLastAck     TCPState = 0x09
	StateListen      TCPState = 0x0A
	StateClosing     TCPState = 0x0B
)

var stateNames = map[TCPState]string{
	StateEstablished: "ESTABLISHED", StateSynSent: "SYN-SENT", StateSynRecv: "SYN-RECEIVED",
	StateFinWait1: "FIN-WAIT-1", StateFinWait2: "FIN-WAIT-2", StateTimeWait: "TIME-WAIT",
	StateClose: "CLOSED", StateCloseWait: "CLOSE-WAIT", StateLastAck: "LAST-ACK",
	StateListen: "LISTEN", StateClosing: "CLOSING",
}

// String returns the RFC 9293 name of the state.
func (s TCPState) String() string {
	if name, ok := stateNames[s]; ok {
		return name
	}
	return "STATE-0x" + string("0123456789ABCDEF"[s>>4]) + string("0123456789ABCDEF"[s&15])
}
