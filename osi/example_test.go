package osi_test

import (
	"fmt"

	"netlab/osi"
)

// A package declares the layers it shows as a set; the set prints compactly.
func ExampleOf() {
	fmt.Println(osi.Of(osi.Transport))
	fmt.Println(osi.Of(osi.Application, osi.Transport))
	fmt.Println(osi.Range(osi.DataLink, osi.Transport))
	fmt.Println(osi.Of())
	// Output:
	// 4
	// 4,7
	// 2-4
	// none
}

// ParseSet reads what Set.String writes, and layer names as well as numbers.
func ExampleParseSet() {
	for _, text := range []string{"4", "2-4", "4,7", "transport-application", "none"} {
		s, err := osi.ParseSet(text)
		if err != nil {
			fmt.Println(err)
			continue
		}
		fmt.Printf("%-22s %-6v %v\n", text, s, s.Layers())
	}
	// Output:
	// 4                      4      [L4 Transport]
	// 2-4                    2-4    [L2 Data link L3 Network L4 Transport]
	// 4,7                    4,7    [L4 Transport L7 Application]
	// transport-application  4-7    [L4 Transport L5 Session L6 Presentation L7 Application]
	// none                   none   []
}

// Info describes a layer for a reader meeting it for the first time.
func ExampleLayer_Info() {
	info := osi.Transport.Info()
	fmt.Println(info.Layer)
	fmt.Println("unit of data:", info.PDU)
	fmt.Println("protocols:", info.Protocols[0])
	// Output:
	// L4 Transport
	// unit of data: segment (TCP) / datagram (UDP)
	// protocols: TCP (RFC 9293)
}

// A field of four bits inside a byte, drawn as an annotation shows it.
func ExampleBits() {
	fmt.Println(osi.Bits(0x81, 0x0f, 8))
	fmt.Println(osi.Bits(0x0012, 0x0010, 16))
	// Output:
	// .... 0001
	// .... .... ...1 ....
}
