// JSON close to what JavaScript writes: encoding/json escapes <, > and &
// for HTML, JSON.stringify does not, and the bytes on the wire should be
// the same whichever side wrote them. (Two differences remain: Go escapes
// U+2028 and U+2029, and writes -0 where JavaScript writes 0.)

package socketio

import (
	"bytes"
	"encoding/json"
)

// marshalJSON encodes v like JSON.stringify: no HTML escaping, no newline.
func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'}), nil
}

// appendArray appends [first, rest...] where every element is JSON.
func appendArray(dst []byte, first []byte, rest []json.RawMessage) []byte {
	dst = append(dst, '[')
	if first != nil {
		dst = append(dst, first...)
	}
	for i, r := range rest {
		if i > 0 || first != nil {
			dst = append(dst, ',')
		}
		dst = append(dst, r...)
	}
	return append(dst, ']')
}
