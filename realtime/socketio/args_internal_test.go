// checkPlaceholders, the server's check of a reassembled binary packet
// before its handler runs (unexported, hence an internal test). The
// reference reconstructPacket throws "illegal attachments" for a
// placeholder whose num is not a number, is negative, or is past the
// attachments; netlab also refuses a num that is not an integer (the
// reference would hand the handler undefined).

package socketio

import (
	"encoding/json"
	"errors"
	"testing"
)

func TestCheckPlaceholders(t *testing.T) {
	two := [][]byte{{1}, {2}}
	tests := []struct {
		name   string
		json   []string
		binary [][]byte
		ok     bool
	}{
		{"no arguments", nil, nil, true},
		{"no placeholders", []string{`"a"`, `1`, `{"k":[1,{"x":null}]}`}, nil, true},
		{"top-level placeholders", []string{`{"_placeholder":true,"num":0}`, `{"_placeholder":true,"num":1}`}, two, true},
		{"nested placeholders", []string{`{"a":[1,{"b":{"_placeholder":true,"num":1}}]}`, `[{"_placeholder":true,"num":0}]`}, two, true},
		{"the same attachment twice", []string{`{"_placeholder":true,"num":0}`, `{"_placeholder":true,"num":0}`}, two, true},
		{"keys in another order, and more keys", []string{`{"num":1,"x":2,"_placeholder":true}`}, two, true},
		{"num written as 1.0", []string{`{"_placeholder":true,"num":1.0}`}, two, true},
		{"num written as 1e0", []string{`{"_placeholder":true,"num":1e0}`}, two, true},
		{"an escaped key is the same key", []string{`{"\u005fplaceholder":true,"num":0}`}, two, true},
		{"_placeholder false is an ordinary object", []string{`{"_placeholder":false,"num":9}`}, nil, true},
		{"_placeholder \"true\" is an ordinary object", []string{`{"_placeholder":"true","num":9}`}, nil, true},
		{"_placeholder 1 is an ordinary object", []string{`{"_placeholder":1,"num":9}`}, nil, true},
		{"another case is another key", []string{`{"_Placeholder":true,"num":9}`}, nil, true},
		{"placeholders inside a valid placeholder are not looked at", []string{`{"_placeholder":true,"num":0,"x":{"_placeholder":true,"num":7}}`}, two, true},

		{"num past the attachments", []string{`{"_placeholder":true,"num":2}`}, two, false},
		{"any placeholder without attachments", []string{`{"_placeholder":true,"num":0}`}, nil, false},
		{"a bad one after good ones", []string{`{"_placeholder":true,"num":0}`, `"x"`, `[{"_placeholder":true,"num":5}]`}, two, false},
		{"a bad one deep inside", []string{`{"a":{"b":[[{"_placeholder":true,"num":3}]]}}`}, two, false},
		{"negative num", []string{`{"_placeholder":true,"num":-1}`}, two, false},
		{"num not an integer", []string{`{"_placeholder":true,"num":0.5}`}, two, false},
		{"num a string", []string{`{"_placeholder":true,"num":"0"}`}, two, false},
		{"num null", []string{`{"_placeholder":true,"num":null}`}, two, false},
		{"num missing", []string{`{"_placeholder":true}`}, two, false},
		{"num huge", []string{`{"_placeholder":true,"num":1e300}`}, two, false},
		{"the last of duplicate keys counts", []string{`{"_placeholder":true,"num":0,"num":2}`}, two, false},
		{"an argument that is not JSON", []string{`{bad`}, two, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := Args{Binary: tt.binary}
			for _, j := range tt.json {
				a.JSON = append(a.JSON, json.RawMessage(j))
			}
			err := a.checkPlaceholders()
			if tt.ok && err != nil {
				t.Errorf("checkPlaceholders(%q, %d attachments) = %v, want nil", tt.json, len(tt.binary), err)
			}
			if !tt.ok && !errors.Is(err, ErrBadPacket) {
				t.Errorf("checkPlaceholders(%q, %d attachments) = %v, want ErrBadPacket", tt.json, len(tt.binary), err)
			}
		})
	}
}
