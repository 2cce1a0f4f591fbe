// Chunked transfer coding (RFC 9112, section 7.1).

package httpdemo

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"

	"netlab/osi"
)

// maxChunkLine bounds a chunk-size line (size, extensions, CRLF).
const maxChunkLine = 4 << 10

// readChunked reads a chunked body:
//
//	chunked-body = *chunk last-chunk trailer-section CRLF
//	chunk        = chunk-size [ chunk-ext ] CRLF chunk-data CRLF
//	last-chunk   = 1*("0") [ chunk-ext ] CRLF
//
// It returns the decoded body and every raw byte it read.
func readChunked(br *bufio.Reader, lim Limits) (body, raw []byte, err error) {
	for {
		line, err := readLine(br, maxChunkLine)
		raw = append(raw, line...)
		if err != nil {
			return body, raw, fmt.Errorf("%w: chunk-size line: %w", ErrBadChunk, noEOF(err))
		}
		size, err := parseChunkSize(line)
		if err != nil {
			return body, raw, err
		}
		if size == 0 {
			break
		}
		if int64(len(body))+size > lim.maxBody() {
			return body, raw, fmt.Errorf("%w: chunks exceed %d bytes", ErrBodyTooLarge, lim.maxBody())
		}
		data, err := readExactly(br, size+2)
		raw = append(raw, data...)
		if err != nil {
			return body, raw, fmt.Errorf("%w: chunk data: %w", ErrBadChunk, err)
		}
		if data[size] != '\r' || data[size+1] != '\n' {
			return body, raw, fmt.Errorf("%w: chunk of %d bytes not followed by CRLF", ErrBadChunk, size)
		}
		body = append(body, data[:size]...)
	}
	for trailerBytes := 0; ; { // trailer-section, then the final CRLF
		line, err := readLine(br, maxChunkLine)
		raw = append(raw, line...)
		trailerBytes += len(line)
		if err != nil {
			return body, raw, fmt.Errorf("%w: trailer: %w", ErrBadChunk, noEOF(err))
		}
		if len(line) == 2 {
			return body, raw, nil
		}
		if trailerBytes > maxChunkLine {
			return body, raw, fmt.Errorf("%w: trailer section longer than %d bytes", ErrBadChunk, maxChunkLine)
		}
	}
}

// parseChunkSize reads the hex size at the start of a chunk-size line,
// ignoring chunk extensions after ';'.
func parseChunkSize(line []byte) (int64, error) {
	text := strings.TrimSuffix(string(line), "\r\n")
	hexPart, _, _ := strings.Cut(text, ";")
	hexPart = strings.TrimRight(hexPart, " \t")
	if hexPart == "" || len(hexPart) > 15 {
		return 0, fmt.Errorf("%w: size %q", ErrBadChunk, text)
	}
	size, err := strconv.ParseInt(hexPart, 16, 64)
	if err != nil || hexPart[0] == '+' || hexPart[0] == '-' { // chunk-size = 1*HEXDIG: no sign
		return 0, fmt.Errorf("%w: size %q is not hexadecimal", ErrBadChunk, hexPart)
	}
	return size, nil
}

// chunkedAnnotations labels a chunked body that readChunked accepted,
// offsets counted from base.
func chunkedAnnotations(b []byte, base int) []osi.Annotation {
	var out []osi.Annotation
	pos := 0
	for pos < len(b) {
		eol := bytes.Index(b[pos:], []byte("\r\n"))
		if eol < 0 {
			return out
		}
		size, err := parseChunkSize(b[pos : pos+eol+2])
		if err != nil {
			return out
		}
		sizeEnd := pos + eol + 2
		if size == 0 {
			out = append(out, osi.Annotation{Start: base + pos, End: base + sizeEnd, Field: "last-chunk",
				Value: "0", Meaning: "a chunk of size zero: the body is complete", Layer: osi.Application})
			if len(b) > sizeEnd {
				out = append(out, osi.Annotation{Start: base + sizeEnd, End: base + len(b), Field: "end of chunked body",
					Value: strconv.Quote(string(b[sizeEnd:])), Meaning: "trailer fields (if any), then an empty line", Layer: osi.Application})
			}
			return out
		}
		dataEnd := sizeEnd + int(size)
		if dataEnd+2 > len(b) {
			return out
		}
		out = append(out,
			osi.Annotation{Start: base + pos, End: base + sizeEnd, Field: "chunk-size",
				Value:   wireHex(b[pos:pos+eol]) + " (hex) = " + strconv.FormatInt(size, 10),
				Meaning: "how many bytes of data this chunk carries", Layer: osi.Application},
			osi.Annotation{Start: base + sizeEnd, End: base + dataEnd + 2, Field: "chunk-data",
				Value: strconv.Quote(string(b[sizeEnd:dataEnd])), Meaning: "the data, then CRLF", Layer: osi.Application})
		pos = dataEnd + 2
	}
	return out
}

// bodyAnnotations labels the body bytes that follow a head of headLen
// bytes in raw.
func bodyAnnotations(h *Head, headLen int, raw []byte) []osi.Annotation {
	body := raw[headLen:]
	if len(body) == 0 {
		return nil
	}
	if h.Fields.HasToken("Transfer-Encoding", "chunked") {
		return chunkedAnnotations(body, headLen)
	}
	meaning := "the body: as many bytes as Content-Length said"
	if _, ok := h.Fields.Get("Content-Length"); !ok {
		meaning = "the body: it runs until the server closes the connection"
	}
	return []osi.Annotation{{Start: headLen, End: len(raw), Field: "body",
		Value: quoteShort(body, 60), Meaning: meaning, Layer: osi.Application}}
}

// quoteShort quotes b, cut to at most n bytes with "…" when longer.
func quoteShort(b []byte, n int) string {
	if len(b) <= n {
		return strconv.Quote(string(b))
	}
	return strconv.Quote(string(b[:n])) + "…"
}

// wireHex is a chunk-size line's size as it was written, without extensions.
func wireHex(line []byte) string {
	size, _, _ := strings.Cut(string(line), ";")
	return strings.TrimRight(size, " \t")
}
