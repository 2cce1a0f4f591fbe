// Package lessons holds netlab's runnable lessons and their registry. A
// lesson is a small program: it starts real servers and clients on
// loopback with the protocol packages, narrates each step, attaches the
// protocol packages' annotations to the bytes, and ends by restating its
// question and answering it with what it just showed.
//
// Lessons write nothing themselves: everything goes into the trace, and the
// renderers (terminal text, JSON lines) show it.
//
// OSI layer: 2-4,7 (the union of its lessons' layers; each declares its own in the registry)
package lessons
