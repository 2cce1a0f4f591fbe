package engineio_test

import (
	"testing"

	"netlab/realtime/engineio"
)

// TestExplainPayloadRefusals: a polling body that cannot be a payload (its
// first byte is no packet type) is the server's refusal, labelled as such
// rather than as a packet of type "{".
func TestExplainPayloadRefusals(t *testing.T) {
	for _, tc := range []struct {
		body, field, value string
	}{
		{`{"code":1,"message":"Session ID unknown"}`, "refusal (JSON)", `code 1, "Session ID unknown"`},
		{`{"code":3,"message":"Bad request"}`, "refusal (JSON)", `code 3, "Bad request"`},
		{"Payload Too Large\n", "refusal (text)", `"Payload Too Large\n"`},
	} {
		got := engineio.ExplainPayload([]byte(tc.body), nil)
		if len(got) != 1 || got[0].Field != tc.field || got[0].Value != tc.value || got[0].Start != 0 || got[0].End != len(tc.body) {
			t.Errorf("ExplainPayload(%q) = %+v; want one %q annotation %s over the whole body", tc.body, got, tc.field, tc.value)
		}
	}
	// A real payload is still explained packet by packet.
	got := engineio.ExplainPayload([]byte("4hello\x1e6"), nil)
	if len(got) < 3 || got[0].Field != "Engine.IO type" {
		t.Errorf("ExplainPayload of two packets = %+v", got)
	}
}
