// Writing captures: pcap (the classic libpcap format) and pcapng.

package capture

import (
	"fmt"
	"io"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// SnapLen is the snapshot length netlab's captures declare: no packet is cut.
const SnapLen = 262144

// WritePcap writes packets as a pcap file with nanosecond timestamps.
// All packets must have the same link type (Synthesize's do).
func WritePcap(w io.Writer, pkts []Packet) error {
	link := LinkEthernet
	if len(pkts) > 0 {
		link = pkts[0].LinkType
	}
	pw := pcapgo.NewWriterNanos(w)
	if err := pw.WriteFileHeader(SnapLen, layers.LinkType(link)); err != nil {
		return fmt.Errorf("capture: pcap header: %w", err)
	}
	for i, p := range pkts {
		if p.LinkType != link {
			return fmt.Errorf("capture: packet %d has link type %d, the file %d: a pcap file holds one", i+1, p.LinkType, link)
		}
		ci := gopacket.CaptureInfo{Timestamp: p.Time, CaptureLength: len(p.Data), Length: len(p.Data)}
		if err := pw.WritePacket(ci, p.Data); err != nil {
			return fmt.Errorf("capture: packet %d: %w", i+1, err)
		}
	}
	return nil
}

// WritePcapng writes packets as a pcapng file: one section, one interface
// per link type, each described as synthesized by netlab.
func WritePcapng(w io.Writer, pkts []Packet) error {
	link := LinkEthernet
	if len(pkts) > 0 {
		link = pkts[0].LinkType
	}
	iface := func(l LinkType) pcapgo.NgInterface {
		return pcapgo.NgInterface{Name: "netlab", LinkType: layers.LinkType(l), SnapLength: SnapLen,
			Description: "packets synthesized by netlab around the bytes a lesson's sockets recorded on loopback"}
	}
	nw, err := pcapgo.NewNgWriterInterface(w, iface(link), pcapgo.NgWriterOptions{SectionInfo: pcapgo.NgSectionInfo{
		Application: "netlab",
		Comment:     "Ethernet, IP and TCP headers synthesized from a lesson's trace; payload bytes and times are the trace's own",
	}})
	if err != nil {
		return fmt.Errorf("capture: pcapng header: %w", err)
	}
	ids := map[LinkType]int{link: 0}
	for i, p := range pkts {
		id, ok := ids[p.LinkType]
		if !ok {
			if id, err = nw.AddInterface(iface(p.LinkType)); err != nil {
				return fmt.Errorf("capture: pcapng interface: %w", err)
			}
			ids[p.LinkType] = id
		}
		ci := gopacket.CaptureInfo{Timestamp: p.Time, CaptureLength: len(p.Data), Length: len(p.Data), InterfaceIndex: id}
		if err := nw.WritePacket(ci, p.Data); err != nil {
			return fmt.Errorf("capture: packet %d: %w", i+1, err)
		}
	}
	if err := nw.Flush(); err != nil {
		return fmt.Errorf("capture: pcapng flush: %w", err)
	}
	return nil
}
