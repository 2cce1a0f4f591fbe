// Package tcpsock is netlab's door to TCP: listeners and connections on
// loopback whose every open, read, write, half-close and close is recorded
// in a [trace.Recorder] with the exact bytes, plus the small tools the
// socket lessons need (the kernel's receive-queue size, the kernel's socket
// table, and length-prefixed message framing over the byte stream).
//
// A socket is one end of a two-way byte stream; an endpoint is an IP address
// and a port; a TCP connection is named by its 4-tuple (client IP, client
// port, server IP, server port). Everything here runs on 127.0.0.1 or ::1:
// netlab never opens a socket on any other address.
//
// OSI layer: 4 (transport)
package tcpsock
