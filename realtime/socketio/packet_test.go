// Socket.IO packets as text. Every accepted input below is decoded the
// same way by the reference decoder (socket.io-parser 4.2's
// Decoder.decodeString, interop/node/node_modules/socket.io-parser), and
// every rejected one is rejected by it too, except the two limits netlab
// documents for ack ids, marked where they apply.

package socketio_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"netlab/realtime/socketio"
)

const (
	tConnect      = socketio.PacketConnect
	tDisconnect   = socketio.PacketDisconnect
	tEvent        = socketio.PacketEvent
	tAck          = socketio.PacketAck
	tConnectError = socketio.PacketConnectError
	tBinaryEvent  = socketio.PacketBinaryEvent
	tBinaryAck    = socketio.PacketBinaryAck
)

// placeholder is the placeholder the reference encoder writes for attachment n.
func placeholder(n int) string { return fmt.Sprintf(`{"_placeholder":true,"num":%d}`, n) }

// sioPacket builds an expected packet; data "" means no payload.
func sioPacket(typ socketio.PacketType, nsp string, data string) socketio.Packet {
	p := socketio.Packet{Type: typ, Namespace: nsp}
	if data != "" {
		p.Data = json.RawMessage(data)
	}
	return p
}

func withAckID(p socketio.Packet, id int64) socketio.Packet {
	p.ID, p.HasID = id, true
	return p
}

func withAttachmentCount(p socketio.Packet, n int) socketio.Packet {
	p.Attachments = n
	return p
}

func fmtPacket(p socketio.Packet) string {
	return fmt.Sprintf("{%v nsp=%q id=%d/%v att=%d data=%q}", p.Type, p.Namespace, p.ID, p.HasID, p.Attachments, p.Data)
}

func TestPacketTypeString(t *testing.T) {
	tests := []struct {
		typ  socketio.PacketType
		char byte
		want string
	}{
		{tConnect, '0', "CONNECT"},
		{tDisconnect, '1', "DISCONNECT"},
		{tEvent, '2', "EVENT"},
		{tAck, '3', "ACK"},
		{tConnectError, '4', "CONNECT_ERROR"},
		{tBinaryEvent, '5', "BINARY_EVENT"},
		{tBinaryAck, '6', "BINARY_ACK"},
		{socketio.PacketType('7'), '7', "PacketType('7')"},
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

func TestMaxAttachments(t *testing.T) {
	if socketio.MaxAttachments != 10 {
		t.Errorf("MaxAttachments = %d, want socket.io-parser's default maxAttachments, 10", socketio.MaxAttachments)
	}
}

func TestParsePacket(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want socketio.Packet
	}{
		// The type digit, and every type without a payload: the reference
		// decoder only checks a payload that is there.
		{"connect", "0", sioPacket(tConnect, "/", "")},
		{"disconnect", "1", sioPacket(tDisconnect, "/", "")},
		{"event without payload", "2", sioPacket(tEvent, "/", "")},
		{"ack without payload", "3", sioPacket(tAck, "/", "")},
		{"connect_error without payload", "4", sioPacket(tConnectError, "/", "")},
		{"binary ack without payload", "61-", withAttachmentCount(sioPacket(tBinaryAck, "/", ""), 1)},

		// Binary packets: the attachment count and '-' come first.
		{"binary event", "51-[\"up\"," + placeholder(0) + "]", withAttachmentCount(sioPacket(tBinaryEvent, "/", "[\"up\","+placeholder(0)+"]"), 1)},
		{"binary event with MaxAttachments", "510-[\"a\"]", withAttachmentCount(sioPacket(tBinaryEvent, "/", `["a"]`), 10)},
		{"binary ack", "62-[" + placeholder(0) + "," + placeholder(1) + "]", withAttachmentCount(sioPacket(tBinaryAck, "/", "["+placeholder(0)+","+placeholder(1)+"]"), 2)},
		{"count with a leading zero", "501-[\"a\"]", withAttachmentCount(sioPacket(tBinaryEvent, "/", `["a"]`), 1)},
		{"count with a plus sign", "5+1-[\"a\"]", withAttachmentCount(sioPacket(tBinaryEvent, "/", `["a"]`), 1)},
		{"binary event in a namespace with an ack id", "52-/files,7[\"up\"," + placeholder(0) + "," + placeholder(1) + "]",
			withAckID(withAttachmentCount(sioPacket(tBinaryEvent, "/files", "[\"up\","+placeholder(0)+","+placeholder(1)+"]"), 2), 7)},
		{"binary ack with an id", "61-1[" + placeholder(0) + "]", withAckID(withAttachmentCount(sioPacket(tBinaryAck, "/", "["+placeholder(0)+"]"), 1), 1)},

		// Namespaces: from '/' to the first ',' or the end.
		{"connect to a namespace (the \"40/custom\" of a polling body)", "0/custom", sioPacket(tConnect, "/custom", "")},
		{"namespace with its comma", "0/custom,", sioPacket(tConnect, "/custom", "")},
		{"connect with auth", "0/custom,{\"token\":\"abc\"}", sioPacket(tConnect, "/custom", `{"token":"abc"}`)},
		{"disconnect from a namespace", "1/admin,", sioPacket(tDisconnect, "/admin", "")},
		{"event in a namespace", "2/chat,[\"a\"]", sioPacket(tEvent, "/chat", `["a"]`)},
		{"event in a namespace, no comma, no payload", "2/chat", sioPacket(tEvent, "/chat", "")},
		{"the main namespace spelled out", "2/,[\"a\"]", sioPacket(tEvent, "/", `["a"]`)},
		{"without a comma the rest is namespace", "2/a1[\"x\"]", sioPacket(tEvent, `/a1["x"]`, "")},
		{"a query string stays in the namespace", "2/a?x=1,[\"a\"]", sioPacket(tEvent, "/a?x=1", `["a"]`)},

		// Ack ids: the digits after the namespace.
		{"event with an ack id", "212[\"a\"]", withAckID(sioPacket(tEvent, "/", `["a"]`), 12)},
		{"ack id 0", "20[\"a\"]", withAckID(sioPacket(tEvent, "/", `["a"]`), 0)},
		{"ack id with leading zeros", "2007[\"a\"]", withAckID(sioPacket(tEvent, "/", `["a"]`), 7)},
		{"ack id in a namespace", "3/chat,12[\"ok\"]", withAckID(sioPacket(tAck, "/chat", `["ok"]`), 12)},
		{"ack without payload", "312", withAckID(sioPacket(tAck, "/", ""), 12)},
		{"namespace and id, no payload", "2/a,1", withAckID(sioPacket(tEvent, "/a", ""), 1)},
		{"connect with an id", "0/admin,5{}", withAckID(sioPacket(tConnect, "/admin", "{}"), 5)},
		{"connect_error with an id", "4123", withAckID(sioPacket(tConnectError, "/", ""), 123)},
		{"the largest ack id, 2^53-1", "29007199254740991[\"a\"]", withAckID(sioPacket(tEvent, "/", `["a"]`), 1<<53-1)},
		{"a space after the id", "21 [\"a\"]", withAckID(sioPacket(tEvent, "/", ` ["a"]`), 1)},

		// Payloads, by type.
		{"connect object", "0{}", sioPacket(tConnect, "/", "{}")},
		{"connect answer", "0{\"sid\":\"abc\"}", sioPacket(tConnect, "/", `{"sid":"abc"}`)},
		{"event with arguments", "2[\"chat\",\"hi\",1,{\"a\":[true,null]}]", sioPacket(tEvent, "/", `["chat","hi",1,{"a":[true,null]}]`)},
		{"event named by a number", "2[1]", sioPacket(tEvent, "/", "[1]")},
		{"event named by a negative float", "2[-1.5e3]", sioPacket(tEvent, "/", "[-1.5e3]")},
		{"event named by an overflowing number", "2[1e400]", sioPacket(tEvent, "/", "[1e400]")},
		{"event with an empty name", "2[\"\"]", sioPacket(tEvent, "/", `[""]`)},
		{"reserved names are case-sensitive", "2[\"Connect\"]", sioPacket(tEvent, "/", `["Connect"]`)},
		{"an event named message", "2[\"message\"]", sioPacket(tEvent, "/", `["message"]`)},
		{"ack with no arguments", "3[]", sioPacket(tAck, "/", "[]")},
		{"ack with arguments", "31[\"x\",2]", withAckID(sioPacket(tAck, "/", `["x",2]`), 1)},
		{"connect_error string", "4\"nope\"", sioPacket(tConnectError, "/", `"nope"`)},
		{"connect_error object", "4{\"message\":\"Not authorized\"}", sioPacket(tConnectError, "/", `{"message":"Not authorized"}`)},
		{"trailing whitespace is JSON's", "2[\"a\"]\n", sioPacket(tEvent, "/", "[\"a\"]\n")},
		{"inner whitespace is kept", "2[ \"a\" , 1 ]", sioPacket(tEvent, "/", `[ "a" , 1 ]`)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := socketio.ParsePacket([]byte(tt.in))
			if err != nil {
				t.Fatalf("ParsePacket(%q): %v", tt.in, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParsePacket(%q)\n got %s\nwant %s", tt.in, fmtPacket(got), fmtPacket(tt.want))
			}
		})
	}
}

func TestParsePacketErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
	}{
		{"unknown type 7", "7"},
		{"unknown type 9", "9[\"a\"]"},
		{"a letter", "a"},
		{"a slash first", "/"},
		{"a NUL", "\x00"},
		{"not ASCII", "\xd9\xa3"},

		// Attachment counts.
		{"binary without count and dash", "5[\"a\"]"},
		{"binary type alone", "5"},
		{"empty count", "5-[\"a\"]"},
		{"zero attachments", "50-[\"a\"]"},
		{"more than MaxAttachments", "511-[\"a\"]"},
		{"far more than MaxAttachments", "599999999999999999999-[\"a\"]"},
		{"a letter in the count", "5a-[\"a\"]"},
		{"a negative count", "5-1-[\"a\"]"},
		{"binary ack, zero attachments", "60-[]"},
		{"binary ack over MaxAttachments", "611-[]"},

		// The literal text "40/custom" is a CONNECT_ERROR with ack id 0
		// and a payload that is not JSON.
		{"40/custom as Socket.IO text", "40/custom"},

		// Ack ids: netlab's own limit (the reference takes any digits and
		// rounds them to a JavaScript number).
		{"ack id 2^53 (netlab's limit)", "29007199254740992[\"a\"]"},
		{"ack id beyond int64 (netlab's limit)", "299999999999999999999999[\"a\"]"},

		// CONNECT: an object or nothing.
		{"connect array", "0[]"},
		{"connect string", "0\"x\""},
		{"connect null", "0null"},
		{"connect true", "0true"},
		// DISCONNECT: nothing.
		{"disconnect object", "1{}"},
		{"disconnect array", "1[]"},
		{"disconnect string", "1\"x\""},
		{"disconnect null", "1null"},
		// EVENT: an array whose first element is a number or a string that
		// is not reserved.
		{"event with no name", "2[]"},
		{"event object", "2{}"},
		{"event string", "2\"a\""},
		{"event named null", "2[null]"},
		{"event named by an array", "2[[\"a\"]]"},
		{"event named by an object", "2[{}]"},
		{"event named true", "2[true]"},
		{"reserved: connect", "2[\"connect\"]"},
		{"reserved: connect_error", "2[\"connect_error\"]"},
		{"reserved: disconnect", "2[\"disconnect\"]"},
		{"reserved: disconnecting", "2[\"disconnecting\"]"},
		{"reserved: newListener", "2[\"newListener\"]"},
		{"reserved: removeListener", "2[\"removeListener\"]"},
		{"reserved, spelled with an escape", "2[\"conn\\u0065ct\"]"},
		{"reserved, in a namespace with an id", "2/chat,3[\"disconnect\",1]"},
		{"binary event with no name", "51-[]"},
		{"binary event object", "51-{}"},
		{"binary event with a reserved name", "51-[\"connect\"," + placeholder(0) + "]"},
		// ACK: an array.
		{"ack object", "3{}"},
		{"ack string", "3\"x\""},
		{"ack null", "31null"},
		{"binary ack object", "61-{}"},
		// CONNECT_ERROR: a string or an object.
		{"connect_error array", "4[]"},
		{"connect_error null", "4null"},
		{"connect_error true", "4true"},

		// Not JSON.
		{"unterminated array", "2[\"a\""},
		{"text after the JSON", "2[\"a\"]x"},
		{"trailing comma", "2[\"a\",]"},
		{"bare object key", "0{a:1}"},
		{"single quotes", "2['a']"},
		{"two JSON values", "2[\"a\"][\"b\"]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := socketio.ParsePacket([]byte(tt.in))
			if !errors.Is(err, socketio.ErrBadPacket) {
				t.Errorf("ParsePacket(%q) = %s, %v; want an error wrapping ErrBadPacket", tt.in, fmtPacket(got), err)
			}
		})
	}
}

// The empty packet has no type. (socket.io-parser reads Number("") as 0,
// a CONNECT: netlab refuses it.)
func TestParsePacketEmpty(t *testing.T) {
	for _, in := range [][]byte{nil, {}} {
		if _, err := socketio.ParsePacket(in); !errors.Is(err, socketio.ErrBadPacket) {
			t.Errorf("ParsePacket(%q) = %v, want ErrBadPacket", in, err)
		}
	}
}

// The parsed payload is the input's bytes, not a copy of them: the
// packet costs no allocation for its JSON.
func TestParsePacketDataSharesInput(t *testing.T) {
	in := []byte(`2["a"]`)
	p, err := socketio.ParsePacket(in)
	if err != nil {
		t.Fatal(err)
	}
	if &p.Data[0] != &in[1] {
		t.Error("Data is a copy of the input")
	}
}

// Canonical packets, as the reference encoder writes them, come back
// byte for byte from ParsePacket then AppendText.
func TestAppendTextRoundTrip(t *testing.T) {
	canonical := []string{
		"0",
		"0{\"token\":\"abc\"}",
		"0{\"sid\":\"lv_VI97HAXpY6yYWAAAC\",\"pid\":\"p1\"}",
		"0/admin,",
		"0/admin,{\"token\":1}",
		"1",
		"1/admin,",
		"2",
		"2[\"hello\",1]",
		"2[1]",
		"212[\"a\"]",
		"20[\"a\"]",
		"2/chat,12[\"msg\",\"hi\"]",
		"2/chat,",
		"3",
		"30[]",
		"31[]",
		"3/chat,12[\"ok\"]",
		"4{\"message\":\"Not authorized\"}",
		"4/admin,\"nope\"",
		"51-[\"up\"," + placeholder(0) + "]",
		"52-/files,7[\"up\"," + placeholder(0) + "," + placeholder(1) + "]",
		"510-[\"a\"]",
		"61-/files,7[" + placeholder(0) + "]",
		"61-",
		"29007199254740991[\"a\"]",
		"2[\"é☃😀\",\"<&>\"]",
	}
	for _, in := range canonical {
		p, err := socketio.ParsePacket([]byte(in))
		if err != nil {
			t.Errorf("ParsePacket(%q): %v", in, err)
			continue
		}
		if got := string(p.AppendText(nil)); got != in {
			t.Errorf("ParsePacket(%q).AppendText = %q", in, got)
		}
		if got := p.String(); got != in {
			t.Errorf("ParsePacket(%q).String() = %q", in, got)
		}
	}
}

// Inputs that parse to the same packet as a shorter spelling come back
// in that spelling, as the reference encoder would write them.
func TestAppendTextCanonicalises(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0/custom", "0/custom,"},
		{"2/,[\"a\"]", "2[\"a\"]"},
		{"2007[\"a\"]", "27[\"a\"]"},
		{"501-[\"a\"]", "51-[\"a\"]"},
		{"5+1-[\"a\"]", "51-[\"a\"]"},
	}
	for _, tt := range tests {
		p, err := socketio.ParsePacket([]byte(tt.in))
		if err != nil {
			t.Errorf("ParsePacket(%q): %v", tt.in, err)
			continue
		}
		if got := p.String(); got != tt.want {
			t.Errorf("ParsePacket(%q).String() = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// AppendText of packets built by hand: each expected string is what the
// reference Encoder.encodeAsString writes for the same packet.
func TestAppendText(t *testing.T) {
	tests := []struct {
		name string
		p    socketio.Packet
		want string
	}{
		{"event", sioPacket(tEvent, "/", `["a",1]`), `2["a",1]`},
		{"an empty namespace is the main one", sioPacket(tEvent, "", `["e"]`), `2["e"]`},
		{"event in a namespace with an id", withAckID(sioPacket(tEvent, "/chat", `["m"]`), 12), `2/chat,12["m"]`},
		{"ack id 0 is written", withAckID(sioPacket(tAck, "/", "[]"), 0), "30[]"},
		{"binary event", withAttachmentCount(sioPacket(tBinaryEvent, "/", "[\"up\","+placeholder(0)+","+placeholder(1)+"]"), 2), "52-[\"up\"," + placeholder(0) + "," + placeholder(1) + "]"},
		{"binary ack", withAckID(withAttachmentCount(sioPacket(tBinaryAck, "/files", "["+placeholder(0)+"]"), 1), 3), "61-/files,3[" + placeholder(0) + "]"},
		{"connect to a namespace", sioPacket(tConnect, "/admin", ""), "0/admin,"},
		{"connect answer", sioPacket(tConnect, "/", `{"sid":"x"}`), `0{"sid":"x"}`},
		{"disconnect", sioPacket(tDisconnect, "/", ""), "1"},
		{"connect_error", sioPacket(tConnectError, "/", `{"message":"x"}`), `4{"message":"x"}`},
		{"attachments of a text packet are not written", withAttachmentCount(sioPacket(tEvent, "/", `["a"]`), 3), `2["a"]`},
	}
	for _, tt := range tests {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("%s: String() = %q, want %q", tt.name, got, tt.want)
		}
		prefix := []byte{'4'}
		if got := tt.p.AppendText(prefix); string(got) != "4"+tt.want {
			t.Errorf("%s: AppendText after an Engine.IO type byte = %q, want %q", tt.name, got, "4"+tt.want)
		}
	}
}

// An event from a client in the /chat namespace, asking for an
// acknowledgement with id 12: the type digit, the namespace up to its
// comma, the ack id, then the JSON array whose first element is the
// event's name.
func ExampleParsePacket() {
	p, err := socketio.ParsePacket([]byte(`2/chat,12["message","hi"]`))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("type:     ", p.Type)
	fmt.Println("namespace:", p.Namespace)
	fmt.Println("ack id:   ", p.ID, p.HasID)
	fmt.Println("payload:  ", string(p.Data))
	// Output:
	// type:      EVENT
	// namespace: /chat
	// ack id:    12 true
	// payload:   ["message","hi"]
}

// A binary event announces how many attachments follow it; each one then
// arrives as its own Engine.IO binary message, and a placeholder in the
// JSON marks where it goes.
func ExampleParsePacket_binary() {
	p, _ := socketio.ParsePacket([]byte(`51-["upload",{"_placeholder":true,"num":0}]`))
	fmt.Println(p.Type, "with", p.Attachments, "attachment")
	// Output: BINARY_EVENT with 1 attachment
}

// What the reference parser refuses, netlab refuses: an event may not use
// a name that means something else to socket.io.
func ExampleParsePacket_reserved() {
	_, err := socketio.ParsePacket([]byte(`2["disconnect"]`))
	fmt.Println(strings.Contains(err.Error(), "invalid payload for EVENT"))
	fmt.Println(errors.Is(err, socketio.ErrBadPacket))
	// Output:
	// true
	// true
}

// A packet is written in the order it is read: type, attachment count,
// namespace and comma (unless it is "/"), ack id, JSON.
func ExamplePacket_AppendText() {
	p := socketio.Packet{
		Type:        socketio.PacketBinaryAck,
		Namespace:   "/files",
		ID:          3,
		HasID:       true,
		Attachments: 1,
		Data:        json.RawMessage(`[{"_placeholder":true,"num":0}]`),
	}
	fmt.Println(string(p.AppendText(nil)))
	// Output: 61-/files,3[{"_placeholder":true,"num":0}]
}
