// Fuzz target for the reassembly of a binary packet: the arguments'
// JSON from the peer, a number of attachments, checkPlaceholders (the
// server's guard, unexported: hence an internal test) and the accessors
// that resolve placeholders. The seed corpus is under
// testdata/fuzz/FuzzCheckPlaceholders; to search further:
//
//	go test ./realtime/socketio -run '^$' -fuzz '^FuzzCheckPlaceholders$' -fuzztime 30s

package socketio

import (
	"encoding/json"
	"errors"
	"testing"
)

// unresolved reports whether a decoded value still holds an object with
// "_placeholder": true, and whether every []byte in it is one of bins.
func unresolved(v any, bins [][]byte) (placeholder, foreign bool) {
	switch t := v.(type) {
	case []byte:
		for _, b := range bins {
			if len(t) > 0 && len(b) > 0 && &t[0] == &b[0] {
				return false, false
			}
		}
		return false, true
	case map[string]any:
		if p, ok := t["_placeholder"].(bool); ok && p {
			placeholder = true
		}
		for _, e := range t {
			p, f := unresolved(e, bins)
			placeholder, foreign = placeholder || p, foreign || f
		}
	case []any:
		for _, e := range t {
			p, f := unresolved(e, bins)
			placeholder, foreign = placeholder || p, foreign || f
		}
	}
	return placeholder, foreign
}

// FuzzCheckPlaceholders: nothing panics; checkPlaceholders accepts the
// arguments exactly when Values resolves every placeholder in them, and
// what it resolves them to is the packet's own attachments.
func FuzzCheckPlaceholders(f *testing.F) {
	f.Add([]byte(`["up",{"_placeholder":true,"num":0}]`), uint8(1))
	f.Fuzz(func(t *testing.T, payload []byte, attachments uint8) {
		var all []json.RawMessage
		if json.Unmarshal(payload, &all) != nil {
			return
		}
		bins := make([][]byte, int(attachments)%(MaxAttachments+2))
		for i := range bins {
			bins[i] = []byte{byte(i), 0xff}
		}
		a := Args{JSON: all, Binary: bins}
		checkErr := a.checkPlaceholders()
		if checkErr != nil && !errors.Is(checkErr, ErrBadPacket) {
			t.Fatalf("checkPlaceholders(%q, %d): %v does not wrap ErrBadPacket", payload, len(bins), checkErr)
		}
		_ = a.String()
		for i := -1; i <= a.Len(); i++ {
			if b, ok := a.Bytes(i); ok {
				if _, foreign := unresolved(b, bins); foreign {
					t.Fatalf("Bytes(%d) of %q = %v, not one of the attachments", i, payload, b)
				}
			}
			var raw []byte
			_ = a.Decode(i, &raw)
		}
		values, err := a.Values()
		if err != nil {
			t.Fatalf("Values() of %q, valid JSON: %v", payload, err)
		}
		left, foreign := unresolved(values, bins)
		if foreign {
			t.Fatalf("Values() of %q holds bytes that are not attachments: %#v", payload, values)
		}
		if checkErr == nil && left {
			t.Fatalf("checkPlaceholders accepted %q with %d attachments, but Values() leaves a placeholder: %#v", payload, len(bins), values)
		}
		if checkErr != nil && !left {
			t.Fatalf("checkPlaceholders refused %q with %d attachments (%v), but Values() resolves them all", payload, len(bins), checkErr)
		}
	})
}
