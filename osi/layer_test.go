// Tests for the seven layers and their descriptions.

package osi

import (
	"slices"
	"testing"
)

func TestParseLayer(t *testing.T) {
	tests := []struct {
		in      string
		want    Layer
		wantErr bool
	}{
		{in: "1", want: Physical},
		{in: "4", want: Transport},
		{in: "7", want: Application},
		{in: " 4 ", want: Transport},
		{in: "physical", want: Physical},
		{in: "Transport", want: Transport},
		{in: "TRANSPORT", want: Transport},
		{in: "tRaNsPoRt", want: Transport},
		{in: "data link", want: DataLink},
		{in: "Data link", want: DataLink},
		{in: "DATA LINK", want: DataLink},
		{in: "datalink", want: DataLink},
		{in: "DataLink", want: DataLink},
		{in: "network", want: Network},
		{in: "session", want: Session},
		{in: "presentation", want: Presentation},
		{in: "application", want: Application},
		{in: "", wantErr: true},
		{in: "0", wantErr: true},
		{in: "8", wantErr: true},
		{in: "04", wantErr: true},
		{in: "-4", wantErr: true},
		{in: "L4", wantErr: true},
		{in: "data-link", wantErr: true},
		{in: "tcp", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseLayer(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("ParseLayer(%q) = %v, want an error", tt.in, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseLayer(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseLayer(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestLayerString(t *testing.T) {
	tests := []struct {
		l    Layer
		want string
	}{
		{0, "Layer(0)"},
		{Physical, "L1 Physical"},
		{DataLink, "L2 Data link"},
		{Network, "L3 Network"},
		{Transport, "L4 Transport"},
		{Session, "L5 Session"},
		{Presentation, "L6 Presentation"},
		{Application, "L7 Application"},
		{8, "Layer(8)"},
		{255, "Layer(255)"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := tt.l.String(); got != tt.want {
				t.Errorf("Layer(%d).String() = %q, want %q", uint8(tt.l), got, tt.want)
			}
		})
	}
}

// Every layer's name parses back to it: the name in the table and the
// parser cannot drift apart.
func TestInfoNameParses(t *testing.T) {
	for _, info := range All() {
		got, err := ParseLayer(info.Name)
		if err != nil {
			t.Errorf("ParseLayer(%q): %v", info.Name, err)
			continue
		}
		if got != info.Layer {
			t.Errorf("ParseLayer(%q) = %v, want %v", info.Name, got, info.Layer)
		}
	}
}

func TestAll(t *testing.T) {
	all := All()
	if len(all) != 7 {
		t.Fatalf("len(All()) = %d, want 7", len(all))
	}
	for i, info := range all {
		if want := Layer(i + 1); info.Layer != want {
			t.Errorf("All()[%d].Layer = %v, want %v", i, info.Layer, want)
		}
		if info.Name == "" || info.PDU == "" || info.Does == "" || len(info.Protocols) == 0 {
			t.Errorf("All()[%d] has an empty field: %+v", i, info)
		}
		if got := info.Layer.Info(); got.Name != info.Name || !slices.Equal(got.Protocols, info.Protocols) {
			t.Errorf("%v.Info() = %+v, want %+v", info.Layer, got, info)
		}
	}
}

// All returns copies: a caller that edits the result changes nothing for
// the next caller.
func TestAllReturnsCopies(t *testing.T) {
	first := All()
	want := first[3].Protocols[0]
	first[3].Name = "changed"
	first[3].Protocols[0] = "changed"
	first[3].Protocols = append(first[3].Protocols, "added")
	slices.Reverse(first)

	second := All()
	if got := second[3].Name; got != "Transport" {
		t.Errorf("All()[3].Name = %q after editing an earlier result, want %q", got, "Transport")
	}
	if got := second[3].Protocols[0]; got != want {
		t.Errorf("All()[3].Protocols[0] = %q after editing an earlier result, want %q", got, want)
	}
	if got := second[3].Protocols; slices.Contains(got, "added") {
		t.Errorf("All()[3].Protocols = %q after appending to an earlier result", got)
	}
	if got := Transport.Info().Protocols[0]; got != want {
		t.Errorf("Transport.Info().Protocols[0] = %q after editing All(), want %q", got, want)
	}
}

func TestInfoPanicsOnNonLayer(t *testing.T) {
	for _, l := range []Layer{0, 8} {
		t.Run(l.String(), func(t *testing.T) {
			defer func() {
				if recover() == nil {
					t.Errorf("Layer(%d).Info() did not panic", uint8(l))
				}
			}()
			_ = l.Info()
		})
	}
}

func TestAnnotationShift(t *testing.T) {
	in := []Annotation{
		{Start: 0, End: 2, Field: "length", Layer: Application},
		{Start: 2, End: 7, Field: "message", Layer: Application},
	}
	got := Shift(in, 100)
	want := []Annotation{
		{Start: 100, End: 102, Field: "length", Layer: Application},
		{Start: 102, End: 107, Field: "message", Layer: Application},
	}
	if !slices.Equal(got, want) {
		t.Errorf("Shift(_, 100) = %+v, want %+v", got, want)
	}
	if in[0].Start != 0 {
		t.Errorf("Shift changed its input: %+v", in)
	}
	for i, a := range got {
		if a.Len() != in[i].Len() {
			t.Errorf("Shift changed the length of %q: %d, want %d", a.Field, a.Len(), in[i].Len())
		}
	}
}
