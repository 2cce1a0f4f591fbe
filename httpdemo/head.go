// The message head: start line, header fields, empty line (RFC 9112, section 2.1).

package httpdemo

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"netlab/osi"
)

// Limits bound what a reader accepts from the other side. Outside bytes
// never size a buffer beyond these.
type Limits struct {
	MaxHead int   // bytes of start line, fields and the empty line; 0: 64 KiB
	MaxBody int64 // bytes of body (chunk data, for chunked); 0: 16 MiB
}

func (l Limits) maxHead() int {
	if l.MaxHead <= 0 {
		return 64 << 10
	}
	return l.MaxHead
}

func (l Limits) maxBody() int64 {
	if l.MaxBody <= 0 {
		return 16 << 20
	}
	return min(l.MaxBody, math.MaxInt64-1) // readBody reads one byte past the limit to see it exceeded
}

// A Head is a message's start line and header fields, with the exact bytes
// they arrived as and where each one sits in those bytes.
type Head struct {
	StartLine string
	Fields    Fields
	Raw       []byte // every byte of the head, up to and including the empty line

	fieldSpans [][2]int // [start, end) of each field line in Raw, with its CRLF
}

// readHead reads a head from br: lines ending in CRLF up to an empty line.
// RFC 9112, section 2.2: "A recipient that receives whitespace between the
// start-line and the first header field MUST either reject the message as
// invalid or ..." and section 5.2 forbids line folding (obs-fold) outside
// message/http; netlab rejects both.
func readHead(br *bufio.Reader, max int) (*Head, error) {
	h := &Head{}
	for first := true; ; first = false {
		line, err := readLine(br, max-len(h.Raw))
		start := len(h.Raw)
		h.Raw = append(h.Raw, line...)
		if err != nil {
			if !first {
				err = noEOF(err) // only a message's first line may meet a clean end of stream
			}
			return h, err
		}
		text := strings.TrimSuffix(string(line), "\r\n")
		switch {
		case first:
			if text == "" {
				return h, fmt.Errorf("%w: the message starts with an empty line", ErrBadStartLine)
			}
			h.StartLine = text
		case text == "":
			return h, nil
		case text[0] == ' ' || text[0] == '\t':
			return h, fmt.Errorf("%w: line %q starts with whitespace (obsolete line folding)", ErrBadHeaderField, text)
		default:
			name, value, ok := strings.Cut(text, ":")
			if !ok || name == "" || !isToken(name) {
				return h, fmt.Errorf("%w: %q", ErrBadHeaderField, text)
			}
			// RFC 9110, section 5.5: "a recipient of CR, LF, or NUL within a
			// field value MUST either reject the message or replace each of
			// those characters with SP" (LF cannot get here: it ends the line).
			if strings.ContainsAny(value, "\r\x00") {
				return h, fmt.Errorf("%w: CR or NUL in the value of %q", ErrBadHeaderField, name)
			}
			h.Fields = append(h.Fields, Field{Name: name, Value: strings.Trim(value, " \t")})
			h.fieldSpans = append(h.fieldSpans, [2]int{start, len(h.Raw)})
		}
	}
}

// readLine reads one line ending in CRLF, of at most max bytes.
func readLine(br *bufio.Reader, max int) ([]byte, error) {
	var line []byte
	for {
		frag, err := br.ReadSlice('\n')
		line = append(line, frag...)
		if len(line) > max {
			return line[:max], fmt.Errorf("%w", ErrHeadTooLarge)
		}
		switch {
		case err == nil:
			if !bytes.HasSuffix(line, []byte("\r\n")) {
				return line, ErrBareLF
			}
			return line, nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case errors.Is(err, io.EOF) && len(line) > 0:
			return line, fmt.Errorf("head cut short after %d bytes: %w", len(line), io.ErrUnexpectedEOF)
		default:
			return line, err
		}
	}
}

// noEOF says that a stream which ends inside a message was cut short: the
// end of the stream is clean only between messages.
func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// isToken reports whether s is an RFC 9110 token (section 5.6.2): field
// names and methods are tokens.
func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return s != ""
}

// fieldAnnotations labels each header field line and the empty line.
func (h *Head) fieldAnnotations() []osi.Annotation {
	var out []osi.Annotation
	for i, f := range h.Fields {
		span := h.fieldSpans[i]
		out = append(out, osi.Annotation{Start: span[0], End: span[1], Field: f.Name,
			Value: f.Value, Meaning: FieldMeaning(f.Name), Layer: osi.Application})
	}
	end := len(h.Raw)
	out = append(out, osi.Annotation{Start: end - 2, End: end, Field: "empty line",
		Value: `\r\n`, Meaning: "the head ends here; the body, if any, follows", Layer: osi.Application})
	return out
}
