// Message framing over a byte stream: a 2-byte length before each message.

package tcpsock

import (
	"encoding/binary"
	"fmt"
	"io"
	"strconv"

	"netlab/osi"
)

// TCP delivers a stream of bytes and keeps no trace of where one write
// ended, so any protocol that sends messages must mark their boundaries
// itself: HTTP with Content-Length or chunks, WebSocket with frame headers.
// This is the simplest such protocol: a 16-bit big-endian length, then the
// message.

// LengthPrefixSize is the size of the length field before each message.
const LengthPrefixSize = 2

// MaxFramedMessage is the largest message the 16-bit length can describe.
const MaxFramedMessage = 1<<16 - 1

// AppendFramed appends msg to dst with its length prefix.
func AppendFramed(dst, msg []byte) ([]byte, error) {
	if len(msg) > MaxFramedMessage {
		return dst, fmt.Errorf("frame %d bytes: %w (%d)", len(msg), ErrMessageTooLong, MaxFramedMessage)
	}
	dst = binary.BigEndian.AppendUint16(dst, uint16(len(msg)))
	return append(dst, msg...), nil
}

// ReadFramed reads one length-prefixed message from r, however the stream
// cut it into reads. A message longer than limit is refused before any
// buffer of that size is made.
func ReadFramed(r io.Reader, limit int) ([]byte, error) {
	var prefix [LengthPrefixSize]byte
	if _, err := io.ReadFull(r, prefix[:]); err != nil {
		return nil, fmt.Errorf("read length prefix: %w", err)
	}
	n := int(binary.BigEndian.Uint16(prefix[:]))
	if n > limit {
		return nil, fmt.Errorf("message of %d bytes: %w (%d)", n, ErrMessageTooLong, limit)
	}
	msg := make([]byte, n)
	if _, err := io.ReadFull(r, msg); err != nil {
		if err == io.EOF {
			// The prefix promised n bytes: the stream ended inside a
			// message, which is not the clean end io.EOF means.
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("read %d-byte message: %w", n, err)
	}
	return msg, nil
}

// ExplainFramed labels one framed message at the start of b: its length
// prefix and its body. It returns nil if b does not hold a whole message.
func ExplainFramed(b []byte) []osi.Annotation {
	if len(b) < LengthPrefixSize {
		return nil
	}
	n := int(binary.BigEndian.Uint16(b))
	if len(b) < LengthPrefixSize+n {
		return nil
	}
	return []osi.Annotation{
		{Start: 0, End: 2, Field: "length", Value: strconv.Itoa(n),
			Meaning: "our protocol's own boundary marker: the next " + strconv.Itoa(n) + " bytes are one message", Layer: osi.Application},
		{Start: 2, End: 2 + n, Field: "message", Value: strconv.Quote(string(b[2 : 2+n])), Layer: osi.Application},
	}
}
