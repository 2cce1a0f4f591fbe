package packets_test

import (
	"bytes"
	"errors"
	"fmt"
	"net/netip"

	"netlab/packets"
)

// A 1,428-byte datagram does not fit a link whose MTU is 576 bytes: it
// leaves in three fragments. Each offset counts 8-byte units.
func ExampleFragment() {
	datagram, err := packets.UDPDatagram{
		Src:     netip.MustParseAddr("192.0.2.1"),
		Dst:     netip.MustParseAddr("198.51.100.7"),
		SrcPort: 40000, DstPort: 5000,
		ID:      0x1c46,
		Payload: bytes.Repeat([]byte("fragment"), 175), // 1,400 bytes
	}.Marshal()
	if err != nil {
		panic(err)
	}
	frags, err := packets.Fragment(datagram, 576)
	if err != nil {
		panic(err)
	}
	for _, f := range frags {
		flags := uint16(f[6])<<8 | uint16(f[7])
		fmt.Printf("%4d bytes  offset %3d (×8 = %4d)  MF %d\n",
			len(f), flags&0x1fff, flags&0x1fff*8, flags>>13&1)
	}
	// Output:
	//  572 bytes  offset   0 (×8 =    0)  MF 1
	//  572 bytes  offset  69 (×8 =  552)  MF 1
	//  324 bytes  offset 138 (×8 = 1104)  MF 0
}

// The fields of a fragment, as a lesson or a capture shows them.
func ExampleExplainIPv4() {
	datagram, _ := packets.UDPDatagram{
		Src:     netip.MustParseAddr("192.0.2.1"),
		Dst:     netip.MustParseAddr("198.51.100.7"),
		ID:      0x1c46,
		Payload: make([]byte, 100),
	}.Marshal()
	frags, _ := packets.Fragment(datagram, 68)
	fields, err := packets.ExplainIPv4(frags[1])
	if err != nil {
		panic(err)
	}
	for _, f := range fields {
		if f.Bits != "" {
			f.Value = f.Bits + " = " + f.Value
		}
		fmt.Printf("%2d–%-2d L%d %-16s %s\n", f.Start, f.End-1, f.Layer, f.Field, f.Value)
	}
	// Output:
	//  0–0  L3 version          0100 .... = 4
	//  0–0  L3 IHL              .... 0101 = 5 (20 bytes)
	//  1–1  L3 DSCP             0000 00.. = 0 (default)
	//  1–1  L3 ECN              .... ..00 = 0 (Not-ECT: no ECN)
	//  2–3  L3 total length     68
	//  4–5  L3 identification   0x1c46 (7238)
	//  6–6  L3 flag: reserved   0... .... = 0
	//  6–6  L3 flag: DF         .0.. .... = 0
	//  6–6  L3 flag: MF         ..1. .... = 1
	//  6–7  L3 fragment offset  ...0 0000 0000 0110 = 6 (×8 = 48)
	//  8–8  L3 TTL              64
	//  9–9  L3 protocol         17 (UDP)
	// 10–11 L3 header checksum  0x5221 (valid)
	// 12–15 L3 source           192.0.2.1
	// 16–19 L3 destination      198.51.100.7
	// 20–67 L3 data             48 bytes
}

// Fragments in any order make the datagram again; an overlapping one
// drops it.
func ExampleIPv4Reassembler() {
	datagram, _ := packets.UDPDatagram{
		Src:     netip.MustParseAddr("192.0.2.1"),
		Dst:     netip.MustParseAddr("198.51.100.7"),
		ID:      7,
		Payload: make([]byte, 1200),
	}.Marshal()
	frags, _ := packets.Fragment(datagram, 576)

	r := packets.NewIPv4Reassembler(packets.IPv4ReassemblerOptions{})
	for _, f := range [][]byte{frags[1], frags[0], frags[0], frags[1]} {
		out, err := r.Add(f)
		fmt.Println(len(out), err)
	}
	out, _ := r.Add(frags[2])
	fmt.Println(bytes.Equal(out, datagram), r.Stats().Duplicates)

	// The same datagram again; its first fragment comes twice, the second
	// time with one byte changed.
	r.Add(frags[0])
	evil := bytes.Clone(frags[0])
	evil[100] ^= 1
	_, err := r.Add(evil)
	fmt.Println(errors.Is(err, packets.ErrFragmentConflict))
	fmt.Println(err)
	// Output:
	// 0 <nil>
	// 0 <nil>
	// 0 <nil>
	// 0 <nil>
	// true 2
	// true
	// fragment of 192.0.2.1 → 198.51.100.7 UDP id 0x0007, data bytes 0–551: packets: fragment repeats bytes already held, with different values; datagram dropped with the 1 fragment held for it
}
