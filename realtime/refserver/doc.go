// Package refserver is the reference server behind `netlab serve-socketio`:
// a Socket.IO server with the handlers that socket.io's own protocol test
// suites expect (auth, message-back, message-with-ack, an "Invalid
// namespace" for anything but "/" and "/custom"), demo events for the
// lessons (join, leave, say, kick, broadcast), and a bare Engine.IO echo
// endpoint. The interop tests run the official socket.io server with the
// same handlers (interop/node/server.mjs), so either can stand in for the
// other.
//
// OSI layer: 7 (application)
package refserver
