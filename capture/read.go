// Reading captures: the file's magic number picks pcap or pcapng, and
// packets come out one at a time with their interface, link type and time.

package capture

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"
)

// Bounds on lengths read from a file. Nothing the file says sizes a buffer
// beyond these.
const (
	// MaxCapLen is the largest captured packet accepted: libpcap's
	// MAXIMUM_SNAPLEN, which is also Wireshark's limit for these link types.
	MaxCapLen = 262144
	// maxOrigLen bounds a packet's length on the wire: no link carries more.
	maxOrigLen = 256 << 20
	// maxBlock bounds a pcapng block, as Wireshark does (16 MiB): name
	// resolution blocks can be large, packet blocks are bounded by MaxCapLen.
	maxBlock = 16 << 20
	// bufSize is the read buffer: a packet that fits is handed out without
	// a copy.
	bufSize = 128 << 10
)

// A Frame is one packet as a capture file holds it. Data is valid until the
// next call to Next.
type Frame struct {
	Number    int       // from 1, in file order (Wireshark's frame number)
	Offset    int64     // byte offset of its record or block in the file
	Time      time.Time // when it was captured, if HasTime
	HasTime   bool      // false for pcapng simple packet blocks, which carry no time
	Interface int       // index into Reader.Interfaces
	LinkType  LinkType  // its interface's link type: how to read its first bytes
	Len       int       // its length on the wire; Data may hold fewer bytes
	Data      []byte    // the captured bytes
}

// An Interface is one capture interface: a pcap file has one, a pcapng
// file one per interface description block, numbered across sections in
// the order they appear (as Wireshark numbers them).
type Interface struct {
	Section  int // pcapng section, from 0
	LinkType LinkType
	SnapLen  uint32 // 0: no limit
	Name     string // pcapng if_name, if given

	unitsPerSec uint64 // timestamp resolution
	tsOffset    int64  // seconds added to every timestamp (if_tsoffset)
}

// Reader reads packets from a pcap or pcapng file. It is not safe for
// concurrent use.
type Reader struct {
	br     *bufio.Reader
	off    int64 // bytes consumed from the file
	format Format
	ifaces []Interface
	n      int    // packets handed out
	big    bool   // byte order of the current pcap file or pcapng section
	buf    []byte // packets and blocks larger than the read buffer
	err    error  // sticky: once a file is broken, it stays broken

	// pcap only
	snapLen  uint32
	fracUnit uint32 // 1e6 (microseconds) or 1e9 (nanoseconds)

	// pcapng only
	section  int   // current section, from 0
	sectIfc0 int   // index in ifaces of the current section's interface 0
	sections []int // byte offsets of each section header
}

// NewReader reads the file header and returns a reader for the packets.
// The format is chosen by the file's first four bytes (its magic number),
// never by its name.
func NewReader(r io.Reader) (*Reader, error) {
	rd := &Reader{br: bufio.NewReaderSize(r, bufSize)}
	magic, err := rd.peek(4)
	if err != nil {
		return nil, rd.fail(int64(len(magic)), 0, "", fmt.Errorf("%w: the file is %d bytes long, shorter than a magic number", ErrTruncated, len(magic)))
	}
	switch {
	case magic[0] == 0x1f && magic[1] == 0x8b:
		return nil, rd.fail(0, 0, "", ErrCompressed)
	case binary.BigEndian.Uint32(magic) == pcapngMagic:
		err = rd.readSectionHeader(0)
	default:
		err = rd.readPcapHeader()
	}
	if err != nil {
		return nil, err
	}
	return rd, nil
}

// Format describes the file: pcap or pcapng, byte order, time resolution.
func (r *Reader) Format() Format { return r.format }

// Interfaces returns the interfaces described so far.
func (r *Reader) Interfaces() []Interface { return r.ifaces }

// Offset is the number of bytes read from the file so far.
func (r *Reader) Offset() int64 { return r.off }

// Next reads the next packet into f. It returns io.EOF after the last
// packet, or a *ReadError naming the byte offset and the packet number.
// Once it has returned an error it returns the same error again.
func (r *Reader) Next(f *Frame) error {
	if r.err != nil {
		return r.err
	}
	var err error
	if r.format.Kind == PcapNG {
		err = r.nextBlock(f)
	} else {
		err = r.nextRecord(f)
	}
	if err != nil {
		r.err = err
		return err
	}
	r.n++
	f.Number = r.n
	return nil
}

// peek returns the next n bytes without consuming them. The slice is valid
// until the next read. At the end of the file it returns what there is and
// io.EOF or io.ErrUnexpectedEOF.
func (r *Reader) peek(n int) ([]byte, error) {
	b, err := r.br.Peek(n)
	if len(b) < n {
		if err == nil || errors.Is(err, io.EOF) {
			if len(b) == 0 {
				err = io.EOF
			} else {
				err = io.ErrUnexpectedEOF
			}
		}
		return b, err
	}
	return b, nil
}

// take consumes n bytes already peeked.
func (r *Reader) take(n int) {
	d, _ := r.br.Discard(n)
	r.off += int64(d)
}

// read consumes the next n bytes and returns them: a slice of the read
// buffer when they fit (valid until the next read), else r.buf grown as
// bytes arrive, so a length the file claims costs memory only once the
// bytes are there. On a short file it returns the bytes read and
// io.ErrUnexpectedEOF (io.EOF if there were none).
func (r *Reader) read(n int) ([]byte, error) {
	if n <= bufSize {
		b, err := r.peek(n)
		if err != nil {
			r.take(len(b))
			return b, err
		}
		r.take(n)
		return b, nil
	}
	r.buf = r.buf[:0]
	for len(r.buf) < n {
		chunk := min(n-len(r.buf), bufSize)
		b, err := r.peek(chunk)
		r.buf = append(r.buf, b...)
		r.take(len(b))
		if err != nil {
			if len(r.buf) > 0 {
				err = io.ErrUnexpectedEOF
			}
			return r.buf, err
		}
	}
	return r.buf, nil
}

// fail records a *ReadError for a problem at byte offset at.
func (r *Reader) fail(at, record int64, what string, err error) error {
	packet := r.n + 1
	if record == 0 { // the file header: pcap's, or pcapng's first section header
		packet = 0
	}
	return &ReadError{Offset: at, Packet: packet, Record: record, What: what, Err: err}
}

// truncated reports a file that ended after got of the need bytes of
// something starting at byte start.
func (r *Reader) truncated(start int64, got, need int, record int64, what, part string) error {
	return r.fail(start+int64(got), record, what, fmt.Errorf("%w: the file ends at byte %d, %d bytes into the %s at byte %d, which needs %d",
		ErrTruncated, start+int64(got), got, part, start, need))
}

// u16 and u32 read integers in the current byte order.
func (r *Reader) u16(b []byte) uint16 {
	if r.big {
		return binary.BigEndian.Uint16(b)
	}
	return binary.LittleEndian.Uint16(b)
}

func (r *Reader) u32(b []byte) uint32 {
	if r.big {
		return binary.BigEndian.Uint32(b)
	}
	return binary.LittleEndian.Uint32(b)
}
