// Tests that every rule in errors.go refuses the bytes that break it.

package httpdemo

import (
	"bufio"
	"bytes"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"runtime"
	"strings"
	"testing"
	"testing/iotest"
)

// sentinels names every error of errors.go, so a test can check that the
// bad-input tables reach each one.
var sentinels = map[string]error{
	"ErrHeadTooLarge":        ErrHeadTooLarge,
	"ErrBadStatusLine":       ErrBadStatusLine,
	"ErrBadRequestLine":      ErrBadRequestLine,
	"ErrBadHeaderField":      ErrBadHeaderField,
	"ErrBadContentLength":    ErrBadContentLength,
	"ErrBadChunk":            ErrBadChunk,
	"ErrBadTransferEncoding": ErrBadTransferEncoding,
	"ErrBodyTooLarge":        ErrBodyTooLarge,
	"ErrBadStartLine":        ErrBadStartLine,
	"ErrBareLF":              ErrBareLF,
}

// A badTest is bytes a reader must refuse, and the errors it must say.
type badTest struct {
	name string
	wire string
	lim  Limits
	want []error // each must match with errors.Is
}

func TestReadRequestBad(t *testing.T)  { testBad(t, badRequests, readRequestRaw) }
func TestReadResponseBad(t *testing.T) { testBad(t, badResponses, readResponseRaw) }

func testBad(t *testing.T, tests []badTest, read func(*bufio.Reader, Limits) ([]byte, error)) {
	for _, tt := range tests {
		for _, rd := range readers {
			t.Run(tt.name+"/"+rd.name, func(t *testing.T) {
				raw, err := read(rd.wrap(strings.NewReader(tt.wire)), tt.lim)
				if err == nil {
					t.Fatalf("read %q: no error, want %v", tt.wire, tt.want)
				}
				for _, want := range tt.want {
					if !errors.Is(err, want) {
						t.Errorf("error = %v, want errors.Is(err, %v)", err, want)
					}
				}
				// A message that ends early is cut short: io.EOF would
				// tell the caller the peer closed cleanly between messages.
				if errors.Is(err, io.EOF) {
					t.Errorf("error = %v matches io.EOF; a broken message is never a clean end", err)
				}
				if !strings.HasPrefix(tt.wire, string(raw)) {
					t.Errorf("Raw = %q is not a prefix of the input", raw)
				}
			})
		}
	}
}

// TestEverySentinelIsReached checks that each error of errors.go is
// declared in sentinels and produced by at least one bad input.
func TestEverySentinelIsReached(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "errors.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var declared []string
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.VAR {
			continue
		}
		for _, spec := range gd.Specs {
			for _, name := range spec.(*ast.ValueSpec).Names {
				declared = append(declared, name.Name)
			}
		}
	}
	if len(declared) != len(sentinels) {
		t.Errorf("errors.go declares %d errors, the test knows %d: %q", len(declared), len(sentinels), declared)
	}
	for _, name := range declared {
		sentinel, ok := sentinels[name]
		if !ok {
			t.Errorf("%s is not in the sentinels table", name)
			continue
		}
		reached := false
		for _, tt := range append(badRequests[:len(badRequests):len(badRequests)], badResponses...) {
			for _, want := range tt.want {
				reached = reached || want == sentinel
			}
		}
		if !reached {
			t.Errorf("no bad input is refused with %s", name)
		}
	}
}

// TestReaderErrors checks that an error from the connection itself comes
// back to the caller, wrapped, from every place a parser reads.
func TestReaderErrors(t *testing.T) {
	reset := errors.New("connection reset by peer")
	prefixes := []struct {
		name string
		wire string
	}{
		{"before the request", ""},
		{"inside the head", "GET / HTTP/1.1\r\n" +
			"Host: exa"},
		{"inside a Content-Length body", "POST / HTTP/1.1\r\n" +
			"Content-Length: 10\r\n" +
			"\r\n" +
			"hello"},
		{"inside a chunk size", chunkedRequest + "1"},
		{"inside chunk data", chunkedRequest + "a\r\n" + "hello"},
		{"inside the trailer", chunkedRequest + "0\r\n" + "Expi"},
	}
	for _, p := range prefixes {
		t.Run(p.name, func(t *testing.T) {
			r := io.MultiReader(strings.NewReader(p.wire), iotest.ErrReader(reset))
			req, err := ReadRequest(bufio.NewReader(r), Limits{})
			if !errors.Is(err, reset) {
				t.Errorf("error = %v, want it to wrap %v", err, reset)
			}
			if string(req.Raw) != p.wire {
				t.Errorf("Raw = %q, want every byte before the error, %q", req.Raw, p.wire)
			}
		})
	}
	t.Run("timeout", func(t *testing.T) {
		// TimeoutReader fails its second read: the parser must return,
		// not retry forever.
		br := bufio.NewReader(iotest.TimeoutReader(strings.NewReader("GET / HTTP/1.1\r\n")))
		if _, err := ReadRequest(br, Limits{}); !errors.Is(err, iotest.ErrTimeout) {
			t.Errorf("error = %v, want iotest.ErrTimeout", err)
		}
	})
}

// TestClaimedLengthsAreBounded checks that a length on the wire larger than
// the limit is refused before anything the size of that length is made.
func TestClaimedLengthsAreBounded(t *testing.T) {
	lim := Limits{MaxBody: 1 << 20}
	tests := []struct {
		name string
		wire string
		want error
	}{
		{"Content-Length", "POST / HTTP/1.1\r\n" +
			"Content-Length: 1073741824\r\n" + // 1 GiB
			"\r\n", ErrBodyTooLarge},
		{"chunk size", chunkedRequest +
			"40000000\r\n", ErrBodyTooLarge}, // 1 GiB
		{"chunk size of 15 hex digits", chunkedRequest +
			"fffffffffffffff\r\n", ErrBodyTooLarge}, // 2^60 - 1
		{"second chunk", chunkedRequest +
			"5\r\n" +
			"hello\r\n" +
			"fffff\r\n", ErrBodyTooLarge}, // 5 + 0xfffff > 1 MiB
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wire := []byte(tt.wire)
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			_, err := ReadRequest(bufio.NewReader(bytes.NewReader(wire)), lim)
			runtime.ReadMemStats(&after)
			if !errors.Is(err, tt.want) {
				t.Fatalf("error = %v, want %v", err, tt.want)
			}
			// Far less than the limit, let alone the length claimed.
			if got := after.TotalAlloc - before.TotalAlloc; got > uint64(lim.MaxBody)/4 {
				t.Errorf("reading allocated %d bytes; the limit is %d", got, lim.MaxBody)
			}
		})
	}
}
