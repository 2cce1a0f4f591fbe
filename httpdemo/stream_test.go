// Tests of StreamExplainer: an HTTP/1.1 connection explained message by
// message, the same way however TCP cuts it into reads.

package httpdemo

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"netlab/osi"
)

var _ osi.StreamExplainer = (*StreamExplainer)(nil)

// A keep-alive connection: five requests, one of them HEAD and one with a
// chunked body, and their five responses, the last running until close.
var (
	keepAliveRequests = []string{
		"GET / HTTP/1.1\r\nHost: a\r\n\r\n",
		"POST /form HTTP/1.1\r\nHost: a\r\nContent-Length: 7\r\n\r\nx=1&y=2",
		"POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\n\r\n",
		"HEAD /big HTTP/1.1\r\nHost: a\r\n\r\n",
		"GET /last HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
	}
	keepAliveResponses = []string{
		"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
		"HTTP/1.1 100 Continue\r\n\r\n",
		"HTTP/1.1 201 Created\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nmade\r\n0\r\n\r\n",
		"HTTP/1.1 204 No Content\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n", // to HEAD: no body follows
		"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\nthe rest, until the server closes",
	}
)

// explainAll feeds each direction whole or in pieces cut by next, requests
// first, then responses, then ends both, and returns what each explained.
func explainAll(reqs, resps string, next func(int) int) (rx, sx []osi.Explanation, req, resp *StreamExplainer) {
	req, resp = NewStreamExplainers()
	feed := func(e *StreamExplainer, data string) []osi.Explanation {
		var out []osi.Explanation
		b := []byte(data)
		for len(b) > 0 {
			n := min(next(len(b)), len(b))
			out = append(out, e.Feed(b[:n])...)
			b = b[n:]
		}
		return out
	}
	rx = feed(req, reqs)
	sx = feed(resp, resps)
	rx = append(rx, req.Feed(nil)...)
	rx = append(rx, req.End()...)
	sx = append(sx, resp.End()...)
	return rx, sx, req, resp
}

func whole(n int) int { return n }

func offsetsOf(msgs []string) []int64 {
	var out []int64
	var off int64
	for _, m := range msgs {
		out = append(out, off)
		off += int64(len(m))
	}
	return out
}

func TestStreamKeepAlive(t *testing.T) {
	rx, sx, req, resp := explainAll(strings.Join(keepAliveRequests, ""), strings.Join(keepAliveResponses, ""), whole)
	check := func(name string, got []osi.Explanation, msgs []string) {
		t.Helper()
		want := offsetsOf(msgs)
		if len(got) != len(want) {
			t.Fatalf("%s: %d explanations, want %d: %+v", name, len(got), len(want), got)
		}
		for i, x := range got {
			if x.Offset != want[i] {
				t.Errorf("%s %d: offset %d, want %d", name, i, x.Offset, want[i])
			}
			last := x.Fields[len(x.Fields)-1]
			if int64(last.End) != int64(len(msgs[i])) {
				t.Errorf("%s %d: labels end at %d, message is %d bytes (%q)", name, i, last.End, len(msgs[i]), last.Field)
			}
			if strings.HasPrefix(x.Fields[0].Field, "not valid") {
				t.Errorf("%s %d: %v", name, i, x.Fields[0])
			}
		}
	}
	check("requests", rx, keepAliveRequests)
	check("responses", sx, keepAliveResponses)
	if req.Err() != nil || resp.Err() != nil {
		t.Errorf("errors: %v, %v", req.Err(), resp.Err())
	}
	// The chunked request's labels: chunk sizes, data, last chunk.
	var fields []string
	for _, a := range rx[2].Fields {
		fields = append(fields, a.Field)
	}
	if got := strings.Join(fields, ","); !strings.Contains(got, "chunk-size,chunk-data,chunk-size,chunk-data,last-chunk") {
		t.Errorf("chunked request labels: %s", got)
	}
	// The until-close body is the last label of the last response.
	last := sx[len(sx)-1].Fields
	if got := last[len(last)-1]; got.Field != "body" || !strings.Contains(got.Value, "until the server closes") {
		t.Errorf("until-close body: %+v", got)
	}
}

// TestStreamReadSizes: one byte at a time, halves, random cuts: the same
// explanations as the whole stream at once (the property the wsframe
// explainer has too).
func TestStreamReadSizes(t *testing.T) {
	reqs, resps := strings.Join(keepAliveRequests, ""), strings.Join(keepAliveResponses, "")
	wantR, wantS, _, _ := explainAll(reqs, resps, whole)
	rng := rand.New(rand.NewPCG(1, 2))
	cutters := map[string]func(int) int{
		"one byte": func(int) int { return 1 },
		"halves":   func(n int) int { return max(1, n/2) },
		"random":   func(n int) int { return 1 + rng.IntN(min(n, 40)) },
	}
	for name, cut := range cutters {
		t.Run(name, func(t *testing.T) {
			gotR, gotS, _, _ := explainAll(reqs, resps, cut)
			if !reflect.DeepEqual(gotR, wantR) {
				t.Errorf("requests differ from the whole feed:\n got %+v\nwant %+v", gotR, wantR)
			}
			if !reflect.DeepEqual(gotS, wantS) {
				t.Errorf("responses differ from the whole feed:\n got %+v\nwant %+v", gotS, wantS)
			}
		})
	}
}

const (
	upgradeRequest = "GET /chat HTTP/1.1\r\nHost: server.example.com\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
	switchResponse = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
		"Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo=\r\n\r\n"
)

func TestStreamUpgradeSwitches(t *testing.T) {
	clientFrames := "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58" // RFC 6455 5.7: masked "Hello"
	serverFrames := "\x81\x05Hello"
	rx, sx, req, resp := explainAll(upgradeRequest+clientFrames, switchResponse+serverFrames, whole)
	if len(rx) != 1 || len(sx) != 1 {
		t.Fatalf("explained %d requests and %d responses, want 1 and 1: frames are not HTTP", len(rx), len(sx))
	}
	for _, c := range []struct {
		name string
		e    *StreamExplainer
		want int64
	}{{"requests", req, int64(len(upgradeRequest))}, {"responses", resp, int64(len(switchResponse))}} {
		off, proto, ok := c.e.Switched()
		if !ok || off != c.want || proto != "websocket" {
			t.Errorf("%s: Switched() = %d, %q, %v; want %d, websocket, true", c.name, off, proto, ok, c.want)
		}
	}
}

func TestStreamUpgradeRefused(t *testing.T) {
	next := "GET /plain HTTP/1.1\r\nHost: a\r\n\r\n"
	refusal := "HTTP/1.1 426 Upgrade Required\r\nContent-Length: 0\r\n\r\n"
	rx, sx, req, _ := explainAll(upgradeRequest+next, refusal+"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", whole)
	if _, _, ok := req.Switched(); ok {
		t.Fatal("switched after a 426")
	}
	if len(rx) != 2 || rx[1].Offset != int64(len(upgradeRequest)) {
		t.Errorf("requests after the refusal: %+v", rx)
	}
	if len(sx) != 2 {
		t.Errorf("responses: %d, want 2", len(sx))
	}
}

func TestStreamBadInput(t *testing.T) {
	tests := []struct {
		name, reqs, resps string
		wantErr           error
	}{
		{"not HTTP", "\x16\x03\x01\x00\x05hello\r\n\r\n", "", ErrBadRequestLine},
		{"bare LF", "GET / HTTP/1.1\nHost: a\n\r\n\r\n", "", ErrBareLF},
		{"head too long", "GET /" + strings.Repeat("a", maxStreamHead+10), "", ErrHeadTooLarge},
		{"bad Content-Length", "POST / HTTP/1.1\r\nContent-Length: -1\r\n\r\n", "", ErrBadContentLength},
		{"bad chunk", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "", ErrBadChunk},
		{"body cut short", "POST / HTTP/1.1\r\nContent-Length: 10\r\n\r\nabc", "", nil},
		{"head cut short", "GET / HTTP/1.1\r\nHost:", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rx, _, req, _ := explainAll(tt.reqs, tt.resps, func(int) int { return 7 })
			if req.Err() == nil {
				t.Fatalf("no error; explanations %+v", rx)
			}
			if tt.wantErr != nil && !errors.Is(req.Err(), tt.wantErr) {
				t.Errorf("error %v, want %v", req.Err(), tt.wantErr)
			}
			if len(rx) == 0 {
				t.Errorf("nothing explained: a broken message is still labelled as far as it goes")
			}
		})
	}
}

// TestStreamLargeBody: a body over the limit has its head explained, its
// bytes passed over without being held, and the next message is found.
func TestStreamLargeBody(t *testing.T) {
	big := bytes.Repeat([]byte("x"), maxExplained+1)
	head := "POST /big HTTP/1.1\r\nContent-Length: " + strconv.Itoa(len(big)) + "\r\n\r\n"
	next := "GET /after HTTP/1.1\r\n\r\n"
	rx, _, req, _ := explainAll(head+string(big)+next, "", func(int) int { return 1460 })
	if req.Err() != nil {
		t.Fatal(req.Err())
	}
	if len(rx) != 2 || rx[1].Offset != int64(len(head)+len(big)) {
		t.Fatalf("explanations %d (%+v)", len(rx), rx)
	}
	if f := rx[0].Fields[len(rx[0].Fields)-1]; !strings.Contains(f.Value, "too long to show") {
		t.Errorf("large body label: %+v", f)
	}
	if cap(req.buf) > maxExplained {
		t.Errorf("held %d bytes", cap(req.buf))
	}
}

// TestStreamUpgradeAfterKeepAlive: responses to earlier requests are not
// the answer to a later Upgrade request, even when a capture's client side
// is explained whole before its server side.
func TestStreamUpgradeAfterKeepAlive(t *testing.T) {
	reqs := keepAliveRequests[0] + keepAliveRequests[1] + upgradeRequest + "\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58"
	resps := keepAliveResponses[0] + "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n" + switchResponse + "\x81\x05Hello"
	rx, sx, req, resp := explainAll(reqs, resps, whole)
	if len(rx) != 3 || len(sx) != 3 {
		t.Fatalf("explained %d requests and %d responses, want 3 and 3", len(rx), len(sx))
	}
	if off, _, ok := req.Switched(); !ok || off != int64(len(reqs)-11) {
		t.Errorf("requests: Switched() = %d, %v; want %d, true", off, ok, len(reqs)-11)
	}
	if off, _, ok := resp.Switched(); !ok || off != int64(len(resps)-7) {
		t.Errorf("responses: Switched() = %d, %v; want %d, true", off, ok, len(resps)-7)
	}
}

// TestStreamManyMessagesAtOnce: a whole reassembled stream handed over in
// one Feed, far longer than any one message may be, is explained whole.
func TestStreamManyMessagesAtOnce(t *testing.T) {
	one := "GET /item HTTP/1.1\r\nHost: a\r\n\r\n"
	n := 2*maxExplained/len(one) + 1
	req, _ := NewStreamExplainers()
	xs := req.Feed([]byte(strings.Repeat(one, n)))
	if req.Err() != nil || len(xs) != n {
		t.Fatalf("%d of %d requests explained, error %v", len(xs), n, req.Err())
	}
	if last := xs[n-1].Offset; last != int64((n-1)*len(one)) {
		t.Errorf("last request at offset %d, want %d", last, (n-1)*len(one))
	}
}
