// Package engineio implements the Engine.IO protocol, version 4: the
// transport layer under Socket.IO. A session starts with HTTP long-polling
// (a GET held open until the server has something to say, a POST for each
// batch the client sends) or directly as a WebSocket, and a polling
// session can upgrade to WebSocket without losing a packet. The server
// pings, the client must answer within a timeout. WebSocket here is
// netlab's own wsframe.
//
// Reference: https://github.com/socketio/socket.io/blob/main/docs/engine.io-protocol/v4-current.md
//
// OSI layer: 7 (application, over HTTP and WebSocket)
package engineio
