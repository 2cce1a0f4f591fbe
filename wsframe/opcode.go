// Opcodes (RFC 6455, section 5.2 and 11.8).

package wsframe

import "fmt"

// An Opcode says how to read a frame's payload (RFC 6455, section 5.2).
type Opcode byte

// The opcodes RFC 6455 defines.
const (
	OpContinuation Opcode = 0x0
	OpText         Opcode = 0x1
	OpBinary       Opcode = 0x2
	OpClose        Opcode = 0x8
	OpPing         Opcode = 0x9
	OpPong         Opcode = 0xA
)

// String returns the RFC's name of the opcode.
func (op Opcode) String() string {
	switch op {
	case OpContinuation:
		return "continuation"
	case OpText:
		return "text"
	case OpBinary:
		return "binary"
	case OpClose:
		return "close"
	case OpPing:
		return "ping"
	case OpPong:
		return "pong"
	}
	if op.reserved() {
		return fmt.Sprintf("reserved(0x%X)", byte(op))
	}
	return fmt.Sprintf("Opcode(0x%X)", byte(op))
}

// IsControl reports whether op is a control opcode. RFC 6455, section 5.5:
//
//	Control frames are identified by opcodes where the most significant
//	bit of the opcode is 1.
func (op Opcode) IsControl() bool { return op&0x8 != 0 }

// IsData reports whether op starts or continues a data message.
func (op Opcode) IsData() bool { return op == OpContinuation || op == OpText || op == OpBinary }

// reserved reports whether op is reserved. RFC 6455, section 5.2:
//
//	%x3-7 are reserved for further non-control frames
//	%xB-F are reserved for further control frames
func (op Opcode) reserved() bool { return (op >= 0x3 && op <= 0x7) || op >= 0xB }

// A MessageType is the kind of a whole message: text or binary. It is an
// Opcode restricted to those two, so WriteMessage(3, p) does not compile
// by accident.
type MessageType Opcode

// The two message types.
const (
	TextMessage   = MessageType(OpText)
	BinaryMessage = MessageType(OpBinary)
)

// String returns "text" or "binary".
func (t MessageType) String() string { return Opcode(t).String() }
