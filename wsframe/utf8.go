// Incremental UTF-8 validation (RFC 6455, section 8.1; RFC 3629, section 4).

package wsframe

import "unicode/utf8"

// RFC 6455, section 8.1: "When an endpoint is to interpret a byte stream as
// UTF-8 but finds that the byte stream is not, in fact, a valid UTF-8
// stream, that endpoint MUST _Fail the WebSocket Connection_." A text
// message may arrive in fragments, and a fragment may end inside a code
// point, so the validator keeps its state between writes, and says "invalid"
// at the first byte that no continuation could make valid, not at the end
// of the message.

// utf8State is where the validator is inside a code point. The states
// follow RFC 3629's syntax (section 4):
//
//	UTF8-2 = %xC2-DF UTF8-tail
//	UTF8-3 = %xE0 %xA0-BF UTF8-tail / %xE1-EC 2( UTF8-tail ) /
//	         %xED %x80-9F UTF8-tail / %xEE-EF 2( UTF8-tail )
//	UTF8-4 = %xF0 %x90-BF 2( UTF8-tail ) / %xF1-F3 3( UTF8-tail ) /
//	         %xF4 %x80-8F 2( UTF8-tail )
type utf8State uint8

const (
	utf8Accept  utf8State = iota // between code points
	utf8Tail1                    // one UTF8-tail (%x80-BF) to go
	utf8Tail2                    // two to go
	utf8Tail3                    // three to go
	utf8AfterE0                  // %xA0-BF, then one tail
	utf8AfterED                  // %x80-9F, then one tail (no surrogates)
	utf8AfterF0                  // %x90-BF, then two tails
	utf8AfterF4                  // %x80-8F, then two tails (nothing above U+10FFFF)
	utf8Reject                   // no continuation can make this valid
)

// utf8Validator checks UTF-8 piece by piece. The zero value is ready.
type utf8Validator struct{ state utf8State }

// step moves the state machine by one byte.
func (s utf8State) step(c byte) utf8State {
	in := func(lo, hi byte) bool { return c >= lo && c <= hi }
	switch s {
	case utf8Accept:
		switch {
		case c < 0x80:
			return utf8Accept
		case in(0xC2, 0xDF):
			return utf8Tail1
		case c == 0xE0:
			return utf8AfterE0
		case in(0xE1, 0xEC), in(0xEE, 0xEF):
			return utf8Tail2
		case c == 0xED:
			return utf8AfterED
		case c == 0xF0:
			return utf8AfterF0
		case in(0xF1, 0xF3):
			return utf8Tail3
		case c == 0xF4:
			return utf8AfterF4
		}
	case utf8Tail1, utf8Tail2, utf8Tail3:
		if in(0x80, 0xBF) {
			return s - 1
		}
	case utf8AfterE0:
		if in(0xA0, 0xBF) {
			return utf8Tail1
		}
	case utf8AfterED:
		if in(0x80, 0x9F) {
			return utf8Tail1
		}
	case utf8AfterF0:
		if in(0x90, 0xBF) {
			return utf8Tail2
		}
	case utf8AfterF4:
		if in(0x80, 0x8F) {
			return utf8Tail2
		}
	}
	return utf8Reject
}

// Write feeds p to the validator and reports whether the bytes so far can
// still become valid UTF-8. Once it has returned false it always does.
func (v *utf8Validator) Write(p []byte) bool {
	i := 0
	for ; i < len(p) && v.state != utf8Accept; i++ { // finish a code point begun earlier
		if v.state = v.state.step(p[i]); v.state == utf8Reject {
			return false
		}
	}
	p = p[i:]
	if v.state == utf8Reject {
		return false
	}
	// Whole code points go to the standard library's fast check; a code
	// point cut at the end goes through the state machine.
	cut := len(p)
	for j := len(p) - 1; j >= 0 && j >= len(p)-3; j-- {
		if c := p[j]; c&0xC0 != 0x80 { // the last byte that is not a tail
			if c >= 0xC0 && j+seqLen(c) > len(p) {
				cut = j
			}
			break
		}
	}
	if !utf8.Valid(p[:cut]) {
		v.state = utf8Reject
		return false
	}
	for _, c := range p[cut:] {
		if v.state = v.state.step(c); v.state == utf8Reject {
			return false
		}
	}
	return true
}

// Complete reports whether the bytes so far end on a code point boundary
// and are valid: what a finished text message must satisfy.
func (v *utf8Validator) Complete() bool { return v.state == utf8Accept }

// seqLen is the length of the sequence a lead byte announces (1 for
// anything that cannot lead a longer one).
func seqLen(c byte) int {
	switch {
	case c >= 0xF0:
		return 4
	case c >= 0xE0:
		return 3
	case c >= 0xC0:
		return 2
	}
	return 1
}

// validUTF8 checks a whole byte string.
func validUTF8(p []byte) bool { return utf8.Valid(p) }
