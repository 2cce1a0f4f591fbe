// The opening handshake's shared parts: the accept key, the request rules,
// refusals (RFC 6455, sections 1.3, 4.1 and 4.2).

package wsframe

import (
	"crypto/sha1"
	"encoding/base64"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"netlab/httpdemo"
)

// GUID is the fixed string section 1.3 appends to the client's key: a
// value "unlikely to be used by network endpoints that do not understand
// the WebSocket Protocol".
const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// AcceptKey computes Sec-WebSocket-Accept for a Sec-WebSocket-Key, as
// section 4.2.2 step 5.4 says: the key (as sent, base64 text) concatenated
// with the GUID, hashed with SHA-1, and the 20-byte hash base64-encoded.
func AcceptKey(key string) string {
	sum := sha1.Sum([]byte(key + GUID))
	return base64.StdEncoding.EncodeToString(sum[:])
}

// AcceptSteps returns the three intermediate values of AcceptKey, so a
// lesson can show each step: the concatenation, the SHA-1 hash, the base64.
func AcceptSteps(key string) (concatenated string, hash [20]byte, accept string) {
	concatenated = key + GUID
	hash = sha1.Sum([]byte(concatenated))
	return concatenated, hash, base64.StdEncoding.EncodeToString(hash[:])
}

// A HandshakeError is a refused opening handshake: the rule the request
// broke and the HTTP status the server answered with.
type HandshakeError struct {
	Status int   // 400, 403, 405, 426, 431, ...
	Rule   error // one of the handshake sentinels
	Detail string
}

func (e *HandshakeError) Error() string {
	s := fmt.Sprintf("%d %s: %v", e.Status, http.StatusText(e.Status), e.Rule)
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

func (e *HandshakeError) Unwrap() error { return e.Rule }

// Reason is the one line a refusal's body carries: the rule and what was seen.
func (e *HandshakeError) Reason() string {
	r := strings.TrimPrefix(e.Rule.Error(), "wsframe: ")
	if e.Detail != "" {
		r += ": " + e.Detail
	}
	return r
}

func refuse(status int, rule error, format string, args ...any) *HandshakeError {
	return &HandshakeError{Status: status, Rule: rule, Detail: fmt.Sprintf(format, args...)}
}

// upgradeRequest is what the rules of section 4.2.1 look at, whether the
// request was read by hand or by net/http.
type upgradeRequest struct {
	method       string
	major, minor int
	host         string
	fields       httpdemo.Fields
}

// checkRequest applies section 4.2.1, "Reading the Client's Opening
// Handshake", in the RFC's order, and returns the client's key.
func checkRequest(r upgradeRequest) (string, *HandshakeError) {
	// 1. "An HTTP/1.1 or higher GET request".
	if r.method != http.MethodGet {
		return "", refuse(http.StatusMethodNotAllowed, ErrNotGet, "got %s", r.method)
	}
	if r.major < 1 || r.major == 1 && r.minor < 1 {
		return "", refuse(http.StatusBadRequest, ErrHTTPVersion, "got HTTP/%d.%d", r.major, r.minor)
	}
	// 2. "A |Host| header field containing the server's authority."
	if r.host == "" {
		return "", refuse(http.StatusBadRequest, ErrNoHost, "")
	}
	// 3. "An |Upgrade| header field containing the value "websocket",
	// treated as an ASCII case-insensitive value."
	if !r.fields.HasToken("Upgrade", "websocket") {
		return "", refuse(http.StatusBadRequest, ErrNoUpgrade, "Upgrade: %q", strings.Join(r.fields.Values("Upgrade"), ", "))
	}
	// 4. "A |Connection| header field that includes the token "Upgrade",
	// treated as an ASCII case-insensitive value."
	if !r.fields.HasToken("Connection", "Upgrade") {
		return "", refuse(http.StatusBadRequest, ErrNoConnection, "Connection: %q", strings.Join(r.fields.Values("Connection"), ", "))
	}
	// 6. "A |Sec-WebSocket-Version| header field, with a value of 13."
	// Section 4.4: otherwise "the server MUST abort the WebSocket handshake
	// ... and instead send an appropriate HTTP error code (such as 426
	// Upgrade Required) and a |Sec-WebSocket-Version| header field".
	if v := r.fields.Values("Sec-WebSocket-Version"); len(v) != 1 || strings.TrimSpace(v[0]) != "13" {
		return "", refuse(http.StatusUpgradeRequired, ErrBadVersion, "got %q", strings.Join(v, ", "))
	}
	// 5. "A |Sec-WebSocket-Key| header field with a base64-encoded value
	// that, when decoded, is 16 bytes in length."
	keys := r.fields.Values("Sec-WebSocket-Key")
	if len(keys) != 1 {
		return "", refuse(http.StatusBadRequest, ErrBadKey, "%d Sec-WebSocket-Key fields", len(keys))
	}
	key := strings.TrimSpace(keys[0])
	if raw, err := base64.StdEncoding.DecodeString(key); err != nil || len(raw) != 16 {
		return "", refuse(http.StatusBadRequest, ErrBadKey, "%q", key)
	}
	return key, nil
}

// chooseSubprotocol picks the first of the server's subprotocols that the
// client offered (section 4.2.2, step 5.4 /subprotocol/).
func chooseSubprotocol(fields httpdemo.Fields, server []string) string {
	var offered []string
	for _, v := range fields.Values("Sec-WebSocket-Protocol") {
		for _, p := range strings.Split(v, ",") {
			offered = append(offered, strings.TrimSpace(p))
		}
	}
	for _, s := range server {
		for _, o := range offered {
			if s == o {
				return s
			}
		}
	}
	return ""
}

// switchingResponse is the server's 101 (section 4.2.2, step 5).
func switchingResponse(key, subprotocol string) []byte {
	fields := httpdemo.Fields{
		{Name: "Upgrade", Value: "websocket"},
		{Name: "Connection", Value: "Upgrade"},
		{Name: "Sec-WebSocket-Accept", Value: AcceptKey(key)},
	}
	if subprotocol != "" {
		fields = append(fields, httpdemo.Field{Name: "Sec-WebSocket-Protocol", Value: subprotocol})
	}
	return appendResponse(nil, http.StatusSwitchingProtocols, fields, nil)
}

// refusalResponse is a real HTTP response for a refused handshake: the
// status, a one-line reason, and what section 4.4 asks for a bad version.
func refusalResponse(e *HandshakeError) []byte {
	body := []byte(e.Reason() + "\n")
	fields := httpdemo.Fields{
		{Name: "Content-Type", Value: "text/plain; charset=utf-8"},
		{Name: "Content-Length", Value: strconv.Itoa(len(body))},
		{Name: "Connection", Value: "close"},
	}
	fields = append(fields, refusalFields(e)...)
	return appendResponse(nil, e.Status, fields, body)
}

func refusalFields(e *HandshakeError) httpdemo.Fields {
	switch e.Status {
	case http.StatusUpgradeRequired:
		return httpdemo.Fields{{Name: "Sec-WebSocket-Version", Value: "13"}, {Name: "Upgrade", Value: "websocket"}}
	case http.StatusMethodNotAllowed:
		return httpdemo.Fields{{Name: "Allow", Value: "GET"}}
	}
	return nil
}

func appendResponse(dst []byte, status int, fields httpdemo.Fields, body []byte) []byte {
	dst = fmt.Appendf(dst, "HTTP/1.1 %d %s\r\n", status, http.StatusText(status))
	for _, f := range fields {
		dst = append(dst, f.Name...)
		dst = append(dst, ": "...)
		dst = append(dst, f.Value...)
		dst = append(dst, "\r\n"...)
	}
	dst = append(dst, "\r\n"...)
	return append(dst, body...)
}
