// Lesson "capture": a lesson's own traffic written as a capture file and
// read back layer by layer.

package lessons

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"netlab/capture"
	"netlab/httpdemo"
	"netlab/osi"
	"netlab/trace"
	"netlab/wsframe"
)

func captureLesson() Lesson {
	return Lesson{
		Name:     "capture",
		Title:    "A packet capture, layer by layer",
		Layers:   osi.Of(osi.DataLink, osi.Network, osi.Transport, osi.Application),
		Question: "What does a conversation look like as a packet capture, and which bytes belong to which OSI layer?",
		Run:      runCapture,
	}
}

// captureFile is where the lesson leaves its capture for Wireshark.
func captureFile() string { return filepath.Join(os.TempDir(), "netlab-capture.pcapng") }

func runCapture(ctx context.Context, env *Env) error {
	if err := env.Step(ctx, "Some real traffic: an HTTP request and a WebSocket message"); err != nil {
		return err
	}
	ln, err := startEcho(ctx, env)
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	c, err := env.Dial(ctx, "client", addr)
	if err != nil {
		return err
	}
	// A plain GET first: the echo server refuses it (no Upgrade), which
	// makes an HTTP request and response for the capture.
	req := httpdemo.AppendRequest(nil, http.MethodGet, "/", httpdemo.Fields{{Name: "Host", Value: addr}}, nil)
	if _, err := c.Write(req); err != nil {
		return err
	}
	if _, err := io.ReadAll(c); err != nil {
		return err
	}
	ws, err := env.Dial(ctx, "ws client", addr)
	if err != nil {
		return err
	}
	wc, _, err := wsframe.Client(ctx, ws, "ws://"+addr+"/", env.wsDial())
	if err != nil {
		return err
	}
	if err := echo(ctx, wc, wsframe.TextMessage, []byte("hello, capture")); err != nil {
		return err
	}
	if err := wc.Close(wsframe.CloseNormal, ""); err != nil {
		return err
	}
	env.Say("Two connections crossed loopback: an HTTP request that the WebSocket server refused (it asks for an " +
		"upgrade), and a WebSocket connection that carried one message each way. The trace holds every byte each " +
		"socket wrote and read, and when.")

	if err := env.Step(ctx, "The trace becomes a capture file"); err != nil {
		return err
	}
	pkts, err := capture.Synthesize(env.Events(), capture.SynthOptions{})
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := capture.WritePcapng(&buf, pkts); err != nil {
		return err
	}
	file := captureFile()
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("write %s: %w", file, err)
	}
	env.SayAt(osi.DataLink, "%d packets, written to %s. The bytes each socket carried and their times are the "+
		"trace's own; what the kernel added around them on loopback is not in the trace, so netlab synthesizes it as "+
		"it would look on an Ethernet link: Ethernet headers (made-up local MAC addresses), IPv4 headers with the "+
		"real addresses, TCP headers with the real ports, sequence and acknowledgement numbers, the three-way "+
		"handshake, acknowledgements, FINs, and valid checksums. Segments are cut at Ethernet's MSS of 1460 bytes.",
		len(pkts), file)

	if err := env.Step(ctx, "Read back, one line per packet"); err != nil {
		return err
	}
	frames, err := readFrames(buf.Bytes())
	if err != nil {
		return err
	}
	d := capture.NewDissector()
	var rows [][]string
	var httpReq, wsFrame int // the packets to open up in the next steps
	views := make([][]capture.LayerView, len(frames))
	for i := range frames {
		summary, layers := d.Dissect(&frames[i])
		views[i] = layers
		rows = append(rows, []string{summaryColumns(summary)})
		switch {
		case httpReq == 0 && strings.Contains(summary, "GET / HTTP/1.1"):
			httpReq = i + 1
		case wsFrame == 0 && strings.Contains(summary, "WebSocket") && strings.Contains(summary, "MASKED"):
			wsFrame = i + 1
		}
	}
	env.Table("The capture as netlab pcap lists it (No., time, source → destination, protocol, length, info)",
		[]string{"packet"}, rows)
	env.Say("The lines read like Wireshark's: each TCP connection opens with SYN, SYN-ACK, ACK, and sequence numbers " +
		"are relative to its first. Protocols above TCP are named by what the bytes hold, not by the port.")

	for _, pick := range []struct {
		n     int
		title string
		say   string
	}{
		{httpReq, "One packet, layer by layer: the HTTP request",
			"Read it from the outside in: an Ethernet frame (layer 2) holds an IPv4 packet (layer 3), which holds a " +
				"TCP segment (layer 4), whose payload is the HTTP request (layer 7). Each layer's header says what comes " +
				"next: EtherType 0x0800 means IPv4, protocol 6 means TCP; nothing says HTTP (the port is not 80), so " +
				"Wireshark and netlab recognise it by its bytes."},
		{wsFrame, "A WebSocket frame in the capture",
			"The same wrapping around a WebSocket frame. The reader unmasks the client's payload with the masking key " +
				"that travels in the frame, as Wireshark does."},
	} {
		if pick.n == 0 {
			return errors.New("the capture lacks a packet the lesson shows")
		}
		if err := env.Step(ctx, pick.title); err != nil {
			return err
		}
		f := frames[pick.n-1]
		var fields []osi.Annotation
		for _, lv := range views[pick.n-1] {
			fields = append(fields, lv.Fields...)
		}
		env.Packet(trace.Event{Name: fmt.Sprintf("packet %d", pick.n), Proto: "ethernet", Data: f.Data, Fields: fields,
			Text: fmt.Sprintf("(%d bytes: %s)", len(f.Data), layerList(views[pick.n-1]))})
		env.Say("%s", pick.say)
	}

	if err := env.Step(ctx, "Open it in Wireshark"); err != nil {
		return err
	}
	env.Table("Commands", []string{"to", "run"}, [][]string{
		{"see it in Wireshark", "wireshark " + file},
		{"list it with tshark", "tshark -r " + file},
		{"read it with netlab", "netlab pcap " + file + " -v"},
		{"follow the WebSocket connection", "netlab pcap " + file + " --follow 1"},
		{"capture any lesson this way", "netlab run http --pcapng http.pcapng"},
	})

	env.Answer("A capture is a list of link-layer frames with their times. Each frame nests the layers: Ethernet "+
		"(layer 2: MAC addresses, EtherType) around IPv4 (layer 3: addresses, length, TTL, checksum) around TCP "+
		"(layer 4: ports, sequence and acknowledgement numbers, flags, window) around the application's bytes "+
		"(layer 7: here HTTP and WebSocket). This capture, %s, holds the lesson's real bytes and times, with the "+
		"headers below them synthesized; Wireshark and netlab pcap read it like any other.", file)
	return nil
}

// readFrames reads every frame of a capture held in memory.
func readFrames(b []byte) ([]capture.Frame, error) {
	rd, err := capture.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	var out []capture.Frame
	for {
		var f capture.Frame
		err := rd.Next(&f)
		if errors.Is(err, io.EOF) {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		f.Data = append([]byte(nil), f.Data...) // valid only until the next call otherwise
		out = append(out, f)
	}
}

// summaryColumns squeezes the runs of spaces in a summary line.
func summaryColumns(s string) string { return strings.Join(strings.Fields(s), " ") }

// layerList names a packet's layers: "Ethernet, IPv4, TCP, HTTP".
func layerList(views []capture.LayerView) string {
	var names []string
	for _, v := range views {
		names = append(names, fmt.Sprintf("L%d %s", int(v.Layer), v.Title))
	}
	return strings.Join(names, " · ")
}
