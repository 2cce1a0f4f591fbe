// Tests of the incremental UTF-8 validator (RFC 6455, section 8.1) against
// the standard library's utf8.Valid.

package wsframe

import (
	"math/rand/v2"
	"testing"
	"unicode/utf8"
)

// utf8Tests are whole byte strings, valid and not, each named for the
// rule of RFC 3629 it shows.
var utf8Tests = []struct {
	name string
	b    string
}{
	{"empty", ""},
	{"ASCII", "Hello, world"},
	{"2-byte", "\xc3\xa9"},         // é
	{"3-byte", "\xe2\x82\xac"},     // €
	{"4-byte", "\xf0\x9d\x84\x9e"}, // 𝄞
	{"mixed", "h\xc3\xa9llo \xe2\x98\x83 \xf0\x9f\x8e\x89!"}, // héllo ☃ 🎉!
	{"smallest of each length", "\x00\xc2\x80\xe0\xa0\x80\xf0\x90\x80\x80"},
	{"largest of each length", "\x7f\xdf\xbf\xef\xbf\xbf\xf4\x8f\xbf\xbf"},
	{"last before the surrogates", "\xed\x9f\xbf"}, // U+D7FF
	{"first after the surrogates", "\xee\x80\x80"}, // U+E000
	{"U+FFFE and U+FFFF are valid UTF-8", "\xef\xbf\xbe\xef\xbf\xbf"},
	{"overlong 2-byte C0", "\xc0\xaf"},
	{"overlong 2-byte C1", "\xc1\xbf"},
	{"overlong 3-byte", "\xe0\x80\xaf"},
	{"overlong 3-byte, largest", "\xe0\x9f\xbf"},
	{"overlong 4-byte", "\xf0\x80\x80\xaf"},
	{"overlong 4-byte, largest", "\xf0\x8f\xbf\xbf"},
	{"surrogate U+D800", "\xed\xa0\x80"},
	{"surrogate U+DFFF", "\xed\xbf\xbf"},
	{"surrogate pair (CESU-8)", "\xed\xa0\xbd\xed\xb2\xa9"},
	{"U+110000, above the last code point", "\xf4\x90\x80\x80"},
	{"F5 lead", "\xf5\x80\x80\x80"},
	{"F7 lead", "\xf7\xbf\xbf\xbf"},
	{"5-byte lead", "\xf8\x88\x80\x80\x80"},
	{"6-byte lead", "\xfc\x84\x80\x80\x80\x80"},
	{"FE", "\xfe"},
	{"FF", "\xff"},
	{"lone continuation", "\x80"},
	{"continuation after ASCII", "a\xbf"},
	{"too many continuations", "\xc3\xa9\x80"},
	{"truncated 2-byte", "\xc3"},
	{"truncated 3-byte", "\xe2\x82"},
	{"truncated 4-byte", "\xf0\x9f\x8e"},
	{"truncated then ASCII", "\xe2\x82a"},
	{"truncated in the middle", "a\xf0\x9f\x8eb"},
	{"valid, then invalid at the end", "Hello\xff"},
	{"the RFC 6455 text example", "Hello"},
	{"Autobahn 6.3.1: a surrogate inside text", "\xce\xba\xe1\xbd\xb9\xcf\x83\xce\xbc\xce\xb5\xed\xa0\x80edited"},
}

// feedUTF8 runs the validator over pieces and returns the verdict for a
// finished text message: every Write said "can still be valid" and the
// last one ended on a code point boundary.
func feedUTF8(pieces ...[]byte) bool {
	var v utf8Validator
	ok := true
	for _, p := range pieces {
		ok = v.Write(p) && ok
	}
	return ok && v.Complete()
}

func TestUTF8ValidatorWhole(t *testing.T) {
	for _, tt := range utf8Tests {
		b := []byte(tt.b)
		want := utf8.Valid(b)
		if got := feedUTF8(b); got != want {
			t.Errorf("%s (% x): fed whole: %v, want %v", tt.name, b, got, want)
		}
	}
}

func TestUTF8ValidatorByteByByte(t *testing.T) {
	for _, tt := range utf8Tests {
		b := []byte(tt.b)
		pieces := make([][]byte, len(b))
		for i := range b {
			pieces[i] = b[i : i+1]
		}
		if got, want := feedUTF8(pieces...), utf8.Valid(b); got != want {
			t.Errorf("%s (% x): byte by byte: %v, want %v", tt.name, b, got, want)
		}
	}
}

func TestUTF8ValidatorSplit(t *testing.T) {
	for _, tt := range utf8Tests {
		b := []byte(tt.b)
		want := utf8.Valid(b)
		for i := 0; i <= len(b); i++ {
			for j := i; j <= len(b); j++ {
				if got := feedUTF8(b[:i], b[i:j], b[j:]); got != want {
					t.Errorf("%s (% x): split at %d and %d: %v, want %v", tt.name, b, i, j, got, want)
				}
			}
		}
	}
}

// TestUTF8ValidatorFailFast: the validator says "invalid" at the first
// byte that no continuation could make valid, not at the end of the
// message, and Complete is false inside a code point.
func TestUTF8ValidatorFailFast(t *testing.T) {
	tests := []struct {
		name     string
		b        string
		ok       []bool // Write's answer after each byte, fed one at a time
		complete bool   // Complete after the last byte
	}{
		{"E0 alone may still become U+0800", "\xe0", []bool{true}, false},
		{"E0 80 is an overlong start", "\xe0\x80", []bool{true, false}, false},
		{"E0 A0 may still become U+0800", "\xe0\xa0", []bool{true, true}, false},
		{"ED A0 starts a surrogate", "\xed\xa0", []bool{true, false}, false},
		{"F4 90 is above U+10FFFF", "\xf4\x90", []bool{true, false}, false},
		{"F4 8F may still become U+10FFFF", "\xf4\x8f\xbf", []bool{true, true, true}, false},
		{"F0 8F is an overlong start", "\xf0\x8f", []bool{true, false}, false},
		{"C0 never leads anything", "\xc0", []bool{false}, false},
		{"C1 never leads anything", "\xc1", []bool{false}, false},
		{"F5 never leads anything", "\xf5", []bool{false}, false},
		{"FF never appears", "a\xff", []bool{true, false}, false},
		{"a lone continuation", "\x80", []bool{false}, false},
		{"ASCII where a continuation was due", "\xc3a", []bool{true, false}, false},
		{"a whole euro sign", "\xe2\x82\xac", []bool{true, true, true}, true},
		{"invalid stays invalid", "\xff" + "abc", []bool{false, false, false, false}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var v utf8Validator
			for i := range len(tt.b) {
				if got := v.Write([]byte{tt.b[i]}); got != tt.ok[i] {
					t.Errorf("after % x: Write = %v, want %v", tt.b[:i+1], got, tt.ok[i])
				}
			}
			if got := v.Complete(); got != tt.complete {
				t.Errorf("after % x: Complete = %v, want %v", tt.b, got, tt.complete)
			}
			// Fed whole, the answer is the one for the last byte.
			var w utf8Validator
			if got := w.Write([]byte(tt.b)); got != tt.ok[len(tt.ok)-1] {
				t.Errorf("fed % x whole: Write = %v, want %v", tt.b, got, tt.ok[len(tt.ok)-1])
			}
		})
	}
}

// utf8PrefixValid is the reference for "can p still become valid UTF-8":
// some completion of at most 3 bytes makes it valid. The completions
// tried cover every second byte RFC 3629 allows (E0 wants A0-BF, F0 wants
// 90-BF, ED and F4 want 80-9F and 80-8F), then 80s for the rest.
func utf8PrefixValid(p []byte) bool {
	if utf8.Valid(p) {
		return true
	}
	for k := 1; k <= 3; k++ {
		for _, second := range []byte{0x80, 0x90, 0xa0} {
			s := append([]byte(nil), p...)
			s = append(s, second)
			for range k - 1 {
				s = append(s, 0x80)
			}
			if utf8.Valid(s) {
				return true
			}
		}
	}
	return false
}

// utf8Bytes are the bytes the random strings are drawn from: ASCII, the
// edges of every range RFC 3629 names, and bytes that never appear.
var utf8Bytes = []byte{
	'a', 0x00, 0x7f,
	0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, // continuations, at the edges of the special ranges
	0xc0, 0xc1, 0xc2, 0xdf, // 2-byte leads (C0, C1 never valid)
	0xe0, 0xe1, 0xec, 0xed, 0xee, 0xef, // 3-byte leads
	0xf0, 0xf1, 0xf3, 0xf4, 0xf5, 0xf7, // 4-byte leads (F5-F7 never valid)
	0xf8, 0xfc, 0xfe, 0xff, // never valid
}

// TestUTF8ValidatorProperty: over random strings, splitting at any point
// gives utf8.Valid's verdict, and fed byte by byte each answer says
// whether the prefix can still become valid.
func TestUTF8ValidatorProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(6455, 3629))
	for range 3000 {
		b := make([]byte, rng.IntN(12))
		for i := range b {
			if rng.IntN(4) == 0 {
				b[i] = byte(rng.Uint32()) // any byte at all
			} else {
				b[i] = utf8Bytes[rng.IntN(len(utf8Bytes))]
			}
		}
		want := utf8.Valid(b)
		for i := 0; i <= len(b); i++ {
			if got := feedUTF8(b[:i], b[i:]); got != want {
				t.Fatalf("% x split at %d: %v, want %v", b, i, got, want)
			}
		}
		var v utf8Validator
		for i := range b {
			if got, want := v.Write(b[i:i+1]), utf8PrefixValid(b[:i+1]); got != want {
				t.Fatalf("% x: after byte %d, Write = %v, want %v", b, i, got, want)
			}
		}
		if got := v.Complete(); got != want {
			t.Fatalf("% x: Complete = %v, want %v", b, got, want)
		}
	}
}

// TestUTF8ValidatorLongRuns: the validator hands whole code points to
// utf8.Valid, and long text must take that path and the state machine's
// path consistently; a 4 KiB text split into pieces of every size up to 9.
func TestUTF8ValidatorLongRuns(t *testing.T) {
	var text []byte
	for len(text) < 4096 {
		text = append(text, "h\xc3\xa9llo \xe2\x98\x83 \xf0\x9f\x8e\x89 "...)
	}
	bad := append(append([]byte(nil), text...), "\xed\xa0\x80"...)
	for size := 1; size <= 9; size++ {
		for _, tt := range []struct {
			b    []byte
			want bool
		}{{text, true}, {bad, false}} {
			var pieces [][]byte
			for b := tt.b; len(b) > 0; {
				n := min(size, len(b))
				pieces, b = append(pieces, b[:n]), b[n:]
			}
			if got := feedUTF8(pieces...); got != tt.want {
				t.Errorf("%d bytes in pieces of %d: %v, want %v", len(tt.b), size, got, tt.want)
			}
		}
	}
}
