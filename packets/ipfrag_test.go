package packets

import (
	"bytes"
	"encoding/binary"
	"errors"
	"testing"
)

// checkFragments checks every rule of RFC 791's fragmentation on the
// fragments of datagram d for mtu, and that their data joins up to d's.
// With tight, every fragment but the last must also be as large as fits.
func checkFragments(t *testing.T, d []byte, mtu int, tight bool, frags [][]byte) {
	t.Helper()
	orig, err := parseIPv4(d)
	if err != nil {
		t.Fatal(err)
	}
	var data []byte
	for i, f := range frags {
		h, err := parseIPv4(f)
		if err != nil {
			t.Fatalf("fragment %d: %v", i, err)
		}
		last := i == len(frags)-1
		n := h.totalLen - h.ihl
		switch {
		case len(f) != h.totalLen:
			t.Errorf("fragment %d: %d bytes, total length says %d", i, len(f), h.totalLen)
		case len(f) > mtu:
			t.Errorf("fragment %d: %d bytes, more than the MTU %d", i, len(f), mtu)
		case ipv4Checksum(f[:h.ihl]) != 0:
			t.Errorf("fragment %d: header checksum wrong", i)
		case h.id != orig.id || h.src != orig.src || h.dst != orig.dst || h.protocol != orig.protocol:
			t.Errorf("fragment %d: key %v, want the datagram's %v", i, h, orig)
		case h.offset != len(data):
			t.Errorf("fragment %d: offset %d, want %d", i, h.offset, len(data))
		case h.mf == last:
			t.Errorf("fragment %d of %d: MF %v", i, len(frags), h.mf)
		case !last && n%fragmentUnit != 0:
			t.Errorf("fragment %d: %d data bytes, not a multiple of 8", i, n)
		case tight && !last && len(f)+fragmentUnit <= mtu:
			t.Errorf("fragment %d: %d bytes, 8 more would still fit the MTU %d", i, len(f), mtu)
		case h.df || h.reserved:
			t.Errorf("fragment %d: flags %#04x", i, h.flagsWord)
		case i == 0 && !bytes.Equal(f[ipv4Options:h.ihl], d[ipv4Options:orig.ihl]):
			t.Errorf("first fragment: options % x, want the datagram's % x", f[ipv4Options:h.ihl], d[ipv4Options:orig.ihl])
		}
		data = append(data, f[h.ihl:]...)
	}
	if !bytes.Equal(data, d[orig.ihl:]) {
		t.Errorf("the fragments' data joined is %d bytes and differs from the datagram's %d", len(data), len(d)-orig.ihl)
	}
}

func TestFragment(t *testing.T) {
	recordRoute := IPv4Option{Type: 7, Data: []byte{4, 0, 0, 0, 0, 0, 0, 0, 0}} // not copied
	security := IPv4Option{Type: 130, Data: []byte{0, 0, 0, 0, 0, 0, 0, 0, 0}}  // copied
	tests := []struct {
		name      string
		payload   int
		mtu       int
		opts      []IPv4Option
		wantCount int
	}{
		{name: "fits", payload: 1472, mtu: 1500, wantCount: 1},
		{name: "one byte too many", payload: 1473, mtu: 1500, wantCount: 2},
		{name: "1400 bytes for 576", payload: 1400, mtu: 576, wantCount: 3},
		{name: "1400 bytes for 300", payload: 1400, mtu: 300, wantCount: 6},
		{name: "smallest MTU", payload: 100, mtu: MinMTU, wantCount: 3},
		{name: "last fragment of 1 byte", payload: 48 + 48 + 1 - 8, mtu: MinMTU, wantCount: 3},
		{name: "MTU not a multiple of 8", payload: 1000, mtu: 1006, wantCount: 2},
		{name: "empty UDP payload", payload: 0, mtu: MinMTU, wantCount: 1},
		{name: "largest datagram", payload: 65507, mtu: 1500, wantCount: 45},
		{name: "option stays in the first", payload: 1000, mtu: 300, opts: []IPv4Option{recordRoute}, wantCount: 4},
		{name: "option copied into all", payload: 1000, mtu: 300, opts: []IPv4Option{security}, wantCount: 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := fragTestDatagram(t, 0x1c46, tt.payload, tt.opts...)
			frags := fragTestFragments(t, d, tt.mtu)
			if len(frags) != tt.wantCount {
				t.Errorf("got %d fragments, want %d", len(frags), tt.wantCount)
			}
			checkFragments(t, d, tt.mtu, true, frags)
			for i, f := range frags[1:] {
				h, _ := parseIPv4(f)
				wantIHL := ipv4MinHeader
				if len(tt.opts) > 0 && tt.opts[0].Copied() {
					wantIHL = 32
				}
				if h.ihl != wantIHL {
					t.Errorf("fragment %d: IHL %d bytes, want %d", i+1, h.ihl, wantIHL)
				}
			}
		})
	}
}

// TestFragmentBytes shows a fragment field by field: a 100-byte datagram
// cut for the smallest MTU, 68 bytes, leaves 48 data bytes per fragment.
func TestFragmentBytes(t *testing.T) {
	d := fragTestDatagram(t, 0xbeef, 100-20-8)
	frags := fragTestFragments(t, d, MinMTU)
	if len(frags) != 2 {
		t.Fatalf("got %d fragments, want 2", len(frags))
	}
	want := [][]byte{{
		0x45,       // version 4, IHL 5
		0x00,       // DSCP 0, ECN 0
		0x00, 0x44, // total length 68
		0xbe, 0xef, // identification, as the datagram's
		0x20, 0x00, // flags: MF; fragment offset 0
		0x40,       // TTL 64
		0x11,       // protocol 17, UDP
		0x00, 0x00, // header checksum (filled below)
		192, 0, 2, 1, // source
		198, 51, 100, 7, // destination
	}, {
		0x45,
		0x00,
		0x00, 0x34, // total length 52: the other 32 data bytes
		0xbe, 0xef,
		0x00, 0x06, // flags: none (last); fragment offset 6 (× 8 = byte 48)
		0x40,
		0x11,
		0x00, 0x00,
		192, 0, 2, 1,
		198, 51, 100, 7,
	}}
	for i, w := range want {
		binary.BigEndian.PutUint16(w[ipv4HeaderChecksum:], ipv4Checksum(w))
		if got := frags[i][:ipv4MinHeader]; !bytes.Equal(got, w) {
			t.Errorf("fragment %d header:\n got % x\nwant % x", i, got, w)
		}
	}
	if got, want := frags[0][ipv4MinHeader:], d[ipv4MinHeader:ipv4MinHeader+48]; !bytes.Equal(got, want) {
		t.Errorf("fragment 0 data % x, want % x", got, want)
	}
}

func TestFragmentRefuses(t *testing.T) {
	big := fragTestDatagram(t, 1, 2000)
	df, err := UDPDatagram{Src: fragSrc, Dst: fragDst, DontFragment: true, Payload: make([]byte, 2000)}.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	smallDF, err := UDPDatagram{Src: fragSrc, Dst: fragDst, DontFragment: true, Payload: make([]byte, 100)}.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	badVersion := append([]byte{0x65}, big[1:]...)
	tests := []struct {
		name string
		b    []byte
		mtu  int
		want error
	}{
		{"DF set", df, 1500, ErrDontFragment},
		{"MTU below 68", big, 67, ErrMTUTooSmall},
		{"short header", big[:19], 1500, ErrIPv4Truncated},
		{"short packet", big[:1000], 576, ErrIPv4Truncated},
		{"IPv6", badVersion, 1500, ErrNotIPv4},
		{"IHL 4", append([]byte{0x44}, big[1:]...), 1500, ErrIPv4IHL},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			frags, err := Fragment(tt.b, tt.mtu)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Fragment = %d fragments, %v; want %v", len(frags), err, tt.want)
			}
		})
	}
	// A datagram with DF that fits is not refused: DF forbids only cutting.
	if frags, err := Fragment(smallDF, 576); err != nil || len(frags) != 1 || !bytes.Equal(frags[0], smallDF) {
		t.Errorf("Fragment(small DF datagram) = %d fragments, %v; want it whole", len(frags), err)
	}
}

// TestFragmentAFragment: a router further on may cut a fragment again;
// the offsets add up, and only the last piece of the last fragment ends
// the datagram. The receiver puts all the pieces together as one.
func TestFragmentAFragment(t *testing.T) {
	d := fragTestDatagram(t, 7, 1400)
	first := fragTestFragments(t, d, 576)
	var all [][]byte
	for _, f := range first {
		all = append(all, fragTestFragments(t, f, 300)...)
	}
	if len(all) <= len(first) {
		t.Fatalf("fragmenting again gave %d pieces from %d", len(all), len(first))
	}
	checkFragments(t, d, 300, false, all)
	r := NewIPv4Reassembler(IPv4ReassemblerOptions{})
	order := make([]int, len(all))
	for i := range order {
		order[i] = len(all) - 1 - i
	}
	if got := feedFragments(t, "netlab", r.Add, all, order); !bytes.Equal(got, d) {
		t.Errorf("reassembled % x\nwant % x", got, d)
	}
}
