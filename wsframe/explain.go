// Explaining a frame field by field (RFC 6455, section 5.2), for lessons,
// the JSON trace and the capture reader.

package wsframe

import (
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
	"unicode/utf8"

	"netlab/osi"
)

// A FrameView is one frame taken apart: its header, where the payload is,
// the payload as it crossed the wire and unmasked, and a label for every
// field.
type FrameView struct {
	Header    Header
	HeaderLen int
	Wire      []byte // the payload as sent (masked if the frame is masked)
	Payload   []byte // the payload unmasked (a copy)
	Fields    []osi.Annotation
}

// Size is the frame's whole length on the wire.
func (v FrameView) Size() int { return v.HeaderLen + len(v.Wire) }

// ExplainFrame takes apart the frame at the start of b. If b holds less
// than a whole frame it returns ErrShortHeader (wrapped) and, when the
// header is whole, a view with the header fields labelled.
func ExplainFrame(b []byte) (FrameView, error) {
	h, n, err := ParseHeader(b)
	if err != nil {
		return FrameView{}, fmt.Errorf("explain frame: %w", err)
	}
	v := FrameView{Header: h, HeaderLen: n}
	v.Fields = headerFields(h, b[:n])
	if int64(len(b)-n) < h.Length {
		return v, fmt.Errorf("explain frame: payload of %d bytes, have %d: %w", h.Length, len(b)-n, ErrShortHeader)
	}
	end := n + int(h.Length)
	v.Wire = b[n:end]
	v.Payload = append([]byte(nil), v.Wire...)
	if h.Masked {
		Mask(h.Mask, 0, v.Payload)
	}
	v.Fields = append(v.Fields, payloadFields(h, n, v.Wire, v.Payload)...)
	return v, nil
}

func headerFields(h Header, b []byte) []osi.Annotation {
	app := osi.Application
	fin := "1: this frame ends its message"
	if !h.Fin {
		fin = "0: more frames of this message follow (fragmented)"
	}
	maskMeaning := "0: payload sent as is (frames from a server are never masked)"
	if h.Masked {
		maskMeaning = "1: payload XORed with a 4-byte key (every frame from a client is)"
	}
	len7 := b[1] & maskLen7
	lenMeaning := "7-bit length: the payload is 0-125 bytes"
	switch len7 {
	case len16Marker:
		lenMeaning = "126: the real length is in the next 2 bytes"
	case len64Marker:
		lenMeaning = "127: the real length is in the next 8 bytes"
	}
	out := []osi.Annotation{
		{Start: 0, End: 1, Field: "FIN", Bits: osi.Bits(uint64(b[0]), 0x80, 8), Value: strconv.Itoa(b2i(h.Fin)), Meaning: fin, Layer: app},
		{Start: 0, End: 1, Field: "RSV1-3", Bits: osi.Bits(uint64(b[0]), 0x70, 8), Value: fmt.Sprintf("%03b", h.Rsv),
			Meaning: "reserved for extensions; 0 unless one was negotiated", Layer: app},
		{Start: 0, End: 1, Field: "opcode", Bits: osi.Bits(uint64(b[0]), 0x0F, 8), Value: fmt.Sprintf("%d (%v)", byte(h.Op), h.Op),
			Meaning: opcodeMeaning(h.Op), Layer: app},
		{Start: 1, End: 2, Field: "MASK", Bits: osi.Bits(uint64(b[1]), 0x80, 8), Value: strconv.Itoa(b2i(h.Masked)), Meaning: maskMeaning, Layer: app},
		{Start: 1, End: 2, Field: "payload length", Bits: osi.Bits(uint64(b[1]), 0x7F, 8), Value: strconv.Itoa(int(len7)), Meaning: lenMeaning, Layer: app},
	}
	pos := 2
	switch len7 {
	case len16Marker:
		out = append(out, osi.Annotation{Start: 2, End: 4, Field: "extended length (16-bit)",
			Value: strconv.Itoa(int(binary.BigEndian.Uint16(b[2:]))), Meaning: "payload length, big-endian", Layer: app})
		pos = 4
	case len64Marker:
		out = append(out, osi.Annotation{Start: 2, End: 10, Field: "extended length (64-bit)",
			Value: strconv.FormatUint(binary.BigEndian.Uint64(b[2:]), 10), Meaning: "payload length, big-endian; its top bit must be 0", Layer: app})
		pos = 10
	}
	if h.Masked {
		out = append(out, osi.Annotation{Start: pos, End: pos + 4, Field: "masking key",
			Value: hex.EncodeToString(h.Mask[:]), Meaning: "chosen at random per frame; byte i of the payload is XORed with key byte i mod 4", Layer: app})
	}
	return out
}

func payloadFields(h Header, at int, wire, payload []byte) []osi.Annotation {
	app := osi.Application
	if len(payload) == 0 {
		return nil
	}
	var out []osi.Annotation
	if h.Masked {
		out = append(out, osi.Annotation{Start: at, End: at + len(wire), Field: "payload (masked)",
			Value: shortHex(wire, 16), Meaning: "as it crossed the wire; unmasked it reads: " + describePayload(h.Op, payload), Layer: app})
	}
	if h.Op == OpClose && len(payload) >= 2 {
		code := CloseCode(binary.BigEndian.Uint16(payload))
		field := "close code"
		if h.Masked {
			field = "close code (unmasked)"
		}
		out = append(out, osi.Annotation{Start: at, End: at + 2, Field: field, Value: code.String(),
			Meaning: "why the sender is closing (section 7.4)", Layer: app})
		if len(payload) > 2 {
			out = append(out, osi.Annotation{Start: at + 2, End: at + len(payload), Field: "close reason",
				Value: strconv.Quote(string(payload[2:])), Meaning: "UTF-8 text for people; optional", Layer: app})
		}
		return out
	}
	if !h.Masked {
		out = append(out, osi.Annotation{Start: at, End: at + len(payload), Field: "payload",
			Value: describePayload(h.Op, payload), Meaning: payloadMeaning(h.Op), Layer: app})
	}
	return out
}

func describePayload(op Opcode, p []byte) string {
	if (op == OpText || op == OpContinuation || op.IsControl()) && utf8.Valid(p) {
		return quoteShort(p, 60)
	}
	return shortHex(p, 16) + " (" + strconv.Itoa(len(p)) + " bytes)"
}

func payloadMeaning(op Opcode) string {
	switch op {
	case OpText:
		return "application data: UTF-8 text"
	case OpBinary:
		return "application data: bytes"
	case OpContinuation:
		return "the next piece of a fragmented message"
	case OpPing, OpPong:
		return "application data for the peer to echo (ping) or echoed back (pong)"
	}
	return ""
}

func opcodeMeaning(op Opcode) string {
	switch op {
	case OpContinuation:
		return "continues a fragmented message"
	case OpText:
		return "a text message (UTF-8)"
	case OpBinary:
		return "a binary message"
	case OpClose:
		return "control: the sender starts or answers the closing handshake"
	case OpPing:
		return "control: are you there? The peer must answer with a pong"
	case OpPong:
		return "control: the answer to a ping, same payload"
	}
	return "reserved: a peer must fail the connection"
}

func shortHex(b []byte, n int) string {
	if len(b) <= n {
		return hex.EncodeToString(b)
	}
	return hex.EncodeToString(b[:n]) + "…"
}

func quoteShort(b []byte, n int) string {
	if len(b) <= n {
		return strconv.Quote(string(b))
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(b[cut]) {
		cut--
	}
	return strconv.Quote(string(b[:cut])) + "…"
}
