// Arguments of events and acks: JSON values, with binary values carried
// as attachments that a placeholder in the JSON points to.

package socketio

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Args are the arguments of an event or an ack, as they cross the wire:
// each argument's JSON, and the binary attachments that placeholders
// ({"_placeholder":true,"num":N}) in that JSON stand for. Sending Args
// back sends the same bytes.
type Args struct {
	JSON   []json.RawMessage
	Binary [][]byte
}

// Len is the number of arguments.
func (a Args) Len() int { return len(a.JSON) }

// Decode stores argument i in v. A binary argument decodes into a *[]byte
// or an *any; inside a decoded *any, every placeholder is replaced by its
// []byte. Other targets get encoding/json's decoding of the JSON.
func (a Args) Decode(i int, v any) error {
	if i < 0 || i >= len(a.JSON) {
		return fmt.Errorf("socketio: argument %d of %d", i, len(a.JSON))
	}
	switch t := v.(type) {
	case *[]byte:
		if b, ok := a.Bytes(i); ok {
			*t = b
			return nil
		}
	case *any:
		generic, err := decodeGeneric(a.JSON[i])
		if err != nil {
			return err
		}
		*t = a.resolve(generic)
		return nil
	}
	return json.Unmarshal(a.JSON[i], v)
}

// Bytes returns argument i if it is binary.
func (a Args) Bytes(i int) ([]byte, bool) {
	if i < 0 || i >= len(a.JSON) {
		return nil, false
	}
	if len(a.Binary) == 0 {
		return nil, false
	}
	num, ok := placeholderNum(a.JSON[i])
	if !ok || num >= len(a.Binary) {
		return nil, false
	}
	return a.Binary[num], true
}

// decodeGeneric decodes JSON into maps, slices, strings, bools and float64
// numbers, as encoding/json does. JSON allows numbers a float64 cannot
// hold (1e700; JavaScript reads it as Infinity): an argument with one is
// decoded with every number as a json.Number, its exact text, rather than
// refused.
func decodeGeneric(j json.RawMessage) (any, error) {
	var generic any
	err := json.Unmarshal(j, &generic)
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) || te.Value != "number" && !strings.HasPrefix(te.Value, "number ") {
		return generic, err
	}
	d := json.NewDecoder(bytes.NewReader(j))
	d.UseNumber()
	generic = nil
	return generic, d.Decode(&generic)
}

// Values decodes every argument into a generic value (binary as []byte);
// see decodeGeneric for numbers.
func (a Args) Values() ([]any, error) {
	out := make([]any, len(a.JSON))
	for i := range a.JSON {
		if err := a.Decode(i, &out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// String shows the arguments as JSON, each binary one as <N bytes>.
func (a Args) String() string {
	parts := make([]string, len(a.JSON))
	for i, j := range a.JSON {
		if b, ok := a.Bytes(i); ok {
			parts[i] = "<" + strconv.Itoa(len(b)) + " bytes>"
			continue
		}
		parts[i] = string(j)
	}
	return strings.Join(parts, ", ")
}

// resolve replaces placeholders in a generic value by their attachments.
func (a Args) resolve(v any) any {
	if len(a.Binary) == 0 {
		return v
	}
	switch t := v.(type) {
	case map[string]any:
		if p, ok := t["_placeholder"].(bool); ok && p {
			if n, ok := wholeNumber(t["num"]); ok && n < len(a.Binary) {
				return a.Binary[n]
			}
		}
		for k, e := range t {
			t[k] = a.resolve(e)
		}
	case []any:
		for i, e := range t {
			t[i] = a.resolve(e)
		}
	}
	return v
}

// wholeNumber returns a decoded JSON number that is a whole number from 0
// up, as an int.
func wholeNumber(v any) (int, bool) {
	switch n := v.(type) {
	case float64:
		return int(n), n >= 0 && n < 1<<53 && n == float64(int(n))
	case json.Number:
		i, err := n.Int64()
		return int(i), err == nil && i >= 0 && i < 1<<53
	}
	return 0, false
}

// placeholderNum recognises a placeholder as the reference parser does:
// an object whose member "_placeholder" is true and whose "num" is a
// whole number. (Names are matched exactly, after JSON unescaping.)
func placeholderNum(j json.RawMessage) (int, bool) {
	if jsonKind(j) != '{' || !bytes.Contains(j, []byte("placeholder")) && !bytes.Contains(j, []byte(`\u`)) {
		return 0, false
	}
	var m map[string]any
	if json.Unmarshal(j, &m) != nil {
		return 0, false
	}
	if p, ok := m["_placeholder"].(bool); !ok || !p {
		return 0, false
	}
	n, ok := m["num"].(float64)
	if !ok || n < 0 || n != float64(int(n)) {
		return 0, false
	}
	return int(n), true
}

// checkBinary checks a binary packet's placeholders; other packets carry
// none to check: like the reference parser, netlab leaves an object that
// merely looks like a placeholder alone in a packet with no attachments.
func (a Args) checkBinary(p Packet) error {
	if p.Type != PacketBinaryEvent && p.Type != PacketBinaryAck {
		return nil
	}
	return a.checkPlaceholders()
}

// checkPlaceholders reports an error if a placeholder anywhere in the
// arguments points outside the attachments, as the reference parser does.
func (a Args) checkPlaceholders() error {
	var walk func(v any) error
	walk = func(v any) error {
		switch t := v.(type) {
		case map[string]any:
			if p, ok := t["_placeholder"].(bool); ok && p {
				if n, ok := wholeNumber(t["num"]); !ok || n >= len(a.Binary) {
					return fmt.Errorf("%w: a placeholder for attachment %v of %d", ErrBadPacket, t["num"], len(a.Binary))
				}
				return nil
			}
			for _, e := range t {
				if err := walk(e); err != nil {
					return err
				}
			}
		case []any:
			for _, e := range t {
				if err := walk(e); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, j := range a.JSON {
		v, err := decodeGeneric(j)
		if err != nil {
			return fmt.Errorf("%w: %v", ErrBadPacket, err)
		}
		if err := walk(v); err != nil {
			return err
		}
	}
	return nil
}

// ArgsOf encodes values as arguments. A []byte becomes a binary
// attachment, also inside a map[string]any or an []any (which are
// encoded with their keys sorted); a json.RawMessage is sent as it is; an
// Args value is spliced in whole, its attachments renumbered; anything
// else is encoded by encoding/json (where a []byte inside a struct becomes
// base64 text, not an attachment).
func ArgsOf(values ...any) (Args, error) {
	var a Args
	for _, v := range values {
		if inner, ok := v.(Args); ok {
			if err := a.splice(inner); err != nil {
				return Args{}, err
			}
			continue
		}
		j, err := a.encode(v)
		if err != nil {
			return Args{}, fmt.Errorf("socketio: argument %d: %w", len(a.JSON), err)
		}
		a.JSON = append(a.JSON, j)
	}
	return a, nil
}

// splice appends inner's arguments; when a already has attachments, the
// placeholders of inner are renumbered to follow them, and its arguments
// are re-encoded in the process (keys sorted, numbers as float64): only
// then are the bytes not kept as they were.
func (a *Args) splice(inner Args) error {
	if len(a.Binary) == 0 || len(inner.Binary) == 0 {
		a.JSON = append(a.JSON, inner.JSON...)
		a.Binary = append(a.Binary, inner.Binary...)
		return nil
	}
	for i := range inner.JSON {
		var v any
		if err := inner.Decode(i, &v); err != nil {
			return err
		}
		j, err := a.encode(v)
		if err != nil {
			return err
		}
		a.JSON = append(a.JSON, j)
	}
	return nil
}

// encode turns one value into JSON, moving binary values to a.Binary.
func (a *Args) encode(v any) (json.RawMessage, error) {
	switch t := v.(type) {
	case []byte:
		j := fmt.Appendf(nil, `{"_placeholder":true,"num":%d}`, len(a.Binary))
		a.Binary = append(a.Binary, t)
		return j, nil
	case json.RawMessage:
		if !json.Valid(t) {
			return nil, fmt.Errorf("a json.RawMessage that is not JSON: %.40q", t)
		}
		return t, nil
	case map[string]any:
		if !hasBinary(t) {
			break
		}
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := []byte{'{'}
		for i, k := range keys {
			if i > 0 {
				out = append(out, ',')
			}
			kj, _ := marshalJSON(k)
			vj, err := a.encode(t[k])
			if err != nil {
				return nil, err
			}
			out = append(append(append(out, kj...), ':'), vj...)
		}
		return append(out, '}'), nil
	case []any:
		if !hasBinary(t) {
			break
		}
		out := []byte{'['}
		for i, e := range t {
			if i > 0 {
				out = append(out, ',')
			}
			ej, err := a.encode(e)
			if err != nil {
				return nil, err
			}
			out = append(out, ej...)
		}
		return append(out, ']'), nil
	}
	return marshalJSON(v)
}

// hasBinary reports whether a generic value holds a []byte.
func hasBinary(v any) bool {
	switch t := v.(type) {
	case []byte:
		return true
	case map[string]any:
		for _, e := range t {
			if hasBinary(e) {
				return true
			}
		}
	case []any:
		for _, e := range t {
			if hasBinary(e) {
				return true
			}
		}
	}
	return false
}
