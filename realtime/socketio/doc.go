// Package socketio implements Socket.IO, protocol version 5 (the protocol
// of socket.io 3 and 4), on netlab's Engine.IO: events with any JSON
// arguments and binary attachments, acknowledgements both ways,
// namespaces, rooms, broadcasts, and connection state recovery (a client
// that reconnects within a time limit gets its id, its rooms and the
// events it missed). A Server talks to the official socket.io-client; a
// Client talks to the official socket.io server.
//
// What Socket.IO adds to a WebSocket is a convention, not a transport: a
// message is an event name and arguments ('42["chat","hi"]'), a number
// after the type asks for an answer ('4212["chat","hi"]' is answered by
// '4312[...]'), and a namespace prefix ('42/admin,[...]') lets one
// connection carry several independent channels. Rooms exist only on the
// server: a client never learns which rooms it is in.
//
// Reference: https://github.com/socketio/socket.io/blob/main/docs/socket.io-protocol/v5-current.md
//
// OSI layer: 7 (application, over Engine.IO)
package socketio
