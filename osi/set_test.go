// Tests for layer sets: building, querying, text and JSON forms.

package osi

import (
	"encoding/json"
	"slices"
	"testing"
)

func TestOfAndRange(t *testing.T) {
	tests := []struct {
		name string
		got  Set
		want Set
	}{
		{"Of nothing", Of(), 0},
		{"Of one", Of(Transport), 1 << 4},
		{"Of two", Of(Transport, Application), 1<<4 | 1<<7},
		{"Of repeats", Of(Network, Network), 1 << 3},
		{"Of skips layer 0", Of(0, Physical), 1 << 1},
		{"Of skips layer 8", Of(8, Application), 1 << 7},
		{"Range one", Range(Transport, Transport), Of(Transport)},
		{"Range 2-4", Range(DataLink, Transport), Of(DataLink, Network, Transport)},
		{"Range 1-7", Range(Physical, Application), 0b1111_1110},
		{"Range backwards is empty", Range(Application, Physical), 0},
		{"Range from 0 starts at 1", Range(0, DataLink), Of(Physical, DataLink)},
		// Layer is a uint8: a loop to 255 would wrap to 0 and never end.
		{"Range to 255 stops at 7", Range(Session, 255), Of(Session, Presentation, Application)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("got %08b, want %08b", tt.got, tt.want)
			}
		})
	}
}

func TestHasAndLayers(t *testing.T) {
	tests := []struct {
		set  Set
		want []Layer
	}{
		{Of(), nil},
		{Of(Physical), []Layer{Physical}},
		{Of(Application, Transport), []Layer{Transport, Application}},
		{Range(Physical, Application), []Layer{Physical, DataLink, Network, Transport, Session, Presentation, Application}},
		// Bit 0 is not a layer: a set holding it (only by conversion) lists
		// and has nothing more.
		{Set(1) | Of(Network), []Layer{Network}},
	}
	for _, tt := range tests {
		t.Run(tt.set.String(), func(t *testing.T) {
			if got := tt.set.Layers(); !slices.Equal(got, tt.want) {
				t.Errorf("Layers() = %v, want %v", got, tt.want)
			}
			for l := Layer(0); l <= 9; l++ {
				if got, want := tt.set.Has(l), slices.Contains(tt.want, l); got != want {
					t.Errorf("Has(%v) = %t, want %t", l, got, want)
				}
			}
		})
	}
}

func TestSetString(t *testing.T) {
	tests := []struct {
		set  Set
		want string
	}{
		{Of(), "none"},
		{Of(Transport), "4"},
		{Of(Transport, Application), "4,7"},
		{Range(DataLink, Transport), "2-4"},
		{Range(Physical, Application), "1-7"},
		{Of(Physical, Network, Transport, Application), "1,3-4,7"},
		{Of(Physical, DataLink, Session, Presentation), "1-2,5-6"},
		{Of(Physical, Network, Session, Application), "1,3,5,7"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.set.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestParseSetRoundTrip checks ParseSet(s.String()) == s for all 128 sets.
func TestParseSetRoundTrip(t *testing.T) {
	for bits := 0; bits < 1<<7; bits++ {
		s := Set(bits << 1) // bit n is layer n; bit 0 is not a layer
		got, err := ParseSet(s.String())
		if err != nil {
			t.Errorf("ParseSet(%q): %v", s.String(), err)
			continue
		}
		if got != s {
			t.Errorf("ParseSet(%q) = %q, want %q", s.String(), got, s)
		}
	}
}

func TestParseSet(t *testing.T) {
	tests := []struct {
		text    string
		want    Set
		wantErr bool
	}{
		{text: "4", want: Of(Transport)},
		{text: "none", want: Of()},
		{text: "2-4", want: Range(DataLink, Transport)},
		{text: "4,7", want: Of(Transport, Application)},
		{text: "4, 7", want: Of(Transport, Application)},
		{text: "transport-application", want: Range(Transport, Application)},
		{text: "data link-network", want: Of(DataLink, Network)},
		{text: "7,4", want: Of(Transport, Application)},
		{text: "4-4", want: Of(Transport)},
		{text: "", wantErr: true},
		{text: "0", wantErr: true},
		{text: "8", wantErr: true},
		{text: "4-8", wantErr: true},
		{text: "7-4", wantErr: true},
		{text: "4,", wantErr: true},
		{text: "1-2-3", wantErr: true},
		{text: "none,4", wantErr: true},
		{text: "four", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			got, err := ParseSet(tt.text)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("ParseSet(%q) = %q, want an error", tt.text, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseSet(%q): %v", tt.text, err)
			}
			if got != tt.want {
				t.Errorf("ParseSet(%q) = %q, want %q", tt.text, got, tt.want)
			}
		})
	}
}

func TestSetJSON(t *testing.T) {
	tests := []struct {
		set  Set
		json string
	}{
		{Of(), `[]`},
		{Of(Transport), `[4]`},
		{Of(Transport, Application), `[4,7]`},
		{Range(Physical, Application), `[1,2,3,4,5,6,7]`},
	}
	for _, tt := range tests {
		t.Run(tt.json, func(t *testing.T) {
			b, err := json.Marshal(tt.set)
			if err != nil {
				t.Fatal(err)
			}
			if got := string(b); got != tt.json {
				t.Errorf("Marshal(%q) = %s, want %s", tt.set, got, tt.json)
			}
			var back Set
			if err := json.Unmarshal(b, &back); err != nil {
				t.Fatalf("Unmarshal(%s): %v", b, err)
			}
			if back != tt.set {
				t.Errorf("Unmarshal(%s) = %q, want %q", b, back, tt.set)
			}
		})
	}
}

func TestSetUnmarshalJSON(t *testing.T) {
	tests := []struct {
		json    string
		want    Set
		wantErr bool
	}{
		{json: `[7,4]`, want: Of(Transport, Application)},
		{json: `[4,4]`, want: Of(Transport)},
		{json: `null`, want: Of()},
		{json: `[0]`, wantErr: true},
		{json: `[8]`, wantErr: true},
		{json: `[4,8]`, wantErr: true},
		{json: `[-1]`, wantErr: true},
		{json: `[260]`, wantErr: true}, // 260 = 4 + 256: must not wrap to layer 4
		{json: `"4"`, wantErr: true},
		{json: `4`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.json, func(t *testing.T) {
			s := Of(Physical) // Unmarshal must replace, not add to, what was there
			err := json.Unmarshal([]byte(tt.json), &s)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("Unmarshal(%s) = %q, want an error", tt.json, s)
				}
				return
			}
			if err != nil {
				t.Fatalf("Unmarshal(%s): %v", tt.json, err)
			}
			if s != tt.want {
				t.Errorf("Unmarshal(%s) = %q, want %q", tt.json, s, tt.want)
			}
		})
	}
}

// A Set inside a struct marshals through the same methods.
func TestSetJSONInPackage(t *testing.T) {
	in := Package{Path: "tcpsock", Layers: Of(Transport), Shows: "sockets"}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"path":"tcpsock","layers":[4],"shows":"sockets"}`; got != want {
		t.Errorf("Marshal = %s, want %s", got, want)
	}
	var out Package
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	if out != in {
		t.Errorf("round trip = %+v, want %+v", out, in)
	}
}
