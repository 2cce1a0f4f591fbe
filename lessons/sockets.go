// Lesson "sockets": endpoints, the 4-tuple, the byte stream, half-close.

package lessons

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"netlab/osi"
	"netlab/tcpsock"
	"netlab/trace"
)

func socketsLesson() Lesson {
	return Lesson{
		Name:     "sockets",
		Title:    "Sockets, endpoints and the byte stream",
		Layers:   osi.Of(osi.Transport),
		Question: "What is a socket, what is an endpoint, and what does TCP really deliver: messages or bytes?",
		Run:      runSockets,
	}
}

func runSockets(ctx context.Context, env *Env) error {
	// Step 1: the server's endpoint.
	if err := env.Step(ctx, "A server opens a listening socket"); err != nil {
		return err
	}
	env.SayAt(osi.Transport, "A socket is one end of a two-way connection, as the kernel hands it to a program. "+
		"The server asks its kernel for a TCP socket on %s. Port 0 means \"any free port\": the kernel picks one.", env.ServerAddr())
	ln, err := env.Listen(ctx, "server", env.ServerAddr())
	if err != nil {
		return err
	}
	env.Say("The server's endpoint is %s: an IP address and a port. A listening socket never carries data; "+
		"it only waits for connections, and each one it accepts becomes a new socket.", ln.Addr())

	// Step 2: the client's endpoint and the 4-tuple.
	if err := env.Step(ctx, "A client dials; the kernel picks the client's port"); err != nil {
		return err
	}
	client, err := env.Dial(ctx, "client", ln.Addr().String())
	if err != nil {
		return err
	}
	server, err := env.Accept(ctx, ln, "server")
	if err != nil {
		return err
	}
	if client.LocalAddr().String() != server.RemoteAddr().String() || client.RemoteAddr().String() != server.LocalAddr().String() {
		return fmt.Errorf("the two ends disagree: client %s→%s, server %s←%s",
			client.LocalAddr(), client.RemoteAddr(), server.LocalAddr(), server.RemoteAddr())
	}
	env.Say("Dial returned only after the two kernels finished TCP's three-way handshake (SYN, SYN-ACK, ACK). "+
		"The client never chose a port: its kernel took %s from its range of ephemeral ports%s.",
		portOf(client.LocalAddr().String()), ephemeralRange())
	env.Table("One connection, seen from each end", []string{"end", "local endpoint", "remote endpoint"}, [][]string{
		{"client", client.LocalAddr().String(), client.RemoteAddr().String()},
		{"server", server.LocalAddr().String(), server.RemoteAddr().String()},
	})
	env.Say("Each end's local endpoint is the other's remote one. Together they make the 4-tuple %s, "+
		"the name the kernel files this connection under.", client.FourTuple())

	// Step 3: an echo.
	if err := env.Step(ctx, "An echo: bytes go both ways"); err != nil {
		return err
	}
	if _, err := client.Write([]byte("hello\n")); err != nil {
		return err
	}
	got, err := readOnce(server, 64)
	if err != nil {
		return err
	}
	if _, err := server.Write(got); err != nil {
		return err
	}
	if _, err := io.ReadFull(client, make([]byte, len(got))); err != nil {
		return err
	}
	env.Say("The same connection carried bytes from client to server and back: it is full duplex.")

	// Step 4: two writes, one read.
	if err := env.Step(ctx, "Two writes arrive in one read"); err != nil {
		return err
	}
	before, statsErr := server.Stats()
	first, second := []byte("first;"), []byte("second;")
	for _, w := range [][]byte{first, second} {
		if _, err := client.Write(w); err != nil {
			return err
		}
	}
	queued, err := server.WaitQueued(ctx, len(first)+len(second))
	if err != nil {
		return err
	}
	after, _ := server.Stats()
	if statsErr == nil {
		env.SayAt(osi.Transport, "Go sets TCP_NODELAY, so each write left at once as its own segment: the server's kernel "+
			"counted %s with data arriving. Its receive queue now holds %d bytes, one after the other, with nothing "+
			"to show where the first write ended.", segments(after.DataSegsIn-before.DataSegsIn), queued)
	} else {
		env.SayAt(osi.Transport, "The server's receive queue now holds %d bytes, one after the other, "+
			"with nothing to show where the first write ended.", queued)
	}
	joined, err := readOnce(server, 64)
	if err != nil {
		return err
	}
	if !bytes.Equal(joined, append(append([]byte(nil), first...), second...)) {
		return fmt.Errorf("one read returned %q, want both writes", joined)
	}
	env.Say("One read with a 64-byte buffer returned %q: both writes, joined. TCP kept every byte and their order, "+
		"but not the boundary between the writes. It was lost in the receiver's queue, not on the wire.", joined)

	// Step 5: one write, several reads.
	if err := env.Step(ctx, "One write arrives over several reads"); err != nil {
		return err
	}
	long := []byte("hello, byte stream")
	if _, err := client.Write(long); err != nil {
		return err
	}
	if _, err := server.WaitQueued(ctx, len(long)); err != nil {
		return err
	}
	var pieces []string
	for total := 0; total < len(long); {
		piece, err := readOnce(server, 5)
		if err != nil {
			return err
		}
		total += len(piece)
		pieces = append(pieces, fmt.Sprintf("%q", piece))
	}
	env.Say("All %d bytes had arrived, yet the server read them in %d pieces: %s. The reader decides how much it "+
		"takes per read (here a 5-byte buffer). Between machines the network cuts too: a write bigger than one "+
		"segment (the MSS: %s) arrives in several.", len(long), len(pieces), strings.Join(pieces, ", "), mssText(client))

	// Step 6: framing.
	if err := env.Step(ctx, "A protocol marks its own messages"); err != nil {
		return err
	}
	env.SayAt(osi.Application, "So a protocol that sends messages must mark where each ends. The simplest way: "+
		"a 2-byte length before each message. HTTP uses Content-Length or chunks; WebSocket uses frame headers.")
	msgs := [][]byte{[]byte("hello"), []byte("goodbye")}
	var wire []byte
	for _, m := range msgs {
		if wire, err = tcpsock.AppendFramed(wire, m); err != nil {
			return err
		}
	}
	off := client.WriteOffset()
	if _, err := client.Write(wire); err != nil {
		return err
	}
	client.Annotate(trace.Sent, off, framedAnnotations(wire))
	if _, err := server.WaitQueued(ctx, len(wire)); err != nil {
		return err
	}
	var rows [][]string
	chunky := &limitedReads{r: server, max: 3}
	for range msgs {
		m, err := tcpsock.ReadFramed(chunky, 1024)
		if err != nil {
			return err
		}
		rows = append(rows, []string{fmt.Sprint(len(m)), fmt.Sprintf("%q", m)})
	}
	env.Table("Messages the server decoded", []string{"length", "message"}, rows)
	env.Say("The server read at most 3 bytes at a time, and still got both messages whole: the length prefix, " +
		"not the reads, says where each message ends.")

	// Step 7: half-close.
	if err := env.Step(ctx, "Half-close: each direction ends on its own"); err != nil {
		return err
	}
	if err := client.CloseWrite(); err != nil {
		return err
	}
	if n, err := server.Read(make([]byte, 16)); err != io.EOF || n != 0 {
		return fmt.Errorf("after the client's FIN, the server's read returned %d bytes and %v, want end of stream", n, err)
	}
	if err := showStates(ctx, env, ln, client, server, map[string]tcpsock.TCPState{
		"client": tcpsock.StateFinWait2, "server": tcpsock.StateCloseWait}); err != nil {
		return err
	}
	env.SayAt(osi.Transport, "The client's FIN ended only its direction. The server can still send:")
	if _, err := server.Write([]byte("bye from the server")); err != nil {
		return err
	}
	if _, err := io.ReadFull(client, make([]byte, len("bye from the server"))); err != nil {
		return err
	}
	if err := server.Close(); err != nil {
		return err
	}
	if n, err := client.Read(make([]byte, 16)); err != io.EOF || n != 0 {
		return fmt.Errorf("after the server closed, the client's read returned %d bytes and %v, want end of stream", n, err)
	}
	if err := client.Close(); err != nil {
		return err
	}
	if err := showStates(ctx, env, ln, client, server, map[string]tcpsock.TCPState{
		"client": tcpsock.StateTimeWait, "server": stateGone}); err != nil {
		return err
	}
	env.SayAt(osi.Transport, "The client closed first, so its side waits in TIME-WAIT (60 seconds on Linux) "+
		"before the kernel forgets the 4-tuple: a late segment of this connection cannot be taken for part of a new one.")

	env.Answer("A socket is one end of a connection, handed to a program by its kernel. An endpoint is an IP "+
		"address and a port: the server's was %s, the client's %s, a port its kernel picked. The 4-tuple of both "+
		"names the connection. TCP delivers a stream of bytes, in order, and no messages: two writes came out of "+
		"one read, one write out of %d reads, so a protocol frames its own messages. Each direction closes on its "+
		"own: after the client's FIN the server still sent to it.",
		ln.Addr(), client.LocalAddr(), len(pieces))
	return nil
}

// readOnce makes one read with a buffer of size n.
func readOnce(c *tcpsock.Conn, n int) ([]byte, error) {
	buf := make([]byte, n)
	got, err := c.Read(buf)
	if err != nil {
		return nil, fmt.Errorf("%s: read: %w", c.Name(), err)
	}
	return buf[:got], nil
}

// limitedReads hands out at most max bytes per Read, like a stingy network.
type limitedReads struct {
	r   io.Reader
	max int
}

func (l *limitedReads) Read(p []byte) (int, error) {
	return l.r.Read(p[:min(len(p), l.max)])
}

// framedAnnotations labels every length-prefixed message in wire.
func framedAnnotations(wire []byte) []osi.Annotation {
	var out []osi.Annotation
	for pos := 0; pos < len(wire); {
		fields := tcpsock.ExplainFramed(wire[pos:])
		if fields == nil {
			break
		}
		out = append(out, osi.Shift(fields, pos)...)
		pos += fields[len(fields)-1].End
	}
	return out
}

func portOf(addr string) string {
	if i := strings.LastIndexByte(addr, ':'); i >= 0 {
		return "port " + addr[i+1:]
	}
	return addr
}

// ephemeralRange reads the kernel's ephemeral port range, if it can.
func ephemeralRange() string {
	b, err := os.ReadFile("/proc/sys/net/ipv4/ip_local_port_range")
	if err != nil {
		return ""
	}
	f := strings.Fields(string(b))
	if len(f) != 2 {
		return ""
	}
	return fmt.Sprintf(" (%s–%s, from /proc/sys/net/ipv4/ip_local_port_range)", f[0], f[1])
}

func segments(n uint32) string {
	if n == 1 {
		return "1 segment"
	}
	return fmt.Sprintf("%d segments", n)
}

func mssText(c *tcpsock.Conn) string {
	st, err := c.Stats()
	if err != nil || st.SendMSS == 0 {
		return "a few hundred to a few thousand bytes"
	}
	return fmt.Sprintf("%d bytes here on loopback, typically 1448 on Ethernet", st.SendMSS)
}
