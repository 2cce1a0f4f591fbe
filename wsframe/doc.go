// Package wsframe implements, by hand, the WebSocket protocol of RFC 6455:
// the opening handshake (section 4), for servers (from the raw TCP byte
// stream, or behind a net/http server through Hijack) and for clients; the
// base framing protocol (section 5) with every rule the RFC gives a
// receiver; and the closing handshake (section 7). It also explains any
// frame field by field, for the lessons and the capture reader.
//
// A WebSocket connection starts as an HTTP/1.1 request that asks to
// upgrade; after the server's 101 response the same TCP connection carries
// frames in both directions, whenever either side likes: no request needed.
//
// The API has three levels: whole messages (ReadMessage, WriteMessage),
// streamed messages (NextReader, NextWriter), and single frames
// (ReadFrame, WriteFrame) for lessons that show what the RFC allows.
//
// OSI layer: 7 (application)
package wsframe
