// Fuzz target for the Socket.IO packet parser, which reads every text
// message a peer sends. The seed corpus is under
// testdata/fuzz/FuzzParsePacket and runs as an ordinary test; to search
// further:
//
//	go test ./realtime/socketio -run '^$' -fuzz '^FuzzParsePacket$' -fuzztime 30s

package socketio_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"

	"netlab/realtime/socketio"
)

var reservedEventNames = map[string]bool{
	"connect": true, "connect_error": true, "disconnect": true,
	"disconnecting": true, "newListener": true, "removeListener": true,
}

// payloadAllowed is socket.io-parser's isPayloadValid, written from its
// rules with a generic decoding: CONNECT an object, DISCONNECT nothing,
// EVENT an array led by a number or a name that is not reserved, ACK an
// array, CONNECT_ERROR a string or an object; no payload is always fine.
func payloadAllowed(typ socketio.PacketType, data []byte) bool {
	if data == nil {
		return true
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if dec.Decode(&v) != nil {
		return false
	}
	switch typ {
	case socketio.PacketConnect:
		_, ok := v.(map[string]any)
		return ok
	case socketio.PacketConnectError:
		switch v.(type) {
		case string, map[string]any:
			return true
		}
	case socketio.PacketAck, socketio.PacketBinaryAck:
		_, ok := v.([]any)
		return ok
	case socketio.PacketEvent, socketio.PacketBinaryEvent:
		arr, ok := v.([]any)
		if !ok || len(arr) == 0 {
			return false
		}
		switch name := arr[0].(type) {
		case json.Number:
			return true
		case string:
			return !reservedEventNames[name]
		}
	}
	return false
}

// FuzzParsePacket: ParsePacket never panics; its errors are ErrBadPacket;
// a packet it accepts is well formed, and AppendText writes it in a form
// that parses back to the same packet and is stable from then on.
func FuzzParsePacket(f *testing.F) {
	f.Add([]byte(`2/chat,12["message","hi"]`))
	f.Fuzz(func(t *testing.T, in []byte) {
		p, err := socketio.ParsePacket(in)
		if err != nil {
			if !errors.Is(err, socketio.ErrBadPacket) {
				t.Fatalf("ParsePacket(%q): error %v does not wrap ErrBadPacket", in, err)
			}
			return
		}
		if len(in) == 0 || p.Type != socketio.PacketType(in[0]) || p.Type < socketio.PacketConnect || p.Type > socketio.PacketBinaryAck {
			t.Fatalf("ParsePacket(%q): type %q", in, byte(p.Type))
		}
		if !strings.HasPrefix(p.Namespace, "/") || strings.Contains(p.Namespace, ",") {
			t.Fatalf("ParsePacket(%q): namespace %q", in, p.Namespace)
		}
		binary := p.Type == socketio.PacketBinaryEvent || p.Type == socketio.PacketBinaryAck
		if binary && (p.Attachments < 1 || p.Attachments > socketio.MaxAttachments) || !binary && p.Attachments != 0 {
			t.Fatalf("ParsePacket(%q): %v with %d attachments", in, p.Type, p.Attachments)
		}
		if p.HasID && (p.ID < 0 || p.ID > 1<<53-1) || !p.HasID && p.ID != 0 {
			t.Fatalf("ParsePacket(%q): ack id %d (HasID %v)", in, p.ID, p.HasID)
		}
		if p.Data != nil && (len(p.Data) == 0 || !json.Valid(p.Data)) {
			t.Fatalf("ParsePacket(%q): payload %q is not JSON", in, p.Data)
		}
		if !bytes.HasSuffix(in, p.Data) {
			t.Fatalf("ParsePacket(%q): payload %q is not the end of the input", in, p.Data)
		}
		if !payloadAllowed(p.Type, p.Data) {
			t.Fatalf("ParsePacket(%q) accepted the payload %q for %v", in, p.Data, p.Type)
		}

		enc := p.AppendText(nil)
		q, err := socketio.ParsePacket(enc)
		if err != nil {
			t.Fatalf("%q parsed, but its re-encoding %q does not: %v", in, enc, err)
		}
		if !reflect.DeepEqual(p, q) {
			t.Fatalf("%q parsed to %s; its re-encoding %q parsed to %s", in, fmtPacket(p), enc, fmtPacket(q))
		}
		if again := q.AppendText(nil); !bytes.Equal(again, enc) {
			t.Fatalf("AppendText is not stable: %q, then %q", enc, again)
		}
		if withPrefix := p.AppendText([]byte("4")); string(withPrefix) != "4"+string(enc) {
			t.Fatalf("AppendText after a prefix = %q, want %q", withPrefix, "4"+string(enc))
		}
	})
}
