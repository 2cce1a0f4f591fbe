// Fuzz targets for the two parsers of outside bytes. Findings go under
// testdata/fuzz/ and run as ordinary tests from then on.

package httpdemo

import (
	"bufio"
	"bytes"
	"reflect"
	"testing"
	"testing/iotest"
)

// fuzzLimits keeps each run small: a claimed length is refused or met
// within a few KiB instead of making the default 16 MiB buffer.
var fuzzLimits = Limits{MaxHead: 8 << 10, MaxBody: 64 << 10}

// FuzzReadRequest: ReadRequest never panics; what it accepts, it accepts
// again from Raw alone, and it labels only bytes of Raw.
func FuzzReadRequest(f *testing.F) {
	for _, tt := range requestTests {
		f.Add([]byte(tt.wire + tt.rest))
	}
	for _, tt := range badRequests {
		if len(tt.wire) <= 1<<10 {
			f.Add([]byte(tt.wire))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		read := func(br *bufio.Reader) (*Request, error) { return ReadRequest(br, fuzzLimits) }
		req, err := read(bufio.NewReader(bytes.NewReader(data)))
		if req == nil {
			t.Fatalf("ReadRequest returned a nil request (error %v)", err)
		}
		if !bytes.HasPrefix(data, req.Raw) {
			t.Fatalf("Raw %q is not a prefix of the input", req.Raw)
		}
		// In pieces, as TCP may deliver them, the result is the same.
		pieces, perr := read(bufio.NewReaderSize(iotest.OneByteReader(bytes.NewReader(data)), 16))
		if (err == nil) != (perr == nil) || !reflect.DeepEqual(req, pieces) {
			t.Fatalf("one byte at a time:\n%+v, %v\nwhole:\n%+v, %v", pieces, perr, req, err)
		}
		if err != nil {
			return
		}
		again, err := read(bufio.NewReader(bytes.NewReader(req.Raw)))
		if err != nil {
			t.Fatalf("re-reading Raw %q: %v", req.Raw, err)
		}
		if !reflect.DeepEqual(req, again) {
			t.Fatalf("re-reading Raw gives\n%+v\nwant\n%+v", again, req)
		}
		checkAnnotations(t, &req.Head, req.Raw, req.Annotations())
	})
}

// FuzzReadResponse: ReadResponse never panics; what it accepts, it accepts
// again from Raw alone, and it labels only bytes of Raw. Each input is read
// as the answer to a GET and to a HEAD.
func FuzzReadResponse(f *testing.F) {
	for _, tt := range responseTests {
		f.Add([]byte(tt.wire + tt.rest))
	}
	for _, tt := range badResponses {
		f.Add([]byte(tt.wire))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, method := range []string{"GET", "HEAD"} {
			read := func(br *bufio.Reader) (*Response, error) { return ReadResponse(br, fuzzLimits, method) }
			resp, err := read(bufio.NewReader(bytes.NewReader(data)))
			if resp == nil {
				t.Fatalf("%s: ReadResponse returned a nil response (error %v)", method, err)
			}
			if !bytes.HasPrefix(data, resp.Raw) {
				t.Fatalf("%s: Raw %q is not a prefix of the input", method, resp.Raw)
			}
			pieces, perr := read(bufio.NewReaderSize(iotest.OneByteReader(bytes.NewReader(data)), 16))
			if (err == nil) != (perr == nil) || !reflect.DeepEqual(resp, pieces) {
				t.Fatalf("%s: one byte at a time:\n%+v, %v\nwhole:\n%+v, %v", method, pieces, perr, resp, err)
			}
			if err != nil {
				continue
			}
			again, err := read(bufio.NewReader(bytes.NewReader(resp.Raw)))
			if err != nil {
				t.Fatalf("%s: re-reading Raw %q: %v", method, resp.Raw, err)
			}
			if !reflect.DeepEqual(resp, again) {
				t.Fatalf("%s: re-reading Raw gives\n%+v\nwant\n%+v", method, again, resp)
			}
			checkAnnotations(t, &resp.Head, resp.Raw, resp.Annotations())
		}
	})
}
