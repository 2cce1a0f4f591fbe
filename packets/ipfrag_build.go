// Building a real IPv4/UDP datagram with gopacket (RFC 791, RFC 768).

package packets

import (
	"fmt"
	"net/netip"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
)

// An IPv4Option is one option of an IPv4 header (RFC 791, section 3.1): a
// type octet and, for every type but 0 (End of Option List) and 1 (No
// Operation), a length octet and data.
type IPv4Option struct {
	Type uint8
	Data []byte
}

// Copied says whether the option goes into every fragment. RFC 791,
// section 3.1:
//
//	The copied flag indicates that this option is copied into all
//	fragments on fragmentation.
func (o IPv4Option) Copied() bool { return o.Type&0x80 != 0 }

// A UDPDatagram describes one UDP datagram (RFC 768) inside one IPv4
// datagram (RFC 791). Marshal builds its bytes.
type UDPDatagram struct {
	Src, Dst         netip.Addr // IPv4 addresses
	SrcPort, DstPort uint16
	ID               uint16 // the IPv4 Identification field
	TTL              uint8  // 0 means 64
	DontFragment     bool   // set the DF flag
	Options          []IPv4Option
	Payload          []byte
}

// Marshal returns the datagram's bytes, built by gopacket's layers with
// lengths filled in and both checksums (IPv4 header, UDP with its
// pseudo-header) computed.
func (d UDPDatagram) Marshal() ([]byte, error) {
	if !d.Src.Is4() || !d.Dst.Is4() {
		return nil, fmt.Errorf("build UDP datagram %s → %s: %w", d.Src, d.Dst, ErrIPv4Address)
	}
	ip := &layers.IPv4{
		Version:  4,
		Id:       d.ID,
		TTL:      d.TTL,
		Protocol: layers.IPProtocolUDP,
		SrcIP:    d.Src.AsSlice(),
		DstIP:    d.Dst.AsSlice(),
	}
	if ip.TTL == 0 {
		ip.TTL = 64
	}
	if d.DontFragment {
		ip.Flags = layers.IPv4DontFragment
	}
	optLen := 0
	for _, o := range d.Options {
		lo := layers.IPv4Option{OptionType: o.Type, OptionLength: 1}
		if o.Type > 1 {
			if len(o.Data) > ipv4MaxHeader-ipv4MinHeader-2 {
				return nil, fmt.Errorf("build UDP datagram: option %d has %d bytes of data: %w", o.Type, len(o.Data), ErrIPv4Options)
			}
			lo.OptionLength, lo.OptionData = uint8(2+len(o.Data)), o.Data
		}
		optLen += int(lo.OptionLength)
		ip.Options = append(ip.Options, lo)
	}
	if optLen > ipv4MaxHeader-ipv4MinHeader {
		return nil, fmt.Errorf("build UDP datagram: %d bytes of options, at most 40 fit: %w", optLen, ErrIPv4Options)
	}
	hdrLen := ipv4MinHeader + (optLen+3)&^3
	if n := hdrLen + udpHeaderLen + len(d.Payload); n > ipv4MaxLength {
		return nil, fmt.Errorf("build UDP datagram of %d bytes: %w", n, ErrDatagramTooBig)
	}
	udp := &layers.UDP{SrcPort: layers.UDPPort(d.SrcPort), DstPort: layers.UDPPort(d.DstPort)}
	if err := udp.SetNetworkLayerForChecksum(ip); err != nil {
		return nil, fmt.Errorf("build UDP datagram: %w", err)
	}
	buf := gopacket.NewSerializeBuffer()
	opts := gopacket.SerializeOptions{FixLengths: true, ComputeChecksums: true}
	if err := gopacket.SerializeLayers(buf, opts, ip, udp, gopacket.Payload(d.Payload)); err != nil {
		return nil, fmt.Errorf("build UDP datagram: %w", err)
	}
	return buf.Bytes(), nil
}

// The UDP header (RFC 768): source port, destination port, length,
// checksum, two bytes each.
const (
	udpSrcPort   = 0
	udpDstPort   = 2
	udpLength    = 4
	udpChecksum  = 6
	udpHeaderLen = 8
)
