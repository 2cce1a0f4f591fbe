// Tests of header fields in wire order (RFC 9110, section 5).

package httpdemo

import (
	"slices"
	"testing"
)

// header is a head as a server might receive it: names in several
// spellings, a field repeated, a list in one value.
var header = Fields{
	{"Host", "example.com"},
	{"connection", "keep-alive, Upgrade"},
	{"Upgrade", "websocket"},
	{"Accept", "text/html"},
	{"ACCEPT", "application/json"},
	{"X-Empty", ""},
	{"Cache-Control", "no-cache,no-store"},
}

func TestFieldsGet(t *testing.T) {
	tests := []struct {
		name      string
		wantValue string
		wantOK    bool
	}{
		{"Host", "example.com", true},
		{"host", "example.com", true}, // names compare without regard to case
		{"HOST", "example.com", true},
		{"Connection", "keep-alive, Upgrade", true},
		{"Accept", "text/html", true}, // the first of two
		{"X-Empty", "", true},         // present, with an empty value
		{"X-Missing", "", false},
		{"", "", false},
		{"Hos", "", false}, // a prefix is not the name
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := header.Get(tt.name)
			if got != tt.wantValue || ok != tt.wantOK {
				t.Errorf("Get(%q) = %q, %v; want %q, %v", tt.name, got, ok, tt.wantValue, tt.wantOK)
			}
		})
	}
	if v, ok := Fields(nil).Get("Host"); v != "" || ok {
		t.Errorf("nil Fields: Get = %q, %v; want \"\", false", v, ok)
	}
}

func TestFieldsValues(t *testing.T) {
	tests := []struct {
		name string
		want []string
	}{
		{"accept", []string{"text/html", "application/json"}}, // in wire order
		{"Host", []string{"example.com"}},
		{"X-Empty", []string{""}},
		{"X-Missing", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := header.Values(tt.name); !slices.Equal(got, tt.want) {
				t.Errorf("Values(%q) = %q, want %q", tt.name, got, tt.want)
			}
		})
	}
}

func TestFieldsHasToken(t *testing.T) {
	tests := []struct {
		name, token string
		want        bool
	}{
		{"Connection", "keep-alive", true},
		{"Connection", "upgrade", true}, // tokens compare without regard to case
		{"CONNECTION", "Keep-Alive", true},
		{"Connection", "close", false},
		{"Connection", "keep", false}, // a prefix of a token is not the token
		{"Upgrade", "websocket", true},
		{"Cache-Control", "no-store", true}, // no space after the comma
		{"Cache-Control", "no-cache", true},
		{"Accept", "application/json", true}, // in the second of two fields
		{"X-Empty", "", true},                // an empty value holds the empty token
		{"X-Missing", "", false},
		{"Host", "example", false},
	}
	for _, tt := range tests {
		t.Run(tt.name+"/"+tt.token, func(t *testing.T) {
			if got := header.HasToken(tt.name, tt.token); got != tt.want {
				t.Errorf("HasToken(%q, %q) = %v, want %v", tt.name, tt.token, got, tt.want)
			}
		})
	}
}

func TestFieldMeaning(t *testing.T) {
	for _, name := range []string{"Host", "host", "CONTENT-LENGTH", "sec-websocket-key", "Sec-WebSocket-Accept"} {
		if FieldMeaning(name) == "" {
			t.Errorf("FieldMeaning(%q) = \"\", want an explanation", name)
		}
	}
	if got := FieldMeaning("X-Not-Explained"); got != "" {
		t.Errorf("FieldMeaning(%q) = %q, want \"\"", "X-Not-Explained", got)
	}
	// Every key of the table is in canonical form, or FieldMeaning could
	// never find it.
	for name := range fieldMeanings {
		if FieldMeaning(name) == "" {
			t.Errorf("fieldMeanings[%q] cannot be found: the key is not in canonical form", name)
		}
	}
}
