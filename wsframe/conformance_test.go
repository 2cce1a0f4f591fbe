// A conformance suite for netlab's WebSocket server (RFC 6455, sections
// 5-8 and 10.4), modelled on the case categories of the Autobahn|Testsuite:
// 1 framing, 2 ping/pong, 3 reserved bits, 4 opcodes, 5 fragmentation,
// 6 UTF-8, 7 close, 9 limits; 10, the handshake on the byte stream, is in
// handshake_test.go, and the cases against the client are in
// conformance_client_test.go. The peer is the independent raw-TCP one of
// conformance_peer_test.go. Each subtest is named after the rule it checks:
// "5.4/continuation_without_open_message_fails_1002" is section 5.4.

package wsframe_test

import (
	"fmt"
	"slices"
	"testing"

	"netlab/wsframe"
)

// Category 1: framing (RFC 6455, section 5.2).
func TestConformanceServerFraming(t *testing.T) {
	var cases []serverCase
	for _, n := range []int{0, 125, 126, 127, 128, 65535, 65536} {
		for _, chop := range []bool{false, true} {
			how := "echoed"
			if chop {
				how = "chopped_echoed"
			}
			cases = append(cases,
				serverCase{
					name: fmt.Sprintf("5.2/text_length_%d_%s", n, how),
					send: cText(string(textPayload(n))), chop: chop,
					want: []rawFrame{sText(string(textPayload(n)))},
				},
				serverCase{
					name: fmt.Sprintf("5.2/binary_length_%d_%s", n, how),
					send: cBin(binPayload(n)), chop: chop,
					want: []rawFrame{sBin(binPayload(n))},
				})
		}
	}
	cases = append(cases,
		serverCase{
			// Section 5.2 asks a sender for "the minimal number of bytes";
			// it gives a receiver no rule against more, so more is accepted.
			name: "5.2/16bit_length_for_5_bytes_accepted",
			send: []byte{
				0x81,       // FIN, opcode 1 (text)
				0xFE,       // MASK, length 126: a 16-bit length follows
				0x00, 0x05, // 16-bit length 5: not the shortest form
				0x37, 0xfa, 0x21, 0x3d, // masking key
				0x7f, 0x9f, 0x4d, 0x51, 0x58, // "Hello", masked (section 5.7)
			},
			want: []rawFrame{sText("Hello")},
		},
		serverCase{
			name: "5.2/64bit_length_for_5_bytes_accepted",
			send: []byte{
				0x82,                                           // FIN, opcode 2 (binary)
				0xFF,                                           // MASK, length 127: a 64-bit length follows
				0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, // 64-bit length 5
				0x37, 0xfa, 0x21, 0x3d, // masking key
				0x7f, 0x9f, 0x4d, 0x51, 0x58, // "Hello", masked
			},
			want: []rawFrame{sBin([]byte("Hello"))},
		},
		serverCase{
			name: "5.2/64bit_length_for_200_bytes_accepted",
			send: rawFrame{fin: true, op: opText, masked: true, key: peerKey, payload: textPayload(200), form: len64}.wire(),
			want: []rawFrame{sText(string(textPayload(200)))},
		},
		serverCase{
			name: "5.2/16bit_length_for_0_bytes_accepted_chopped",
			send: rawFrame{fin: true, op: opBinary, masked: true, key: peerKey, form: len16}.wire(), chop: true,
			want: []rawFrame{sBin([]byte{})},
		},
		serverCase{
			// Section 5.2: "the most significant bit MUST be 0".
			name: "5.2/64bit_length_with_top_bit_fails_1002",
			send: []byte{
				0x82,                                           // FIN, opcode 2 (binary)
				0xFF,                                           // MASK, length 127: a 64-bit length follows
				0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x05, // 64-bit length with its top bit set
				0x37, 0xfa, 0x21, 0x3d, // masking key
				0x7f, 0x9f, 0x4d, 0x51, 0x58,
			},
			wantClose: 1002, rule: wsframe.ErrLengthTopBit,
		},
		serverCase{
			// Section 5.1: "The server MUST close the connection upon
			// receiving a frame that is not masked."
			name:      "5.1/unmasked_frame_fails_1002",
			send:      serverFrame(true, opText, []byte("Hello")).wire(),
			wantClose: 1002, rule: wsframe.ErrUnmasked,
		},
	)
	runServerCases(t, cases)
}

// Category 2: ping and pong (sections 5.5, 5.5.2, 5.5.3).
func TestConformanceServerPingPong(t *testing.T) {
	var tenPings []byte
	var tenPongs []rawFrame
	for i := range 10 {
		p := fmt.Appendf(nil, "ping %d", i)
		tenPings = append(tenPings, cPing(p)...)
		tenPongs = append(tenPongs, sPong(p))
	}
	runServerCases(t, []serverCase{
		{
			name: "5.5.2/ping_empty_answered_by_empty_pong",
			send: cPing(nil), want: []rawFrame{sPong([]byte{})},
		},
		{
			name: "5.5.2/ping_125_bytes_answered_by_same_payload",
			send: cPing(binPayload(125)), want: []rawFrame{sPong(binPayload(125))},
		},
		{
			name: "5.5/ping_126_bytes_fails_1002",
			send: cPing(binPayload(126)), wantClose: 1002, rule: wsframe.ErrControlTooLong,
		},
		{
			name: "5.5/pong_126_bytes_fails_1002",
			send: clientFrame(true, opPong, binPayload(126)).wire(), wantClose: 1002, rule: wsframe.ErrControlTooLong,
		},
		{
			// Section 5.5.3: "A Pong frame MAY be sent unsolicited ... A
			// response to an unsolicited Pong frame is not expected."
			name: "5.5.3/unsolicited_pong_ignored",
			send: slices.Concat(clientFrame(true, opPong, []byte("heartbeat")).wire(), cText("after the pong")),
			want: []rawFrame{sText("after the pong")},
		},
		{
			name: "5.5.3/unsolicited_empty_pong_ignored",
			send: slices.Concat(clientFrame(true, opPong, nil).wire(), cText("after the pong")),
			want: []rawFrame{sText("after the pong")},
		},
		{
			name: "5.5.2/ten_pings_answered_in_order",
			send: tenPings, want: tenPongs,
		},
		{
			name: "5.5.2/ten_pings_chopped_answered_in_order",
			send: tenPings, chop: true, want: tenPongs,
		},
		{
			name: "5.5.2/ping_chopped_answered",
			send: cPing([]byte("chopped ping")), chop: true, want: []rawFrame{sPong([]byte("chopped ping"))},
		},
	})
}

// Category 3: reserved bits (section 5.2: "MUST be 0 unless an extension is
// negotiated that defines meanings for non-zero values").
func TestConformanceServerReservedBits(t *testing.T) {
	var cases []serverCase
	for _, bit := range []struct {
		name string
		rsv  byte
	}{{"rsv1", b0RSV1}, {"rsv2", b0RSV2}, {"rsv3", b0RSV3}, {"rsv123", b0RSV1 | b0RSV2 | b0RSV3}} {
		text := rawFrame{fin: true, rsv: bit.rsv, op: opText, masked: true, key: peerKey, payload: []byte("Hello")}
		ping := rawFrame{fin: true, rsv: bit.rsv, op: opPing, masked: true, key: peerKey, payload: []byte("Hello")}
		cases = append(cases,
			serverCase{
				name: "5.2/" + bit.name + "_on_text_fails_1002",
				send: text.wire(), wantClose: 1002, rule: wsframe.ErrReservedBits,
			},
			serverCase{
				name: "5.2/" + bit.name + "_on_ping_fails_1002",
				send: ping.wire(), wantClose: 1002, rule: wsframe.ErrReservedBits,
			},
			serverCase{
				name: "5.2/" + bit.name + "_after_valid_echo_fails_1002",
				send: slices.Concat(cText("valid"), text.wire(), cPing(nil)),
				want: []rawFrame{sText("valid")}, wantClose: 1002, rule: wsframe.ErrReservedBits,
			},
			serverCase{
				name: "5.2/" + bit.name + "_on_continuation_fails_1002",
				send: slices.Concat(cFrag(false, opText, "frag"),
					rawFrame{fin: true, rsv: bit.rsv, op: opCont, masked: true, key: peerKey, payload: []byte("ment")}.wire()),
				wantClose: 1002, rule: wsframe.ErrReservedBits,
			})
	}
	runServerCases(t, cases)
}

// Category 4: opcodes (section 5.2: "If an unknown opcode is received, the
// receiving endpoint MUST _Fail the WebSocket Connection_").
func TestConformanceServerOpcodes(t *testing.T) {
	var cases []serverCase
	for _, op := range []byte{0x3, 0x4, 0x5, 0x6, 0x7, 0xB, 0xC, 0xD, 0xE, 0xF} {
		kind := "non_control"
		if op >= 0x8 {
			kind = "control"
		}
		f := clientFrame(true, op, nil).wire()
		cases = append(cases,
			serverCase{
				name: fmt.Sprintf("5.2/reserved_%s_opcode_0x%X_fails_1002", kind, op),
				send: f, wantClose: 1002, rule: wsframe.ErrReservedOpcode,
			},
			serverCase{
				name: fmt.Sprintf("5.2/reserved_%s_opcode_0x%X_after_valid_message_fails_1002", kind, op),
				send: slices.Concat(cText("valid"), clientFrame(true, op, []byte("reserved")).wire(), cPing(nil)),
				want: []rawFrame{sText("valid")}, wantClose: 1002, rule: wsframe.ErrReservedOpcode,
			})
	}
	runServerCases(t, cases)
}

// Category 5: fragmentation (section 5.4).
func TestConformanceServerFragmentation(t *testing.T) {
	oneByteFrags := perByteFragments(opText, textPayload(200))
	runServerCases(t, []serverCase{
		{
			name: "5.4/fragmented_text_echoed_as_one_message",
			send: slices.Concat(cFrag(false, opText, "frag"), cFrag(false, opCont, "ment"), cFrag(true, opCont, "ed")),
			want: []rawFrame{sText("fragmented")},
		},
		{
			name: "5.4/fragmented_binary_echoed_as_one_message",
			send: slices.Concat(cFrag(false, opBinary, "\x00\xff"), cFrag(true, opCont, "\xfe\x01")),
			want: []rawFrame{sBin([]byte("\x00\xff\xfe\x01"))},
		},
		{
			name: "5.4/fragments_with_empty_payloads_echoed",
			send: slices.Concat(cFrag(false, opText, ""), cFrag(false, opCont, ""), cFrag(true, opCont, "")),
			want: []rawFrame{sText("")},
		},
		{
			// Section 5.4: "Control frames MAY be injected in the middle of a
			// fragmented message."
			name: "5.4/ping_between_fragments_answered_then_message_echoed",
			send: slices.Concat(cFrag(false, opText, "frag"), cPing([]byte("in between")), cFrag(true, opCont, "ment")),
			want: []rawFrame{sPong([]byte("in between")), sText("fragment")},
		},
		{
			name: "5.4/pong_between_fragments_ignored",
			send: slices.Concat(cFrag(false, opText, "frag"), clientFrame(true, opPong, nil).wire(), cFrag(true, opCont, "ment")),
			want: []rawFrame{sText("fragment")},
		},
		{
			name: "5.4/ping_between_fragments_chopped",
			send: slices.Concat(cFrag(false, opBinary, "frag"), cPing([]byte("in between")), cFrag(true, opCont, "ment")), chop: true,
			want: []rawFrame{sPong([]byte("in between")), sBin([]byte("fragment"))},
		},
		{
			// The message is never finished: the peer's close ends it.
			name:      "5.4/close_between_fragments_answered_without_echo",
			send:      slices.Concat(cFrag(false, opText, "frag"), cClose(closePayload(1000, ""))),
			wantClose: 1000,
		},
		{
			// Section 5.5: "All control frames ... MUST NOT be fragmented."
			name:      "5.5/fragmented_ping_fails_1002",
			send:      slices.Concat(clientFrame(false, opPing, []byte("frag")).wire(), cFrag(true, opCont, "ment")),
			wantClose: 1002, rule: wsframe.ErrControlFragmented,
		},
		{
			name:      "5.5/fragmented_close_fails_1002",
			send:      clientFrame(false, opClose, closePayload(1000, "")).wire(),
			wantClose: 1002, rule: wsframe.ErrControlFragmented,
		},
		{
			name: "5.4/continuation_without_open_message_fails_1002",
			send: cFrag(true, opCont, "orphan"), wantClose: 1002, rule: wsframe.ErrUnexpectedCont,
		},
		{
			name: "5.4/unfinished_continuation_without_open_message_fails_1002",
			send: cFrag(false, opCont, "orphan"), wantClose: 1002, rule: wsframe.ErrUnexpectedCont,
		},
		{
			name: "5.4/continuation_after_finished_message_fails_1002",
			send: slices.Concat(cText("done"), cFrag(true, opCont, "late")),
			want: []rawFrame{sText("done")}, wantClose: 1002, rule: wsframe.ErrUnexpectedCont,
		},
		{
			// Section 5.4: "The fragments of one message MUST NOT be
			// interleaved between the fragments of another message".
			name:      "5.4/text_frame_inside_fragmented_message_fails_1002",
			send:      slices.Concat(cFrag(false, opText, "frag"), cFrag(true, opText, "new")),
			wantClose: 1002, rule: wsframe.ErrDataInFragment,
		},
		{
			name:      "5.4/binary_frame_inside_fragmented_text_fails_1002",
			send:      slices.Concat(cFrag(false, opText, "frag"), cFrag(false, opBinary, "new"), cFrag(true, opCont, "end")),
			wantClose: 1002, rule: wsframe.ErrDataInFragment,
		},
		{
			name: "5.4/200_one_byte_fragments_echoed_as_one_message",
			send: oneByteFrags, want: []rawFrame{sText(string(textPayload(200)))},
		},
		{
			name: "5.4/200_one_byte_fragments_chopped_echoed",
			send: oneByteFrags, chop: true, want: []rawFrame{sText(string(textPayload(200)))},
		},
	})
}

// Category 6: UTF-8 in text messages (section 8.1: "When an endpoint is to
// interpret a byte stream as UTF-8 but finds that the byte stream is not,
// in fact, a valid UTF-8 stream, that endpoint MUST _Fail the WebSocket
// Connection_"; the code is 1007, section 7.4.1).
func TestConformanceServerUTF8(t *testing.T) {
	valid := []struct{ name, text string }{
		{"empty", ""},
		{"ascii", "Hello, world"},
		{"two_byte_kosme", "κόσμε"},
		{"three_byte_euro", "\xe2\x82\xac"},
		{"four_byte_g_clef", "\xf0\x9d\x84\x9e"},
		{"u+0080", "\xc2\x80"},
		{"u+07ff", "\xdf\xbf"},
		{"u+0800", "\xe0\xa0\x80"},
		{"u+d7ff_below_surrogates", "\xed\x9f\xbf"},
		{"u+e000_above_surrogates", "\xee\x80\x80"},
		{"u+fffd", "\xef\xbf\xbd"},
		{"u+ffff", "\xef\xbf\xbf"},
		{"u+10000", "\xf0\x90\x80\x80"},
		{"u+10ffff", "\xf4\x8f\xbf\xbf"},
		{"mixed", "a\xc2\x80b\xe2\x82\xacc\xf0\x9d\x84\x9ed\xf4\x8f\xbf\xbf"},
	}
	invalid := []struct{ name, text string }{
		{"overlong_c0_80", "\xc0\x80"},
		{"overlong_c1_bf", "\xc1\xbf"},
		{"overlong_e0_80_80", "\xe0\x80\x80"},
		{"overlong_e0_9f_bf", "\xe0\x9f\xbf"},
		{"overlong_f0_80_80_80", "\xf0\x80\x80\x80"},
		{"overlong_f0_8f_bf_bf", "\xf0\x8f\xbf\xbf"},
		{"surrogate_ed_a0_80", "\xed\xa0\x80"},
		{"surrogate_ed_bf_bf", "\xed\xbf\xbf"},
		{"surrogate_pair_as_cesu8", "\xed\xa0\xbd\xed\xb2\xa9"},
		{"above_u+10ffff_f4_90_80_80", "\xf4\x90\x80\x80"},
		{"lead_f5", "\xf5\x80\x80\x80"},
		{"byte_fe", "\xfe"},
		{"byte_ff", "\xff"},
		{"lone_continuation_80", "\x80"},
		{"lone_continuation_bf_after_ascii", "abc\xbf"},
		{"truncated_two_byte_at_end", "abc\xc2"},
		{"truncated_three_byte_at_end", "abc\xe2\x82"},
		{"truncated_four_byte_at_end", "abc\xf0\x9f\x98"},
		{"lead_then_ascii", "\xe2a\x82"},
	}
	var cases []serverCase
	for _, v := range valid {
		cases = append(cases, serverCase{
			name: "8.1/valid_" + v.name + "_echoed",
			send: cText(v.text), want: []rawFrame{sText(v.text)},
		})
		if len(v.text) > 1 {
			// Section 5.4 lets a fragment end inside a code point; only
			// the whole message must be valid.
			cases = append(cases, serverCase{
				name: "8.1/valid_" + v.name + "_split_per_byte_across_fragments_echoed",
				send: perByteFragments(opText, []byte(v.text)), want: []rawFrame{sText(v.text)},
			})
		}
	}
	for _, v := range invalid {
		cases = append(cases,
			serverCase{
				name: "8.1/invalid_" + v.name + "_fails_1007",
				send: cText(v.text), wantClose: 1007, rule: wsframe.ErrInvalidUTF8,
			},
			serverCase{
				name: "8.1/invalid_" + v.name + "_per_byte_fragments_fails_1007",
				send: perByteFragments(opText, []byte(v.text)), wantClose: 1007, rule: wsframe.ErrInvalidUTF8,
			})
	}
	cases = append(cases,
		serverCase{
			name:      "8.1/invalid_in_second_fragment_fails_1007",
			send:      slices.Concat(cFrag(false, opText, "Hello"), cFrag(true, opCont, "\xed\xa0\x80")),
			wantClose: 1007, rule: wsframe.ErrInvalidUTF8,
		},
		serverCase{
			name:      "8.1/surrogate_split_across_fragments_fails_1007",
			send:      slices.Concat(cFrag(false, opText, "a\xed"), cFrag(true, opCont, "\xa0\x80")),
			wantClose: 1007, rule: wsframe.ErrInvalidUTF8,
		},
		serverCase{
			name:      "8.1/code_point_cut_by_message_end_across_fragments_fails_1007",
			send:      slices.Concat(cFrag(false, opText, "a\xe2"), cFrag(true, opCont, "\x82")),
			wantClose: 1007, rule: wsframe.ErrInvalidUTF8,
		},
		serverCase{
			name: "8.1/code_point_split_across_fragments_echoed",
			send: slices.Concat(cFrag(false, opText, "a\xe2"), cFrag(false, opCont, "\x82"), cFrag(true, opCont, "\xacb")),
			want: []rawFrame{sText("a\xe2\x82\xacb")},
		},
		serverCase{
			// Only text is UTF-8: a binary message may hold any bytes.
			name: "5.6/binary_with_invalid_utf8_echoed",
			send: cBin([]byte("\xc0\x80\xed\xa0\x80\xff")), want: []rawFrame{sBin([]byte("\xc0\x80\xed\xa0\x80\xff"))},
		},
	)
	// Fail fast: the first fragment (FIN clear) already holds bytes no
	// continuation can make valid. The peer sends nothing more, so a
	// server that waited for the rest of the message before checking
	// would never answer.
	for _, v := range []struct{ name, first string }{
		{"byte_ff", "Hello\xff"},
		{"overlong_c0", "Hello\xc0"},
		{"surrogate_ed_a0", "Hello\xed\xa0"},
		{"above_u+10ffff_f4_90", "Hello\xf4\x90"},
		{"overlong_e0_80", "Hello\xe0\x80"},
		{"lone_continuation", "\x80"},
	} {
		cases = append(cases, serverCase{
			name: "8.1/fail_fast_" + v.name + "_in_first_fragment_fails_1007_before_the_rest",
			send: cFrag(false, opText, v.first), wantClose: 1007, rule: wsframe.ErrInvalidUTF8,
		})
	}
	runServerCases(t, cases)
}

// Category 7: the closing handshake (sections 5.5.1, 7.1.1, 7.4).
func TestConformanceServerClose(t *testing.T) {
	cases := []serverCase{
		{
			// Section 5.5.1: "If an endpoint receives a Close frame and did
			// not previously send a Close frame, the endpoint MUST send a
			// Close frame in response. (When sending a Close frame in
			// response, the endpoint typically echos the status code it
			// received.)" With no code received, the echo is no code.
			name: "5.5.1/close_without_payload_answered_by_close_without_payload",
			send: cClose(nil), wantClose: 1005,
		},
		{
			// Section 5.5.1: "If there is a body, the first two bytes of the
			// body MUST be a 2-byte unsigned integer".
			name: "5.5.1/close_with_1_byte_payload_fails_1002",
			send: cClose([]byte{0x03}), wantClose: 1002, rule: wsframe.ErrCloseOneByte,
		},
		{
			name: "5.5.1/close_reason_of_123_bytes_answered",
			send: cClose(closePayload(1000, string(textPayload(123)))), wantClose: 1000,
		},
		{
			name: "5.5.1/close_reason_utf8_answered",
			send: cClose(closePayload(1000, "κόσμε \xf4\x8f\xbf\xbf")), wantClose: 1000,
		},
		{
			// 2 bytes of code and 124 of reason: a control frame of 126 bytes.
			name: "5.5/close_reason_of_124_bytes_fails_1002",
			send: cClose(closePayload(1000, string(textPayload(124)))), wantClose: 1002, rule: wsframe.ErrControlTooLong,
		},
		{
			name: "5.5.1/close_reason_invalid_utf8_fails_1007",
			send: cClose(closePayload(1000, "bad \xed\xa0\x80")), wantClose: 1007, rule: wsframe.ErrCloseReasonUTF8,
		},
		{
			// Section 5.5.1: "after sending a Close frame, the endpoint
			// MUST NOT send any further data frames"; the server has sent
			// its close, so the text that followed the peer's close is
			// never echoed.
			name: "5.5.1/text_after_close_not_echoed",
			send: slices.Concat(cClose(closePayload(1000, "")), cText("after the close")), wantClose: 1000,
		},
		{
			name: "5.5.1/ping_after_close_not_answered",
			send: slices.Concat(cClose(closePayload(1000, "")), cPing([]byte("after the close"))), wantClose: 1000,
		},
		{
			name: "5.5.1/second_close_not_answered",
			send: slices.Concat(cClose(closePayload(1000, "")), cClose(closePayload(1001, ""))), wantClose: 1000,
		},
		{
			name: "5.5.1/echo_then_close_chopped",
			send: slices.Concat(cText("last words"), cClose(closePayload(1001, "bye"))), chop: true,
			want: []rawFrame{sText("last words")}, wantClose: 1001,
		},
	}
	// Section 7.4.1 defines 1000-1003 and 1007-1011; IANA's registry adds
	// 1012-1014; section 7.4.2 gives 3000-4999 to libraries and private use.
	for _, code := range []uint16{1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014, 3000, 3999, 4000, 4999} {
		cases = append(cases, serverCase{
			name: fmt.Sprintf("7.4/close_code_%d_answered_with_%d", code, code),
			send: cClose(closePayload(code, "reason")), wantClose: code,
		})
	}
	// Section 7.4.2: 0-999 "not used"; 1004 reserved; 1005, 1006 and 1015
	// "MUST NOT be set as a status code in a Close control frame by an
	// endpoint"; 1016-2999 reserved for the protocol; nothing above 4999.
	for _, code := range []uint16{0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999, 5000, 65535} {
		cases = append(cases, serverCase{
			name: fmt.Sprintf("7.4/close_code_%d_fails_1002", code),
			send: cClose(closePayload(code, "")), wantClose: 1002, rule: wsframe.ErrCloseCode,
		})
	}
	runServerCases(t, cases)
}

// Category 9: limits (section 10.4: "implementations SHOULD impose an
// appropriate limit on frame sizes and the total message size after
// reassembly"; the code is 1009, section 7.4.1).
func TestConformanceServerLimits(t *testing.T) {
	fragmented := func(op byte, p []byte, size int) []byte {
		var b []byte
		for i := 0; i < len(p); i += size {
			fop := opCont
			if i == 0 {
				fop = op
			}
			end := min(i+size, len(p))
			b = append(b, clientFrame(end == len(p), fop, p[i:end]).wire()...)
		}
		return b
	}
	var cases []serverCase
	sizes := []int{1 << 20}
	if !testing.Short() {
		sizes = append(sizes, 8<<20)
	}
	for _, n := range sizes {
		text, bin := textPayload(n), binPayload(n)
		cases = append(cases,
			serverCase{
				name: fmt.Sprintf("10.4/text_%d_MiB_in_one_frame_echoed", n>>20),
				send: cText(string(text)), want: []rawFrame{sText(string(text))},
			},
			serverCase{
				name: fmt.Sprintf("10.4/binary_%d_MiB_in_one_frame_echoed", n>>20),
				send: cBin(bin), want: []rawFrame{sBin(bin)},
			},
			serverCase{
				name: fmt.Sprintf("10.4/text_%d_MiB_in_64_KiB_fragments_echoed", n>>20),
				send: fragmented(opText, text, 64<<10), want: []rawFrame{sText(string(text))},
			},
			serverCase{
				name: fmt.Sprintf("10.4/binary_%d_MiB_in_64_KiB_fragments_echoed", n>>20),
				send: fragmented(opBinary, bin, 64<<10), want: []rawFrame{sBin(bin)},
			})
	}
	var many []byte
	var echoes []rawFrame
	for i := range 1000 {
		msg := fmt.Sprintf("message %d", i)
		many = append(many, cText(msg)...)
		echoes = append(echoes, sText(msg))
	}
	cases = append(cases,
		serverCase{
			name: "10.4/1000_back_to_back_messages_echoed_in_order",
			send: many, want: echoes,
		},
		serverCase{
			name: "10.4/message_at_max_message_echoed", maxMessage: 1024,
			send: cBin(binPayload(1024)), want: []rawFrame{sBin(binPayload(1024))},
		},
		serverCase{
			name: "10.4/fragments_summing_to_max_message_echoed", maxMessage: 1024,
			send: fragmented(opBinary, binPayload(1024), 512), want: []rawFrame{sBin(binPayload(1024))},
		},
		serverCase{
			name: "10.4/frame_over_max_message_fails_1009", maxMessage: 1024,
			send: cBin(binPayload(1025)), wantClose: 1009, rule: wsframe.ErrFrameTooBig,
		},
		serverCase{
			name: "10.4/fragments_over_max_message_fail_1009", maxMessage: 1024,
			send: fragmented(opText, textPayload(1200), 600), wantClose: 1009, rule: wsframe.ErrMessageTooBig,
		},
		serverCase{
			// The header claims a terabyte and no payload follows: the
			// server must refuse from the header alone, without waiting for
			// (or allocating) the bytes it announces.
			name: "10.4/header_claiming_1_TiB_fails_1009_at_once", maxMessage: 1024,
			send: []byte{
				0x82,                                           // FIN, opcode 2 (binary)
				0xFF,                                           // MASK, length 127: a 64-bit length follows
				0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, // 64-bit length 1<<40
				0x37, 0xfa, 0x21, 0x3d, // masking key; no payload follows
			},
			wantClose: 1009, rule: wsframe.ErrFrameTooBig,
		},
		serverCase{
			name: "10.4/header_claiming_1_TiB_fails_1009_with_default_limit",
			send: []byte{
				0x82,                                           // FIN, opcode 2 (binary)
				0xFF,                                           // MASK, length 127: a 64-bit length follows
				0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, // 64-bit length 1<<40
				0x37, 0xfa, 0x21, 0x3d, // masking key; no payload follows
			},
			wantClose: 1009, rule: wsframe.ErrFrameTooBig,
		},
	)
	runServerCases(t, cases)
}
