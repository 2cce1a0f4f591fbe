// Package narrate renders a trace as text for people: the lesson's steps
// and explanations, each socket event on one line with its time, the bytes
// as text or as a hex dump, and annotations as a table of fields with their
// OSI layer. It is a trace.Sink, so it prints while the lesson runs.
//
// It is a renderer: it shows what the trace holds and adds no layer of its own.
//
// OSI layer: none (a renderer)
package narrate
