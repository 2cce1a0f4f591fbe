// The WebSocket form of a packet (one message, no separator, binary as
// raw bytes) and decodeText, the parser the WebSocket transports use for
// one text message. Both are unexported, hence an internal test.

package engineio

import (
	"bytes"
	"errors"
	"testing"
)

func TestWSPayload(t *testing.T) {
	tests := []struct {
		name string
		p    Packet
		want string
	}{
		{"open", Packet{Type: Open, Data: []byte(`{"sid":"s"}`)}, `0{"sid":"s"}`},
		{"ping", Packet{Type: Ping}, "2"},
		{"probe", Packet{Type: Pong, Data: []byte("probe")}, "3probe"},
		{"text message", Packet{Type: Message, Data: []byte(`2["a"]`)}, `42["a"]`},
		{"binary message: the bare bytes", Packet{Type: Message, Data: []byte{1, 2, 3}, Binary: true}, "\x01\x02\x03"},
		{"MessagePacket text", MessagePacket([]byte(`2["a"]`), false), `42["a"]`},
		{"MessagePacket binary", MessagePacket([]byte{0, 0x1e}, true), "\x00\x1e"},
		{"MessageFrame", MessageFrame([]byte(`x3["ok"]`)), `43["ok"]`},
	}
	for _, tt := range tests {
		if got := tt.p.wsPayload(); string(got) != tt.want {
			t.Errorf("%s: wsPayload = %q, want %q", tt.name, got, tt.want)
		}
	}
}

// MessagePacket encodes once: what a broadcast hands to every session is
// the same buffer, not a copy per call.
func TestMessagePacketEncodesOnce(t *testing.T) {
	p := MessagePacket([]byte("hi"), false)
	a, b := p.wsPayload(), p.wsPayload()
	if &a[0] != &b[0] {
		t.Error("wsPayload of a MessagePacket built a new buffer")
	}
	frame := []byte("?hi")
	q := MessageFrame(frame)
	if got := q.wsPayload(); &got[0] != &frame[0] {
		t.Error("wsPayload of a MessageFrame is not the frame itself")
	}
	bin := []byte{9, 8}
	if got := MessagePacket(bin, true).wsPayload(); &got[0] != &bin[0] {
		t.Error("wsPayload of a binary MessagePacket copied the data")
	}
}

// A text WebSocket message is one packet in the polling text form: a
// 0x1e in it is data, not a separator.
func TestDecodeText(t *testing.T) {
	p, err := decodeText([]byte("4a\x1eb"))
	if err != nil || p.Type != Message || p.Binary || string(p.Data) != "a\x1eb" {
		t.Errorf(`decodeText("4a\x1eb") = %v binary=%v %q, %v`, p.Type, p.Binary, p.Data, err)
	}
	p, err = decodeText([]byte("bAQID"))
	if err != nil || p.Type != Message || !p.Binary || !bytes.Equal(p.Data, []byte{1, 2, 3}) {
		t.Errorf(`decodeText("bAQID") = %v binary=%v %q, %v`, p.Type, p.Binary, p.Data, err)
	}
	for _, bad := range []string{"", "7", "b!", "\x1e"} {
		if _, err := decodeText([]byte(bad)); !errors.Is(err, ErrBadPacket) {
			t.Errorf("decodeText(%q) = %v, want ErrBadPacket", bad, err)
		}
	}
}
