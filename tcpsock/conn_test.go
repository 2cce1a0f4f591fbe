// Tests for traced connections: the trace holds exactly the bytes that
// crossed the socket, in causal order.

package tcpsock

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"os"
	"slices"
	"sync"
	"syscall"
	"testing"

	"netlab/osi"
	"netlab/trace"
)

// plainListener listens on loopback without any tracing; t.Cleanup closes it.
func plainListener(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("listen: %v", err)
	}
	t.Cleanup(func() { ln.Close() })
	return ln
}

// tracedToPlain dials a traced client to an untraced loopback peer. The
// kernel completes the handshake before Accept is called, so no goroutine
// is needed. t.Cleanup closes both ends.
func tracedToPlain(t *testing.T, rec *trace.Recorder) (client *Conn, peer *net.TCPConn) {
	t.Helper()
	ln := plainListener(t)
	client, err := Dial(t.Context(), rec, "client", ln.Addr().String())
	if err != nil {
		t.Fatalf("Dial: %v", err)
	}
	t.Cleanup(func() { client.Close() })
	nc, err := ln.Accept()
	if err != nil {
		t.Fatalf("Accept: %v", err)
	}
	t.Cleanup(func() { nc.Close() })
	return client, nc.(*net.TCPConn)
}

// ofConn returns the events of one kind on one connection, sorted by Offset.
func ofConn(events []trace.Event, conn int, kind trace.Kind) []trace.Event {
	var out []trace.Event
	for _, e := range events {
		if e.Conn == conn && e.Kind == kind {
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b trace.Event) int { return cmp.Compare(a.Offset, b.Offset) })
	return out
}

// stream concatenates the events' bytes and checks their offsets are
// contiguous from 0 and that Seq order agrees with Offset order.
func stream(t *testing.T, events []trace.Event) []byte {
	t.Helper()
	var buf bytes.Buffer
	for i, e := range events {
		if e.Offset != int64(buf.Len()) {
			t.Fatalf("event seq %d: offset %d, want %d (the bytes before it): a gap or an overlap", e.Seq, e.Offset, buf.Len())
		}
		if i > 0 && e.Seq <= events[i-1].Seq {
			t.Errorf("event at offset %d has seq %d, not after seq %d of the bytes before it", e.Offset, e.Seq, events[i-1].Seq)
		}
		buf.Write(e.Data)
	}
	return buf.Bytes()
}

// chunk returns n bytes from rng.
func chunk(rng *rand.ChaCha8, n int) []byte {
	p := make([]byte, n)
	rng.Read(p)
	return p
}

// The key property of the package: concatenating a connection's write
// events gives exactly the bytes that crossed the socket, even with many
// goroutines writing at once, and each Write is recorded whole.
func TestTraceHoldsExactlyTheBytesWritten(t *testing.T) {
	tests := []struct {
		name       string
		goroutines int
		writesEach int
		maxChunk   int
		sockBuf    int // SO_SNDBUF and the peer's SO_RCVBUF; 0: the kernel's default
	}{
		{name: "one goroutine, small writes", goroutines: 1, writesEach: 200, maxChunk: 512},
		{name: "eight goroutines", goroutines: 8, writesEach: 40, maxChunk: 16 << 10},
		// About 4 MiB in writes of up to 512 KiB through 64 KiB buffers
		// (Linux doubles them: some 256 KiB fit between the two ends), so
		// a long Write cannot hand all its bytes to the kernel at once: it
		// blocks until the peer reads, while other goroutines wait their turn.
		{name: "large transfer, writes block", goroutines: 4, writesEach: 4, maxChunk: 512 << 10, sockBuf: 64 << 10},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := trace.NewRecorder(trace.Options{Keep: true})
			client, peer := tracedToPlain(t, rec)
			if tt.sockBuf > 0 {
				if err := client.NetConn().(*net.TCPConn).SetWriteBuffer(tt.sockBuf); err != nil {
					t.Fatal(err)
				}
				if err := peer.SetReadBuffer(tt.sockBuf); err != nil {
					t.Fatal(err)
				}
			}

			type result struct {
				data []byte
				err  error
			}
			received := make(chan result, 1)
			go func() {
				data, err := io.ReadAll(peer)
				received <- result{data, err}
			}()

			// Each goroutine writes chunks of random sizes and contents,
			// from its own seeded generators.
			written := make([][][]byte, tt.goroutines)
			var wg sync.WaitGroup
			for g := range tt.goroutines {
				wg.Go(func() {
					sizes := rand.New(rand.NewPCG(uint64(i), uint64(g)))
					content := rand.NewChaCha8([32]byte{byte(i), byte(g)})
					for range tt.writesEach {
						p := chunk(content, 1+sizes.IntN(tt.maxChunk))
						if _, err := client.Write(p); err != nil {
							t.Errorf("goroutine %d: Write: %v", g, err)
							return
						}
						written[g] = append(written[g], p)
					}
				})
			}
			wg.Wait()
			if err := client.CloseWrite(); err != nil {
				t.Fatalf("CloseWrite: %v", err)
			}
			got := <-received
			if got.err != nil {
				t.Fatalf("peer: ReadAll: %v", got.err)
			}

			writes := ofConn(rec.Events(), client.ID(), trace.KindWrite)
			traced := stream(t, writes)
			if !bytes.Equal(traced, got.data) {
				t.Fatalf("the trace's writes hold %d bytes, the peer received %d, and they differ at byte %d",
					len(traced), len(got.data), firstDiff(traced, got.data))
			}
			if got, want := client.WriteOffset(), int64(len(traced)); got != want {
				t.Errorf("WriteOffset() = %d, want %d", got, want)
			}

			// Each Write call is one event holding its chunk whole.
			calls := make(map[string]int)
			n := 0
			for _, chunks := range written {
				for _, p := range chunks {
					calls[string(p)]++
					n++
				}
			}
			if len(writes) != n {
				t.Errorf("the trace has %d write events, want one per Write call (%d)", len(writes), n)
			}
			for _, e := range writes {
				if calls[string(e.Data)] == 0 {
					t.Fatalf("write event seq %d (%d bytes at offset %d) is not one whole Write call", e.Seq, len(e.Data), e.Offset)
				}
				calls[string(e.Data)]--
			}
			t.Logf("%d bytes in %d writes from %d goroutines", len(traced), n, tt.goroutines)
		})
	}
}

// firstDiff returns the index of the first byte where a and b differ.
func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// The other direction: a plain peer writes, the traced end reads with
// buffers of varying sizes; the read events hold exactly what was sent.
func TestTraceHoldsExactlyTheBytesRead(t *testing.T) {
	tests := []struct {
		name        string
		peerWrites  int
		minWrite    int
		maxWrite    int
		maxRead     int
		wantSplit   bool // every write is longer than any read: reads must split them
		peerRcvSize int
	}{
		{name: "small writes, small reads", peerWrites: 300, minWrite: 1, maxWrite: 1000, maxRead: 700},
		{name: "one-byte reads", peerWrites: 20, minWrite: 1, maxWrite: 100, maxRead: 1},
		// About 4 MiB in writes of at least 64 KiB, read at most 32 KiB at a time.
		{name: "large transfer, reads split", peerWrites: 16, minWrite: 64 << 10, maxWrite: 512 << 10, maxRead: 32 << 10, wantSplit: true},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := trace.NewRecorder(trace.Options{Keep: true})
			client, peer := tracedToPlain(t, rec)

			// The peer writes on its own goroutine and reports what it sent.
			// On a failure path the cleanup closes its socket, which ends a
			// blocked Write, and waits for it.
			type result struct {
				data []byte
				err  error
			}
			sent := make(chan result, 1)
			var wg sync.WaitGroup
			t.Cleanup(func() { peer.Close(); wg.Wait() })
			wg.Go(func() {
				var all bytes.Buffer
				sizes := rand.New(rand.NewPCG(uint64(i), 1))
				content := rand.NewChaCha8([32]byte{byte(i), 1})
				for range tt.peerWrites {
					p := chunk(content, tt.minWrite+sizes.IntN(tt.maxWrite-tt.minWrite+1))
					if _, err := peer.Write(p); err != nil {
						sent <- result{err: fmt.Errorf("peer: Write: %w", err)}
						return
					}
					all.Write(p)
				}
				sent <- result{all.Bytes(), peer.CloseWrite()}
			})

			bufSizes := rand.New(rand.NewPCG(uint64(i), 2))
			var got bytes.Buffer
			var err error
			for err == nil {
				p := make([]byte, 1+bufSizes.IntN(tt.maxRead))
				var n int
				n, err = client.Read(p)
				got.Write(p[:n])
			}
			if !errors.Is(err, io.EOF) {
				t.Fatalf("Read: %v, want io.EOF", err)
			}
			res := <-sent
			if res.err != nil {
				t.Fatal(res.err)
			}
			want := res.data
			if !bytes.Equal(got.Bytes(), want) {
				t.Fatalf("Read returned %d bytes, the peer sent %d", got.Len(), len(want))
			}

			events := rec.Events()
			reads := ofConn(events, client.ID(), trace.KindRead)
			traced := stream(t, reads)
			if !bytes.Equal(traced, want) {
				t.Fatalf("the trace's reads hold %d bytes, the peer sent %d, and they differ at byte %d",
					len(traced), len(want), firstDiff(traced, want))
			}
			if tt.wantSplit && len(reads) <= tt.peerWrites {
				t.Errorf("%d reads for %d longer writes: the reads did not split them", len(reads), tt.peerWrites)
			}

			eofs := ofConn(events, client.ID(), trace.KindEOF)
			if len(eofs) != 1 {
				t.Fatalf("%d eof events, want 1", len(eofs))
			}
			if got, want := eofs[0].Offset, int64(len(want)); got != want {
				t.Errorf("eof at offset %d, want %d (every byte sent)", got, want)
			}
			if last := reads[len(reads)-1]; eofs[0].Seq < last.Seq {
				t.Errorf("eof (seq %d) comes before the last read (seq %d)", eofs[0].Seq, last.Seq)
			}
			if got, want := client.ReadOffset(), int64(len(want)); got != want {
				t.Errorf("ReadOffset() = %d, want %d", got, want)
			}
			t.Logf("%d bytes in %d peer writes, %d reads", len(want), tt.peerWrites, len(reads))
		})
	}
}

// seqOf returns the Seq of the first event of kind on conn, failing the
// test if there is none.
func seqOf(t *testing.T, events []trace.Event, conn int, kind trace.Kind) int64 {
	t.Helper()
	for _, e := range events {
		if e.Conn == conn && e.Kind == kind {
			return e.Seq
		}
	}
	t.Fatalf("no %s event on conn %d", kind, conn)
	return -1
}

// Half-close: after CloseWrite the peer reads end of stream and can still
// send back. Both ends are traced into one recorder and the server runs on
// its own goroutine, so the trace must order them causally: each end's
// shutdown or close before the other's eof. Repeated to give a race a
// chance to show.
func TestHalfClose(t *testing.T) {
	const question, answer = "how many bytes?", "fifteen"
	for run := range 20 {
		rec := trace.NewRecorder(trace.Options{Keep: true})
		l, err := Listen(t.Context(), rec, "server", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { l.Close() })
		client, err := Dial(t.Context(), rec, "client", l.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { client.Close() })
		server, err := l.AcceptNamed(t.Context(), "server")
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { server.Close() })
		l.Close()

		// The server answers on its own goroutine, and closes its socket
		// before it reports: the test reads the trace only once every
		// event has been committed.
		serve := func() error {
			defer server.Close()
			got, err := io.ReadAll(server) // until the client's FIN
			if err != nil {
				return fmt.Errorf("server: ReadAll: %w", err)
			}
			if string(got) != question {
				return fmt.Errorf("server read %q, want %q", got, question)
			}
			_, err = server.Write([]byte(answer)) // this direction is still open
			return err
		}
		serverErr := make(chan error, 1)
		go func() { serverErr <- serve() }()

		if _, err := client.Write([]byte(question)); err != nil {
			t.Fatal(err)
		}
		if err := client.CloseWrite(); err != nil {
			t.Fatalf("CloseWrite: %v", err)
		}
		got, err := io.ReadAll(client)
		if err != nil {
			t.Fatalf("client: ReadAll: %v", err)
		}
		if err := <-serverErr; err != nil {
			t.Fatal(err)
		}
		client.Close()
		if string(got) != answer {
			t.Fatalf("client read %q, want %q", got, answer)
		}

		events := rec.Events()
		c, s := client.ID(), server.ID()
		// Each pair: the first event causes the second, or comes before it
		// in one goroutine's program order.
		type ev struct {
			conn int
			kind trace.Kind
		}
		before := [][2]ev{
			{{c, trace.KindWrite}, {s, trace.KindRead}},     // bytes are written before they are read
			{{c, trace.KindWrite}, {c, trace.KindShutdown}}, // program order
			{{c, trace.KindShutdown}, {s, trace.KindEOF}},   // the FIN is sent before it is read
			{{s, trace.KindRead}, {s, trace.KindEOF}},       // the stream's bytes before its end
			{{s, trace.KindEOF}, {s, trace.KindWrite}},      // program order
			{{s, trace.KindWrite}, {c, trace.KindRead}},
			{{s, trace.KindClose}, {c, trace.KindEOF}},
			{{c, trace.KindRead}, {c, trace.KindEOF}},
			{{c, trace.KindEOF}, {c, trace.KindClose}},
		}
		for _, p := range before {
			a, b := p[0], p[1]
			if sa, sb := seqOf(t, events, a.conn, a.kind), seqOf(t, events, b.conn, b.kind); sa >= sb {
				t.Errorf("run %d: conn %d %s (seq %d) does not come before conn %d %s (seq %d)",
					run, a.conn, a.kind, sa, b.conn, b.kind, sb)
			}
		}
		offsets := []struct {
			conn int
			kind trace.Kind
			want int64
		}{
			{c, trace.KindShutdown, int64(len(question))},
			{s, trace.KindEOF, int64(len(question))},
			{c, trace.KindEOF, int64(len(answer))},
		}
		for _, o := range offsets {
			for _, e := range ofConn(events, o.conn, o.kind) {
				if e.Offset != o.want {
					t.Errorf("run %d: conn %d %s at offset %d, want %d", run, o.conn, o.kind, e.Offset, o.want)
				}
			}
		}
		if t.Failed() {
			return
		}
	}
}

func TestOpenEventsAndFourTuple(t *testing.T) {
	rec := trace.NewRecorder(trace.Options{Keep: true})
	l, err := Listen(t.Context(), rec, "server", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	client, err := Dial(t.Context(), rec, "alice", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	server, err := l.AcceptNamed(t.Context(), "server↔alice")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { server.Close() })

	clientAddr, serverAddr := client.LocalAddr().String(), l.Addr().String()
	if got := server.RemoteAddr().String(); got != clientAddr {
		t.Errorf("server.RemoteAddr() = %s, want %s", got, clientAddr)
	}
	want := FourTuple{Client: clientAddr, Server: serverAddr}
	if got := client.FourTuple(); got != want {
		t.Errorf("client.FourTuple() = %v, want %v", got, want)
	}
	if got := server.FourTuple(); got != want {
		t.Errorf("server.FourTuple() = %v, want %v (the same connection seen from the other end)", got, want)
	}

	tests := []struct {
		c    *Conn
		want trace.Event
	}{
		{client, trace.Event{Kind: trace.KindOpen, Conn: client.ID(), Name: "alice", Role: RoleClient,
			Local: clientAddr, Remote: serverAddr, Initiator: "local"}},
		{server, trace.Event{Kind: trace.KindOpen, Conn: server.ID(), Name: "server↔alice", Role: RoleServer,
			Local: serverAddr, Remote: clientAddr, Initiator: "remote"}},
	}
	events := rec.Events()
	for _, tt := range tests {
		opens := ofConn(events, tt.c.ID(), trace.KindOpen)
		if len(opens) != 1 {
			t.Errorf("%s: %d open events, want 1", tt.c.Name(), len(opens))
			continue
		}
		got := opens[0]
		got.Seq, got.T = 0, 0
		if fmt.Sprint(got) != fmt.Sprint(tt.want) {
			t.Errorf("%s: open event\n got  %+v\n want %+v", tt.c.Name(), got, tt.want)
		}
		if tt.c.Role() != tt.want.Role || tt.c.Name() != tt.want.Name {
			t.Errorf("Role(), Name() = %q, %q, want %q, %q", tt.c.Role(), tt.c.Name(), tt.want.Role, tt.want.Name)
		}
	}
	if client.ID() == server.ID() || client.ID() == 0 || server.ID() == 0 {
		t.Errorf("ids %d and %d: want two different ids from 1", client.ID(), server.ID())
	}
}

// A reset (TCP RST) is recorded as an error event, in words.
func TestResetRecordedAsError(t *testing.T) {
	rec := trace.NewRecorder(trace.Options{Keep: true})
	client, peer := tracedToPlain(t, rec)
	if err := peer.SetLinger(0); err != nil { // close sends RST instead of FIN
		t.Fatal(err)
	}
	peer.Close()
	_, err := client.Read(make([]byte, 10))
	if !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("Read after the peer's RST: %v, want ECONNRESET", err)
	}
	errs := ofConn(rec.Events(), client.ID(), trace.KindError)
	if len(errs) != 1 {
		t.Fatalf("%d error events, want 1", len(errs))
	}
	if got, want := errs[0].Err, "read: connection reset by peer (TCP RST)"; got != want {
		t.Errorf("error event says %q, want %q", got, want)
	}
	if got := ofConn(rec.Events(), client.ID(), trace.KindEOF); len(got) != 0 {
		t.Errorf("a reset was recorded as end of stream: %+v", got)
	}
}

// Close is recorded once, and using the socket after closing it is the
// program's own doing: no error event.
func TestCloseIdempotent(t *testing.T) {
	rec := trace.NewRecorder(trace.Options{Keep: true})
	client, _ := tracedToPlain(t, rec)
	for i := range 3 {
		if err := client.Close(); err != nil {
			t.Errorf("Close() call %d: %v", i+1, err)
		}
	}
	if _, err := client.Read(make([]byte, 1)); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Read after Close: %v, want net.ErrClosed", err)
	}
	events := rec.Events()
	if got := len(ofConn(events, client.ID(), trace.KindClose)); got != 1 {
		t.Errorf("%d close events, want 1", got)
	}
	if got := ofConn(events, client.ID(), trace.KindError); len(got) != 0 {
		t.Errorf("error events after using a closed socket: %+v", got)
	}
}

func TestAnnotate(t *testing.T) {
	rec := trace.NewRecorder(trace.Options{Keep: true})
	client, _ := tracedToPlain(t, rec)
	fields := []osi.Annotation{{Start: 0, End: 2, Field: "length", Layer: osi.Application}}
	client.Annotate(trace.Sent, 40, fields)
	client.Annotate(trace.Received, 0, nil) // nothing to say: no event

	got := ofConn(rec.Events(), client.ID(), trace.KindAnnotate)
	if len(got) != 1 {
		t.Fatalf("%d annotate events, want 1", len(got))
	}
	if got[0].Dir != trace.Sent || got[0].Offset != 40 || !slices.Equal(got[0].Fields, fields) || got[0].Name != "client" {
		t.Errorf("annotate event = %+v, want dir sent, offset 40, the fields given", got[0])
	}
}

// A connection wrapped without a recorder works and records nothing.
func TestUntraced(t *testing.T) {
	ln := plainListener(t)
	nc, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	c := Wrap(nc, nil, RoleClient, "quiet")
	t.Cleanup(func() { c.Close() })
	peer, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { peer.Close() })

	if c.ID() != 0 {
		t.Errorf("ID() = %d, want 0 for an untraced connection", c.ID())
	}
	if c.NetConn() != nc {
		t.Errorf("NetConn() is not the wrapped connection")
	}
	if _, err := c.Write([]byte("abc")); err != nil {
		t.Fatal(err)
	}
	c.Annotate(trace.Sent, 0, []osi.Annotation{{Start: 0, End: 3, Field: "x"}})
	if err := c.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(peer)
	if err != nil || string(got) != "abc" {
		t.Fatalf("peer read %q, %v, want %q, nil", got, err, "abc")
	}
	if _, err := peer.Write([]byte("de")); err != nil {
		t.Fatal(err)
	}
	peer.Close()
	back, err := io.ReadAll(c)
	if err != nil || string(back) != "de" {
		t.Fatalf("read back %q, %v, want %q, nil", back, err, "de")
	}
	if c.WriteOffset() != 3 || c.ReadOffset() != 2 {
		t.Errorf("WriteOffset(), ReadOffset() = %d, %d, want 3, 2", c.WriteOffset(), c.ReadOffset())
	}
}

// What a connection without a TCP socket under it cannot do, it says so.
func TestNotTCP(t *testing.T) {
	a, b := net.Pipe()
	t.Cleanup(func() { a.Close(); b.Close() })
	c := Wrap(a, nil, RoleClient, "pipe")
	if err := c.CloseWrite(); err == nil {
		t.Error("CloseWrite on a pipe: no error")
	}
	if err := c.SetNoDelay(true); err == nil {
		t.Error("SetNoDelay on a pipe: no error")
	}
	if _, err := c.Queued(); !errors.Is(err, ErrUnsupported) {
		t.Errorf("Queued on a pipe: %v, want ErrUnsupported", err)
	}
	if _, err := c.Stats(); !errors.Is(err, ErrUnsupported) {
		t.Errorf("Stats on a pipe: %v, want ErrUnsupported", err)
	}
}

func TestSetNoDelay(t *testing.T) {
	client, _ := tracedToPlain(t, nil)
	for _, on := range []bool{false, true} {
		if err := client.SetNoDelay(on); err != nil {
			t.Errorf("SetNoDelay(%t): %v", on, err)
		}
	}
}

func TestDescribe(t *testing.T) {
	opErr := func(err error) error {
		return &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", err)}
	}
	tests := []struct {
		err  error
		want string
	}{
		{&net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}, "timed out (the deadline passed with nothing to read or write)"},
		{&net.OpError{Op: "read", Net: "tcp", Err: net.ErrClosed}, "the socket was already closed by this end"},
		{opErr(syscall.ECONNRESET), "connection reset by peer (TCP RST)"},
		{opErr(syscall.EPIPE), "broken pipe (the peer closed and the kernel refused more data)"},
		{opErr(syscall.ECONNREFUSED), "connection refused (nothing listens there: the kernel answered SYN with RST)"},
		{opErr(syscall.ENETUNREACH), syscall.ENETUNREACH.Error()},
		{errors.New("something else"), "something else"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			if got := Describe(tt.err); got != tt.want {
				t.Errorf("Describe(%v) = %q, want %q", tt.err, got, tt.want)
			}
		})
	}
}

// Dialling a loopback port where nothing listens: refused, in words.
func TestDialRefused(t *testing.T) {
	ln := plainListener(t)
	addr := ln.Addr().String()
	ln.Close() // the port is free again: nothing listens there
	_, err := Dial(context.Background(), nil, "client", addr)
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Fatalf("Dial to a closed port: %v, want ECONNREFUSED", err)
	}
	if got, want := Describe(err), "connection refused (nothing listens there: the kernel answered SYN with RST)"; got != want {
		t.Errorf("Describe = %q, want %q", got, want)
	}
}
