// Colour: ANSI escapes on a terminal, nothing elsewhere.

package narrate

import (
	"strconv"

	"netlab/osi"
)

// style wraps text in ANSI SGR escapes, or leaves it alone when colour is off.
type style struct{ on bool }

func (s style) wrap(code, text string) string {
	if !s.on || text == "" {
		return text
	}
	return "\x1b[" + code + "m" + text + "\x1b[0m"
}

func (s style) heading(t string) string { return s.wrap("1;36", t) }
func (s style) bold(t string) string    { return s.wrap("1", t) }
func (s style) dim(t string) string     { return s.wrap("2", t) }
func (s style) bad(t string) string     { return s.wrap("31", t) }
func (s style) good(t string) string    { return s.wrap("32", t) }

// role colours: the dialling end green, the accepting end blue.
func (s style) role(role, t string) string {
	if role == "server" {
		return s.wrap("34", t)
	}
	return s.wrap("32", t)
}

// layer colours each layer's tag so the eye groups fields by layer.
func (s style) layer(l osi.Layer) string {
	if !l.Valid() {
		return "  "
	}
	tag := "L" + strconv.Itoa(int(l))
	codes := [...]string{"", "37", "35", "33", "34", "36", "36", "32"}
	return s.wrap(codes[l], tag)
}
