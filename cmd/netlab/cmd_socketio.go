// netlab serve-socketio: netlab's Socket.IO server with the handlers that
// socket.io's own protocol test suites and netlab's lessons use.

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"time"

	"github.com/urfave/cli/v2"

	"netlab/narrate"
	"netlab/realtime/engineio"
	"netlab/realtime/refserver"
	"netlab/realtime/socketio"
	"netlab/tcpsock"
	"netlab/trace"
)

func serveSocketIOCommand(getenv func(string) string) *cli.Command {
	return &cli.Command{
		Name:  "serve-socketio",
		Usage: "run netlab's Socket.IO v4 server (Engine.IO v4, polling and WebSocket) with demo handlers; point socket.io-client at it",
		UsageText: "netlab serve-socketio [--listen 127.0.0.1:3000] [--ping-interval 25s] [--ping-timeout 20s] [--recovery=false] [--connect-timeout 45s] [--cors-origin *] [--trace | --json]\n\n" +
			"Socket.IO is served at /socket.io/ on \"/\" and \"/custom\"; an Engine.IO echo at /engine.io/.\n" +
			"Handlers: on connection emit(\"auth\", <CONNECT payload>); \"message\" -> \"message-back\" (same arguments,\n" +
			"and with recovery on the event's offset at the end, as socket.io adds it);\n" +
			"\"message-with-ack\" -> ack (same arguments); \"join\"/\"leave\" (room, ack); \"say\" (room, text) -> \"said\" {from, room, text} to the room;\n" +
			"\"kick\" closes the connection (recoverable); \"broadcast\" (n, ack) -> \"tick\" 1..n to everyone, then ack;\n" +
			"\"ask\" (args..., ack) -> \"question\" (args...) with an ack to the client, whose answer is the ack of \"ask\".\n\n" +
			"--trace narrates every byte of every connection on stdout, HTTP, WebSocket, Engine.IO and Socket.IO\n" +
			"fields labelled with their OSI layer (--json: the same trace as JSON lines); the log stays on stderr.\n\n" +
			"example: netlab serve-socketio --trace        (then point socket.io-client at http://127.0.0.1:3000)\n" +
			"example: netlab serve-socketio --ping-interval 300ms --ping-timeout 200ms --recovery=false",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "listen", Value: "127.0.0.1:3000", Usage: "loopback IP:port to listen on"},
			&cli.DurationFlag{Name: "ping-interval", Value: engineio.DefaultPingInterval, Usage: "how often the server pings each client"},
			&cli.DurationFlag{Name: "ping-timeout", Value: engineio.DefaultPingTimeout, Usage: "how long a pong may take before the client is dropped"},
			&cli.BoolFlag{Name: "recovery", Value: true, Usage: "connection state recovery: keep events for disconnected clients for 2 minutes (--recovery=false for the plain protocol)"},
			&cli.DurationFlag{Name: "connect-timeout", Value: socketio.DefaultConnectTimeout, Usage: "how long a client may take to join a namespace (send CONNECT) before its session is closed"},
			&cli.StringFlag{Name: "cors-origin", Value: "*", Usage: "which web pages may poll from another origin (CORS): * any, an origin like http://127.0.0.1:8080, or \"\" none"},
			&cli.BoolFlag{Name: "trace", Usage: "narrate every connection's bytes on stdout, each field labelled"},
			&cli.BoolFlag{Name: "json", Usage: "write every connection's trace on stdout as JSON lines (trace/SCHEMA.md)"},
		},
		Action: func(c *cli.Context) error {
			if c.Args().Len() > 0 {
				return usagef("serve-socketio takes no arguments, got %q", c.Args().First())
			}
			addr := c.String("listen")
			if err := tcpsock.CheckLoopback(addr); err != nil {
				return usagef("--listen %s: %v", addr, err)
			}
			for _, name := range []string{"ping-interval", "ping-timeout", "connect-timeout"} {
				if d := c.Duration(name); d < time.Millisecond || d > time.Hour {
					return usagef("--%s %v: want a duration from 1ms to 1h, like 300ms or 25s", name, d)
				}
			}
			if o := c.String("cors-origin"); o != "" && o != "*" && !originPattern.MatchString(o) {
				return usagef("--cors-origin %q: want *, an origin like http://127.0.0.1:8080 (scheme, host and port only), or \"\"", o)
			}
			if c.Bool("trace") && c.Bool("json") {
				return usagef("--trace and --json: choose one (both write the trace on stdout)")
			}
			ln, check, err := listenForSocketIO(c.Context, addr, c.Bool("trace"), c.Bool("json"), c.App.Writer, colorWanted(c.App.Writer, getenv))
			if err != nil {
				return err
			}
			log := &lineLog{w: c.App.ErrWriter}
			log.printf("netlab serve-socketio: listening on http://%s (Socket.IO at /socket.io/, Engine.IO echo at /engine.io/)", ln.Addr())
			srv := refserver.New(refserver.Options{
				PingInterval:   c.Duration("ping-interval"),
				PingTimeout:    c.Duration("ping-timeout"),
				Recovery:       c.Bool("recovery"),
				AllowOrigin:    c.String("cors-origin"),
				ConnectTimeout: c.Duration("connect-timeout"),
				Log:            log.printf,
			})
			err = serveUntilDone(c.Context, ln, srv, func() {
				srv.Close()
				log.printf("netlab serve-socketio: stopped")
			})
			if err == nil {
				err = check()
			}
			return err
		},
	}
}

// serveUntilDone serves HTTP on ln until ctx ends, then stops taking
// requests, calls stop (which ends the sessions, hijacked WebSockets
// included: net/http does not track those) and waits for the handlers.
func serveUntilDone(ctx context.Context, ln net.Listener, h http.Handler, stop func()) error {
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		stop()
		return fmt.Errorf("serving on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	// Sessions first: a pending polling GET is answered with a close
	// packet, then Shutdown has no request left to wait for.
	stop()
	shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := hs.Shutdown(shutdownCtx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	<-done
	return nil
}

// originPattern is a web origin: scheme://host[:port], nothing after.
var originPattern = regexp.MustCompile(`^https?://[^/?#\s]+$`)

// listenForSocketIO listens on addr: plainly, or, to trace, on a traced
// listener whose connections are explained as Socket.IO connections
// (received bytes as requests, sent bytes as responses). check reports a
// failure to write the trace.
func listenForSocketIO(ctx context.Context, addr string, narrated, asJSON bool, out io.Writer, color bool) (ln net.Listener, check func() error, err error) {
	check = func() error { return nil }
	if !narrated && !asJSON {
		if ln, err = net.Listen("tcp", addr); err != nil {
			return nil, nil, fmt.Errorf("cannot listen on %s: %s", addr, tcpsock.Describe(err))
		}
		return ln, check, nil
	}
	var sink trace.Sink
	if asJSON {
		js := trace.NewJSONSink(out)
		sink, check = js, js.Err
	} else {
		n := narrate.New(out, narrate.Options{Color: color})
		sink, check = n, n.Err
	}
	rec := trace.NewRecorder(trace.Options{Sinks: []trace.Sink{sink}})
	tl, err := tcpsock.Listen(ctx, rec, "server", addr)
	if err != nil {
		return nil, nil, fmt.Errorf("cannot listen on %s: %s", addr, tcpsock.Describe(errors.Unwrap(err)))
	}
	return explainingListener{tl}, check, nil
}

// explainingListener attaches Socket.IO explainers to every connection it
// accepts.
type explainingListener struct{ *tcpsock.Listener }

func (l explainingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if tc, ok := c.(*tcpsock.Conn); ok {
		requests, responses := socketio.NewStreamExplainers()
		tc.Explain(trace.Received, requests)
		tc.Explain(trace.Sent, responses)
	}
	return c, err
}
