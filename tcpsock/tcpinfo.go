// Kernel counters for one connection.

package tcpsock

// Stats are the kernel's own counts for one connection: evidence of what
// happened on the wire, next to what the program saw in its reads.
type Stats struct {
	SegsOut     uint32   // segments sent, with or without data (handshake, ACKs, FIN)
	SegsIn      uint32   // segments received, with or without data
	DataSegsOut uint32   // segments sent that carried data
	DataSegsIn  uint32   // segments received that carried data
	SendMSS     uint32   // the largest segment payload this end sends
	State       TCPState // the connection's state
}
