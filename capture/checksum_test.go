package capture

import (
	"encoding/binary"
	"fmt"
)

// verifyChecksums checks an Ethernet frame's IPv4 header checksum and its
// TCP checksum (over the IPv4 or IPv6 pseudo-header), computed here
// independently of the serializer that wrote them (RFC 1071).
func verifyChecksums(frame []byte) error {
	if len(frame) < 14 {
		return fmt.Errorf("frame of %d bytes", len(frame))
	}
	etherType := binary.BigEndian.Uint16(frame[12:])
	ip := frame[14:]
	var pseudo []byte
	var tcp []byte
	switch etherType {
	case 0x0800:
		ihl := int(ip[0]&0x0f) * 4
		if sum := onesComplement(ip[:ihl]); sum != 0xffff {
			return fmt.Errorf("IPv4 header checksum does not verify (sum %#04x)", sum)
		}
		total := int(binary.BigEndian.Uint16(ip[2:]))
		tcp = ip[ihl:total]
		pseudo = append(append([]byte{}, ip[12:20]...), 0, ip[9], byte(len(tcp)>>8), byte(len(tcp)))
	case 0x86dd:
		payload := int(binary.BigEndian.Uint16(ip[4:]))
		tcp = ip[40 : 40+payload]
		pseudo = append([]byte{}, ip[8:40]...)
		pseudo = binary.BigEndian.AppendUint32(pseudo, uint32(len(tcp)))
		pseudo = append(pseudo, 0, 0, 0, ip[6])
	default:
		return fmt.Errorf("EtherType %#04x", etherType)
	}
	if sum := onesComplement(append(pseudo, tcp...)); sum != 0xffff {
		return fmt.Errorf("TCP checksum does not verify (sum %#04x)", sum)
	}
	return nil
}

// onesComplement is the 16-bit one's complement sum of b; a header whose
// checksum is right sums to 0xffff.
func onesComplement(b []byte) uint16 {
	var sum uint32
	for i := 0; i+1 < len(b); i += 2 {
		sum += uint32(binary.BigEndian.Uint16(b[i:]))
	}
	if len(b)%2 == 1 {
		sum += uint32(b[len(b)-1]) << 8
	}
	for sum > 0xffff {
		sum = sum&0xffff + sum>>16
	}
	return uint16(sum)
}
