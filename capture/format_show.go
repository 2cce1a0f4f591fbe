// Show: read a capture and print it, packet by packet or as streams,
// a followed stream, or statistics, for people or as JSON lines.

package capture

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Options choose what Show prints.
type Options struct {
	Verbose bool // every layer of every packet, field by field (-v)
	Hex     bool // an annotated hex dump of every packet (--hex)
	Streams bool // the TCP conversations (--streams)
	Follow  int  // reassemble and decode this TCP stream (--follow N); -1: none
	Stats   bool // protocol hierarchy and counts per OSI layer (--stats)
	JSON    bool // one JSON object per line instead of text (--json)

	Reassembly ReassemblyLimits // bounds for --follow; zero: the defaults
}

// renderer writes what Show found, as text or JSON lines.
type renderer interface {
	header(r *Reader)
	iface(id int, ifc Interface)
	packet(s *summarizer, f *Frame, o *Options)
	streams(cs []*Conversation)
	follow(res *FollowResult)
	stats(st *stats)
	failure(err error)
}

// Show reads a capture from in and writes to out what opts asks for. The
// packets before a broken record are printed; the error, a *ReadError
// naming the byte offset and the packet, is returned after them (and, with
// JSON, written as a last line). With Follow set to a stream the capture
// does not hold, the error wraps ErrUnknownStream and lists the streams.
func Show(in io.Reader, out io.Writer, opts Options) error {
	bw := bufio.NewWriterSize(out, 64<<10)
	var rd renderer = &textRenderer{w: bw}
	if opts.JSON {
		rd = newJSONRenderer(bw)
	}
	err := show(in, rd, &opts)
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	return err
}

func show(in io.Reader, rd renderer, opts *Options) error {
	r, err := NewReader(in)
	if err != nil {
		rd.failure(err)
		return err
	}
	rd.header(r)
	listing := opts.Verbose || opts.Hex || !(opts.Streams || opts.Follow >= 0 || opts.Stats)
	s := newSummarizer()
	var st *stats
	if opts.Stats {
		st = &stats{}
	}
	var fw *follower
	if opts.Follow >= 0 {
		fw = newFollower(opts.Follow, opts.Reassembly)
	}
	ifaces := 0
	var f Frame
	var readErr error
	for {
		if err := r.Next(&f); err != nil {
			if !errors.Is(err, io.EOF) {
				readErr = err
			}
			break
		}
		for ; ifaces < len(r.Interfaces()); ifaces++ {
			rd.iface(ifaces, r.Interfaces()[ifaces])
		}
		s.packet(&f, listing)
		if listing {
			rd.packet(s, &f, opts)
		}
		if st != nil {
			st.add(&s.v, &f)
		}
		if fw != nil {
			fw.add(s, &f)
		}
	}
	for ; ifaces < len(r.Interfaces()); ifaces++ {
		rd.iface(ifaces, r.Interfaces()[ifaces])
	}
	if opts.Streams {
		rd.streams(s.convs.all)
	}
	var followErr error
	if fw != nil {
		if fw.conv == nil {
			followErr = unknownStream(opts.Follow, s.convs.all)
		} else {
			rd.follow(fw.finish())
		}
	}
	if st != nil {
		rd.stats(st)
	}
	if readErr != nil {
		rd.failure(readErr)
		return readErr
	}
	return followErr
}

// unknownStream is the error for --follow N when there is no stream N: it
// lists the streams there are.
func unknownStream(n int, cs []*Conversation) error {
	if len(cs) == 0 {
		return fmt.Errorf("%w: %d; the capture holds no TCP stream", ErrUnknownStream, n)
	}
	var b strings.Builder
	for i, c := range cs {
		if i == 20 {
			fmt.Fprintf(&b, "; … %d more (netlab pcap --streams lists them all)", len(cs)-i)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		fmt.Fprintf(&b, "%d: %s → %s", c.Index, c.A, c.B)
	}
	return fmt.Errorf("%w: %d; the capture's TCP streams are %s", ErrUnknownStream, n, b.String())
}
