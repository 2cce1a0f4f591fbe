// Decoding a reassembled stream: HTTP/1.1 messages with httpdemo's stream
// explainer, WebSocket frames after a 101 with wsframe's, and a plain
// statement of what could not be decoded and why.

package capture

import (
	"bytes"
	"fmt"
	"slices"
	"strings"

	"netlab/httpdemo"
	"netlab/osi"
	"netlab/wsframe"
)

// decodeStream fills res.Units from the two reassembled directions.
func decodeStream(res *FollowResult, dirs [2]*Reassembler) {
	var first [2][]byte // each direction's bytes from offset 0 up to its first gap
	for d, r := range dirs {
		if ps := r.Pieces(); len(ps) > 0 && ps[0].Offset == 0 {
			first[d] = ps[0].Data
		}
	}
	// Which end is the client: the one that sent the SYN, or else the one
	// whose bytes start with a request.
	res.Client = 0
	if !res.Conv.HandshakeSeen && !startsRequest(first[0]) && startsRequest(first[1]) {
		res.Client = 1
	}
	cl, sv := res.Client, 1-res.Client
	var covered [2]int64 // bytes of first[d] explained
	switch {
	case startsHTTP(first[cl]) || startsHTTP(first[sv]):
		res.Protocol = "HTTP/1.1"
		covered = decodeHTTP(res, first, cl, sv, [2]bool{len(dirs[0].Gaps()) > 0, len(dirs[1].Gaps()) > 0})
	case startsTLS(first[cl]) || startsTLS(first[sv]):
		res.Protocol = "TLS"
	case len(first[cl]) == 0 && len(first[sv]) == 0:
		res.Protocol = "no payload"
	default:
		res.Protocol = "unknown"
	}
	for d, r := range dirs {
		addUndecoded(res, d, r, covered[d], first[d])
	}
	for i := range res.Units {
		u := &res.Units[i]
		at := u.End - 1
		if u.Gap {
			at = u.Offset - 1
		}
		u.Packet = dirs[u.Dir].packetAt(max(at, 0))
	}
	slices.SortStableFunc(res.Units, func(a, b FollowUnit) int {
		if a.Packet != b.Packet {
			return a.Packet - b.Packet
		}
		if a.Dir != b.Dir {
			return a.Dir - b.Dir
		}
		return cmpInt64(a.Offset, b.Offset)
	})
}

func startsRequest(p []byte) bool { return startsHTTP(p) && !bytes.HasPrefix(p, []byte("HTTP/")) }

// decodeHTTP explains both directions as HTTP/1.1, then as WebSocket if
// the server switched to it. It returns how far each direction was
// explained.
func decodeHTTP(res *FollowResult, first [2][]byte, cl, sv int, gapped [2]bool) [2]int64 {
	req, resp := httpdemo.NewStreamExplainers()
	var covered [2]int64
	add := func(d int, proto string, base int64, xs []osi.Explanation) {
		for _, x := range xs {
			end := x.Offset
			for _, f := range x.Fields {
				end = max(end, x.Offset+int64(f.End))
			}
			end = min(end, int64(len(first[d]))-base)
			u := FollowUnit{Dir: d, Offset: base + x.Offset, End: base + end, Protocol: proto, Fields: x.Fields}
			u.Data = first[d][u.Offset:u.End]
			if strings.HasPrefix(x.Fields[0].Field, "not valid") {
				u.Protocol, u.Note = "", "not valid HTTP: decoding of this direction stops here"
			}
			res.Units = append(res.Units, u)
			covered[d] = max(covered[d], u.End)
		}
	}
	add(cl, "HTTP", 0, req.Feed(first[cl]))
	add(sv, "HTTP", 0, resp.Feed(first[sv]))
	add(cl, "HTTP", 0, req.Feed(nil)) // learns whether the server switched
	// The end of what was captured in order: the stream's end, or a gap.
	for _, e := range []struct {
		d int
		x *httpdemo.StreamExplainer
	}{{cl, req}, {sv, resp}} {
		before := len(res.Units)
		add(e.d, "HTTP", 0, e.x.End())
		if gapped[e.d] {
			for i := before; i < len(res.Units); i++ {
				res.Units[i].Note = "cut by the gap that follows: the rest of this message was never captured"
			}
		}
	}
	offC, _, okC := req.Switched()
	offS, protoS, okS := resp.Switched()
	if !okC || !okS {
		return covered
	}
	if !strings.EqualFold(protoS, "websocket") {
		res.Protocol = "HTTP/1.1, then " + protoS
		return covered
	}
	res.Protocol = "HTTP/1.1, then WebSocket"
	for _, side := range []struct {
		d   int
		off int64
	}{{cl, offC}, {sv, offS}} {
		ws := wsframe.NewStreamExplainer(false)
		data := first[side.d][min(side.off, int64(len(first[side.d]))):]
		before := len(res.Units)
		add(side.d, "WebSocket", side.off, ws.Feed(data))
		for i := before; i < len(res.Units); i++ {
			u := &res.Units[i]
			if v, err := wsframe.ExplainFrame(u.Data); err == nil {
				u.Payload = v.Payload
			}
			if strings.HasPrefix(u.Fields[0].Field, "not a valid frame") {
				u.Protocol, u.Note = "", "not a valid WebSocket frame: decoding of this direction stops here"
			}
		}
	}
	return covered
}

// addUndecoded adds a unit for the bytes of direction d that nothing
// explained, one for each gap, and one for each run of bytes after a gap:
// shown, not decoded, since a parser cannot know where a message starts
// after a hole.
func addUndecoded(res *FollowResult, d int, r *Reassembler, covered int64, first []byte) {
	gaps := r.Gaps()
	if rest := first[covered:]; len(rest) > 0 {
		note := undecodedReason(res, covered, rest)
		if len(gaps) > 0 && gaps[0].Start == covered+int64(len(rest)) {
			note = "a message cut by the gap that follows: decoding of this direction stops here"
		}
		res.Units = append(res.Units, FollowUnit{Dir: d, Offset: covered, End: covered + int64(len(rest)), Data: rest, Note: note})
	}
	for _, g := range gaps {
		res.Units = append(res.Units, FollowUnit{Dir: d, Offset: g.Start, End: g.End, Gap: true,
			Note: fmt.Sprintf("%d bytes the capture never saw (lost before the capture point, or dropped by it)", g.End-g.Start)})
	}
	for _, p := range r.Pieces() {
		if p.Offset > 0 && len(p.Data) > 0 {
			res.Units = append(res.Units, FollowUnit{Dir: d, Offset: p.Offset, End: p.Offset + int64(len(p.Data)), Data: p.Data,
				Note: "after a gap: shown, not decoded (where a message starts cannot be known after a hole)"})
		}
	}
}

// undecodedReason says in words why bytes were not decoded.
func undecodedReason(res *FollowResult, at int64, b []byte) string {
	switch {
	case res.Protocol == "TLS" || startsTLS(b):
		return "TLS: encrypted; without the session keys no one on the path can read it, netlab included"
	case res.Protocol == "unknown" && at == 0:
		return "not HTTP, WebSocket or TLS: netlab cannot decode this protocol"
	case strings.HasPrefix(res.Protocol, "HTTP/1.1, then ") && !strings.HasSuffix(res.Protocol, "WebSocket"):
		return "after the switch to " + strings.TrimPrefix(res.Protocol, "HTTP/1.1, then ") + ", which netlab does not decode"
	case strings.HasSuffix(res.Protocol, "WebSocket"):
		return "an incomplete WebSocket frame at the end of the capture, or bytes after a frame netlab could not read"
	}
	return "an incomplete message at the end of the capture, or bytes after a message netlab could not read"
}
