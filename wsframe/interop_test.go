// Interoperability with gorilla/websocket v1.5.3 over real loopback TCP,
// both ways round: our server with a gorilla client, a gorilla server with
// our client. gorilla/websocket is used here and nowhere else in netlab.

package wsframe_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"

	"netlab/wsframe"
)

// interopTimeout bounds every test here: a bug shows as a failure, not a hang.
const interopTimeout = 20 * time.Second

func interopContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), interopTimeout)
	t.Cleanup(cancel)
	return ctx
}

// interopListen listens on a loopback port the kernel picks.
func interopListen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln
}

// startOurServer runs wsframe.Serve with h on a loopback port and returns
// its ws:// URL. Cleanup stops it and waits for every handler.
func startOurServer(t *testing.T, ln net.Listener, opts *wsframe.AcceptOptions, h wsframe.Handler) string {
	t.Helper()
	if ln == nil {
		ln = interopListen(t)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- wsframe.Serve(ctx, ln, opts, h, nil) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Serve: %v", err)
		}
	})
	return "ws://" + ln.Addr().String() + "/"
}

// startHTTPServer runs a net/http server (not httptest: the listener is
// ours, on 127.0.0.1) and returns its ws:// URL. Cleanup closes it and
// waits for every handler, hijacked ones included: net/http does not
// track those.
func startHTTPServer(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	ln := interopListen(t)
	var handlers sync.WaitGroup
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			handlers.Add(1)
			defer handlers.Done()
			h(w, r)
		}),
		ReadHeaderTimeout: interopTimeout,
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-done; !errors.Is(err, http.ErrServerClosed) {
			t.Errorf("http.Server.Serve: %v", err)
		}
		handlers.Wait()
	})
	return "ws://" + ln.Addr().String() + "/"
}

// startGorillaServer runs a gorilla server whose handler h gets each
// connection; the connection is closed when h returns.
func startGorillaServer(t *testing.T, up *websocket.Upgrader, h func(*websocket.Conn)) string {
	t.Helper()
	return startHTTPServer(t, func(w http.ResponseWriter, r *http.Request) {
		gc, err := up.Upgrade(w, r, nil)
		if err != nil {
			t.Errorf("gorilla Upgrade: %v", err)
			return
		}
		defer gc.Close()
		_ = gc.SetReadDeadline(time.Now().Add(interopTimeout))
		h(gc)
	})
}

// gorillaEcho is a gorilla echo handler: every message back as it came,
// until an error (a close frame included), which it reports on errc.
func gorillaEcho(errc chan<- error) func(*websocket.Conn) {
	return func(gc *websocket.Conn) {
		for {
			typ, msg, err := gc.ReadMessage()
			if err != nil {
				errc <- err
				return
			}
			if err := gc.WriteMessage(typ, msg); err != nil {
				errc <- err
				return
			}
		}
	}
}

// dialGorilla connects a gorilla client; cleanup closes its TCP connection.
func dialGorilla(t *testing.T, d *websocket.Dialer, url string, header http.Header) *websocket.Conn {
	t.Helper()
	if d == nil {
		d = &websocket.Dialer{}
	}
	d.HandshakeTimeout = interopTimeout
	gc, resp, err := d.DialContext(interopContext(t), url, header)
	if err != nil {
		t.Fatalf("gorilla Dial %s: %v (response %v)", url, err, resp)
	}
	t.Cleanup(func() { gc.Close() })
	_ = gc.SetReadDeadline(time.Now().Add(interopTimeout))
	return gc
}

// dialOurs connects our client; cleanup drops its TCP connection.
func dialOurs(t *testing.T, url string, opts *wsframe.DialOptions) (*wsframe.Conn, *wsframe.Handshake) {
	t.Helper()
	c, hs, err := wsframe.Dial(interopContext(t), url, opts)
	if err != nil {
		t.Fatalf("wsframe.Dial %s: %v", url, err)
	}
	t.Cleanup(func() { c.CloseNow() })
	return c, hs
}

// gorillaCloseNormally runs the closing handshake from a gorilla client:
// a close frame, then reading until the peer's close frame arrives.
func gorillaCloseNormally(t *testing.T, gc *websocket.Conn) {
	t.Helper()
	msg := websocket.FormatCloseMessage(websocket.CloseNormalClosure, "")
	if err := gc.WriteControl(websocket.CloseMessage, msg, time.Now().Add(interopTimeout)); err != nil {
		t.Fatalf("gorilla close: %v", err)
	}
	for {
		if _, _, err := gc.ReadMessage(); err != nil {
			if !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
				t.Errorf("gorilla after closing: %v, want the server's close 1000", err)
			}
			return
		}
	}
}

// interopMessage is a message of exactly n bytes: valid UTF-8 text with
// multi-byte characters (some cut by fragment boundaries), or binary with
// every byte value.
func interopMessage(typ wsframe.MessageType, n int) []byte {
	if typ == wsframe.BinaryMessage {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(i * 7)
		}
		return b
	}
	s := strings.Repeat("héllo ☃ 🎉 ", n/10+1)
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return []byte(s[:cut] + strings.Repeat("x", n-cut))
}

// interopSizes are the sizes on both sides of each length encoding, and
// large messages that take several TCP segments and reads.
var interopSizes = []int{0, 1, 125, 126, 65535, 65536, 1 << 20}

// gorillaType maps our message type to gorilla's int.
func gorillaType(typ wsframe.MessageType) int {
	if typ == wsframe.TextMessage {
		return websocket.TextMessage
	}
	return websocket.BinaryMessage
}

// gorillaSendsEverySize sends text and binary messages of interopSizes
// through gc and checks that each comes back unchanged.
func gorillaSendsEverySize(t *testing.T, gc *websocket.Conn) {
	t.Helper()
	for _, typ := range []wsframe.MessageType{wsframe.TextMessage, wsframe.BinaryMessage} {
		for _, n := range interopSizes {
			msg := interopMessage(typ, n)
			if err := gc.WriteMessage(gorillaType(typ), msg); err != nil {
				t.Fatalf("%v %d bytes: gorilla write: %v", typ, n, err)
			}
			gotType, got, err := gc.ReadMessage()
			if err != nil {
				t.Fatalf("%v %d bytes: gorilla read: %v", typ, n, err)
			}
			if gotType != gorillaType(typ) || !bytes.Equal(got, msg) {
				t.Errorf("%v %d bytes: echo is type %d, %d bytes; want type %d, the same bytes", typ, n, gotType, len(got), gorillaType(typ))
			}
		}
	}
}

// TestInteropGorillaClientOurEcho: a gorilla client sends messages of every
// size to wsframe.Serve running Echo and gets each back unchanged.
func TestInteropGorillaClientOurEcho(t *testing.T) {
	results := make(chan error, 1)
	url := startOurServer(t, nil, nil, func(ctx context.Context, c *wsframe.Conn, hs *wsframe.Handshake) {
		results <- wsframe.Echo(ctx, c)
	})
	gc := dialGorilla(t, nil, url, nil)
	gorillaSendsEverySize(t, gc)
	gorillaCloseNormally(t, gc)
	if err := <-results; err != nil {
		t.Errorf("Echo returned %v, want nil after a closing handshake", err)
	}
}

// TestInteropOurClientGorillaEcho: our client sends messages of every size
// to a gorilla echo server and gets each back unchanged.
func TestInteropOurClientGorillaEcho(t *testing.T) {
	ctx := interopContext(t)
	results := make(chan error, 1)
	url := startGorillaServer(t, &websocket.Upgrader{}, gorillaEcho(results))
	c, _ := dialOurs(t, url, nil)
	for _, typ := range []wsframe.MessageType{wsframe.TextMessage, wsframe.BinaryMessage} {
		for _, n := range interopSizes {
			msg := interopMessage(typ, n)
			if err := c.WriteMessage(ctx, typ, msg); err != nil {
				t.Fatalf("%v %d bytes: write: %v", typ, n, err)
			}
			gotType, got, err := c.ReadMessage(ctx)
			if err != nil {
				t.Fatalf("%v %d bytes: read: %v", typ, n, err)
			}
			if gotType != typ || !bytes.Equal(got, msg) {
				t.Errorf("%v %d bytes: echo is %v, %d bytes; want %v, the same bytes", typ, n, gotType, len(got), typ)
			}
		}
	}
	if err := c.Close(wsframe.CloseNormal, ""); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := <-results; !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
		t.Errorf("gorilla server saw %v, want close 1000", err)
	}
}

// recordingListener keeps a copy of every byte the server writes.
type recordingListener struct {
	net.Listener
	mu  sync.Mutex
	out bytes.Buffer
}

func (l *recordingListener) Accept() (net.Conn, error) {
	nc, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &recordingConn{Conn: nc, l: l}, nil
}

func (l *recordingListener) written() []byte {
	l.mu.Lock()
	defer l.mu.Unlock()
	return bytes.Clone(l.out.Bytes())
}

type recordingConn struct {
	net.Conn
	l *recordingListener
}

func (c *recordingConn) Write(p []byte) (int, error) {
	c.l.mu.Lock()
	c.l.out.Write(p)
	c.l.mu.Unlock()
	return c.Conn.Write(p)
}

// framesAfterHead splits a recorded server stream into frame headers and
// payloads, after the 101 response's head.
func framesAfterHead(t *testing.T, stream []byte) ([]wsframe.Header, [][]byte) {
	t.Helper()
	end := bytes.Index(stream, []byte("\r\n\r\n"))
	if end < 0 || !bytes.HasPrefix(stream, []byte("HTTP/1.1 101 ")) {
		t.Fatalf("the server's stream does not start with a 101 head: %.80q", stream)
	}
	b := stream[end+4:]
	var hs []wsframe.Header
	var ps [][]byte
	for len(b) > 0 {
		h, n, err := wsframe.ParseHeader(b)
		if err != nil || int64(len(b)-n) < h.Length {
			t.Fatalf("recorded stream: %v with %d bytes left", err, len(b))
		}
		hs, ps = append(hs, h), append(ps, b[n:n+int(h.Length)])
		b = b[n+int(h.Length):]
	}
	return hs, ps
}

// TestInteropFragmentedToGorilla: our NextWriter with a 32-byte buffer
// sends a message as many frames; gorilla reads one message.
func TestInteropFragmentedToGorilla(t *testing.T) {
	for _, typ := range []wsframe.MessageType{wsframe.TextMessage, wsframe.BinaryMessage} {
		t.Run(typ.String(), func(t *testing.T) {
			msg := interopMessage(typ, 1000)
			ln := &recordingListener{Listener: interopListen(t)}
			opts := &wsframe.AcceptOptions{Options: wsframe.Options{WriteBufferSize: 32}}
			results := make(chan error, 1)
			url := startOurServer(t, ln, opts, func(ctx context.Context, c *wsframe.Conn, hs *wsframe.Handshake) {
				results <- func() error {
					w, err := c.NextWriter(ctx, typ)
					if err != nil {
						return err
					}
					for p := msg; len(p) > 0; { // 7 bytes at a time: pieces and frames do not line up
						n := min(7, len(p))
						if _, err := w.Write(p[:n]); err != nil {
							return err
						}
						p = p[n:]
					}
					if err := w.Close(); err != nil {
						return err
					}
					_, _, err = c.ReadMessage(ctx) // until the client's close
					return err
				}()
			})
			gc := dialGorilla(t, nil, url, nil)
			gotType, got, err := gc.ReadMessage()
			if err != nil {
				t.Fatalf("gorilla read: %v", err)
			}
			if gotType != gorillaType(typ) || !bytes.Equal(got, msg) {
				t.Errorf("gorilla read type %d, %q; want type %d, %q", gotType, got, gorillaType(typ), msg)
			}
			gorillaCloseNormally(t, gc)
			var ce *wsframe.CloseError
			if err := <-results; !errors.As(err, &ce) || ce.Code != wsframe.CloseNormal {
				t.Errorf("server: %v, want the client's close 1000", err)
			}
			// The wire: the first frame has the type and FIN clear, then
			// continuations, the last with FIN set; close frames follow.
			hdrs, payloads := framesAfterHead(t, ln.written())
			var joined []byte
			data := 0
			for i, h := range hdrs {
				if h.Op == wsframe.OpClose {
					break
				}
				wantOp := wsframe.OpContinuation
				if i == 0 {
					wantOp = wsframe.Opcode(typ)
				}
				if h.Op != wantOp || h.Masked || h.Length > 32 {
					t.Errorf("frame %d: %v; want %v, unmasked, at most 32 bytes", i, h, wantOp)
				}
				joined = append(joined, payloads[i]...)
				data++
			}
			if data < 2 || !hdrs[data-1].Fin || !bytes.Equal(joined, msg) {
				t.Errorf("%d data frames (last FIN %v) carrying %d bytes; want several, the last with FIN, carrying the message",
					data, data > 0 && hdrs[data-1].Fin, len(joined))
			}
		})
	}
}

// TestInteropFragmentedFromGorilla: gorilla's NextWriter sends a message
// as many frames; our ReadMessage reads one message, and ReadFrame shows
// the frames.
func TestInteropFragmentedFromGorilla(t *testing.T) {
	ctx := interopContext(t)
	msg := interopMessage(wsframe.TextMessage, 10000)
	results := make(chan error, 1)
	url := startGorillaServer(t, &websocket.Upgrader{WriteBufferSize: 1024}, func(gc *websocket.Conn) {
		results <- func() error {
			for range 2 {
				w, err := gc.NextWriter(websocket.TextMessage)
				if err != nil {
					return err
				}
				for p := msg; len(p) > 0; {
					n := min(100, len(p))
					if _, err := w.Write(p[:n]); err != nil {
						return err
					}
					p = p[n:]
				}
				if err := w.Close(); err != nil {
					return err
				}
			}
			_, _, err := gc.ReadMessage() // until our close
			return err
		}()
	})
	c, _ := dialOurs(t, url, nil)

	typ, got, err := c.ReadMessage(ctx)
	if err != nil || typ != wsframe.TextMessage || !bytes.Equal(got, msg) {
		t.Fatalf("ReadMessage = %v, %d bytes, %v; want text, the %d bytes gorilla wrote", typ, len(got), err, len(msg))
	}

	var joined []byte
	frames := 0
	for {
		f, err := c.ReadFrame(ctx, nil)
		if err != nil {
			t.Fatalf("ReadFrame %d: %v", frames, err)
		}
		wantOp := wsframe.OpContinuation
		if frames == 0 {
			wantOp = wsframe.OpText
		}
		if f.Op != wantOp || f.Masked {
			t.Errorf("frame %d: %v, want %v unmasked", frames, f.Header, wantOp)
		}
		joined = append(joined, f.Payload...)
		frames++
		if f.Fin {
			break
		}
	}
	if frames < 2 || !bytes.Equal(joined, msg) {
		t.Errorf("%d frames carrying %d bytes, want several carrying the message", frames, len(joined))
	}
	if err := c.Close(wsframe.CloseNormal, ""); err != nil {
		t.Errorf("Close: %v", err)
	}
	if err := <-results; !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
		t.Errorf("gorilla server: %v, want close 1000", err)
	}
}

// TestInteropPingGorillaClient: a gorilla client pings our server, which
// answers with a pong of the same payload; our server pings the gorilla
// client, which answers too.
func TestInteropPingGorillaClient(t *testing.T) {
	t.Run("gorilla pings", func(t *testing.T) {
		results := make(chan error, 1)
		url := startOurServer(t, nil, nil, func(ctx context.Context, c *wsframe.Conn, hs *wsframe.Handshake) {
			results <- wsframe.Echo(ctx, c)
		})
		gc := dialGorilla(t, nil, url, nil)
		pongs := make(chan string, 1)
		gc.SetPongHandler(func(data string) error { pongs <- data; return nil })
		if err := gc.WriteControl(websocket.PingMessage, []byte("are you there?"), time.Now().Add(interopTimeout)); err != nil {
			t.Fatal(err)
		}
		// gorilla handles control frames while it reads: the pong comes
		// before the echo of a message sent after the ping.
		if err := gc.WriteMessage(websocket.TextMessage, []byte("after the ping")); err != nil {
			t.Fatal(err)
		}
		if _, msg, err := gc.ReadMessage(); err != nil || string(msg) != "after the ping" {
			t.Fatalf("gorilla read %q, %v", msg, err)
		}
		select {
		case got := <-pongs:
			if got != "are you there?" {
				t.Errorf("pong payload %q, want the ping's", got)
			}
		default:
			t.Error("no pong before the echo")
		}
		gorillaCloseNormally(t, gc)
		if err := <-results; err != nil {
			t.Errorf("Echo: %v", err)
		}
	})
	t.Run("we ping", func(t *testing.T) {
		results := make(chan error, 1)
		url := startOurServer(t, nil, nil, func(ctx context.Context, c *wsframe.Conn, hs *wsframe.Handshake) {
			results <- func() error {
				if err := c.Ping(ctx, []byte("from netlab")); err != nil {
					return err
				}
				f, err := c.ReadFrame(ctx, nil)
				if err != nil {
					return err
				}
				if f.Op != wsframe.OpPong || string(f.Payload) != "from netlab" || !f.Masked {
					return fmt.Errorf("got %v %q, want a masked pong \"from netlab\"", f.Header, f.Payload)
				}
				if err := c.WriteMessage(ctx, wsframe.TextMessage, []byte("pong seen")); err != nil {
					return err
				}
				_, _, err = c.ReadMessage(ctx)
				var ce *wsframe.CloseError
				if !errors.As(err, &ce) || ce.Code != wsframe.CloseNormal {
					return fmt.Errorf("after the pong: %v, want close 1000", err)
				}
				return nil
			}()
		})
		gc := dialGorilla(t, nil, url, nil)
		// gorilla's default ping handler answers while ReadMessage runs.
		if _, msg, err := gc.ReadMessage(); err != nil || string(msg) != "pong seen" {
			t.Fatalf("gorilla read %q, %v", msg, err)
		}
		gorillaCloseNormally(t, gc)
		if err := <-results; err != nil {
			t.Error(err)
		}
	})
}

// TestInteropPingGorillaServer: our client pings a gorilla server and
// reads its pong; a gorilla server pings our client, which answers.
func TestInteropPingGorillaServer(t *testing.T) {
	t.Run("we ping", func(t *testing.T) {
		ctx := interopContext(t)
		results := make(chan error, 1)
		url := startGorillaServer(t, &websocket.Upgrader{}, gorillaEcho(results))
		c, _ := dialOurs(t, url, nil)
		if err := c.Ping(ctx, []byte("hi gorilla")); err != nil {
			t.Fatal(err)
		}
		f, err := c.ReadFrame(ctx, nil)
		if err != nil || f.Op != wsframe.OpPong || string(f.Payload) != "hi gorilla" || f.Masked {
			t.Fatalf("ReadFrame = %v %q, %v; want an unmasked pong \"hi gorilla\"", f.Header, f.Payload, err)
		}
		if err := c.Close(wsframe.CloseNormal, ""); err != nil {
			t.Error(err)
		}
		if err := <-results; !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
			t.Errorf("gorilla server: %v, want close 1000", err)
		}
	})
	t.Run("gorilla pings", func(t *testing.T) {
		ctx := interopContext(t)
		pongs := make(chan string, 1)
		results := make(chan error, 1)
		url := startGorillaServer(t, &websocket.Upgrader{}, func(gc *websocket.Conn) {
			gc.SetPongHandler(func(data string) error { pongs <- data; return nil })
			if err := gc.WriteControl(websocket.PingMessage, []byte("hi netlab"), time.Now().Add(interopTimeout)); err != nil {
				results <- err
				return
			}
			gorillaEcho(results)(gc)
		})
		c, _ := dialOurs(t, url, nil)
		f, err := c.ReadFrame(ctx, nil) // answers the ping on the way
		if err != nil || f.Op != wsframe.OpPing || string(f.Payload) != "hi netlab" {
			t.Fatalf("ReadFrame = %v %q, %v; want ping \"hi netlab\"", f.Header, f.Payload, err)
		}
		if err := c.WriteMessage(ctx, wsframe.TextMessage, []byte("x")); err != nil {
			t.Fatal(err)
		}
		if _, msg, err := c.ReadMessage(ctx); err != nil || string(msg) != "x" {
			t.Fatalf("ReadMessage = %q, %v", msg, err)
		}
		select {
		case got := <-pongs:
			if got != "hi netlab" {
				t.Errorf("gorilla got pong %q, want \"hi netlab\"", got)
			}
		default:
			t.Error("gorilla echoed the message but saw no pong before it")
		}
		if err := c.Close(wsframe.CloseNormal, ""); err != nil {
			t.Error(err)
		}
		if err := <-results; !websocket.IsCloseError(err, websocket.CloseNormalClosure) {
			t.Errorf("gorilla server: %v, want close 1000", err)
		}
	})
}

var interopCloses = []struct {
	code   wsframe.CloseCode
	reason string
}{
	{wsframe.CloseNormal, ""},
	{wsframe.CloseNormal, "done"},
	{wsframe.CloseGoingAway, "server restarting"},
	{4000, "private: retry in 5 s"},
}

// TestInteropCloseWithGorillaClient: each side starts the closing
// handshake in turn; the other sees its code and reason, and the answer
// echoes the code.
func TestInteropCloseWithGorillaClient(t *testing.T) {
	for _, tt := range interopCloses {
		t.Run(fmt.Sprintf("gorilla closes %d %q", tt.code, tt.reason), func(t *testing.T) {
			results := make(chan error, 1)
			url := startOurServer(t, nil, nil, func(ctx context.Context, c *wsframe.Conn, hs *wsframe.Handshake) {
				_, _, err := c.ReadMessage(ctx)
				results <- err
			})
			gc := dialGorilla(t, nil, url, nil)
			msg := websocket.FormatCloseMessage(int(tt.code), tt.reason)
			if err := gc.WriteControl(websocket.CloseMessage, msg, time.Now().Add(interopTimeout)); err != nil {
				t.Fatal(err)
			}
			_, _, err := gc.ReadMessage()
			if !websocket.IsCloseError(err, int(tt.code)) {
				t.Errorf("gorilla: %v, want our answer with code %d", err, tt.code)
			}
			var ce *wsframe.CloseError
			if err := <-results; !errors.As(err, &ce) || ce.Code != tt.code || ce.Reason != tt.reason {
				t.Errorf("server: %v, want CloseError %d %q", err, tt.code, tt.reason)
			}
		})
		t.Run(fmt.Sprintf("we close %d %q", tt.code, tt.reason), func(t *testing.T) {
			results := make(chan error, 1)
			url := startOurServer(t, nil, nil, func(ctx context.Context, c *wsframe.Conn, hs *wsframe.Handshake) {
				results <- c.Close(tt.code, tt.reason)
			})
			gc := dialGorilla(t, nil, url, nil)
			_, _, err := gc.ReadMessage() // gorilla's close handler answers
			var ce *websocket.CloseError
			if !errors.As(err, &ce) || ce.Code != int(tt.code) || ce.Text != tt.reason {
				t.Errorf("gorilla: %v, want *websocket.CloseError %d %q", err, tt.code, tt.reason)
			}
			if err := <-results; err != nil {
				t.Errorf("Close: %v", err)
			}
		})
	}
}

// TestInteropCloseWithGorillaServer: the same, with our client and a
// gorilla server.
func TestInteropCloseWithGorillaServer(t *testing.T) {
	for _, tt := range interopCloses {
		t.Run(fmt.Sprintf("we close %d %q", tt.code, tt.reason), func(t *testing.T) {
			results := make(chan error, 1)
			url := startGorillaServer(t, &websocket.Upgrader{}, gorillaEcho(results))
			c, _ := dialOurs(t, url, nil)
			if err := c.Close(tt.code, tt.reason); err != nil {
				t.Errorf("Close: %v", err)
			}
			var ce *websocket.CloseError
			if err := <-results; !errors.As(err, &ce) || ce.Code != int(tt.code) || ce.Text != tt.reason {
				t.Errorf("gorilla server: %v, want *websocket.CloseError %d %q", err, tt.code, tt.reason)
			}
		})
		t.Run(fmt.Sprintf("gorilla closes %d %q", tt.code, tt.reason), func(t *testing.T) {
			ctx := interopContext(t)
			results := make(chan error, 1)
			url := startGorillaServer(t, &websocket.Upgrader{}, func(gc *websocket.Conn) {
				msg := websocket.FormatCloseMessage(int(tt.code), tt.reason)
				if err := gc.WriteControl(websocket.CloseMessage, msg, time.Now().Add(interopTimeout)); err != nil {
					results <- err
					return
				}
				_, _, err := gc.ReadMessage()
				results <- err
			})
			c, _ := dialOurs(t, url, nil)
			_, _, err := c.ReadMessage(ctx)
			var ce *wsframe.CloseError
			if !errors.As(err, &ce) || ce.Code != tt.code || ce.Reason != tt.reason {
				t.Errorf("ReadMessage: %v, want CloseError %d %q", err, tt.code, tt.reason)
			}
			if err := <-results; !websocket.IsCloseError(err, int(tt.code)) {
				t.Errorf("gorilla server: %v, want our answer with code %d", err, tt.code)
			}
		})
	}
}

// TestInteropSubprotocol: the server's preference wins among what the
// client offers; with nothing in common, none is chosen.
func TestInteropSubprotocol(t *testing.T) {
	tests := []struct {
		name           string
		server, client []string
		want           string
	}{
		{"server's first choice", []string{"v2.chat", "chat"}, []string{"chat", "v2.chat"}, "v2.chat"},
		{"the only one in common", []string{"v2.chat", "chat"}, []string{"mqtt", "chat"}, "chat"},
		{"nothing in common", []string{"v2.chat"}, []string{"mqtt"}, ""},
		{"client offers none", []string{"v2.chat"}, nil, ""},
	}
	for _, tt := range tests {
		t.Run("our server/"+tt.name, func(t *testing.T) {
			seen := make(chan string, 1)
			opts := &wsframe.AcceptOptions{Subprotocols: tt.server}
			url := startOurServer(t, nil, opts, func(ctx context.Context, c *wsframe.Conn, hs *wsframe.Handshake) {
				seen <- c.Subprotocol()
				_ = wsframe.Echo(ctx, c)
			})
			gc := dialGorilla(t, &websocket.Dialer{Subprotocols: tt.client}, url, nil)
			if got := gc.Subprotocol(); got != tt.want {
				t.Errorf("gorilla client: subprotocol %q, want %q", got, tt.want)
			}
			if got := <-seen; got != tt.want {
				t.Errorf("our server: subprotocol %q, want %q", got, tt.want)
			}
			gorillaCloseNormally(t, gc)
		})
		t.Run("gorilla server/"+tt.name, func(t *testing.T) {
			seen := make(chan string, 1)
			results := make(chan error, 1)
			url := startGorillaServer(t, &websocket.Upgrader{Subprotocols: tt.server}, func(gc *websocket.Conn) {
				seen <- gc.Subprotocol()
				gorillaEcho(results)(gc)
			})
			c, hs := dialOurs(t, url, &wsframe.DialOptions{Subprotocols: tt.client})
			if c.Subprotocol() != tt.want || hs.Subprotocol != tt.want {
				t.Errorf("our client: subprotocol %q (handshake %q), want %q", c.Subprotocol(), hs.Subprotocol, tt.want)
			}
			if got := <-seen; got != tt.want {
				t.Errorf("gorilla server: subprotocol %q, want %q", got, tt.want)
			}
			if err := c.Close(wsframe.CloseNormal, ""); err != nil {
				t.Error(err)
			}
			<-results
		})
	}
}

// TestInteropUpgrade: our Upgrade behind a net/http server (the Hijack
// path) with a gorilla client: messages, then a refusal net/http sends.
func TestInteropUpgrade(t *testing.T) {
	results := make(chan error, 1)
	url := startHTTPServer(t, func(w http.ResponseWriter, r *http.Request) {
		c, _, err := wsframe.Upgrade(w, r, &wsframe.AcceptOptions{Subprotocols: []string{"echo"}})
		if err != nil {
			results <- err
			return
		}
		defer c.CloseNow()
		results <- wsframe.Echo(r.Context(), c)
	})

	t.Run("echo", func(t *testing.T) {
		gc := dialGorilla(t, &websocket.Dialer{Subprotocols: []string{"echo"}}, url, nil)
		if got := gc.Subprotocol(); got != "echo" {
			t.Errorf("subprotocol %q, want \"echo\"", got)
		}
		for _, n := range []int{0, 125, 126, 65536} {
			msg := interopMessage(wsframe.BinaryMessage, n)
			if err := gc.WriteMessage(websocket.BinaryMessage, msg); err != nil {
				t.Fatal(err)
			}
			if _, got, err := gc.ReadMessage(); err != nil || !bytes.Equal(got, msg) {
				t.Fatalf("%d bytes: echo is %d bytes, %v", n, len(got), err)
			}
		}
		gorillaCloseNormally(t, gc)
		if err := <-results; err != nil {
			t.Errorf("Echo: %v", err)
		}
	})

	t.Run("refused: Origin of another site", func(t *testing.T) {
		d := &websocket.Dialer{HandshakeTimeout: interopTimeout}
		header := http.Header{"Origin": {"http://elsewhere.example"}}
		gc, resp, err := d.DialContext(interopContext(t), url, header)
		if err == nil {
			gc.Close()
			t.Fatal("gorilla Dial succeeded, want a refusal")
		}
		if !errors.Is(err, websocket.ErrBadHandshake) || resp == nil || resp.StatusCode != http.StatusForbidden {
			t.Fatalf("gorilla Dial: %v, response %v; want ErrBadHandshake with 403", err, resp)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if !strings.Contains(string(body), "Origin policy refused") {
			t.Errorf("refusal body %q, want the rule it broke", body)
		}
		var herr *wsframe.HandshakeError
		if err := <-results; !errors.As(err, &herr) || !errors.Is(err, wsframe.ErrOriginRefused) {
			t.Errorf("Upgrade: %v, want a HandshakeError for ErrOriginRefused", err)
		}
	})
}
