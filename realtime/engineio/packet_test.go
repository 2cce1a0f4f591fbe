// Engine.IO packets as text: the polling payload (packets joined by the
// record separator 0x1e, binary as "b" and base64) and the constructors
// a layer above uses. The expected results are engine.io-parser 5.2's
// (interop/node/node_modules/engine.io-parser), except where a comment
// says netlab is stricter.

package engineio_test

import (
	"bytes"
	"errors"
	"fmt"
	"testing"

	"netlab/realtime/engineio"
)

// samePackets compares packets by what they carry: type, data bytes and
// binary flag. An empty and a nil Data are the same packet.
func samePackets(a, b []engineio.Packet) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Type != b[i].Type || a[i].Binary != b[i].Binary || !bytes.Equal(a[i].Data, b[i].Data) {
			return false
		}
	}
	return true
}

func showPackets(ps []engineio.Packet) string {
	var b bytes.Buffer
	for i, p := range ps {
		if i > 0 {
			b.WriteString(" | ")
		}
		fmt.Fprintf(&b, "%v binary=%v %q", p.Type, p.Binary, p.Data)
	}
	return b.String()
}

func text(t engineio.PacketType, data string) engineio.Packet {
	return engineio.Packet{Type: t, Data: []byte(data)}
}

func binary(data ...byte) engineio.Packet {
	return engineio.Packet{Type: engineio.Message, Data: data, Binary: true}
}

func TestPacketTypeString(t *testing.T) {
	tests := []struct {
		typ  engineio.PacketType
		char byte
		want string
	}{
		{engineio.Open, '0', "open"},
		{engineio.Close, '1', "close"},
		{engineio.Ping, '2', "ping"},
		{engineio.Pong, '3', "pong"},
		{engineio.Message, '4', "message"},
		{engineio.Upgrade, '5', "upgrade"},
		{engineio.Noop, '6', "noop"},
		{engineio.PacketType('7'), '7', "PacketType('7')"},
		{engineio.PacketType('b'), 'b', "PacketType('b')"},
		{engineio.PacketType(0), 0, `PacketType('\x00')`},
	}
	for _, tt := range tests {
		if byte(tt.typ) != tt.char {
			t.Errorf("%s is %q on the wire, want %q", tt.want, byte(tt.typ), tt.char)
		}
		if got := tt.typ.String(); got != tt.want {
			t.Errorf("PacketType(%q).String() = %q, want %q", byte(tt.typ), got, tt.want)
		}
	}
}

func TestEncodePayload(t *testing.T) {
	tests := []struct {
		name    string
		packets []engineio.Packet
		want    string
	}{
		{"nothing", nil, ""},
		{"open", []engineio.Packet{text(engineio.Open, `{"sid":"abc","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}`)},
			`0{"sid":"abc","upgrades":["websocket"],"pingInterval":25000,"pingTimeout":20000,"maxPayload":1000000}`},
		{"close", []engineio.Packet{{Type: engineio.Close}}, "1"},
		{"ping", []engineio.Packet{{Type: engineio.Ping}}, "2"},
		{"probe", []engineio.Packet{text(engineio.Ping, "probe"), text(engineio.Pong, "probe")}, "2probe\x1e3probe"},
		{"message", []engineio.Packet{text(engineio.Message, "hello")}, "4hello"},
		{"empty message", []engineio.Packet{{Type: engineio.Message}}, "4"},
		{"socket.io connect inside", []engineio.Packet{text(engineio.Message, "0/admin,{}")}, "40/admin,{}"},
		{"upgrade and noop", []engineio.Packet{{Type: engineio.Upgrade}, {Type: engineio.Noop}}, "5\x1e6"},
		{"utf-8 kept as bytes", []engineio.Packet{text(engineio.Message, "é☃😀")}, "4é☃😀"},
		{"binary", []engineio.Packet{binary(1, 2, 3)}, "bAQID"},
		{"binary with padding", []engineio.Packet{binary(0xff)}, "b/w=="},
		{"binary uses the standard alphabet", []engineio.Packet{binary(0xfb, 0xff)}, "b+/8="},
		{"empty binary", []engineio.Packet{binary()}, "b"},
		{"binary type is ignored", []engineio.Packet{{Type: engineio.Ping, Data: []byte{1}, Binary: true}}, "bAQ=="},
		{"mixed, as the docs show", []engineio.Packet{text(engineio.Message, "hello"), {Type: engineio.Ping}, binary(1, 2, 3)}, "4hello\x1e2\x1ebAQID"},
		{"empty packets still separated", []engineio.Packet{{Type: engineio.Message}, {Type: engineio.Message}}, "4\x1e4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := engineio.EncodePayload(tt.packets); string(got) != tt.want {
				t.Errorf("EncodePayload = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestDecodePayload(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []engineio.Packet
	}{
		{"open", `0{"sid":"x"}`, []engineio.Packet{text(engineio.Open, `{"sid":"x"}`)}},
		{"close", "1", []engineio.Packet{text(engineio.Close, "")}},
		{"ping", "2", []engineio.Packet{text(engineio.Ping, "")}},
		{"ping probe", "2probe", []engineio.Packet{text(engineio.Ping, "probe")}},
		{"pong", "3", []engineio.Packet{text(engineio.Pong, "")}},
		{"message", "4hello", []engineio.Packet{text(engineio.Message, "hello")}},
		{"empty message", "4", []engineio.Packet{text(engineio.Message, "")}},
		{"upgrade", "5", []engineio.Packet{text(engineio.Upgrade, "")}},
		{"noop", "6", []engineio.Packet{text(engineio.Noop, "")}},
		{"a 'b' inside data is data", "4bAQID", []engineio.Packet{text(engineio.Message, "bAQID")}},
		{"binary", "bAQID", []engineio.Packet{binary(1, 2, 3)}},
		{"empty binary", "b", []engineio.Packet{binary()}},
		{"binary with padding", "b/w==", []engineio.Packet{binary(0xff)}},
		{"several", "4hello\x1e2\x1ebAQID", []engineio.Packet{text(engineio.Message, "hello"), text(engineio.Ping, ""), binary(1, 2, 3)}},
		{"the socket.io packets of one batch", "42[\"a\"]\x1e42/chat,1[\"b\"]\x1e451-[\"c\",{\"_placeholder\":true,\"num\":0}]\x1ebAA==",
			[]engineio.Packet{text(engineio.Message, `2["a"]`), text(engineio.Message, `2/chat,1["b"]`),
				text(engineio.Message, `51-["c",{"_placeholder":true,"num":0}]`), binary(0)}},
		{"data may hold any other byte", "4\x00\x1f\xff\n", []engineio.Packet{text(engineio.Message, "\x00\x1f\xff\n")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := engineio.DecodePayload([]byte(tt.body))
			if err != nil {
				t.Fatalf("DecodePayload(%q): %v", tt.body, err)
			}
			if !samePackets(got, tt.want) {
				t.Errorf("DecodePayload(%q) = %s, want %s", tt.body, showPackets(got), showPackets(tt.want))
			}
		})
	}
}

func TestDecodePayloadErrors(t *testing.T) {
	tests := []struct {
		name string
		body string
	}{
		{"an empty body", ""},
		{"only a separator", "\x1e"},
		{"a trailing separator", "4a\x1e"},
		{"a leading separator", "\x1e4a"},
		{"two separators in a row", "4a\x1e\x1e4b"},
		{"type 7", "7"},
		{"type below '0'", "/"},
		{"a letter", "x"},
		{"a capital B", "BAQID"},
		{"a space first", " 4a"},
		{"an unknown type after good packets", "4a\x1e2\x1e9"},
		{"base64 with a bad character", "bAQ!D"},
		// engine.io-parser hands these to Buffer.from(s, "base64"), which
		// skips what is not base64 and reads unpadded and URL-safe input;
		// netlab accepts only standard, padded base64, as the reference
		// encoders write it.
		{"unpadded base64 (stricter than the reference)", "bAQ"},
		{"URL-safe base64 (stricter than the reference)", "b-_8="},
		{"base64 with the padding in the middle", "bAQ==AQID"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := engineio.DecodePayload([]byte(tt.body))
			if !errors.Is(err, engineio.ErrBadPacket) {
				t.Fatalf("DecodePayload(%q) = %s, %v; want an error wrapping ErrBadPacket", tt.body, showPackets(got), err)
			}
		})
	}
}

// A payload that goes bad part way: the error names the fault, and the
// packets before it are the ones that decoded (as engine.io-parser, which
// stops at the first error packet).
func TestDecodePayloadStopsAtTheFirstBadPacket(t *testing.T) {
	got, err := engineio.DecodePayload([]byte("4a\x1e3\x1e9\x1e4b"))
	if !errors.Is(err, engineio.ErrBadPacket) {
		t.Fatalf("err = %v, want ErrBadPacket", err)
	}
	want := []engineio.Packet{text(engineio.Message, "a"), text(engineio.Pong, "")}
	if !samePackets(got, want) {
		t.Errorf("packets before the error = %s, want %s", showPackets(got), showPackets(want))
	}
}

func TestPayloadRoundTrip(t *testing.T) {
	all := []engineio.Packet{
		text(engineio.Open, `{"sid":"s"}`), text(engineio.Close, ""), text(engineio.Ping, "probe"),
		text(engineio.Pong, ""), text(engineio.Message, `2["chat","hi"]`), text(engineio.Upgrade, ""),
		text(engineio.Noop, ""), binary(), binary(0), binary(0, 1), binary(0, 1, 2), binary(0xff, 0xfe, 0x1e, 0),
		text(engineio.Message, "b looks like binary but is text"),
	}
	payloads := [][]engineio.Packet{all}
	for _, p := range all {
		payloads = append(payloads, []engineio.Packet{p})
	}
	for _, ps := range payloads {
		body := engineio.EncodePayload(ps)
		got, err := engineio.DecodePayload(body)
		if err != nil {
			t.Errorf("DecodePayload(EncodePayload(%s)) = %v", showPackets(ps), err)
			continue
		}
		if !samePackets(got, ps) {
			t.Errorf("round trip of %q: got %s, want %s", body, showPackets(got), showPackets(ps))
		}
		if again := engineio.EncodePayload(got); !bytes.Equal(again, body) {
			t.Errorf("re-encoding %q gave %q", body, again)
		}
	}
}

func TestMessagePacket(t *testing.T) {
	for _, bin := range []bool{false, true} {
		data := []byte{'2', '[', ']'}
		p := engineio.MessagePacket(data, bin)
		if p.Type != engineio.Message || p.Binary != bin || !bytes.Equal(p.Data, data) {
			t.Errorf("MessagePacket(%q, %v) = %v binary=%v %q", data, bin, p.Type, p.Binary, p.Data)
		}
		want := "42[]"
		if bin {
			want = "bMltd"
		}
		if got := engineio.EncodePayload([]engineio.Packet{p}); string(got) != want {
			t.Errorf("MessagePacket(%q, %v) as polling text = %q, want %q", data, bin, got, want)
		}
	}
}

func TestMessageFrame(t *testing.T) {
	frame := []byte(`?2["hi"]`)
	p := engineio.MessageFrame(frame)
	if frame[0] != '4' {
		t.Errorf("MessageFrame left frame[0] = %q, want '4'", frame[0])
	}
	if p.Type != engineio.Message || p.Binary || string(p.Data) != `2["hi"]` {
		t.Errorf("MessageFrame = %v binary=%v %q", p.Type, p.Binary, p.Data)
	}
	if &p.Data[0] != &frame[1] {
		t.Error("the packet's data is a copy: MessageFrame must share the frame's buffer")
	}
	if got := engineio.EncodePayload([]engineio.Packet{p}); string(got) != `42["hi"]` {
		t.Errorf("polling text = %q, want %q", got, `42["hi"]`)
	}
}

// The polling body of a Socket.IO "hello" event, a heartbeat and a
// three-byte binary attachment: the text packets are their type digit
// and data, the binary one is "b" and base64, and 0x1e separates them.
func ExampleEncodePayload() {
	body := engineio.EncodePayload([]engineio.Packet{
		{Type: engineio.Message, Data: []byte("hello")},
		{Type: engineio.Ping},
		{Type: engineio.Message, Data: []byte{1, 2, 3}, Binary: true},
	})
	fmt.Printf("%q\n", body)
	// Output: "4hello\x1e2\x1ebAQID"
}

// A client's POST body, split back into packets.
func ExampleDecodePayload() {
	packets, err := engineio.DecodePayload([]byte("42[\"chat\",\"hi\"]\x1e3\x1ebAQID"))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, p := range packets {
		fmt.Printf("%-7v binary=%-5v %q\n", p.Type, p.Binary, p.Data)
	}
	// Output:
	// message binary=false "2[\"chat\",\"hi\"]"
	// pong    binary=false ""
	// message binary=true  "\x01\x02\x03"
}

// Every packet of a payload must be valid: one unknown type spoils the
// whole POST, and the server ends the session.
func ExampleDecodePayload_error() {
	_, err := engineio.DecodePayload([]byte("4hi\x1e9"))
	fmt.Println(err)
	// Output: engineio: malformed packet: type '9'
}

// A layer above writes its message after one reserved byte; MessageFrame
// fills that byte with the message type, so the same buffer is both the
// WebSocket frame and the polling packet.
func ExampleMessageFrame() {
	frame := append([]byte{0}, `2["news",1]`...)
	p := engineio.MessageFrame(frame)
	fmt.Printf("%q\n", frame)
	fmt.Printf("%q\n", engineio.EncodePayload([]engineio.Packet{p}))
	// Output:
	// "42[\"news\",1]"
	// "42[\"news\",1]"
}
