package packets

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"

	"netlab/internal/golden"
	"netlab/osi"
)

// explainCases are the packets of the golden file: every kind of IPv4
// packet the lessons and the capture reader meet.
func explainCases(t *testing.T) []struct {
	name string
	b    []byte
} {
	whole := fragTestDatagram(t, 0x1c46, 12)
	frags := fragTestFragments(t, fragTestDatagram(t, 0x1c46, 600), 300)
	opts := fragTestDatagram(t, 0x0101, 4,
		IPv4Option{Type: 130, Data: make([]byte, 9)},
		IPv4Option{Type: 1},
		IPv4Option{Type: 7, Data: []byte{4, 0, 0, 0, 0}})
	df, err := UDPDatagram{Src: fragSrc, Dst: fragDst, SrcPort: 53, DstPort: 33000, DontFragment: true, TTL: 1,
		Payload: []byte("hi")}.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	marked := slices.Clone(whole)
	marked[ipv4TypeOfService] = 46<<2 | 3 // EF, congestion experienced
	setIPv4Checksum(marked[:ipv4MinHeader])
	badSum := slices.Clone(whole)
	badSum[ipv4HeaderChecksum] ^= 0x10
	badUDP := slices.Clone(whole)
	badUDP[len(badUDP)-1] ^= 1
	tcp := slices.Clone(whole)
	tcp[ipv4Protocol] = ipProtoTCP
	setIPv4Checksum(tcp[:ipv4MinHeader])
	return []struct {
		name string
		b    []byte
	}{
		{"whole UDP datagram", whole},
		{"first fragment", frags[0]},
		{"middle fragment", frags[1]},
		{"last fragment", frags[len(frags)-1]},
		{"options: one copied, a no-op, one not", opts},
		{"DF, TTL 1", df},
		{"DSCP EF, ECN CE", marked},
		{"wrong header checksum", badSum},
		{"wrong UDP checksum", badUDP},
		{"TCP, not decoded", tcp},
		{"Ethernet padding after the packet", append(slices.Clone(whole), 0, 0, 0, 0)},
		{"cut short in the data", whole[:30]},
		{"cut short in the header", whole[:9]},
		{"IPv6", []byte{0x60, 0, 0, 0}},
	}
}

func TestExplainIPv4Golden(t *testing.T) {
	var all strings.Builder
	for _, c := range explainCases(t) {
		fields, err := ExplainIPv4(c.b)
		fmt.Fprintf(&all, "%s (%d bytes)\n", c.name, len(c.b))
		for _, f := range fields {
			bits := ""
			if f.Bits != "" {
				bits = f.Bits + " = "
			}
			fmt.Fprintf(&all, "  %5d-%-5d L%d %-16s %s%s\n  %13s %s\n", f.Start, f.End, f.Layer, f.Field, bits, f.Value, "", f.Meaning)
		}
		if err != nil {
			fmt.Fprintf(&all, "  error: %v\n", err)
		}
		all.WriteString("\n")
	}
	golden.Check(t, "testdata/ipfrag_explain.golden", []byte(all.String()))
}

// TestExplainIPv4Labels: every labelled range lies in the packet, has a
// layer, and the checksums are judged right.
func TestExplainIPv4Labels(t *testing.T) {
	for _, c := range explainCases(t) {
		fields, _ := ExplainIPv4(c.b)
		for _, f := range fields {
			if f.Start < 0 || f.End <= f.Start || f.End > len(c.b) || !f.Layer.Valid() {
				t.Errorf("%s: field %q [%d,%d) layer %d, packet of %d bytes", c.name, f.Field, f.Start, f.End, f.Layer, len(c.b))
			}
		}
	}
	value := func(b []byte, field string) string {
		fields, _ := ExplainIPv4(b)
		for _, f := range fields {
			if f.Field == field {
				return f.Value
			}
		}
		return ""
	}
	cases := explainCases(t)
	checks := []struct{ packet, field, wantSuffix string }{
		{"whole UDP datagram", "header checksum", "(valid)"},
		{"wrong header checksum", "header checksum", ")"},
		{"whole UDP datagram", "UDP checksum", "(valid)"},
		{"wrong UDP checksum", "UDP checksum", "(wrong: should be 0xfd53)"},
		{"middle fragment", "fragment offset", "(×8 = 280)"},
		{"first fragment", "flag: MF", "1"},
		{"DF, TTL 1", "flag: DF", "1"},
	}
	for _, ch := range checks {
		i := slices.IndexFunc(cases, func(c struct {
			name string
			b    []byte
		}) bool {
			return c.name == ch.packet
		})
		if got := value(cases[i].b, ch.field); !strings.HasSuffix(got, ch.wantSuffix) {
			t.Errorf("%s: %s = %q, want it to end in %q", ch.packet, ch.field, got, ch.wantSuffix)
		}
	}
	if got := value(cases[7].b, "header checksum"); !strings.Contains(got, "wrong: should be 0x") {
		t.Errorf("wrong header checksum: %q does not say what it should be", got)
	}
}

// TestExplainIPv4Short: every prefix of every packet is explained without
// a panic, and a prefix shorter than Total Length is an error.
func TestExplainIPv4Short(t *testing.T) {
	for _, c := range explainCases(t) {
		whole := len(c.b)
		if h, err := parseIPv4(c.b); err == nil {
			whole = h.totalLen
		}
		for n := range whole {
			fields, err := ExplainIPv4(c.b[:n])
			if err == nil {
				t.Errorf("%s cut to %d bytes: no error", c.name, n)
			}
			if !errors.Is(err, ErrIPv4Truncated) && !errors.Is(err, ErrNotIPv4) {
				t.Errorf("%s cut to %d bytes: %v", c.name, n, err)
			}
			for _, f := range fields {
				if f.End > n {
					t.Errorf("%s cut to %d bytes: field %q ends at %d", c.name, n, f.Field, f.End)
				}
			}
		}
	}
}

// TestExplainIPv4Layers: the IP header is layer 3, the UDP header 4.
func TestExplainIPv4Layers(t *testing.T) {
	fields, err := ExplainIPv4(fragTestDatagram(t, 1, 10))
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range fields {
		want := osi.Network
		switch {
		case f.Start >= 28:
			want = osi.Application
		case f.Start >= 20:
			want = osi.Transport
		}
		if f.Layer != want {
			t.Errorf("%s at %d: layer %v, want %v", f.Field, f.Start, f.Layer, want)
		}
	}
}
