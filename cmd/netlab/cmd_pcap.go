// netlab pcap: read a capture made by any tool (tcpdump, tshark,
// Wireshark, netlab itself) and take it apart layer by layer.

package main

import (
	"errors"
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"netlab/capture"
)

func pcapCommand() *cli.Command {
	return &cli.Command{
		Name:  "pcap",
		Usage: "read a pcap or pcapng capture: each packet's layers by OSI layer, TCP streams reassembled, HTTP and WebSocket decoded",
		UsageText: "netlab pcap FILE [-v] [--hex] [--streams] [--follow N] [--stats] [--json]\n\n" +
			"Shows what really crossed the wire, the way tcpdump and Wireshark do, with every field explained:\n" +
			"which bytes are Ethernet (L2), IP (L3), TCP or UDP (L4), and HTTP or WebSocket (L7).\n" +
			"The format (pcap or pcapng, either byte order, micro- or nanosecond times) is read from the\n" +
			"file's first four bytes, its magic number, never from its name. Streams are numbered from 0, as tshark's tcp.stream.\n\n" +
			"examples: netlab pcap lesson.pcap                 one line per packet\n" +
			"          netlab pcap lesson.pcap -v              every layer, field by field\n" +
			"          netlab pcap lesson.pcap --streams       the TCP connections\n" +
			"          netlab pcap lesson.pcap --follow 0      stream 0 put back in order, its HTTP and WebSocket messages decoded\n" +
			"          netlab pcap lesson.pcap --stats         protocol hierarchy (like tshark -q -z io,phs) and bytes per layer",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "v", Usage: "every layer of every packet, field by field, with its OSI layer"},
			&cli.BoolFlag{Name: "hex", Usage: "an annotated hex dump of every packet, cut at field boundaries"},
			&cli.BoolFlag{Name: "streams", Usage: "list the TCP conversations: endpoints, packets and bytes each way, duration"},
			&cli.IntFlag{Name: "follow", Usage: "reassemble TCP stream `N` (see --streams) and decode what it carries", DefaultText: "none"},
			&cli.BoolFlag{Name: "stats", Usage: "protocol hierarchy, and packets and bytes per OSI layer"},
			&cli.BoolFlag{Name: "json", Usage: "one JSON object per line (capture/JSON.md), nothing else on stdout"},
		},
		Action: func(c *cli.Context) error {
			if c.Args().Len() != 1 {
				return usagef("pcap wants one capture file, got %d arguments (example: netlab pcap lesson.pcap --streams)", c.Args().Len())
			}
			opts := capture.Options{Verbose: c.Bool("v"), Hex: c.Bool("hex"), Streams: c.Bool("streams"),
				Stats: c.Bool("stats"), JSON: c.Bool("json"), Follow: -1}
			if c.IsSet("follow") {
				if opts.Follow = c.Int("follow"); opts.Follow < 0 {
					return usagef("--follow %d: want a stream number from 0 (netlab pcap FILE --streams lists them)", opts.Follow)
				}
			}
			name := c.Args().First()
			f, err := os.Open(name)
			if err != nil {
				return fmt.Errorf("cannot open the capture: %w", err)
			}
			defer f.Close()
			err = capture.Show(f, c.App.Writer, opts)
			switch {
			case errors.Is(err, capture.ErrUnknownStream):
				return usagef("--follow: %v", err)
			case err != nil:
				return fmt.Errorf("%s: %w", name, err)
			}
			return nil
		},
	}
}
