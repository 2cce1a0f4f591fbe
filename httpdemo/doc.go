// Package httpdemo writes and reads HTTP/1.1 by hand (RFC 9112) over a TCP
// connection, so a lesson can show every byte of a request and a response
// and label it: request line, status line, each header field, the blank
// line that ends the head, and a body framed by Content-Length or by
// chunked transfer coding.
//
// HTTP is a request/response protocol: the client asks, the server answers,
// and a server has no way to speak on a connection unless a request is
// waiting for its answer. That is the limit WebSocket (package wsframe)
// removes.
//
// OSI layer: 7 (application)
package httpdemo
