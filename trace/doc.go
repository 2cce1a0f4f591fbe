// Package trace is the ordered record of what a lesson did on the network:
// listeners and connections opened and closed (with both endpoints and who
// initiated), every read and write with the exact bytes and a monotonic
// timestamp, annotations that label byte ranges with their OSI layer, and
// the lesson's own narration (steps, remarks, tables, the final answer).
//
// Bytes are recorded at the socket boundary by package tcpsock, never
// re-created afterwards. One trace feeds every renderer: the terminal
// narrator, JSON lines (the public schema, see SCHEMA.md in this folder),
// and the capture writer.
//
// Order: each event gets its sequence number when the operation starts
// (a write) or completes (a read), and sinks see events strictly in sequence
// order. So a read that returns bytes always comes after the write that sent
// them, even when the two run on different goroutines.
//
// OSI layer: 4 (transport: what crossed the socket)
package trace
