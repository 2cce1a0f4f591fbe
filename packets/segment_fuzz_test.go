// Fuzz target for the segment parser, where outside bytes enter. Findings
// go under testdata/fuzz/ and run as ordinary tests from then on:
//
//	go test ./packets -run '^$' -fuzz '^FuzzDecodeSegment$' -fuzztime 2m

package packets

import (
	"bytes"
	"testing"
)

// FuzzDecodeSegment: DecodeSegment never panics; what it parses encodes
// back to the same bytes; ExplainSegment labels only bytes it was given.
func FuzzDecodeSegment(f *testing.F) {
	for _, s := range []Segment{
		{Seq: 40, Payload: []byte("hello")},
		{Seq: 280, Flags: FlagFIN, Payload: []byte("end")},
		{Ack: 300, Flags: FlagACK | FlagFIN},
	} {
		wire, _ := s.Encode()
		f.Add(wire)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		fields, explainErr := ExplainSegment(b)
		for _, a := range fields {
			if a.Start < 0 || a.End > len(b) || a.End < a.Start {
				t.Fatalf("field %q [%d,%d) outside %d bytes", a.Field, a.Start, a.End, len(b))
			}
		}
		s, err := DecodeSegment(b)
		if (err == nil) != (explainErr == nil) {
			t.Fatalf("DecodeSegment error %v, ExplainSegment error %v: they disagree", err, explainErr)
		}
		if err != nil {
			return
		}
		back, err := s.Encode()
		if err != nil {
			t.Fatalf("a parsed segment does not encode: %v", err)
		}
		if !bytes.Equal(back, b) {
			t.Fatalf("round trip: % x became % x", b, back)
		}
	})
}
