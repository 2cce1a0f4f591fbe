// netlab compare: polling, long polling, SSE and WebSocket measured side by side.

package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"time"

	"github.com/urfave/cli/v2"

	"netlab/compare"
	"netlab/narrate"
)

// feedServerCommand is the hidden command that runs the feed server in a
// process of its own (compare runs netlab again with it).
const feedServerCommand = "internal-feed-server"

func compareCommand(getenv func(string) string) *cli.Command {
	return &cli.Command{
		Name:  "compare",
		Usage: "deliver one feed four ways (short polling, long polling, Server-Sent Events, WebSocket) and measure each on the wire",
		UsageText: "netlab compare [--clients 10] [--rate 1] [--poll-interval 1s] [--duration 10s] [--modes all] [--headers browser|minimal]\n" +
			"               [--json | --csv] [--svg chart.svg] [--kaazing]\n\n" +
			"example: netlab compare --clients 100 --duration 5s --svg chart.svg\n" +
			"         netlab compare --kaazing      (the 2010 Kaazing table, redone with measured numbers)",
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "clients", Value: 10, Usage: "how many clients (each its own connection or connections)"},
			&cli.Float64Flag{Name: "rate", Value: 1, Usage: "updates per second, published at random moments"},
			&cli.DurationFlag{Name: "poll-interval", Value: time.Second, Usage: "how often a short-polling client asks"},
			&cli.DurationFlag{Name: "duration", Value: 10 * time.Second, Usage: "how long the feed runs, for each mode"},
			&cli.StringFlag{Name: "modes", Value: "all", Usage: "comma-separated: short-poll, short-poll-new-conn, long-poll, sse, websocket"},
			&cli.StringFlag{Name: "headers", Value: "browser", Usage: "request headers the HTTP clients send: browser (Chromium 156's fetch) or minimal (Go's client)"},
			&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "seed of the feed's random timing"},
			&cli.BoolFlag{Name: "json", Usage: "one JSON object per mode"},
			&cli.BoolFlag{Name: "csv", Usage: "CSV, a row per mode"},
			&cli.StringFlag{Name: "svg", Usage: "also draw a chart to this SVG file"},
			&cli.BoolFlag{Name: "kaazing", Usage: "redo Kaazing's 2010 table: 1 update/s, polling every 1s, 1,000 clients measured, 10,000 and 100,000 calculated"},
		},
		Action: func(c *cli.Context) error {
			if c.Args().Len() > 0 {
				return usagef("compare takes no arguments, got %q", c.Args().First())
			}
			cfg, modes, err := compareConfig(c)
			if err != nil {
				return err
			}
			return runCompare(c.Context, c, cfg, modes, isTerminal(c.App.ErrWriter) && getenv("NO_COLOR") == "" || isTerminal(c.App.ErrWriter))
		},
	}
}

// compareConfig reads and checks the flags.
func compareConfig(c *cli.Context) (compare.Config, []compare.Mode, error) {
	cfg := compare.Config{Clients: c.Int("clients"), Rate: c.Float64("rate"), PollInterval: c.Duration("poll-interval"),
		Duration: c.Duration("duration"), Seed: c.Uint64("seed"), Server: feedServer}
	if c.Bool("kaazing") {
		if !c.IsSet("clients") {
			cfg.Clients = 1000
		}
		cfg.Rate, cfg.PollInterval = 1, time.Second
	}
	switch {
	case cfg.Clients < 1 || cfg.Clients > 20000:
		return cfg, nil, usagef("--clients %d: want 1 to 20000", cfg.Clients)
	case cfg.Rate <= 0 || cfg.Rate > 10000:
		return cfg, nil, usagef("--rate %g: want more than 0 and at most 10000 updates a second", cfg.Rate)
	case cfg.PollInterval < time.Millisecond:
		return cfg, nil, usagef("--poll-interval %v: want at least 1ms", cfg.PollInterval)
	case cfg.Duration < 100*time.Millisecond || cfg.Duration > time.Hour:
		return cfg, nil, usagef("--duration %v: want 100ms to 1h", cfg.Duration)
	case c.Bool("json") && c.Bool("csv"):
		return cfg, nil, usagef("--json and --csv: choose one")
	}
	style, err := compare.ParseHeaderStyle(c.String("headers"))
	if err != nil {
		return cfg, nil, usagef("--%v", err)
	}
	cfg.Headers = style
	modes := compare.AllModes
	if m := c.String("modes"); m != "all" {
		modes = nil
		for _, name := range strings.Split(m, ",") {
			mode, err := compare.ParseMode(strings.TrimSpace(name))
			if err != nil {
				return cfg, nil, usagef("--modes: %v", err)
			}
			modes = append(modes, mode)
		}
	}
	if err := checkFileLimit(cfg.Clients); err != nil {
		return cfg, nil, err
	}
	return cfg, modes, nil
}

// checkFileLimit says clearly when the clients would not fit in this
// process's open-file limit (Go raises the soft limit to the hard one).
func checkFileLimit(clients int) error {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return nil
	}
	if need := uint64(clients) + 64; lim.Cur < need {
		return fmt.Errorf("%d clients need about %d open files, but this process may open %d (raise it with `ulimit -n %d`)", clients, need, lim.Cur, need)
	}
	return nil
}

// feedServer runs this netlab binary again as the feed server.
func feedServer(ctx context.Context) *exec.Cmd {
	self, err := os.Executable()
	if err != nil {
		self = os.Args[0]
	}
	cmd := exec.CommandContext(ctx, self, feedServerCommand)
	cmd.Stderr = os.Stderr
	return cmd
}

func feedServerCmd() *cli.Command {
	return &cli.Command{
		Name:   feedServerCommand,
		Hidden: true,
		Usage:  "the feed server of netlab compare, driven on stdin (not for people)",
		Action: func(c *cli.Context) error { return compare.ServerMain(c.Context, c.App.Reader, c.App.Writer) },
	}
}

// runCompare runs the modes and prints the results as asked.
func runCompare(ctx context.Context, c *cli.Context, cfg compare.Config, modes []compare.Mode, progress bool) error {
	out := c.App.Writer
	var runs []compare.Config
	for _, m := range modes {
		run := cfg
		run.Mode = m
		runs = append(runs, run)
		if c.Bool("kaazing") && m == compare.ShortPoll && cfg.Headers == compare.BrowserHeaders {
			minimal := run
			minimal.Headers = compare.MinimalHeaders
			runs = append(runs, minimal)
		}
	}
	var results []compare.Result
	for i, run := range runs {
		if progress {
			run.Progress = progressBar(c.App.ErrWriter, i+1, len(runs))
		}
		res, err := compare.RunMode(ctx, run)
		if progress {
			fmt.Fprint(c.App.ErrWriter, "\r\x1b[K")
		}
		if err != nil {
			return fmt.Errorf("%s: %w", run.Mode, err)
		}
		if len(res.ClientErrors) > 0 {
			return fmt.Errorf("%s: %d client(s) failed, first: %s", run.Mode, len(res.ClientErrors), res.ClientErrors[0])
		}
		results = append(results, res)
	}
	if f := c.String("svg"); f != "" {
		if err := os.WriteFile(f, compare.SVG(results, "Delivering one feed: polling, long polling, SSE, WebSocket"), 0o644); err != nil {
			return fmt.Errorf("write the chart: %w", err)
		}
		fmt.Fprintf(c.App.ErrWriter, "chart written to %s\n", f)
	}
	switch {
	case c.Bool("json"):
		return compare.WriteJSON(out, results)
	case c.Bool("csv"):
		return compare.WriteCSV(out, results)
	}
	printResults(out, results, c.Bool("kaazing"))
	return nil
}

// progressBar draws "[=====     ] mode 3/5 4.2s/10s" on a terminal.
func progressBar(w io.Writer, n, of int) func(compare.Mode, time.Duration, time.Duration) {
	return func(m compare.Mode, elapsed, total time.Duration) {
		const width = 30
		done := int(float64(width) * min(1, elapsed.Seconds()/total.Seconds()))
		fmt.Fprintf(w, "\r[%s%s] %s (%d/%d) %.1fs/%.0fs", strings.Repeat("=", done), strings.Repeat(" ", width-done), m, n, of, elapsed.Seconds(), total.Seconds())
	}
}

func printResults(w io.Writer, results []compare.Result, kaazing bool) {
	r := results[0]
	fmt.Fprintf(w, "One feed, %d clients, %g updates/s at random moments, polls every %v, %v per mode, %s request headers.\n",
		r.Clients, r.Rate, r.PollInterval, r.Duration, r.Headers)
	fmt.Fprintln(w, "Every figure below was counted on this run's sockets on loopback.")
	bc, br, cc, cr := compare.Tables(results)
	fmt.Fprintln(w, "\nBytes per delivered update (both directions)")
	fmt.Fprint(w, narrate.FormatTable(bc, br, "  "))
	fmt.Fprintln(w, "\nConnections, segments, latency (publish → client read) and server cost")
	fmt.Fprint(w, narrate.FormatTable(cc, cr, "  "))
	fmt.Fprintf(w, "\n* TCP/IP: the kernel's own count of segments (TCP_INFO) × %d bytes (IPv4 20 + TCP 32 with Linux's timestamps).\n", compare.TCPIPHeaderBytes)
	fmt.Fprintln(w, "  Server CPU: user + system time of the server process per 1,000 updates delivered (start-up included).")
	agree := true
	for _, r := range results {
		agree = agree && r.CountsAgree()
	}
	fmt.Fprintf(w, "  The clients' sockets and the server's counted the same bytes both ways: %v.\n", agree)
	if kaazing {
		printKaazing(w, results)
	}
}

func printKaazing(w io.Writer, results []compare.Result) {
	fmt.Fprintln(w, "\nKaazing's 2010 table, redone. Mbps as 10^6 bits/s, with 2^20 in brackets; \"calc.\" = calculated from the measured per-client figure.")
	rows := append(compare.KaazingArticle(), compare.KaazingRows(results)...)
	cols, cells := compare.KaazingTable(rows)
	fmt.Fprint(w, narrate.FormatTable(cols, cells, "  "))
	fmt.Fprintln(w, "\nWhere the 2010 table was loose:")
	for _, n := range compare.KaazingNotes(results) {
		fmt.Fprintf(w, "%s\n", narrateWrap("- "+n))
	}
}

func narrateWrap(s string) string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		if len(line)+1+len(word) > 96 && line != "" {
			lines = append(lines, line)
			line = "  "
		}
		if line != "" && line != "  " {
			line += " "
		}
		line += word
	}
	return strings.Join(append(lines, line), "\n")
}
