// netlab ws: a WebSocket echo server and an interactive client, both on
// netlab's hand-written RFC 6455 code.

package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/urfave/cli/v2"

	"netlab/narrate"
	"netlab/tcpsock"
	"netlab/trace"
	"netlab/wsframe"
)

func wsCommand(getenv func(string) string) *cli.Command {
	return &cli.Command{
		Name:  "ws",
		Usage: "a WebSocket echo server and an interactive client, on netlab's own RFC 6455 code",
		Subcommands: []*cli.Command{
			wsServeCommand(),
			wsDialCommand(getenv),
		},
		Action: func(c *cli.Context) error {
			if c.Args().Len() > 0 {
				return usagef("unknown ws command %q; want serve or dial", c.Args().First())
			}
			return cli.ShowSubcommandHelp(c)
		},
	}
}

func wsServeCommand() *cli.Command {
	return &cli.Command{
		Name:      "serve",
		Usage:     "run a WebSocket echo server: every text and binary message is sent back as it came",
		UsageText: "netlab ws serve [--listen 127.0.0.1:9001] [--max-message 16777216]\n\nexample: netlab ws serve --listen 127.0.0.1:9001",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "listen", Value: "127.0.0.1:9001", Usage: "loopback IP:port to listen on"},
			&cli.Int64Flag{Name: "max-message", Value: wsframe.DefaultMaxMessage, Usage: "largest message in bytes; longer ones are refused with close code 1009"},
			&cli.StringFlag{Name: "origin", Value: "any", Usage: "which browser pages may connect: any, or same (Origin must name this server's host:port; others get 403)"},
		},
		Action: func(c *cli.Context) error {
			if c.Args().Len() > 0 {
				return usagef("ws serve takes no arguments, got %q", c.Args().First())
			}
			addr := c.String("listen")
			if err := tcpsock.CheckLoopback(addr); err != nil {
				return usagef("--listen %s: %v", addr, err)
			}
			if o := c.String("origin"); o != "any" && o != "same" {
				return usagef("--origin %q: want any or same", o)
			}
			if m := c.Int64("max-message"); m <= 0 {
				return usagef("--max-message %d: want a positive number of bytes", m)
			}
			ln, err := net.Listen("tcp", addr)
			if err != nil {
				return fmt.Errorf("cannot listen on %s: %s", addr, tcpsock.Describe(err))
			}
			log := &lineLog{w: c.App.ErrWriter}
			log.printf("netlab ws serve: echo server on ws://%s/ (Ctrl-C to stop)", ln.Addr())
			opts := &wsframe.AcceptOptions{Options: wsframe.Options{MaxMessage: c.Int64("max-message")}}
			switch c.String("origin") {
			case "any":
				opts.CheckOrigin = wsframe.AnyOrigin
			case "same":
				opts.CheckOrigin = wsframe.SameOrigin
			}
			err = wsframe.Serve(c.Context, ln, opts, func(ctx context.Context, ws *wsframe.Conn, hs *wsframe.Handshake) {
				log.printf("%s connected: GET %s", ws.RemoteAddr(), hs.Target)
				n, err := echoCounting(ctx, ws)
				log.printf("%s closed after %d message(s): %s", ws.RemoteAddr(), n, closeReason(err))
			}, func(remote net.Addr, err error) {
				log.printf("%s refused: %v", remote, err)
			})
			log.printf("netlab ws serve: stopped")
			return err
		},
	}
}

// echoCounting echoes messages until the connection ends, and counts them.
func echoCounting(ctx context.Context, ws *wsframe.Conn) (int, error) {
	var buf []byte
	for n := 0; ; n++ {
		typ, msg, err := ws.AppendMessage(ctx, buf)
		if err != nil {
			return n, err
		}
		if err := ws.WriteMessage(ctx, typ, msg); err != nil {
			return n, err
		}
		buf = msg[:0]
	}
}

// closeReason says how a WebSocket connection ended.
func closeReason(err error) string {
	var ce *wsframe.CloseError
	var pe *wsframe.ProtocolError
	switch {
	case errors.As(err, &ce):
		return fmt.Sprintf("close code %v", ce.Code)
	case errors.As(err, &pe):
		return fmt.Sprintf("failed: %v", pe)
	case err == nil:
		return "done"
	}
	return err.Error()
}

// lineLog writes whole lines from several goroutines.
type lineLog struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lineLog) printf(format string, args ...any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	fmt.Fprintf(l.w, format+"\n", args...)
}

// Write lets a narrator share the log's writer: the reader and the writer
// goroutines both narrate frames, and both print messages.
func (l *lineLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func wsDialCommand(getenv func(string) string) *cli.Command {
	return &cli.Command{
		Name:  "dial",
		Usage: "connect to a WebSocket server: each line you type is a text message; messages received are printed",
		UsageText: "netlab ws dial ws://127.0.0.1:9001/ [--frames]\n\n" +
			"commands: /ping [text]   send a ping\n" +
			"          /close [CODE [REASON]]   start the closing handshake (default 1000)\n" +
			"example: netlab ws dial ws://127.0.0.1:9001/ --frames",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "frames", Usage: "print every frame that crosses, field by field"},
		},
		Action: func(c *cli.Context) error {
			if c.Args().Len() != 1 {
				return usagef("ws dial wants one ws:// URL, got %d arguments", c.Args().Len())
			}
			return wsDial(c.Context, c.Args().First(), c.Bool("frames"), streams{in: c.App.Reader, out: c.App.Writer, err: c.App.ErrWriter}, colorWanted(c.App.Writer, getenv))
		},
	}
}

// wsDial runs the interactive client until stdin ends, /close, Ctrl-C or
// the server closes.
func wsDial(ctx context.Context, rawURL string, frames bool, std streams, color bool) error {
	host, err := urlHost(rawURL)
	if err != nil {
		return usagef("%v", err)
	}
	if err := tcpsock.CheckLoopback(host); err != nil {
		return usagef("%s: %v", rawURL, err)
	}
	out := &lineLog{w: std.out}
	var rec *trace.Recorder
	if frames {
		n := narrate.New(out, narrate.Options{Color: color})
		rec = trace.NewRecorder(trace.Options{Sinks: []trace.Sink{n}})
	}
	tc, err := tcpsock.Dial(ctx, rec, "client", host)
	if err != nil {
		return fmt.Errorf("cannot connect to %s: %s", host, tcpsock.Describe(errors.Unwrap(err)))
	}
	if frames {
		tc.Explain(trace.Sent, wsframe.NewStreamExplainer(true))
		tc.Explain(trace.Received, wsframe.NewStreamExplainer(true))
	}
	ws, _, err := wsframe.Client(ctx, tc, rawURL, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(std.err, "connected to %s (type lines to send; /ping, /close CODE REASON; Ctrl-D or Ctrl-C to close)\n", rawURL)

	var closing atomic.Bool
	readDone := make(chan error, 1)
	go func() { readDone <- printIncoming(ws, out) }()
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(std.in)
		sc.Buffer(make([]byte, 64<<10), wsframe.DefaultMaxMessage)
		for sc.Scan() {
			select {
			case lines <- sc.Text():
			case <-ctx.Done():
				return
			}
		}
	}()
	// Closing: send the close frame and let the reader goroutine see the
	// server's answer, so no message that arrives first is lost.
	closeWith := func(code wsframe.CloseCode, reason string) error {
		closing.Store(true)
		return ws.StartClose(code, reason)
	}
	for {
		select {
		case <-ctx.Done(): // Ctrl-C: close properly
			_ = closeWith(wsframe.CloseGoingAway, "client interrupted")
			return finish(ws, readDone, std.err)
		case err := <-readDone:
			fmt.Fprintf(std.err, "connection ended: %s\n", closeReason(err))
			return nil
		case line, ok := <-lines:
			if !ok { // stdin ended
				_ = closeWith(wsframe.CloseNormal, "")
				return finish(ws, readDone, std.err)
			}
			if err := wsCommandLine(ctx, ws, line, closeWith); err != nil {
				var ue *usageError
				if errors.As(err, &ue) {
					fmt.Fprintln(std.err, ue.msg)
					continue
				}
				if closing.Load() {
					return finish(ws, readDone, std.err)
				}
				return err
			}
			if closing.Load() {
				return finish(ws, readDone, std.err)
			}
		}
	}
}

// wsCommandLine sends a line as a message or runs a /command.
func wsCommandLine(ctx context.Context, ws *wsframe.Conn, line string, closeWith func(wsframe.CloseCode, string) error) error {
	switch {
	case line == "/ping" || strings.HasPrefix(line, "/ping "):
		payload := strings.TrimPrefix(strings.TrimPrefix(line, "/ping"), " ")
		if len(payload) > wsframe.MaxControlPayload {
			return usagef("/ping: at most %d bytes of payload", wsframe.MaxControlPayload)
		}
		return ws.Ping(ctx, []byte(payload))
	case line == "/close" || strings.HasPrefix(line, "/close "):
		code, reason := wsframe.CloseNormal, ""
		if args := strings.Fields(strings.TrimPrefix(line, "/close")); len(args) > 0 {
			n, err := strconv.Atoi(args[0])
			if err != nil || n < 0 || n > 65535 {
				return usagef("/close %s: want a close code such as 1000", args[0])
			}
			code = wsframe.CloseCode(n)
			reason = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(strings.TrimPrefix(line, "/close")), args[0]))
		}
		if err := closeWith(code, reason); err != nil {
			return usagef("/close: %v", err)
		}
		return nil
	}
	return ws.WriteMessage(ctx, wsframe.TextMessage, []byte(line))
}

// printIncoming prints what the server sends until the connection ends.
func printIncoming(ws *wsframe.Conn, out *lineLog) error {
	var msg []byte
	var op wsframe.Opcode
	for {
		f, err := ws.ReadFrame(context.Background(), nil)
		if err != nil {
			return err
		}
		switch f.Op {
		case wsframe.OpPong:
			out.printf("< pong %q", f.Payload)
			continue
		case wsframe.OpPing, wsframe.OpClose:
			continue // answered by ReadFrame itself
		case wsframe.OpText, wsframe.OpBinary:
			op, msg = f.Op, append(msg[:0], f.Payload...)
		case wsframe.OpContinuation:
			msg = append(msg, f.Payload...)
		}
		if !f.Fin {
			continue
		}
		if op == wsframe.OpText {
			out.printf("< %s", msg)
		} else {
			out.printf("< binary, %d bytes: %x", len(msg), msg)
		}
	}
}

// finish waits (up to the close timeout) for the reader to see the end of
// the closing handshake; a server that never answers is cut off.
func finish(ws *wsframe.Conn, readDone <-chan error, errw io.Writer) error {
	select {
	case err := <-readDone:
		fmt.Fprintf(errw, "connection closed: %s\n", closeReason(err))
	case <-time.After(wsframe.DefaultCloseTimeout):
		ws.CloseNow()
		fmt.Fprintf(errw, "connection closed: the server did not answer the close frame within %v\n", wsframe.DefaultCloseTimeout)
		<-readDone
	}
	return nil
}

func urlHost(rawURL string) (string, error) {
	rest, ok := strings.CutPrefix(rawURL, "ws://")
	if !ok {
		return "", fmt.Errorf("%q: want a ws:// URL, such as ws://127.0.0.1:9001/", rawURL)
	}
	host, _, _ := strings.Cut(rest, "/")
	if _, _, err := net.SplitHostPort(host); err != nil {
		host = net.JoinHostPort(host, "80")
	}
	return host, nil
}
