// Package packets shows how a message crosses a network in pieces: it is
// cut into segments for a maximum segment size, the pieces cross a
// simulated network that loses, duplicates, delays and reorders them (the
// simulator says so in everything it prints: loopback cannot show these),
// and a reassembler puts them back together or reports the holes. A reliable
// transfer on top (acknowledgements, retransmission, a sliding window)
// shows how TCP survives the same faults. It also builds real IPv4 packets
// with gopacket, fragments them for a small MTU, and reassembles them, with
// a stated policy for hostile fragments.
//
// OSI layer: 3-4 (network: IP fragments; transport: segments)
package packets
