// Lesson "http": HTTP/1.1 by hand over a TCP socket, and its one rule.

package lessons

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"netlab/httpdemo"
	"netlab/osi"
	"netlab/tcpsock"
	"netlab/trace"
)

func httpLesson() Lesson {
	return Lesson{
		Name:     "http",
		Title:    "HTTP/1.1 request and response, by hand",
		Layers:   osi.Of(osi.Transport, osi.Application),
		Question: "What does an HTTP request and its response look like on a TCP connection, and can a server send anything no request asked for?",
		Run:      runHTTP,
	}
}

// newsroom is the lesson's server state: the latest news, set by the
// server whenever it likes, readable only through a request.
type newsroom struct {
	mu   sync.Mutex
	news string
}

func (n *newsroom) publish(s string) { n.mu.Lock(); n.news = s; n.mu.Unlock() }
func (n *newsroom) latest() string   { n.mu.Lock(); defer n.mu.Unlock(); return n.news }

func lessonMux(room *newsroom) *http.ServeMux {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /hello", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprint(w, "Hello from Go's net/http!\n")
	})
	mux.HandleFunc("GET /countdown", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		rc := http.NewResponseController(w)
		for _, part := range []string{"3… ", "2… ", "1… ", "liftoff!\n"} {
			fmt.Fprint(w, part)
			if err := rc.Flush(); err != nil { // each Flush sends what was written as one chunk
				return
			}
		}
	})
	mux.HandleFunc("GET /news", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, room.latest())
	})
	return mux
}

// answered reports each time the server finishes a response on a
// connection: net/http moves it to StateIdle (keep-alive) or StateClosed.
type answered chan http.ConnState

func (a answered) hook(_ net.Conn, st http.ConnState) {
	if st == http.StateIdle || st == http.StateClosed {
		select {
		case a <- st:
		default:
		}
	}
}

func (a answered) wait(ctx context.Context) error {
	select {
	case <-a:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func runHTTP(ctx context.Context, env *Env) error {
	if err := env.Step(ctx, "A web server starts"); err != nil {
		return err
	}
	ln, err := env.Listen(ctx, "server", env.ServerAddr())
	if err != nil {
		return err
	}
	ln.TraceAccepted(false) // the client's end shows every byte; the server's would repeat them
	room := &newsroom{news: "nothing yet"}
	done := make(answered, 4)
	srv := httpdemo.ServeWith(ctx, ln, &http.Server{Handler: lessonMux(room), ConnState: done.hook})
	env.Defer(func() { _ = srv.Stop() })
	env.SayAt(osi.Application, "Go's own net/http server listens on %s, with three resources: /hello, /countdown and /news. "+
		"The client will be ours: bytes written by hand on a TCP socket, so nothing is hidden.", ln.Addr())

	if err := env.Step(ctx, "The client writes a request by hand"); err != nil {
		return err
	}
	c, err := env.Dial(ctx, "client", ln.Addr().String())
	if err != nil {
		return err
	}
	br := bufio.NewReaderSize(c, 4096)
	host := ln.Addr().String()
	if err := request(c, "/hello", host, false); err != nil {
		return err
	}
	env.SayAt(osi.Application, "An HTTP/1.1 request is text: a request line (method, target, version), header fields, "+
		"and an empty line. It rides in TCP's byte stream like any other bytes (layer 4).")

	if err := env.Step(ctx, "The server's response, parsed by hand"); err != nil {
		return err
	}
	if err := done.wait(ctx); err != nil {
		return err
	}
	resp, err := response(c, br)
	if err != nil {
		return err
	}
	env.SayAt(osi.Application, "Status %d. The response's head ends at the empty line; Content-Length: %s told the client "+
		"that exactly %d body bytes follow. That is HTTP's message boundary on TCP's boundary-less stream.",
		resp.Status, fieldOr(resp.Fields, "Content-Length", "?"), len(resp.Body))

	if err := env.Step(ctx, "Keep-alive: a second request on the same connection"); err != nil {
		return err
	}
	if err := request(c, "/countdown", host, false); err != nil {
		return err
	}
	if err := done.wait(ctx); err != nil {
		return err
	}
	resp, err = response(c, br)
	if err != nil {
		return err
	}
	env.SayAt(osi.Application, "Same socket, same 4-tuple %s: HTTP/1.1 keeps the connection open by default, so the "+
		"second request needed no new TCP handshake. The server did not know the body's length in advance (it "+
		"flushed four times), so it sent Transfer-Encoding: chunked: each chunk carries its size in hex, and a "+
		"chunk of size 0 ends the body. Decoded body: %q.", c.FourTuple(), resp.Body)

	if err := env.Step(ctx, "The server has news, and no way to send it"); err != nil {
		return err
	}
	room.publish("the kettle has boiled")
	env.Say("The server now has news: \"the kettle has boiled\". The connection is open and idle. "+
		"The client waits %v for anything the server might send:", silenceWait)
	if err := c.SetReadDeadline(time.Now().Add(silenceWait)); err != nil {
		return err
	}
	if _, err := br.Peek(1); !errors.Is(err, os.ErrDeadlineExceeded) {
		return fmt.Errorf("the server sent something unasked (%v): HTTP should not allow that", err)
	}
	if err := c.SetReadDeadline(time.Time{}); err != nil {
		return err
	}
	env.SayAt(osi.Application, "Nothing came. In HTTP every response answers a request, so a server with news can "+
		"only hold it until the client asks. The client asks, and says it is its last request:")
	if err := request(c, "/news", host, true); err != nil {
		return err
	}
	if err := done.wait(ctx); err != nil {
		return err
	}
	if resp, err = response(c, br); err != nil {
		return err
	}
	if _, err := br.ReadByte(); err != io.EOF {
		return fmt.Errorf("after Connection: close, want end of stream, got %v", err)
	}
	env.Say("The news came only as the answer to a request, and after Connection: close the server closed the " +
		"connection (the client read end of stream).")

	env.Answer("A request is a request line, header fields and an empty line, written as text into a TCP stream; " +
		"the response is a status line, fields, an empty line and a body whose end is marked by Content-Length or " +
		"by chunks. Several can share one connection (keep-alive). And no: the server had news and an open " +
		"connection, but nothing crossed until the client asked. Every HTTP response needs a request; polling, " +
		"long polling and WebSocket are ways around that.")
	return nil
}

// silenceWait is how long the client listens for an unrequested message.
// It is the demonstration itself (nothing arrives), not a synchronisation.
const silenceWait = 300 * time.Millisecond

// request writes a GET by hand and annotates it.
func request(c *tcpsock.Conn, target, host string, last bool) error {
	fields := httpdemo.Fields{{Name: "Host", Value: host}, {Name: "User-Agent", Value: "netlab-lesson/1"}, {Name: "Accept", Value: "*/*"}}
	if last {
		fields = append(fields, httpdemo.Field{Name: "Connection", Value: "close"})
	}
	raw := httpdemo.AppendRequest(nil, http.MethodGet, target, fields, nil)
	off := c.WriteOffset()
	if _, err := c.Write(raw); err != nil {
		return fmt.Errorf("write request: %w", err)
	}
	labels, err := httpdemo.ExplainRequest(raw)
	if err != nil {
		return fmt.Errorf("explain our own request: %w", err)
	}
	c.Annotate(trace.Sent, off, labels)
	return nil
}

// response reads one response by hand and annotates it where it started.
func response(c *tcpsock.Conn, br *bufio.Reader) (*httpdemo.Response, error) {
	start := c.ReadOffset() - int64(br.Buffered())
	resp, err := httpdemo.ReadResponse(br, httpdemo.Limits{}, http.MethodGet)
	if err != nil {
		return nil, fmt.Errorf("read response: %w", err)
	}
	c.Annotate(trace.Received, start, resp.Annotations())
	return resp, nil
}

func fieldOr(fs httpdemo.Fields, name, def string) string {
	if v, ok := fs.Get(name); ok {
		return v
	}
	return def
}
