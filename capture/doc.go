// Package capture writes and reads packet captures. Writing: a lesson's
// trace becomes a pcap or pcapng file that Wireshark opens as real traffic,
// with Ethernet, IPv4 or IPv6 and TCP headers synthesized around the bytes
// the trace recorded (handshake, sequence and acknowledgement numbers,
// segments cut by MSS, teardown, checksums, the trace's times). Reading:
// pcap and pcapng files made by any tool, each packet taken apart layer by
// layer with its OSI layer, TCP conversations reassembled and their HTTP and
// WebSocket messages decoded.
//
// OSI layer: 2-7 (data link up to the application protocols it decodes)
package capture
