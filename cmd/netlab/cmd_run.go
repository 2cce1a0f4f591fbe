// netlab run: one lesson, narrated on the terminal or as JSON lines.

package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"netlab/capture"
	"netlab/lessons"
	"netlab/narrate"
	"netlab/tcpsock"
	"netlab/trace"
)

func runCommand(getenv func(string) string) *cli.Command {
	return &cli.Command{
		Name:      "run",
		Usage:     "run a lesson: real sockets on loopback, every step explained",
		UsageText: "netlab run <lesson> [--step] [--json] [--host 127.0.0.1|::1] [--port N] [--seed N]\n\nexample: netlab run sockets --step",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "step", Usage: "pause before each step until Enter is pressed (for a teacher)"},
			&cli.BoolFlag{Name: "json", Usage: "write the trace and narration as JSON lines on stdout, nothing else"},
			&cli.StringFlag{Name: "host", Value: "127.0.0.1", Usage: "loopback address for the lesson's sockets: 127.0.0.1 or ::1"},
			&cli.IntFlag{Name: "port", Value: 0, Usage: "port for the lesson's server (0: the kernel picks); fix it to filter a capture on it"},
			&cli.StringFlag{Name: "pcap", Usage: "also write the lesson's traffic to this pcap file, for Wireshark (TCP/IP headers synthesized around the recorded bytes)"},
			&cli.StringFlag{Name: "pcapng", Usage: "the same, as a pcapng file"},
			&cli.Uint64Flag{Name: "seed", Value: 0, Usage: "seed for the lesson's random bytes (WebSocket keys, masks); the same seed repeats them (0: a new one)"},
		},
		Action: func(c *cli.Context) error {
			if c.Args().Len() != 1 {
				return usagef("run wants one lesson name, got %d arguments\n%s", c.Args().Len(), lessonList())
			}
			name := c.Args().First()
			lesson, ok := lessons.Find(name)
			if !ok {
				hint := ""
				if near := lessons.Nearest(name); near != "" {
					hint = fmt.Sprintf("; did you mean %q?", near)
				}
				return usagef("no lesson named %q%s\n%s", name, hint, lessonList())
			}
			if p := c.Int("port"); p < 0 || p > 65535 {
				return usagef("--port %d: want a port from 0 to 65535", p)
			}
			if err := tcpsock.CheckLoopback(net.JoinHostPort(c.String("host"), "0")); err != nil {
				return usagef("--host %s: %v", c.String("host"), err)
			}
			opts := lessons.RunOptions{Host: c.String("host"), Port: c.Int("port"), Seed: c.Uint64("seed")}
			var check func() error
			if c.Bool("json") {
				sink := trace.NewJSONSink(c.App.Writer)
				opts.Sinks, check = []trace.Sink{sink}, sink.Err
			} else {
				n := narrate.New(c.App.Writer, narrate.Options{Color: colorWanted(c.App.Writer, getenv)})
				opts.Sinks, check = []trace.Sink{n}, n.Err
			}
			var keep []trace.Event
			if c.String("pcap") != "" || c.String("pcapng") != "" {
				opts.Sinks = append(opts.Sinks, trace.SinkFunc(func(e trace.Event) { keep = append(keep, e) }))
			}
			if c.Bool("step") {
				p := newEnterPacer(c.App.Reader, c.App.ErrWriter)
				defer p.stop()
				opts.Pacer = p
			}
			if err := lessons.Run(c.Context, lesson, opts); err != nil {
				return err
			}
			if err := check(); err != nil {
				return err
			}
			return writeCaptures(keep, c.String("pcap"), c.String("pcapng"), c.App.ErrWriter)
		},
	}
}

// lessonList is the list printed after a wrong lesson name.
func lessonList() string {
	var b strings.Builder
	b.WriteString("lessons:")
	for _, l := range lessons.All() {
		fmt.Fprintf(&b, "\n  %-14s %s", l.Name, l.Title)
	}
	return b.String()
}

// writeCaptures writes the trace as pcap and pcapng files, where asked.
func writeCaptures(events []trace.Event, pcapFile, pcapngFile string, log io.Writer) error {
	if pcapFile == "" && pcapngFile == "" {
		return nil
	}
	pkts, err := capture.Synthesize(events, capture.SynthOptions{})
	if err != nil {
		return err
	}
	for _, out := range []struct {
		file  string
		write func(io.Writer, []capture.Packet) error
	}{{pcapFile, capture.WritePcap}, {pcapngFile, capture.WritePcapng}} {
		if out.file == "" {
			continue
		}
		f, err := os.Create(out.file)
		if err != nil {
			return fmt.Errorf("cannot write the capture: %w", err)
		}
		if err := errors.Join(out.write(f, pkts), f.Close()); err != nil {
			return fmt.Errorf("write %s: %w", out.file, err)
		}
		fmt.Fprintf(log, "wrote %d packets to %s: open it with `wireshark %s` or read it with `netlab pcap %s`\n", len(pkts), out.file, out.file, out.file)
	}
	return nil
}
