// Arguments of events and acks: ArgsOf moves binary values out of the
// JSON into attachments and leaves a placeholder where each was, as the
// reference encoder's deconstructPacket does; Decode, Bytes and Values put
// them back, as its reconstructPacket does.

package socketio_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"netlab/realtime/socketio"
)

func rawJSON(ss ...string) []json.RawMessage {
	out := make([]json.RawMessage, len(ss))
	for i, s := range ss {
		out[i] = json.RawMessage(s)
	}
	return out
}

func jsonStrings(a socketio.Args) []string {
	out := make([]string, len(a.JSON))
	for i, j := range a.JSON {
		out[i] = string(j)
	}
	return out
}

func TestArgsOf(t *testing.T) {
	tests := []struct {
		name   string
		values []any
		json   []string
		binary [][]byte
	}{
		{"nothing", nil, []string{}, nil},
		{"scalars", []any{"a", 1, 2.5, true, nil}, []string{`"a"`, "1", "2.5", "true", "null"}, nil},
		{"a slice and a map, keys sorted", []any{[]int{1, 2}, map[string]int{"b": 2, "a": 1}}, []string{"[1,2]", `{"a":1,"b":2}`}, nil},
		{"a struct", []any{struct {
			Name string `json:"name"`
			N    int    `json:"n,omitempty"`
		}{Name: "x"}}, []string{`{"name":"x"}`}, nil},

		// JSON.stringify does not escape <, > and &: neither does netlab.
		{"no HTML escaping", []any{"<b>&amp;</b>"}, []string{`"<b>&amp;</b>"`}, nil},
		{"no HTML escaping in keys", []any{map[string]string{"<&>": ">"}}, []string{`{"<&>":">"}`}, nil},
		{"what JSON.stringify escapes", []any{"\"\\\b\f\n\r\t\x01\x1f/é☃😀"}, []string{`"\"\\\b\f\n\r\t\u0001\u001f/é☃😀"`}, nil},
		{"numbers as JSON.stringify writes them", []any{1e21, 0.1, 5e-7, 1.5e300, 123456789012, 1e-7},
			[]string{"1e+21", "0.1", "5e-7", "1.5e+300", "123456789012", "1e-7"}, nil},

		// Binary values become attachments, numbered in order.
		{"one binary argument", []any{[]byte{1, 2, 3}}, []string{placeholder(0)}, [][]byte{{1, 2, 3}}},
		{"binary among other arguments", []any{"x", []byte{1}, 7, []byte{2}},
			[]string{`"x"`, placeholder(0), "7", placeholder(1)}, [][]byte{{1}, {2}}},
		{"an empty binary is still an attachment", []any{[]byte{}}, []string{placeholder(0)}, [][]byte{{}}},
		{"binary in a map[string]any, keys sorted", []any{map[string]any{"name": "a.txt", "file": []byte{1}, "<k>": "<&>"}},
			[]string{`{"<k>":"<&>","file":` + placeholder(0) + `,"name":"a.txt"}`}, [][]byte{{1}}},
		{"binary in an []any", []any{[]any{1, []byte{2}, "s", []byte{3}}},
			[]string{"[1," + placeholder(0) + `,"s",` + placeholder(1) + "]"}, [][]byte{{2}, {3}}},
		{"binary nested in both", []any{[]byte{0}, map[string]any{"z": []any{[]byte{2}, map[string]any{"y": []byte{3}}}, "a": []byte{1}}},
			[]string{placeholder(0), `{"a":` + placeholder(1) + `,"z":[` + placeholder(2) + `,{"y":` + placeholder(3) + `}]}`},
			[][]byte{{0}, {1}, {2}, {3}}},
		{"a map[string]any without binary", []any{map[string]any{"b": []any{1, "<"}, "a": nil}}, []string{`{"a":null,"b":[1,"<"]}`}, nil},
		// Inside another type, encoding/json's rule holds: []byte is base64.
		{"binary inside a struct is base64", []any{struct {
			B []byte `json:"b"`
		}{[]byte{1, 2, 3}}}, []string{`{"b":"AQID"}`}, nil},
		{"binary inside a map[string][]byte is base64", []any{map[string][]byte{"b": {1, 2, 3}}}, []string{`{"b":"AQID"}`}, nil},

		// json.RawMessage is sent as it is, spacing included.
		{"raw JSON", []any{json.RawMessage(` {"z" : 1, "a":[ 2 ]} `)}, []string{` {"z" : 1, "a":[ 2 ]} `}, nil},
		{"raw JSON with HTML", []any{json.RawMessage(`"<\u003c>"`)}, []string{`"<\u003c>"`}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := socketio.ArgsOf(tt.values...)
			if err != nil {
				t.Fatalf("ArgsOf: %v", err)
			}
			if got := jsonStrings(a); !reflect.DeepEqual(got, tt.json) {
				t.Errorf("JSON = %q, want %q", got, tt.json)
			}
			if a.Len() != len(tt.json) {
				t.Errorf("Len() = %d, want %d", a.Len(), len(tt.json))
			}
			if len(a.Binary) != len(tt.binary) {
				t.Fatalf("Binary = %v, want %v", a.Binary, tt.binary)
			}
			for i := range tt.binary {
				if !bytes.Equal(a.Binary[i], tt.binary[i]) {
					t.Errorf("Binary[%d] = %v, want %v", i, a.Binary[i], tt.binary[i])
				}
			}
		})
	}
}

// An attachment is the caller's slice, not a copy: a broadcast of a large
// file does not duplicate it.
func TestArgsOfKeepsTheBinarySlice(t *testing.T) {
	b := []byte{1, 2, 3}
	a, err := socketio.ArgsOf(map[string]any{"f": b})
	if err != nil {
		t.Fatal(err)
	}
	if &a.Binary[0][0] != &b[0] {
		t.Error("ArgsOf copied the binary value")
	}
}

func TestArgsOfErrors(t *testing.T) {
	tests := []struct {
		name   string
		values []any
	}{
		{"raw JSON that is not JSON", []any{json.RawMessage(`{"a":`)}},
		{"empty raw JSON", []any{json.RawMessage(nil)}},
		{"a channel", []any{"ok", make(chan int)}},
		{"a function inside a map with binary", []any{map[string]any{"b": []byte{1}, "f": func() {}}}},
		{"bad raw JSON inside an []any with binary", []any{[]any{[]byte{1}, json.RawMessage("nope")}}},
		{"spliced Args whose JSON is broken, when it must be renumbered", []any{[]byte{1},
			socketio.Args{JSON: rawJSON(`{bad`), Binary: [][]byte{{2}}}}},
	}
	for _, tt := range tests {
		if a, err := socketio.ArgsOf(tt.values...); err == nil {
			t.Errorf("%s: ArgsOf = %q, nil; want an error", tt.name, jsonStrings(a))
		}
	}
}

// Args inside ArgsOf are spliced in: their arguments join the others and
// their placeholders are renumbered after the attachments before them.
func TestArgsOfSplice(t *testing.T) {
	inner := socketio.Args{
		JSON:   rawJSON(placeholder(0), `{"k":`+placeholder(1)+`}`, `"s"`),
		Binary: [][]byte{{7}, {8}},
	}
	tests := []struct {
		name   string
		values []any
		json   []string
		binary [][]byte
	}{
		{"alone: the same bytes", []any{socketio.Args{JSON: rawJSON(` [1, 2] `, `{"b":1,"a":2}`)}},
			[]string{` [1, 2] `, `{"b":1,"a":2}`}, nil},
		{"binary Args alone: unchanged", []any{inner},
			[]string{placeholder(0), `{"k":` + placeholder(1) + `}`, `"s"`}, [][]byte{{7}, {8}}},
		{"after text arguments: unchanged", []any{"a", inner},
			[]string{`"a"`, placeholder(0), `{"k":` + placeholder(1) + `}`, `"s"`}, [][]byte{{7}, {8}}},
		{"text Args after a binary argument", []any{[]byte{1}, socketio.Args{JSON: rawJSON(`"x"`)}},
			[]string{placeholder(0), `"x"`}, [][]byte{{1}}},
		{"binary Args before a binary argument", []any{inner, []byte{9}},
			[]string{placeholder(0), `{"k":` + placeholder(1) + `}`, `"s"`, placeholder(2)}, [][]byte{{7}, {8}, {9}}},
		{"binary Args after a binary argument: renumbered", []any{[]byte{1}, inner},
			[]string{placeholder(0), placeholder(1), `{"k":` + placeholder(2) + `}`, `"s"`}, [][]byte{{1}, {7}, {8}}},
		{"the same Args twice", []any{inner, inner},
			[]string{placeholder(0), `{"k":` + placeholder(1) + `}`, `"s"`, placeholder(2), `{"k":` + placeholder(3) + `}`, `"s"`},
			[][]byte{{7}, {8}, {7}, {8}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, err := socketio.ArgsOf(tt.values...)
			if err != nil {
				t.Fatalf("ArgsOf: %v", err)
			}
			if got := jsonStrings(a); !reflect.DeepEqual(got, tt.json) {
				t.Errorf("JSON = %q, want %q", got, tt.json)
			}
			if !reflect.DeepEqual(a.Binary, tt.binary) {
				t.Errorf("Binary = %v, want %v", a.Binary, tt.binary)
			}
		})
	}
}

// After a splice, every placeholder points at the attachment it stood
// for before.
func TestArgsOfSpliceDecodes(t *testing.T) {
	first, _ := socketio.ArgsOf([]byte("one"), map[string]any{"two": []byte("two")})
	second, _ := socketio.ArgsOf([]any{[]byte("three"), "text"})
	a, err := socketio.ArgsOf(first, []byte("four"), second)
	if err != nil {
		t.Fatal(err)
	}
	got, err := a.Values()
	if err != nil {
		t.Fatal(err)
	}
	want := []any{[]byte("one"), map[string]any{"two": []byte("two")}, []byte("four"), []any{[]byte("three"), "text"}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Values() = %#v\nwant %#v", got, want)
	}
}

func TestArgsDecode(t *testing.T) {
	a := socketio.Args{
		JSON: rawJSON(
			`"hi"`,
			placeholder(1),
			`{"name":"a.txt","file":`+placeholder(0)+`,"parts":[`+placeholder(1)+`,{"deep":`+placeholder(0)+`}]}`,
			`{"name":"x","n":2}`,
			`"AQID"`,
			placeholder(5),
			`{"_placeholder":false,"num":0}`,
		),
		Binary: [][]byte{{0xa}, {0xb, 0xc}},
	}

	var s string
	if err := a.Decode(0, &s); err != nil || s != "hi" {
		t.Errorf("Decode(0, *string) = %q, %v", s, err)
	}

	var b []byte
	if err := a.Decode(1, &b); err != nil || !bytes.Equal(b, []byte{0xb, 0xc}) {
		t.Errorf("Decode(1, *[]byte) = %v, %v; want attachment 1", b, err)
	}
	var v any
	if err := a.Decode(1, &v); err != nil || !reflect.DeepEqual(v, []byte{0xb, 0xc}) {
		t.Errorf("Decode(1, *any) = %#v, %v; want attachment 1", v, err)
	}

	v = nil
	if err := a.Decode(2, &v); err != nil {
		t.Fatalf("Decode(2, *any): %v", err)
	}
	want := map[string]any{"name": "a.txt", "file": []byte{0xa},
		"parts": []any{[]byte{0xb, 0xc}, map[string]any{"deep": []byte{0xa}}}}
	if !reflect.DeepEqual(v, want) {
		t.Errorf("Decode(2, *any) = %#v\nwant %#v", v, want)
	}

	var st struct {
		Name string `json:"name"`
		N    int    `json:"n"`
	}
	if err := a.Decode(3, &st); err != nil || st.Name != "x" || st.N != 2 {
		t.Errorf("Decode(3, *struct) = %+v, %v", st, err)
	}
	// Other targets get encoding/json's decoding: a struct's []byte field
	// cannot hold a placeholder object.
	var withFile struct {
		File []byte `json:"file"`
	}
	if err := a.Decode(2, &withFile); err == nil {
		t.Errorf("Decode(2, struct with []byte) = %v, nil; want encoding/json's error", withFile.File)
	}

	// A text argument into *[]byte: encoding/json reads base64.
	b = nil
	if err := a.Decode(4, &b); err != nil || !bytes.Equal(b, []byte{1, 2, 3}) {
		t.Errorf("Decode(4, *[]byte) = %v, %v; want base64 decoded", b, err)
	}

	// A placeholder past the attachments is not binary.
	b = nil
	if err := a.Decode(5, &b); err == nil {
		t.Errorf("Decode(5, *[]byte) = %v, nil; want an error", b)
	}
	v = nil
	if err := a.Decode(5, &v); err != nil || !reflect.DeepEqual(v, map[string]any{"_placeholder": true, "num": 5.0}) {
		t.Errorf("Decode(5, *any) = %#v, %v; want the object as it is", v, err)
	}
	v = nil
	if err := a.Decode(6, &v); err != nil || !reflect.DeepEqual(v, map[string]any{"_placeholder": false, "num": 0.0}) {
		t.Errorf("Decode(6, *any) = %#v, %v; want the object as it is", v, err)
	}

	var n int
	if err := a.Decode(0, &n); err == nil {
		t.Error("Decode of a string into *int: want encoding/json's error")
	}
	for _, i := range []int{-1, a.Len(), 100} {
		if err := a.Decode(i, &v); err == nil {
			t.Errorf("Decode(%d) of %d arguments: want an error", i, a.Len())
		}
	}
}

func TestArgsBytes(t *testing.T) {
	a := socketio.Args{
		JSON:   rawJSON(placeholder(0), `"AQID"`, placeholder(1), `{"f":`+placeholder(0)+`}`, `{"num":0,"_placeholder":true}`, `{"_placeholder":true,"num":0.5}`, `{"_placeholder":true,"num":-1}`),
		Binary: [][]byte{{1}},
	}
	tests := []struct {
		i    int
		want []byte
		ok   bool
	}{
		{0, []byte{1}, true},
		{1, nil, false}, // text, even if it looks like base64
		{2, nil, false}, // num past the attachments
		{3, nil, false}, // binary inside an object: not the argument itself
		{4, []byte{1}, true},
		{5, nil, false},
		{6, nil, false},
		{-1, nil, false},
		{7, nil, false},
	}
	for _, tt := range tests {
		got, ok := a.Bytes(tt.i)
		if ok != tt.ok || !bytes.Equal(got, tt.want) {
			t.Errorf("Bytes(%d) = %v, %v; want %v, %v", tt.i, got, ok, tt.want, tt.ok)
		}
	}
}

func TestArgsValues(t *testing.T) {
	a, err := socketio.ArgsOf("a", 1, []byte{2}, map[string]any{"b": []byte{3}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := a.Values()
	if err != nil {
		t.Fatal(err)
	}
	want := []any{"a", 1.0, []byte{2}, map[string]any{"b": []byte{3}}, nil}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Values() = %#v\nwant %#v", got, want)
	}
	if got, err := (socketio.Args{}).Values(); err != nil || len(got) != 0 {
		t.Errorf("Values() of no arguments = %v, %v", got, err)
	}
	if got, err := (socketio.Args{JSON: rawJSON(`1`, `{bad`)}).Values(); err == nil {
		t.Errorf("Values() with broken JSON = %v, nil; want an error", got)
	}
	// Valid JSON that a float64 cannot hold is kept as its exact text,
	// with every number of that argument, and not refused.
	got, err = (socketio.Args{JSON: rawJSON(`{"big":1e700,"small":2}`, `3`)}).Values()
	want = []any{map[string]any{"big": json.Number("1e700"), "small": json.Number("2")}, 3.0}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("Values() with 1e700 = %#v, %v\nwant %#v", got, err, want)
	}
}

func TestArgsString(t *testing.T) {
	tests := []struct {
		a    socketio.Args
		want string
	}{
		{socketio.Args{}, ""},
		{socketio.Args{JSON: rawJSON(`"a"`, placeholder(0), `{"k":1}`), Binary: [][]byte{{1, 2, 3}}}, `"a", <3 bytes>, {"k":1}`},
		{socketio.Args{JSON: rawJSON(placeholder(0)), Binary: [][]byte{{}}}, `<0 bytes>`},
		{socketio.Args{JSON: rawJSON(`{"f":` + placeholder(0) + `}`), Binary: [][]byte{{1}}}, `{"f":` + placeholder(0) + `}`},
		{socketio.Args{JSON: rawJSON(placeholder(3)), Binary: [][]byte{{1}}}, placeholder(3)},
	}
	for _, tt := range tests {
		if got := tt.a.String(); got != tt.want {
			t.Errorf("String() = %q, want %q", got, tt.want)
		}
	}
}

// Arguments built by ArgsOf decode back to the values they were made of.
func TestArgsRoundTrip(t *testing.T) {
	values := []any{
		"text <&>",
		42.0,
		[]byte{0, 1, 0x1e, 0xff},
		map[string]any{"file": []byte("data"), "meta": map[string]any{"size": 4.0, "parts": []any{[]byte("p1"), nil}}},
		[]any{[]byte{}, "x", []any{[]byte{5}}},
		nil,
		true,
	}
	a, err := socketio.ArgsOf(values...)
	if err != nil {
		t.Fatal(err)
	}
	got, err := a.Values()
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, values) {
		t.Errorf("Values(ArgsOf(v)) = %#v\nwant %#v", got, values)
	}
	again, err := socketio.ArgsOf(got...)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(jsonStrings(again), jsonStrings(a)) || !reflect.DeepEqual(again.Binary, a.Binary) {
		t.Errorf("ArgsOf(Values()) = %q %v, want %q %v", jsonStrings(again), again.Binary, jsonStrings(a), a.Binary)
	}
}

func TestArgsErrorsAreNotBadPacket(t *testing.T) {
	// Decode of a bad index is the caller's mistake, not the peer's.
	err := socketio.Args{}.Decode(0, new(any))
	if err == nil || errors.Is(err, socketio.ErrBadPacket) {
		t.Errorf("Decode(0) of no arguments = %v; want an error that is not ErrBadPacket", err)
	}
}

// A file and its name, sent as one event: the bytes leave the JSON and
// travel as an attachment; the JSON keeps a numbered placeholder.
func ExampleArgsOf() {
	args, err := socketio.ArgsOf("report.pdf", map[string]any{"size": 3, "data": []byte{0x25, 0x50, 0x44}})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, j := range args.JSON {
		fmt.Println(string(j))
	}
	fmt.Println(len(args.Binary), "attachment:", args.Binary[0])
	// Output:
	// "report.pdf"
	// {"data":{"_placeholder":true,"num":0},"size":3}
	// 1 attachment: [37 80 68]
}

// A handler reads its arguments by position, into whatever type it
// expects; inside an *any, placeholders are already their bytes.
func ExampleArgs_Decode() {
	args := socketio.Args{
		JSON:   rawJSON(`"report.pdf"`, `{"data":{"_placeholder":true,"num":0},"size":3}`),
		Binary: [][]byte{{0x25, 0x50, 0x44}},
	}
	var name string
	var meta any
	if err := args.Decode(0, &name); err != nil {
		fmt.Println(err)
	}
	if err := args.Decode(1, &meta); err != nil {
		fmt.Println(err)
	}
	fmt.Println(name)
	fmt.Printf("%q\n", meta.(map[string]any)["data"])
	fmt.Println(args)
	// Output:
	// report.pdf
	// "%PD"
	// "report.pdf", {"data":{"_placeholder":true,"num":0},"size":3}
}
