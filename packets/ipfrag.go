// Fragmenting an IPv4 datagram for a link's MTU (RFC 791, section 3.2).

package packets

import (
	"encoding/binary"
	"fmt"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// Fragment cuts an IPv4 datagram into fragments that fit a link whose MTU
// (the largest IP packet it carries) is mtu bytes, as a router or the
// sending host does, following the example procedure of RFC 791, section
// 3.2. Each fragment is a real IPv4 packet built by gopacket:
//
//  1. A datagram that fits is returned whole (one packet, a copy).
//  2. One with Don't Fragment set is refused with ErrDontFragment. RFC 791:
//     "IF DF = 1 THEN discard the datagram"; the router also tells the
//     sender, with ICMP "fragmentation needed" and the MTU (RFC 1191).
//  3. The data is cut on 8-byte boundaries. RFC 791: "If an internet
//     datagram is fragmented, its data portion must be broken on 8 octet
//     boundaries." Every fragment but the last carries the most multiple
//     of 8 bytes that fits; the last carries the rest, however short.
//  4. Each fragment's header is a copy of the datagram's, except: the
//     Fragment Offset says where its data starts, in 8-byte units; More
//     Fragments is set on all but the last (which keeps the datagram's own
//     MF, so that a fragment can be fragmented again); options whose copied
//     flag is 0 stay in the first fragment only, so IHL may shrink; Total
//     Length is the fragment's own; the header checksum is recomputed.
//     Identification, source, destination and protocol stay the same: they
//     are how the receiver finds the pieces of one datagram.
//
// mtu must be at least MinMTU (68).
func Fragment(datagram []byte, mtu int) ([][]byte, error) {
	if mtu < MinMTU {
		return nil, fmt.Errorf("fragment for MTU %d: %w", mtu, ErrMTUTooSmall)
	}
	h, err := parseIPv4(datagram)
	if err != nil {
		return nil, fmt.Errorf("fragment: %w", err)
	}
	datagram = datagram[:h.totalLen]
	// Step 1.
	if h.totalLen <= mtu {
		return [][]byte{append([]byte(nil), datagram...)}, nil
	}
	// Step 2.
	if h.df {
		return nil, fmt.Errorf("fragment a %d-byte datagram for MTU %d: %w", h.totalLen, mtu, ErrDontFragment)
	}
	var ip layers.IPv4
	if err := ip.DecodeFromBytes(datagram, gopacket.NilDecodeFeedback); err != nil {
		return nil, fmt.Errorf("fragment: %v: %w", err, ErrIPv4Options)
	}
	data := ip.Payload
	firstOpts, firstPad := ip.Options, ip.Padding
	var copiedOpts []layers.IPv4Option
	for _, o := range ip.Options {
		if o.OptionType&0x80 != 0 {
			copiedOpts = append(copiedOpts, o)
		}
	}

	// Steps 3 and 4.
	var frags [][]byte
	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	for pos := 0; pos < len(data); {
		hdr := ip // a copy of the original header
		hdr.Options, hdr.Padding = copiedOpts, nil
		if pos == 0 {
			hdr.Options, hdr.Padding = firstOpts, firstPad
		}
		hdrLen := ipv4MinHeader + optionBytes(hdr.Options, hdr.Padding)
		n := len(data) - pos
		last := hdrLen+n <= mtu
		if !last {
			n = (mtu - hdrLen) &^ (fragmentUnit - 1)
		}
		hdr.FragOffset = uint16((h.offset + pos) / fragmentUnit)
		hdr.Flags = ip.Flags &^ layers.IPv4MoreFragments
		if !last || h.mf {
			hdr.Flags |= layers.IPv4MoreFragments
		}
		if err := gopacket.SerializeLayers(buf, opts, &hdr, gopacket.Payload(data[pos:pos+n])); err != nil {
			return nil, fmt.Errorf("fragment: build the fragment at data byte %d: %w", pos, err)
		}
		frags = append(frags, append([]byte(nil), buf.Bytes()...))
		pos += n
	}
	return frags, nil
}

// optionBytes is the length the options take in a header, padded to a
// multiple of 4 bytes, as gopacket's serializer lays them out.
func optionBytes(opts []layers.IPv4Option, padding []byte) int {
	n := len(padding)
	for _, o := range opts {
		if o.OptionType <= 1 {
			n++
		} else {
			n += int(o.OptionLength)
		}
	}
	return (n + 3) &^ 3
}

// ForgeFragment returns a fragment that claims to belong to the same
// datagram as frag (same source, destination, protocol and identification)
// and carries data at byte offset of the datagram's data, with More
// Fragments as given: what an attacker sends to test a reassembler. Its
// header, without options, has a right checksum. offset must be a multiple
// of 8 that the 13-bit field can hold.
func ForgeFragment(frag []byte, offset int, mf bool, data []byte) ([]byte, error) {
	if _, err := parseIPv4(frag); err != nil {
		return nil, fmt.Errorf("forge a fragment: %w", err)
	}
	if offset < 0 || offset%fragmentUnit != 0 || offset/fragmentUnit > fragOffsetMask {
		return nil, fmt.Errorf("forge a fragment at byte %d: not a multiple of 8 from 0 to %d: %w",
			offset, fragOffsetMask*fragmentUnit, ErrFragmentNotAligned)
	}
	if ipv4MinHeader+len(data) > ipv4MaxLength {
		return nil, fmt.Errorf("forge a fragment of %d bytes: %w", len(data), ErrDatagramTooBig)
	}
	b := make([]byte, ipv4MinHeader+len(data))
	copy(b, frag[:ipv4MinHeader])
	b[ipv4VersionIHL] = 0x45
	binary.BigEndian.PutUint16(b[ipv4TotalLength:], uint16(len(b)))
	w := binary.BigEndian.Uint16(frag[ipv4FlagsFragOffset:])&(flagReserved|flagDontFrag) | uint16(offset/fragmentUnit)
	if mf {
		w |= flagMoreFrags
	}
	binary.BigEndian.PutUint16(b[ipv4FlagsFragOffset:], w)
	copy(b[ipv4MinHeader:], data)
	setIPv4Checksum(b[:ipv4MinHeader])
	return b, nil
}
