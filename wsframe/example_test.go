// Lesson snippets: each example's output is checked by go test, so what
// students read is what the code does.

package wsframe_test

import (
	"fmt"

	"netlab/wsframe"
)

// The server proves it read the client's handshake: it appends the GUID to
// the client's key, hashes with SHA-1 and encodes the hash in base64. The
// key and the answer are the example of RFC 6455, section 1.3.
func ExampleAcceptKey() {
	fmt.Println(wsframe.AcceptKey("dGhlIHNhbXBsZSBub25jZQ=="))
	// Output: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=
}

// The three steps of the accept key, as section 1.3 shows them.
func ExampleAcceptSteps() {
	concatenated, hash, accept := wsframe.AcceptSteps("dGhlIHNhbXBsZSBub25jZQ==")
	fmt.Println(concatenated)
	fmt.Printf("% x\n", hash)
	fmt.Println(accept)
	// Output:
	// dGhlIHNhbXBsZSBub25jZQ==258EAFA5-E914-47DA-95CA-C5AB0DC85B11
	// b3 7a 4f 2c c0 62 4f 16 90 f6 46 06 cf 38 59 45 b2 be c4 ea
	// s3pPLMBiTxaQ9kYGzzhZRbK+xOo=
}

// A client masks every payload it sends: byte i is XORed with byte i mod 4
// of the key. Masking again with the same key gives the payload back. The
// key and bytes are section 5.7's example.
func ExampleMask() {
	key := [4]byte{0x37, 0xfa, 0x21, 0x3d}
	payload := []byte("Hello")

	wsframe.Mask(key, 0, payload)
	fmt.Printf("masked:   % x\n", payload)

	wsframe.Mask(key, 0, payload)
	fmt.Printf("unmasked: %s\n", payload)
	// Output:
	// masked:   7f 9f 4d 51 58
	// unmasked: Hello
}

// Taking section 5.7's masked "Hello" apart, field by field.
func ExampleExplainFrame() {
	frame := []byte{
		0x81,                   // FIN, opcode 1 (text)
		0x85,                   // MASK 1, length 5
		0x37, 0xfa, 0x21, 0x3d, // masking key
		0x7f, 0x9f, 0x4d, 0x51, 0x58, // "Hello", masked
	}
	v, err := wsframe.ExplainFrame(frame)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(v.Header)
	fmt.Printf("payload: %q\n", v.Payload)
	for _, f := range v.Fields {
		bits := f.Bits
		if bits == "" {
			bits = "-"
		}
		fmt.Printf("%2d-%-2d %-16s %-9s %s\n", f.Start, f.End, f.Field, bits, f.Value)
	}
	// Output:
	// FIN=1 opcode=text len=5 mask=37fa213d
	// payload: "Hello"
	//  0-1  FIN              1... .... 1
	//  0-1  RSV1-3           .000 .... 000
	//  0-1  opcode           .... 0001 1 (text)
	//  1-2  MASK             1... .... 1
	//  1-2  payload length   .000 0101 5
	//  2-6  masking key      -         37fa213d
	//  6-11 payload (masked) -         7f9f4d5158
}

// The header grows with the payload: the 7-bit length holds up to 125, the
// value 126 announces a 16-bit length, 127 a 64-bit one; a masked frame
// (every frame a client sends) carries 4 more bytes of key.
func ExampleAppendHeader() {
	for _, n := range []int64{125, 126, 65536} {
		h := wsframe.Header{Fin: true, Op: wsframe.OpBinary, Length: n}
		plain := wsframe.AppendHeader(nil, h)
		h.Masked = true
		masked := wsframe.AppendHeader(nil, h)
		fmt.Printf("payload %5d: % x (%d bytes, %d masked)\n", n, plain, len(plain), len(masked))
	}
	// Output:
	// payload   125: 82 7d (2 bytes, 6 masked)
	// payload   126: 82 7e 00 7e (4 bytes, 8 masked)
	// payload 65536: 82 7f 00 00 00 00 00 01 00 00 (10 bytes, 14 masked)
}
