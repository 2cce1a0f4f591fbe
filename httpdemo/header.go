// Header fields (RFC 9110, section 5; RFC 9112, section 5).

package httpdemo

import (
	"net/textproto"
	"strings"
)

// A Field is one header line, kept in the order and spelling it was sent:
// a lesson shows the bytes, not a normalised map.
type Field struct {
	Name, Value string
}

// Fields is a header in wire order.
type Fields []Field

// Get returns the first value of the named field (names compare without
// regard to case, RFC 9110 section 5.1) and whether it was present.
func (fs Fields) Get(name string) (string, bool) {
	for _, f := range fs {
		if strings.EqualFold(f.Name, name) {
			return f.Value, true
		}
	}
	return "", false
}

// Values returns every value of the named field, in order.
func (fs Fields) Values(name string) []string {
	var out []string
	for _, f := range fs {
		if strings.EqualFold(f.Name, name) {
			out = append(out, f.Value)
		}
	}
	return out
}

// HasToken reports whether any of the named field's comma-separated values
// is token, compared case-insensitively (as for Connection: keep-alive, Upgrade).
func (fs Fields) HasToken(name, token string) bool {
	for _, v := range fs.Values(name) {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// fieldMeanings says what the common fields are for, in a lesson's words.
var fieldMeanings = map[string]string{
	"Host":                     "which site the client wants: one IP:port can serve many (required in HTTP/1.1)",
	"User-Agent":               "the client program's name",
	"Accept":                   "the media types the client can use",
	"Connection":               "hop-by-hop options: keep-alive keeps the TCP connection for more requests, close ends it after this one",
	"Content-Length":           "how many body bytes follow the blank line: the message's own boundary on the byte stream",
	"Content-Type":             "the media type of the body",
	"Transfer-Encoding":        "chunked: the body comes in chunks, each with its size, ended by a zero-size chunk",
	"Date":                     "when the server made the response",
	"Upgrade":                  "asks to switch this connection to another protocol",
	"Sec-Websocket-Key":        "16 random bytes, base64: the server must prove it read them",
	"Sec-Websocket-Accept":     "base64(SHA-1(key + GUID)): the proof that the server speaks WebSocket",
	"Sec-Websocket-Version":    "the WebSocket protocol version (13 is RFC 6455)",
	"Sec-Websocket-Protocol":   "subprotocols the client offers, or the one the server chose",
	"Sec-Websocket-Extensions": "extensions offered or accepted (such as permessage-deflate)",
	"Origin":                   "the page that started the request: lets a server refuse other sites",
	"Cache-Control":            "who may cache the response, and for how long",
	"Accept-Encoding":          "compressions the client can undo",
	"Accept-Language":          "languages the user prefers",
	"X-Content-Type-Options":   "nosniff: the browser must trust Content-Type and not guess",
}

// FieldMeaning returns a one-line explanation of a header field, or "".
func FieldMeaning(name string) string {
	return fieldMeanings[textproto.CanonicalMIMEHeaderKey(name)]
}
