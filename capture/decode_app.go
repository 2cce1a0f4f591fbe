// What a TCP segment's payload carries: HTTP, WebSocket or TLS, decided
// from the payload's first bytes and what the conversation showed before
// (a 101 Switching Protocols turns the rest of it into WebSocket frames).

package capture

import (
	"bytes"

	"netlab/wsframe"
)

// httpMethods are the request methods of RFC 9110, section 9, each with
// the space that follows it on a request line.
var httpMethods = [...][]byte{
	[]byte("GET "), []byte("POST "), []byte("PUT "), []byte("DELETE "), []byte("HEAD "),
	[]byte("OPTIONS "), []byte("PATCH "), []byte("CONNECT "), []byte("TRACE "),
}

// startsHTTP reports whether p starts like an HTTP/1.x request or response.
func startsHTTP(p []byte) bool {
	if bytes.HasPrefix(p, []byte("HTTP/1.")) {
		return true
	}
	for _, m := range httpMethods {
		if bytes.HasPrefix(p, m) {
			return true
		}
	}
	return false
}

// startsTLS reports whether p starts like a TLS record (RFC 8446, section
// 5.1): content type 20-23, legacy version 3.x.
func startsTLS(p []byte) bool {
	return len(p) >= 5 && p[0] >= 20 && p[0] <= 23 && p[1] == 3 && p[2] <= 4
}

// isWebSocketSwitch reports whether p starts a 101 response that switches
// to WebSocket (RFC 6455, section 4.2.2).
func isWebSocketSwitch(p []byte) bool {
	if !bytes.HasPrefix(p, []byte("HTTP/1.1 101")) {
		return false
	}
	head := p[:min(len(p), 4096)]
	if end := bytes.Index(head, []byte("\r\n\r\n")); end >= 0 {
		head = head[:end]
	}
	return containsFold(head, "websocket")
}

// containsFold reports whether b contains the lower-case ASCII word, in
// any case, without allocating.
func containsFold(b []byte, word string) bool {
	for i := 0; i+len(word) <= len(b); i++ {
		j := 0
		for ; j < len(word); j++ {
			c := b[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != word[j] {
				break
			}
		}
		if j == len(word) {
			return true
		}
	}
	return false
}

// classifyTCP decides what a segment's payload is, and updates what the
// conversation has shown.
func classifyTCP(c *Conversation, p []byte) proto {
	if len(p) == 0 {
		return protoTCP
	}
	switch {
	case c.upgraded:
		return protoWebSocket
	case startsHTTP(p):
		if c.App == "" {
			c.App = "HTTP"
		}
		if isWebSocketSwitch(p) {
			c.upgraded, c.App = true, "WebSocket"
		}
		return protoHTTP
	case startsTLS(p) && (c.App == "" || c.App == "TLS"):
		c.App = "TLS"
		return protoTLS
	}
	return protoData
}

// wsFrames describes the WebSocket frames that start in one segment, and
// remembers how much of the last one is still to come. It appends to b.
func wsFrames(b []byte, c *Conversation, dir int, p []byte) []byte {
	b = append(b, "WebSocket"...)
	if c.wsRemain[dir] > 0 {
		n := min(c.wsRemain[dir], int64(len(p)))
		c.wsRemain[dir] -= n
		p = p[n:]
		b = append(b, " continuation of a frame's payload"...)
	}
	frames := 0
	for len(p) > 0 {
		h, n, err := wsframe.ParseHeader(p)
		if err != nil {
			if frames == 0 {
				b = append(b, " [frame header split across segments, or not a frame]"...)
			}
			return b
		}
		if frames > 0 {
			b = append(b, ',')
		}
		frames++
		b = append(b, ' ')
		b = append(b, h.Op.String()...)
		if h.Fin {
			b = append(b, " [FIN]"...)
		}
		if h.Masked {
			b = append(b, " [MASKED]"...)
		}
		rest := int64(len(p) - n)
		if h.Length > rest {
			c.wsRemain[dir] = h.Length - rest
			return b
		}
		p = p[n+int(h.Length):]
		if frames == 8 && len(p) > 0 {
			return append(b, ", …"...)
		}
	}
	return b
}
