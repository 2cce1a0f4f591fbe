// Explaining what a single packet's payload shows of the application
// (OSI layer 7): DNS, the start of HTTP messages, WebSocket frames, TLS
// records. A message cut across segments is explained whole by --follow.

package capture

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"unicode/utf8"

	"netlab/httpdemo"
	"netlab/osi"
	"netlab/wsframe"
)

// addShifted appends annotations made from offset 0 of a message that
// starts at byte at of the layer.
func (f *fieldList) addShifted(as []osi.Annotation, at int) {
	for _, a := range osi.Shift(as, f.base+at) {
		f.out = append(f.out, a)
	}
}

func explainDNS(f *fieldList, b []byte) {
	if len(b) < 12 {
		return
	}
	f.add(0, 2, "transaction ID", hex16(be16(b)), "chosen by the client; the response repeats it so answers match questions")
	qr := "0: a query"
	if b[2]&0x80 != 0 {
		qr = "1: a response"
	}
	f.bits(2, b[2], 0x80, "QR", qr, "")
	f.bits(2, b[2], 0x78, "opcode", itoa(int(b[2]>>3&0xf)), "0: a standard query")
	f.bits(2, b[2], 0x01, "RD", itoa(int(b[2]&1)), "recursion desired: the resolver should ask other servers for us")
	f.bits(3, b[3], 0x80, "RA", itoa(int(b[3]>>7)), "recursion available (in responses)")
	f.bits(3, b[3], 0x0f, "RCODE", itoa(int(b[3]&0xf)), "0: no error; 3: no such name")
	f.add(4, 6, "questions", itoa(int(be16(b[4:]))), "")
	f.add(6, 8, "answers", itoa(int(be16(b[6:]))), "")
	f.add(8, 10, "authority records", itoa(int(be16(b[8:]))), "")
	f.add(10, 12, "additional records", itoa(int(be16(b[10:]))), "")
	if len(b) > 12 {
		f.add(12, len(b), "records", fmt.Sprintf("%d bytes", len(b)-12), "questions and answers: names as length-prefixed labels, possibly compressed with pointers")
	}
}

func explainHTTP(f *fieldList, b []byte) {
	end := bytes.Index(b, []byte("\r\n\r\n"))
	if end < 0 {
		f.add(0, len(b), "start of an HTTP message", strconv.Quote(string(firstLine(b))),
			"the head continues in later segments: netlab pcap --follow reassembles the stream and explains it whole")
		return
	}
	head := b[:end+4]
	br := bufio.NewReader(bytes.NewReader(head))
	lim := httpdemo.Limits{MaxHead: len(head)}
	var as []osi.Annotation
	if bytes.HasPrefix(head, []byte("HTTP/")) {
		resp, err := httpdemo.ReadResponseHead(br, lim)
		if err != nil {
			f.add(0, len(head), "HTTP response head", err.Error(), "malformed")
			return
		}
		as = resp.Annotations()
	} else {
		req, err := httpdemo.ReadRequestHead(br, lim)
		if err != nil {
			f.add(0, len(head), "HTTP request head", err.Error(), "malformed")
			return
		}
		as = req.Annotations()
	}
	f.addShifted(as, 0)
	if len(b) > len(head) {
		f.add(len(head), len(b), "after the head", fmt.Sprintf("%d bytes", len(b)-len(head)),
			"the body, or the next message: netlab pcap --follow frames it by Content-Length or chunks")
	}
}

func firstLine(b []byte) []byte {
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		b = b[:i]
	}
	return bytes.TrimSuffix(b[:min(len(b), 200)], []byte("\r"))
}

// explainWebSocket labels the frames in one segment. before is how many
// bytes at its start finish a frame begun in an earlier segment.
func explainWebSocket(f *fieldList, b []byte, before int64) {
	at := 0
	if before > 0 {
		n := int(min(before, int64(len(b))))
		f.add(0, n, "payload (continued)", fmt.Sprintf("%d bytes", n), "the rest of a frame whose header came in an earlier segment")
		at = n
	}
	for at < len(b) {
		v, err := wsframe.ExplainFrame(b[at:])
		switch {
		case err == nil:
			f.addShifted(v.Fields, at)
			at += v.Size()
			continue
		case v.HeaderLen > 0:
			f.addShifted(v.Fields, at)
			f.add(at+v.HeaderLen, len(b), "payload (first part)", fmt.Sprintf("%d of %d bytes", len(b)-at-v.HeaderLen, v.Header.Length),
				"the frame continues in later segments (--follow explains it whole)")
		default:
			f.add(at, len(b), "frame header (part)", shortHex(b[at:], 8), "a frame header cut across segments, or bytes that are not a frame: "+err.Error())
		}
		return
	}
}

func explainTLS(f *fieldList, b []byte) {
	if len(b) < 5 {
		return
	}
	names := map[byte]string{20: "change cipher spec", 21: "alert", 22: "handshake", 23: "application data"}
	f.add(0, 1, "content type", fmt.Sprintf("%d (%s)", b[0], names[b[0]]), "what the record holds")
	f.add(1, 3, "legacy version", hex16(be16(b[1:])), "0x0303 for TLS 1.2 and 1.3 alike (RFC 8446 froze it)")
	n := int(be16(b[3:]))
	f.add(3, 5, "length", itoa(n), "bytes of the record body that follows")
	if len(b) > 5 {
		f.add(5, len(b), "record body", fmt.Sprintf("%d bytes here", len(b)-5), "encrypted after the handshake: without the keys no one on the path can read it, netlab included")
	}
}

func explainData(f *fieldList, b []byte, s *summarizer) {
	value := strconv.Quote(string(b[:min(len(b), 60)]))
	if !utf8.Valid(b) || bytes.IndexFunc(b, func(r rune) bool { return r < 0x20 && r != '\r' && r != '\n' && r != '\t' }) >= 0 {
		value = shortHex(b, 16)
	}
	meaning := "payload netlab does not recognise"
	if s.v.transport == protoUDP && s.v.unknown != 0 {
		meaning = "by its port, " + s.v.unknown.String() + ", which netlab does not decode"
	} else if s.v.transport == protoTCP && s.conv != nil && s.conv.App == "HTTP" {
		meaning = "the continuation of an HTTP message begun in an earlier segment (--follow reassembles it)"
	}
	f.add(0, len(b), "payload", fmt.Sprintf("%s (%d bytes)", value, len(b)), meaning)
}
