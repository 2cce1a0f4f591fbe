// Tests of the byte-range labels a lesson shows next to a message.

package httpdemo

import (
	"bufio"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"netlab/internal/golden"
	"netlab/osi"
)

// checkAnnotations checks the labels of one message whose bytes are raw
// and whose head is h: each label lies inside raw, after the one before it
// and without overlap, is at layer 7, and its bytes say what it claims.
// Every byte is labelled except the spaces and CRLF of the start line.
func checkAnnotations(t *testing.T, h *Head, raw []byte, as []osi.Annotation) {
	t.Helper()
	startEnd, headEnd := len(h.StartLine)+2, len(h.Raw)
	covered := make([]bool, len(raw))
	prevEnd, field := 0, 0
	for i, a := range as {
		if a.Start < prevEnd || a.End <= a.Start || a.End > len(raw) {
			t.Errorf("annotation %d %q: [%d, %d) is not inside Raw (%d bytes) after the previous one (ending at %d)",
				i, a.Field, a.Start, a.End, len(raw), prevEnd)
			return
		}
		prevEnd = a.End
		for j := a.Start; j < a.End; j++ {
			covered[j] = true
		}
		if a.Layer != osi.Application {
			t.Errorf("annotation %d %q: layer %v, want %v", i, a.Field, a.Layer, osi.Application)
		}
		b := string(raw[a.Start:a.End])
		var msg string
		switch {
		case a.End <= startEnd:
			msg = startLineMismatch(b, a)
		case a.Start < headEnd-2: // a field line, labelled with its name
			if field >= len(h.Fields) {
				msg = "more field labels than fields"
				break
			}
			msg = fieldMismatch(h.Fields[field], b, a)
			field++
		case a.Start < headEnd:
			if a.Field != "empty line" || b != "\r\n" || a.Value != `\r\n` {
				msg = "want the empty line"
			}
		default:
			msg = bodyMismatch(b, a)
		}
		if msg != "" {
			t.Errorf("annotation %d %q over %q: %s", i, a.Field, b, msg)
		}
	}
	if field != len(h.Fields) {
		t.Errorf("%d field labels for %d fields", field, len(h.Fields))
	}
	for i, c := range covered {
		if !c && (i >= startEnd || (raw[i] != ' ' && raw[i] != '\r' && raw[i] != '\n')) {
			t.Errorf("byte %d (%q) has no label", i, raw[i])
		}
	}
}

// startLineMismatch says how the bytes b of a start-line label differ from
// what a claims, or "".
func startLineMismatch(b string, a osi.Annotation) string {
	switch a.Field {
	case "method", "request-target", "HTTP-version", "status-code", "reason-phrase":
		if b != a.Value {
			return fmt.Sprintf("value %q", a.Value)
		}
		return ""
	}
	return "not a part of a start line"
}

// fieldMismatch says how the bytes b of the label a differ from the field f.
func fieldMismatch(f Field, b string, a osi.Annotation) string {
	line, ok := strings.CutSuffix(b, "\r\n")
	name, value, _ := strings.Cut(line, ":")
	switch {
	case a.Field != f.Name || a.Value != f.Value:
		return fmt.Sprintf("labels %q: %q, the field is %q: %q", a.Field, a.Value, f.Name, f.Value)
	case !ok || name != f.Name || strings.Trim(value, " \t") != f.Value:
		return "the bytes are not the field's line"
	case a.Meaning != FieldMeaning(f.Name):
		return fmt.Sprintf("meaning %q, want %q", a.Meaning, FieldMeaning(f.Name))
	}
	return ""
}

// bodyMismatch says how the bytes b of a body label differ from what a
// claims, or "".
func bodyMismatch(b string, a osi.Annotation) string {
	switch a.Field {
	case "body":
		shown, err := strconv.Unquote(strings.TrimSuffix(a.Value, "…"))
		if err != nil || !strings.HasPrefix(b, shown) || (shown != b) != strings.HasSuffix(a.Value, "…") {
			return fmt.Sprintf("value %q", a.Value)
		}
	case "chunk-size":
		var hex string
		var size int64
		if _, err := fmt.Sscanf(a.Value, "%s (hex) = %d", &hex, &size); err != nil {
			return fmt.Sprintf("value %q: %v", a.Value, err)
		}
		got, err := parseChunkSize([]byte(b))
		digits := strings.TrimLeft(b, "0")
		if err != nil || got != size || !strings.HasSuffix(b, "\r\n") ||
			len(digits) < len(hex) || !strings.EqualFold(digits[:len(hex)], hex) {
			return fmt.Sprintf("value %q", a.Value)
		}
	case "chunk-data":
		data, err := strconv.Unquote(a.Value)
		if err != nil || b != data+"\r\n" {
			return fmt.Sprintf("value %q", a.Value)
		}
	case "last-chunk":
		if size, err := parseChunkSize([]byte(b)); err != nil || size != 0 || a.Value != "0" {
			return fmt.Sprintf("value %q", a.Value)
		}
	case "end of chunked body":
		rest, err := strconv.Unquote(a.Value)
		if err != nil || b != rest || !strings.HasSuffix(b, "\r\n") {
			return fmt.Sprintf("value %q", a.Value)
		}
	default:
		return "not a part of a body"
	}
	return ""
}

// TestRequestAnnotations labels every request of the read tests.
func TestRequestAnnotations(t *testing.T) {
	for _, tt := range requestTests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := ReadRequest(bufio.NewReader(strings.NewReader(tt.wire)), tt.lim)
			if err != nil {
				t.Fatal(err)
			}
			as := req.Annotations()
			checkAnnotations(t, &req.Head, req.Raw, as)
			if as[0].Field != "method" || as[0].Value != req.Method {
				t.Errorf("first annotation = %q %q, want the method %q", as[0].Field, as[0].Value, req.Method)
			}
		})
	}
}

// TestResponseAnnotations labels every response of the read tests.
func TestResponseAnnotations(t *testing.T) {
	for _, tt := range responseTests {
		t.Run(tt.name, func(t *testing.T) {
			method := tt.method
			if method == "" {
				method = "GET"
			}
			resp, err := ReadResponse(bufio.NewReader(strings.NewReader(tt.wire)), tt.lim, method)
			if err != nil {
				t.Fatal(err)
			}
			as := resp.Annotations()
			checkAnnotations(t, &resp.Head, resp.Raw, as)
			if as[1].Field != "status-code" || as[1].Value != strconv.Itoa(resp.Status) {
				t.Errorf("second annotation = %q %q, want the status code %d", as[1].Field, as[1].Value, resp.Status)
			}
		})
	}
}

// TestBodyAnnotationShortens checks that a long body is shown cut, with "…".
func TestBodyAnnotationShortens(t *testing.T) {
	body := strings.Repeat("0123456789", 10)
	wire := AppendRequest(nil, "POST", "/", Fields{{"Content-Length", "100"}}, []byte(body))
	req, err := ReadRequest(bufio.NewReader(strings.NewReader(string(wire))), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	as := req.Annotations()
	checkAnnotations(t, &req.Head, req.Raw, as)
	last := as[len(as)-1]
	if want := strconv.Quote(body[:60]) + "…"; last.Field != "body" || last.Value != want {
		t.Errorf("last annotation = %q %q, want body %q", last.Field, last.Value, want)
	}
}

// writeAnnotations lists labels one to a line, as a lesson prints them.
func writeAnnotations(b *strings.Builder, raw []byte, as []osi.Annotation) {
	for _, a := range as {
		fmt.Fprintf(b, "%4d-%-4d %-20s %-40q %s", a.Start, a.End, a.Field, raw[a.Start:a.End], a.Value)
		if a.Meaning != "" {
			fmt.Fprintf(b, " (%s)", a.Meaning)
		}
		fmt.Fprintf(b, " [%v]\n", a.Layer)
	}
}

// TestExplainRequest explains the exact bytes AppendRequest writes.
func TestExplainRequest(t *testing.T) {
	tests := []struct {
		name   string
		method string
		target string
		fields Fields
		body   string
	}{
		{"get", "GET", "/hello", Fields{
			{"Host", "127.0.0.1:8080"},
			{"User-Agent", "netlab"},
			{"Accept", "*/*"},
			{"Connection", "keep-alive"},
		}, ""},
		{"post", "POST", "/echo?x=1", Fields{
			{"Host", "127.0.0.1:8080"},
			{"Content-Type", "text/plain"},
			{"Content-Length", "13"},
		}, "hello, server"},
		{"post-chunked", "POST", "/upload", Fields{
			{"Host", "127.0.0.1:8080"},
			{"Transfer-Encoding", "chunked"},
		}, "5\r\nhello\r\n8;ext=1\r\n, server\r\n0\r\nX-Sum: 13\r\n\r\n"},
	}
	var all strings.Builder
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wire := AppendRequest(nil, tt.method, tt.target, tt.fields, []byte(tt.body))
			as, err := ExplainRequest(wire)
			if err != nil {
				t.Fatalf("ExplainRequest(%q): %v", wire, err)
			}
			req, err := ReadRequest(bufio.NewReader(strings.NewReader(string(wire))), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if len(req.Raw) != len(wire) {
				t.Fatalf("the request is %d bytes, AppendRequest wrote %d", len(req.Raw), len(wire))
			}
			checkAnnotations(t, &req.Head, wire, as)
			fmt.Fprintf(&all, "%s %q\n", tt.name, wire)
			writeAnnotations(&all, wire, as)
			all.WriteString("\n")
		})
	}
	golden.Check(t, "testdata/explain_request.golden", []byte(all.String()))
}

func TestExplainResponse(t *testing.T) {
	wires := []string{
		"HTTP/1.1 200 OK\r\n" +
			"Content-Type: text/plain; charset=utf-8\r\n" +
			"Content-Length: 6\r\n" +
			"\r\n" +
			"hello\n",
		"HTTP/1.1 200 OK\r\n" +
			"Content-Type: text/event-stream\r\n" +
			"Transfer-Encoding: chunked\r\n" +
			"\r\n" +
			"E\r\n" +
			"data: tick 1\n\n\r\n" +
			"e\r\n" +
			"data: tick 2\n\n\r\n" +
			"0\r\n" +
			"\r\n",
		"HTTP/1.0 404 Not Found\r\n" +
			"\r\n" +
			"no such page",
		"HTTP/1.1 101 Switching Protocols\r\n" +
			"Upgrade: websocket\r\n" +
			"Connection: Upgrade\r\n" +
			"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n" +
			"\r\n",
	}
	var all strings.Builder
	for _, wire := range wires {
		as, err := ExplainResponse([]byte(wire))
		if err != nil {
			t.Fatalf("ExplainResponse(%q): %v", wire, err)
		}
		resp, err := ReadResponse(bufio.NewReader(strings.NewReader(wire)), Limits{}, "GET")
		if err != nil {
			t.Fatal(err)
		}
		checkAnnotations(t, &resp.Head, []byte(wire), as)
		fmt.Fprintf(&all, "%q\n", wire)
		writeAnnotations(&all, []byte(wire), as)
		all.WriteString("\n")
	}
	golden.Check(t, "testdata/explain_response.golden", []byte(all.String()))
}

// TestExplainBad: what cannot be parsed is not labelled.
func TestExplainBad(t *testing.T) {
	for _, tt := range badRequests {
		if tt.lim != (Limits{}) {
			continue // within the default limits, the bytes are fine
		}
		if as, err := ExplainRequest([]byte(tt.wire)); err == nil || as != nil {
			t.Errorf("ExplainRequest(%q) = %d annotations, %v; want none and an error", tt.wire, len(as), err)
		}
	}
	for _, tt := range badResponses {
		if tt.lim != (Limits{}) {
			continue // within the default limits, the bytes are fine
		}
		if as, err := ExplainResponse([]byte(tt.wire)); err == nil || as != nil {
			t.Errorf("ExplainResponse(%q) = %d annotations, %v; want none and an error", tt.wire, len(as), err)
		}
	}
}
