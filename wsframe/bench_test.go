// Benchmarks, side by side with gorilla/websocket in the same run. Names
// pair up (impl=netlab / impl=gorilla) so benchstat can compare them:
//
//	go test ./wsframe -run '^$' -bench . -benchmem -count 5 > bench.txt
//	benchstat -col /impl bench.txt
package wsframe

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

var echoSizes = []int{16, 1024, 65536}

// BenchmarkEcho: a client and a server over loopback TCP in one process;
// each op is one round trip (the client sends a message, the server sends
// it back, the client reads it).
func BenchmarkEcho(b *testing.B) {
	for _, size := range echoSizes {
		msg := bytes.Repeat([]byte("x"), size)
		b.Run(fmt.Sprintf("impl=netlab/size=%d", size), func(b *testing.B) {
			c, stop := netlabEchoPair(b)
			defer stop()
			ctx := context.Background()
			buf := make([]byte, 0, size)
			b.SetBytes(int64(size))
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if err := c.WriteMessage(ctx, BinaryMessage, msg); err != nil {
					b.Fatal(err)
				}
				_, got, err := c.AppendMessage(ctx, buf)
				if err != nil || len(got) != size {
					b.Fatalf("echo: %d bytes, %v", len(got), err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
		b.Run(fmt.Sprintf("impl=gorilla/size=%d", size), func(b *testing.B) {
			c, stop := gorillaEchoPair(b)
			defer stop()
			b.SetBytes(int64(size))
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if err := c.WriteMessage(websocket.BinaryMessage, msg); err != nil {
					b.Fatal(err)
				}
				_, got, err := c.ReadMessage()
				if err != nil || len(got) != size {
					b.Fatalf("echo: %d bytes, %v", len(got), err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}

// netlabEchoPair starts a netlab echo server on loopback and dials it.
func netlabEchoPair(b *testing.B) (*Conn, func()) {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = Serve(ctx, ln, &AcceptOptions{CheckOrigin: AnyOrigin}, func(ctx context.Context, c *Conn, _ *Handshake) {
			_ = Echo(ctx, c)
		}, nil)
	}()
	c, _, err := Dial(context.Background(), "ws://"+ln.Addr().String()+"/", nil)
	if err != nil {
		b.Fatal(err)
	}
	return c, func() {
		_ = c.Close(CloseNormal, "")
		cancel()
		<-done
	}
}

// gorillaEchoPair starts a gorilla echo server on loopback (the usual
// ReadMessage / WriteMessage loop) and dials it with gorilla.
func gorillaEchoPair(b *testing.B) (*websocket.Conn, func()) {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	up := websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	var wg sync.WaitGroup
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		for {
			mt, msg, err := c.ReadMessage()
			if err != nil {
				return
			}
			if err := c.WriteMessage(mt, msg); err != nil {
				return
			}
		}
	})}
	wg.Add(1)
	go func() { defer wg.Done(); _ = srv.Serve(ln) }()
	c, _, err := websocket.DefaultDialer.Dial("ws://"+ln.Addr().String()+"/", nil)
	if err != nil {
		b.Fatal(err)
	}
	return c, func() {
		_ = c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(websocket.CloseNormalClosure, ""), time.Now().Add(time.Second))
		c.Close()
		srv.Close()
		wg.Wait()
	}
}

var maskSizes = []int{16, 1024, 65536, 1 << 20}

// BenchmarkMask compares netlab's Mask with copy() on the same buffer (the
// practical ceiling), with the byte-at-a-time loop, and with gorilla's
// masking path: a gorilla client writing a message of that size (gorilla's
// masking function is not exported, so its path is measured whole, next to
// netlab's client doing the same).
func BenchmarkMask(b *testing.B) {
	key := [4]byte{0x37, 0xfa, 0x21, 0x3d}
	for _, size := range maskSizes {
		buf := make([]byte, size)
		src := make([]byte, size)
		b.Run(fmt.Sprintf("impl=netlab/size=%d", size), func(b *testing.B) {
			b.SetBytes(int64(size))
			for range b.N {
				Mask(key, 1, buf)
			}
		})
		b.Run(fmt.Sprintf("impl=copy/size=%d", size), func(b *testing.B) {
			b.SetBytes(int64(size))
			for range b.N {
				copy(buf, src)
			}
		})
		b.Run(fmt.Sprintf("impl=bytewise/size=%d", size), func(b *testing.B) {
			b.SetBytes(int64(size))
			for range b.N {
				maskBytes(key, 1, buf)
			}
		})
		b.Run(fmt.Sprintf("impl=netlab-client-write/size=%d", size), func(b *testing.B) {
			c := NewConn(&memConn{}, nil, RoleClient, nil)
			ctx := context.Background()
			b.SetBytes(int64(size))
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if err := c.WriteMessage(ctx, BinaryMessage, src); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("impl=gorilla-client-write/size=%d", size), func(b *testing.B) {
			c := gorillaMemClient(b)
			b.SetBytes(int64(size))
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if err := c.WriteMessage(websocket.BinaryMessage, src); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

var frameSizes = []int{16, 1024, 4000}

// BenchmarkReadFrame reads server-to-client frames from memory: the cost
// of parsing and delivering a frame, without the network.
func BenchmarkReadFrame(b *testing.B) {
	for _, size := range frameSizes {
		frame := AppendHeader(nil, Header{Fin: true, Op: OpBinary, Length: int64(size)})
		frame = append(frame, bytes.Repeat([]byte("x"), size)...)
		b.Run(fmt.Sprintf("impl=netlab/size=%d", size), func(b *testing.B) {
			c := NewConn(&memConn{r: &loopReader{data: frame}}, nil, RoleClient, nil)
			ctx := context.Background()
			buf := make([]byte, 0, size)
			b.SetBytes(int64(size))
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if _, _, err := c.AppendMessage(ctx, buf); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("impl=gorilla/size=%d", size), func(b *testing.B) {
			c := gorillaMemClient(b)
			c.UnderlyingConn().(*memConn).r = &loopReader{data: frame}
			buf := make([]byte, 0, size)
			b.SetBytes(int64(size))
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				_, r, err := c.NextReader()
				if err != nil {
					b.Fatal(err)
				}
				buf = buf[:size]
				if _, err := io.ReadFull(r, buf); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkWriteFrame writes client frames (masked) to memory.
func BenchmarkWriteFrame(b *testing.B) {
	for _, size := range frameSizes {
		msg := bytes.Repeat([]byte("x"), size)
		b.Run(fmt.Sprintf("impl=netlab/size=%d", size), func(b *testing.B) {
			c := NewConn(&memConn{}, nil, RoleClient, nil)
			ctx := context.Background()
			b.SetBytes(int64(size))
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if err := c.WriteMessage(ctx, BinaryMessage, msg); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(fmt.Sprintf("impl=gorilla/size=%d", size), func(b *testing.B) {
			c := gorillaMemClient(b)
			b.SetBytes(int64(size))
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				if err := c.WriteMessage(websocket.BinaryMessage, msg); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// memConn is an in-memory net.Conn: reads come from r (or block on EOF),
// writes are counted and dropped. It answers a client's opening handshake
// itself, so gorilla can dial it.
type memConn struct {
	r       io.Reader
	pending []byte // the handshake response still to be read
	written int64
	hsDone  bool
}

func (m *memConn) Read(p []byte) (int, error) {
	if len(m.pending) > 0 {
		n := copy(p, m.pending)
		m.pending = m.pending[n:]
		return n, nil
	}
	if m.r == nil {
		return 0, io.EOF
	}
	return m.r.Read(p)
}

func (m *memConn) Write(p []byte) (int, error) {
	if !m.hsDone && bytes.HasPrefix(p, []byte("GET ")) {
		m.hsDone = true
		key := ""
		for _, line := range strings.Split(string(p), "\r\n") {
			if k, ok := strings.CutPrefix(line, "Sec-WebSocket-Key: "); ok {
				key = k
			}
		}
		m.pending = []byte("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n" +
			"Sec-WebSocket-Accept: " + AcceptKey(key) + "\r\n\r\n")
		return len(p), nil
	}
	m.written += int64(len(p))
	return len(p), nil
}

func (m *memConn) Close() error                     { return nil }
func (m *memConn) LocalAddr() net.Addr              { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1} }
func (m *memConn) RemoteAddr() net.Addr             { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 2} }
func (m *memConn) SetDeadline(time.Time) error      { return nil }
func (m *memConn) SetReadDeadline(time.Time) error  { return nil }
func (m *memConn) SetWriteDeadline(time.Time) error { return nil }

// loopReader returns data over and over.
type loopReader struct {
	data []byte
	pos  int
}

func (l *loopReader) Read(p []byte) (int, error) {
	n := copy(p, l.data[l.pos:])
	l.pos = (l.pos + n) % len(l.data)
	return n, nil
}

// gorillaMemClient is a gorilla client connection over a memConn.
func gorillaMemClient(b *testing.B) *websocket.Conn {
	b.Helper()
	mc := &memConn{}
	d := websocket.Dialer{NetDialContext: func(context.Context, string, string) (net.Conn, error) { return mc, nil }}
	c, _, err := d.Dial("ws://127.0.0.1:1/", nil)
	if err != nil {
		b.Fatal(err)
	}
	return c
}
