// Package compare delivers one feed of updates to many clients four ways —
// short polling (over keep-alive, or a new connection per poll), long
// polling, Server-Sent Events and WebSocket — all real, on loopback, and
// measures each at the socket: requests, bytes up and down split into HTTP
// headers, framing and payload, TCP connections, segments (from the
// kernel's own counters), update latency, missed and repeated updates, and
// the server's CPU time (the server runs in a process of its own, so its
// getrusage is its own).
//
// Every figure comes from bytes that crossed sockets in that run;
// anything extended by calculation (the Kaazing table's 10,000 and 100,000
// clients) is marked as calculated.
//
// OSI layer: 4,7 (HTTP and WebSocket over TCP, with TCP's segment counts)
package compare
