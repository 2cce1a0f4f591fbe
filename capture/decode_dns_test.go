// Tests of the DNS summary parser: gopacket's own messages, compression
// pointers, and malformed ones refused.

package capture

import "testing"

func TestDNSSummary(t *testing.T) {
	var d dnsSummary
	if !d.parse(dnsMessage(false)) {
		t.Fatal("a query gopacket built is refused")
	}
	if got := string(appendDNS(nil, &d)); got != "Standard query 0x1234 A example.com" {
		t.Errorf("query: %q", got)
	}
	if !d.parse(dnsMessage(true)) {
		t.Fatal("a response gopacket built is refused")
	}
	if got := string(appendDNS(nil, &d)); got != "Standard query response 0x1234 A example.com A 93.184.215.14" {
		t.Errorf("response: %q", got)
	}
	header := []byte{
		0xab, 0xcd, // ID
		0x81, 0x80, // QR, RD, RA
		0x00, 0x01, // one question
		0x00, 0x01, // one answer
		0x00, 0x00, 0x00, 0x00,
	}
	question := []byte{
		0x01, 'a', 0x02, 'b', 'c', 0x00, // a.bc
		0x00, 0x1c, 0x00, 0x01, // AAAA, IN
	}
	answer := []byte{
		0xc0, 0x0c, // a pointer to the name at byte 12
		0x00, 0x1c, 0x00, 0x01, // AAAA, IN
		0x00, 0x00, 0x00, 0x3c, // TTL
		0x00, 0x10, // 16 bytes of address
		0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1,
	}
	msg := append(append(append([]byte(nil), header...), question...), answer...)
	if !d.parse(msg) {
		t.Fatal("a response with a compressed name is refused")
	}
	if got := string(appendDNS(nil, &d)); got != "Standard query response 0xabcd AAAA a.bc AAAA 2001:db8::1" {
		t.Errorf("compressed: %q", got)
	}
	loop := append(append([]byte(nil), header[:4]...), 0x00, 0x01, 0x00, 0x00, 0, 0, 0, 0, 0xc0, 0x0c) // a name that points at itself
	for name, bad := range map[string][]byte{
		"short header":        header[:11],
		"pointer loop":        loop,
		"name past the end":   append(append([]byte(nil), header...), 0x05, 'a'),
		"answer past the end": msg[:len(msg)-3],
		"reserved label type": append(append([]byte(nil), header...), 0x40, 0x00, 0, 1, 0, 1),
	} {
		if d.parse(bad) {
			t.Errorf("%s: accepted", name)
		}
	}
}
