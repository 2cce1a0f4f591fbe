// Lesson "ip-fragments": one IPv4 datagram cut for a small MTU and put back
// together (RFC 791, section 3.2), and a hostile overlap refused.

package lessons

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"
	"time"

	"netlab/osi"
	"netlab/packets"
	"netlab/trace"
)

func ipFragmentsLesson() Lesson {
	return Lesson{
		Name:     "ip-fragments",
		Title:    "IP fragments: a datagram cut for a small link, and put back together",
		Layers:   osi.Of(osi.Network),
		Question: "What happens to a datagram larger than a link's MTU, and how does the receiver put the fragments back together?",
		Run:      runIPFragments,
	}
}

// The lesson's datagram: 1,400 bytes of message in UDP in IPv4, for a link
// whose MTU is 576 bytes. The addresses are from the documentation ranges
// (RFC 5737): these packets are built, never sent.
const (
	fragMTU     = 576
	fragMessage = 1400
)

var (
	fragSrc = netip.MustParseAddr("192.0.2.1")
	fragDst = netip.MustParseAddr("198.51.100.7")
)

func runIPFragments(ctx context.Context, env *Env) error {
	var idBytes [2]byte
	if _, err := io.ReadFull(env.NewRand(), idBytes[:]); err != nil {
		return err
	}
	id := binary.BigEndian.Uint16(idBytes[:])
	clock := &lessonClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}

	// Step 1: the datagram.
	if err := env.Step(ctx, "A datagram larger than the next link"); err != nil {
		return err
	}
	msg := bytes.Repeat([]byte("One datagram, cut in pieces. "), fragMessage/29+1)[:fragMessage]
	build := func(id uint16, df bool) ([]byte, error) {
		return packets.UDPDatagram{Src: fragSrc, Dst: fragDst, SrcPort: 40000, DstPort: 5000, ID: id,
			DontFragment: df, Payload: msg}.Marshal()
	}
	datagram, err := build(id, false)
	if err != nil {
		return err
	}
	env.SayAt(osi.Network, "A host sends a %d-byte message over UDP. UDP adds 8 bytes of header and IPv4 20: one "+
		"%d-byte IP datagram, which fits the sender's Ethernet link (MTU 1,500 bytes). Further along, a router must "+
		"forward it over a link whose MTU, the largest IP packet it carries, is %d bytes.",
		fragMessage, len(datagram), fragMTU)
	if err := showIPv4(env, "sender", "IPv4/UDP datagram", datagram, nil); err != nil {
		return err
	}
	env.Say("These are real IPv4 packets, byte for byte what a kernel hands to a network card: built by gopacket, " +
		"with both checksums computed. This lesson builds them in memory and does not send them. netlab sends only " +
		"on loopback, where the MTU is 65,536 bytes: the kernel would never cut this datagram there. Their addresses " +
		"come from the ranges reserved for documentation (RFC 5737). `netlab run ip-fragments --pcap f.pcap` writes " +
		"them to a capture file that Wireshark opens (once your netlab has the capture writer).")

	// Step 2: the router cuts it.
	if err := env.Step(ctx, fmt.Sprintf("A router cuts it for a %d-byte MTU", fragMTU)); err != nil {
		return err
	}
	frags, err := packets.Fragment(datagram, fragMTU)
	if err != nil {
		return err
	}
	var rows [][]string
	for i, f := range frags {
		h := ipv4Of(f)
		if err := showIPv4(env, "network", fmt.Sprintf("fragment %d of %d", i+1, len(frags)), f, datagram); err != nil {
			return err
		}
		rows = append(rows, []string{fmt.Sprint(i + 1), fmt.Sprint(len(f)), fmt.Sprintf("%d–%d", h.offset, h.offset+h.dataLen-1),
			fmt.Sprintf("%d (×8 = %d)", h.offset/8, h.offset), mfText(h.mf), fmt.Sprintf("0x%04x", h.id)})
	}
	env.Table(fmt.Sprintf("The %d fragments", len(frags)),
		[]string{"fragment", "total length", "data bytes", "fragment offset", "MF", "identification"}, rows)
	first := ipv4Of(frags[0])
	env.SayAt(osi.Network, "Each fragment is an IPv4 packet with a copy of the header. A fragment may be %d bytes; "+
		"after its 20-byte header, %d bytes of data would fit, but RFC 791 cuts data on 8-byte boundaries, so each "+
		"fragment but the last carries %d. The fragment offset counts 8-byte units: %d means byte %d of the "+
		"datagram's data. More Fragments (MF) is set on all but the last, which may carry any number of bytes. "+
		"Identification, source, destination and protocol stay the same: they are how the receiver knows the "+
		"pieces belong together. Total length, flags, offset and the header checksum are each fragment's own.",
		fragMTU, fragMTU-20, first.dataLen, ipv4Of(frags[1]).offset/8, ipv4Of(frags[1]).offset)
	env.SayAt(osi.Transport, "The UDP header (ports, length, checksum) is only in the first fragment. A router "+
		"or firewall that sees a later fragment sees no ports, and UDP's checksum, which covers all %d bytes, can "+
		"be checked only after reassembly.", len(msg)+8)
	dfDatagram, err := build(id, true)
	if err != nil {
		return err
	}
	if _, err := packets.Fragment(dfDatagram, fragMTU); !errors.Is(err, packets.ErrDontFragment) {
		return fmt.Errorf("fragmenting a datagram with DF set: %v, want ErrDontFragment", err)
	}
	env.SayAt(osi.Network, "Had the sender set Don't Fragment (DF), the router would have refused: it drops the "+
		"datagram and answers with ICMP \"fragmentation needed\" (type 3, code 4), naming the MTU. Path MTU "+
		"discovery (RFC 1191) uses that answer to send smaller packets, which is why TCP, which sets DF on Linux, "+
		"is seldom fragmented.")

	// Step 3: reassembly, twice.
	if err := env.Step(ctx, "The receiver puts them back together, in any order"); err != nil {
		return err
	}
	if err := reassembleBoth(env, clock, datagram, frags); err != nil {
		return err
	}

	// Step 4: hostile fragments.
	if err := env.Step(ctx, "Hostile fragments: an overlap, a teardrop, a ping of death"); err != nil {
		return err
	}
	if err := hostile(env, clock, id+1, build); err != nil {
		return err
	}

	env.Answer("A router cuts a datagram larger than the next link's MTU into fragments, each a full IPv4 "+
		"packet: here %d bytes became %d fragments of at most %d, their data cut on 8-byte boundaries. Each "+
		"carries the datagram's identification, its data's place (fragment offset, in 8-byte units) and a "+
		"More Fragments flag, clear on the last. The receiver gathers the fragments that share source, "+
		"destination, protocol and identification, in any order, and rebuilds the datagram once the last "+
		"has fixed its length and no byte is missing: netlab and gopacket's ip4defrag gave back the very bytes "+
		"sent. Fragments that overlap make the datagram ambiguous, so netlab drops it whole, as IPv6 requires "+
		"and Linux does; a datagram still incomplete %s after its first fragment is dropped too.",
		len(datagram), len(frags), fragMTU, seconds(packets.DefaultReassemblyTimeout))
	return nil
}

// lessonClock is a clock the lesson moves by hand: nobody waits 30 s.
type lessonClock struct{ t time.Time }

func (c *lessonClock) Now() time.Time { return c.t }

// ipv4Fields is what the lesson reads from a packet's header.
type ipv4Fields struct {
	id              uint16
	offset, dataLen int
	mf              bool
}

func ipv4Of(p []byte) ipv4Fields {
	ihl := int(p[0]&0x0f) * 4
	w := binary.BigEndian.Uint16(p[6:])
	return ipv4Fields{id: binary.BigEndian.Uint16(p[4:]), offset: int(w&0x1fff) * 8,
		dataLen: int(binary.BigEndian.Uint16(p[2:])) - ihl, mf: w&0x2000 != 0}
}

func mfText(mf bool) string {
	if mf {
		return "1: more follow"
	}
	return "0: last"
}

// showIPv4 records a packet the lesson built, labelled field by field.
// With a reference packet, only the fields whose value or meaning differ
// from the reference's are labelled.
func showIPv4(env *Env, where, what string, p, ref []byte) error {
	fields, err := packets.ExplainIPv4(p)
	if err != nil {
		return err
	}
	note := ""
	if ref != nil {
		refFields, err := packets.ExplainIPv4(ref)
		if err != nil {
			return err
		}
		fields = slices.DeleteFunc(fields, func(f osi.Annotation) bool { return slices.Contains(refFields, f) })
		note = "; only the fields that differ from the datagram's are labelled"
	}
	h := ipv4Of(p)
	text := fmt.Sprintf("%s: %d bytes, %s → %s, id 0x%04x", what, len(p), fragSrc, fragDst, h.id)
	if h.offset != 0 || h.mf {
		text += fmt.Sprintf(", data bytes %d–%d", h.offset, h.offset+h.dataLen-1)
	}
	env.Packet(trace.Event{Name: where, Proto: "ipv4", Text: text + " (built in memory, not sent" + note + ")", Data: p, Fields: fields})
	return nil
}

// reassembleBoth gives the fragments, last first, to netlab's reassembler
// and to gopacket's ip4defrag, and shows that both rebuild the datagram.
func reassembleBoth(env *Env, clock *lessonClock, datagram []byte, frags [][]byte) error {
	ours := packets.NewIPv4Reassembler(packets.IPv4ReassemblerOptions{Now: clock.Now})
	theirs := packets.NewGopacketReassembler(clock.Now)
	order := []int{len(frags) - 1}
	for i := range len(frags) - 1 {
		order = append(order, i)
	}
	var rows [][]string
	var oursOut, theirsOut []byte
	for _, k := range order {
		o, err := ours.Add(frags[k])
		if err != nil {
			return fmt.Errorf("netlab's reassembler refused fragment %d: %w", k+1, err)
		}
		g, err := theirs.Add(frags[k])
		if err != nil {
			return fmt.Errorf("ip4defrag refused fragment %d: %w", k+1, err)
		}
		oursOut, theirsOut = o, g
		rows = append(rows, []string{fmt.Sprint(k + 1), verdict(ours, binary.BigEndian.Uint16(datagram[4:]), o, nil),
			gopacketVerdict(g, nil, false)})
	}
	env.Table("The fragments arrive last first", []string{"fragment", "netlab's reassembler", "gopacket's ip4defrag"}, rows)
	if !bytes.Equal(oursOut, datagram) || !bytes.Equal(theirsOut, datagram) {
		return fmt.Errorf("reassembled datagrams differ from the one sent (netlab %d bytes, gopacket %d)", len(oursOut), len(theirsOut))
	}
	env.SayAt(osi.Network, "The receiver files each fragment under (source, destination, protocol, "+
		"identification) and places its data at offset × 8. Until the last fragment arrives it cannot know the "+
		"datagram's length; once it has, it waits for the holes before it to fill (RFC 815 keeps a list of these "+
		"holes). The header is the first fragment's, with MF cleared, offset 0, total length %d and a new checksum.",
		len(datagram))
	env.Table("Reassembled", []string{"by", "bytes", "same as the datagram sent"}, [][]string{
		{"netlab's reassembler", fmt.Sprint(len(oursOut)), "yes, byte for byte"},
		{"gopacket's ip4defrag", fmt.Sprint(len(theirsOut)), "yes, byte for byte"},
	})
	env.Say("The reassembled datagram goes up to UDP inside the receiver; it never crosses a wire, so no packet is " +
		"shown for it. Had one fragment been lost, none of the datagram would arrive: IP does not retransmit.")
	return nil
}

// hostile forges fragments against both reassemblers, states the policy,
// and lets what stays incomplete expire.
func hostile(env *Env, clock *lessonClock, id uint16, build func(uint16, bool) ([]byte, error)) error {
	ours := packets.NewIPv4Reassembler(packets.IPv4ReassemblerOptions{Now: clock.Now})
	theirs := packets.NewGopacketReassembler(clock.Now)
	datagram, err := build(id, false)
	if err != nil {
		return err
	}
	frags, err := packets.Fragment(datagram, fragMTU)
	if err != nil {
		return err
	}
	forged, err := packets.ForgeFragment(frags[0], 8, true, []byte("Forged!!"))
	if err != nil {
		return err
	}
	env.SayAt(osi.Network, "The same datagram again (identification 0x%04x). After its first fragment, an attacker "+
		"sends a forged one claiming data bytes 8–15, where the message begins: \"One data\" becomes \"Forged!!\".", id)
	arrivals := []struct {
		name string
		p    []byte
	}{{"fragment 1 of 3", frags[0]}, {"forged fragment", forged}, {"fragment 2 of 3", frags[1]}, {"fragment 3 of 3", frags[2]}}
	var rows [][]string
	var theirsOut []byte
	for i, a := range arrivals {
		if err := showIPv4(env, "network", a.name, a.p, datagram); err != nil {
			return err
		}
		o, oErr := ours.Add(a.p)
		g, gErr := theirs.Add(a.p)
		if o != nil {
			return fmt.Errorf("netlab's reassembler completed a datagram with a forged fragment")
		}
		theirsOut = cmpOr(g, theirsOut)
		rows = append(rows, []string{a.name, verdict(ours, id, o, oErr), gopacketVerdict(g, gErr, i == 1)})
	}
	if !bytes.Equal(theirsOut, datagram) {
		return fmt.Errorf("ip4defrag's datagram differs from the one sent")
	}
	env.Table("An overlap whose bytes differ", []string{"arrives", "netlab's reassembler", "gopacket's ip4defrag"}, rows)
	env.SayAt(osi.Network, "netlab's rule: a fragment that repeats held data byte for byte is a duplicate (networks "+
		"do deliver packets twice) and is ignored; any other overlap drops the whole datagram, with every fragment "+
		"held for it. RFC 791 (1981) let a receiver overwrite with the latest copy, but systems differ in which copy "+
		"wins, so overlapping fragments let an attacker show a firewall or an intrusion detector one datagram and "+
		"the host behind it another (RFC 1858, RFC 8900). IPv6 forbids them: \"the entire datagram (and any "+
		"constituent fragments) MUST be silently discarded\" (RFC 5722). Linux has done the same for IPv4 since "+
		"version 4.19 (2018).")
	env.SayAt(osi.Network, "gopacket's ip4defrag, like Linux, drops overlaps that reach past the data it holds, but "+
		"it keeps the first copy of a fragment lying inside that data without comparing the two. It delivered the "+
		"honest \"One data\" because the honest copy came first; had the forgery come first, it would have "+
		"delivered \"Forged!!\". netlab delivered nothing, which is what dropping means.")

	// Two older attacks, each after the first fragment of a new datagram.
	rows = nil
	for i, a := range []struct {
		name, what string
		offset     int
		mf         bool
		data       []byte
	}{
		{"teardrop", "a last fragment, data bytes 544–547, inside the first", 544, false, []byte("tear")},
		{"ping of death", "100 bytes at offset 8189 (×8 = 65,512)", 65512, false, bytes.Repeat([]byte{'P'}, 100)},
	} {
		d, err := build(id+1+uint16(i), false)
		if err != nil {
			return err
		}
		first, err := packets.Fragment(d, fragMTU)
		if err != nil {
			return err
		}
		evil, err := packets.ForgeFragment(first[0], a.offset, a.mf, a.data)
		if err != nil {
			return err
		}
		if err := showIPv4(env, "network", "forged fragment ("+a.name+")", evil, d); err != nil {
			return err
		}
		for _, add := range []func([]byte) ([]byte, error){ours.Add, theirs.Add} {
			if _, err := add(first[0]); err != nil {
				return fmt.Errorf("%s: the first fragment was refused: %w", a.name, err)
			}
		}
		o, oErr := ours.Add(evil)
		g, gErr := theirs.Add(evil)
		rows = append(rows, []string{a.name, a.what, verdict(ours, id+1+uint16(i), o, oErr), gopacketVerdict(g, gErr, true)})
	}
	env.Table("Two older attacks, each after a first fragment", []string{"attack", "forged fragment", "netlab", "ip4defrag"}, rows)
	env.SayAt(osi.Network, "Teardrop (1997) sent a fragment lying inside an earlier one: kernels of the time "+
		"computed a negative length for the part left to copy, and crashed. The ping of death (1996) sent the "+
		"fragments of a ping whose data ended past 65,535 bytes, overflowing the buffer it was rebuilt in. netlab "+
		"drops both datagrams; ip4defrag ignores the teardrop fragment as a copy of data it holds.")

	// What is left expires.
	clock.t = clock.t.Add(packets.DefaultReassemblyTimeout)
	expired := ours.Expire()
	var lines []string
	for _, e := range expired {
		lines = append(lines, fmt.Sprintf("datagram 0x%04x, %d fragments, missing data bytes %s",
			e.Key.ID, e.Fragments, holesText(e.Holes)))
	}
	env.SayAt(osi.Network, "A receiver cannot wait forever, nor keep everything. netlab forgets an incomplete "+
		"datagram %s after its first fragment (Linux's default; RFC 791 suggested 15 seconds) and holds at most "+
		"%d MiB of them (Linux's default too), refusing new fragments beyond that. On a clock the lesson moves by "+
		"hand, %s later, what netlab still held expired: %s.", seconds(packets.DefaultReassemblyTimeout),
		packets.DefaultReassemblyMemory>>20, seconds(packets.DefaultReassemblyTimeout), strings.Join(lines, "; "))
	return nil
}

// verdict says what netlab's reassembler did with a fragment.
func verdict(r *packets.IPv4Reassembler, id uint16, out []byte, err error) string {
	var fe *packets.FragmentError
	switch {
	case errors.As(err, &fe) && fe.Dropped:
		return "dropped the datagram: " + dropReason(fe.Err)
	case err != nil:
		return "refused: " + err.Error()
	case out != nil:
		return fmt.Sprintf("complete: %d bytes", len(out))
	}
	for _, p := range r.Pending() {
		if p.Key.ID == id {
			return "held; missing data bytes " + holesText(p.Holes)
		}
	}
	return "ignored"
}

func dropReason(err error) string {
	switch {
	case errors.Is(err, packets.ErrFragmentConflict):
		return "other bytes than those held"
	case errors.Is(err, packets.ErrFragmentOverlap):
		return "overlaps held data"
	case errors.Is(err, packets.ErrFragmentEnd):
		return "its end contradicts held data"
	case errors.Is(err, packets.ErrDatagramTooBig):
		return "past 65,535 bytes"
	}
	return err.Error()
}

// gopacketVerdict says what ip4defrag did with a fragment.
func gopacketVerdict(out []byte, err error, forged bool) string {
	switch {
	case err != nil:
		msg := err.Error()
		if i := strings.LastIndex(msg, "defrag: "); i >= 0 {
			msg = msg[i+len("defrag: "):]
		}
		return "dropped the datagram: " + msg
	case out != nil:
		return fmt.Sprintf("complete: %d bytes", len(out))
	case forged:
		return "ignored as a copy of held data"
	}
	return "held"
}

func holesText(holes []packets.FragmentHole) string {
	var s []string
	for _, h := range holes {
		s = append(s, h.String())
	}
	return strings.Join(s, ", ")
}

func seconds(d time.Duration) string { return fmt.Sprintf("%d seconds", int(d.Seconds())) }

func cmpOr(a, b []byte) []byte {
	if a != nil {
		return a
	}
	return b
}
