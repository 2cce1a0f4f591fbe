// Lesson "client-server": who listens, who dials, and what a server sees.

package lessons

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"netlab/osi"
	"netlab/tcpsock"
)

func clientServerLesson() Lesson {
	return Lesson{
		Name:     "client-server",
		Title:    "Clients and a server: one port, many connections",
		Layers:   osi.Of(osi.Transport),
		Question: "What makes a program a server or a client, and how does one server port talk to many clients at once?",
		Run:      runClientServer,
	}
}

// greeter is a tiny line protocol: the client sends "I am NAME\n", the
// server answers with what it knows of that client.
func greet(c *tcpsock.Conn, conn int) error {
	br := bufio.NewReader(c)
	for {
		line, err := br.ReadString('\n')
		if errors.Is(err, io.EOF) {
			return c.Close()
		}
		if err != nil {
			return err
		}
		name := strings.TrimSpace(strings.TrimPrefix(line, "I am "))
		reply := fmt.Sprintf("hello %s: you are %s on my connection #%d\n", name, c.RemoteAddr(), conn)
		if _, err := c.Write([]byte(reply)); err != nil {
			return err
		}
	}
}

func runClientServer(ctx context.Context, env *Env) error {
	if err := env.Step(ctx, "The server listens, the clients dial"); err != nil {
		return err
	}
	env.SayAt(osi.Transport, "A server is the program that waits: it listens on an endpoint that clients know in advance. "+
		"A client is the program that starts: it dials that endpoint. The roles are about who waits and who begins, "+
		"not about the machine: here both run in one process.")
	ln, err := env.Listen(ctx, "server", env.ServerAddr())
	if err != nil {
		return err
	}

	if err := env.Step(ctx, "Three clients connect to one port"); err != nil {
		return err
	}
	names := []string{"alice", "bob", "carol"}
	clients := make([]*tcpsock.Conn, len(names))
	ends := make([]*tcpsock.Conn, len(names))
	done := make([]chan struct{}, len(names))
	for i, name := range names {
		if clients[i], err = env.Dial(ctx, name, ln.Addr().String()); err != nil {
			return err
		}
		if ends[i], err = env.Accept(ctx, ln, "server↔"+name); err != nil {
			return err
		}
		end, n, finished := ends[i], i+1, make(chan struct{})
		done[i] = finished
		env.Go(func() { defer close(finished); _ = greet(end, n) })
	}
	var rows [][]string
	for i, end := range ends {
		rows = append(rows, []string{fmt.Sprint(i + 1), end.LocalAddr().String(), end.RemoteAddr().String(), names[i]})
	}
	env.Table("What the server sees: one accepted socket per client", []string{"conn", "server's local", "remote (the client)", "who"}, rows)
	env.Say("Every accepted socket has the same local endpoint, %s. What tells them apart is the client's "+
		"endpoint: the 4-tuples differ only in the client's port, which each client's kernel picked.", ln.Addr())
	if err := showKernelTable(env, ln, clients, ends); err != nil {
		return err
	}

	if err := env.Step(ctx, "Each client talks on its own connection"); err != nil {
		return err
	}
	env.Say("The server runs one goroutine per accepted socket, as most servers do. Each client introduces itself; " +
		"the server replies with what it knows.")
	for i, c := range clients {
		if err := ask(c, names[i]); err != nil {
			return err
		}
	}
	env.Say("All a server knows about a client from TCP is its endpoint: an IP address and a port. " +
		"The name came in the bytes, because the client chose to send it.")

	if err := env.Step(ctx, "A client leaves; the others carry on"); err != nil {
		return err
	}
	if err := clients[1].Close(); err != nil {
		return err
	}
	select { // the server's goroutine for bob sees end of stream and closes its end
	case <-done[1]:
	case <-ctx.Done():
		return ctx.Err()
	}
	env.Say("bob closed his socket: his kernel sent FIN, the server's goroutine for him read end of stream and closed " +
		"its socket. alice's and carol's connections are other 4-tuples and do not notice:")
	if err := ask(clients[0], names[0]); err != nil {
		return err
	}
	for _, i := range []int{0, 2} { // the others leave too, one at a time
		if err := clients[i].Close(); err != nil {
			return err
		}
		select {
		case <-done[i]:
		case <-ctx.Done():
			return ctx.Err()
		}
	}

	env.Answer("The server is the end that listens on a known endpoint (%s) and accepts; a client is the end that "+
		"dials it. One listening port serves many clients because each accepted connection is its own socket, "+
		"named by its own 4-tuple: same server endpoint, different client ports. The server sees each client "+
		"only as an IP:port, and one client leaving does not touch the others.", ln.Addr())
	return nil
}

// ask sends the client's introduction and reads the server's one-line reply.
func ask(c *tcpsock.Conn, name string) error {
	if _, err := c.Write([]byte("I am " + name + "\n")); err != nil {
		return err
	}
	reply, err := readLine(c)
	if err != nil {
		return fmt.Errorf("%s: reading the reply: %w", name, err)
	}
	if !strings.Contains(reply, c.LocalAddr().String()) {
		return fmt.Errorf("%s: the server saw another endpoint than %s: %q", name, c.LocalAddr(), reply)
	}
	return nil
}

// readLine reads up to and including '\n', one byte at a time, so that no
// read takes bytes beyond the line (the trace then shows reads exactly).
func readLine(r io.Reader) (string, error) {
	var line []byte
	buf := make([]byte, 256)
	for len(line) < 4096 {
		n, err := r.Read(buf)
		line = append(line, buf[:n]...)
		if i := strings.IndexByte(string(line), '\n'); i >= 0 {
			return string(line[:i+1]), nil
		}
		if err != nil {
			return string(line), err
		}
	}
	return string(line), fmt.Errorf("line longer than 4096 bytes")
}

// showKernelTable shows the kernel's view of the server's port.
func showKernelTable(env *Env, ln *tcpsock.Listener, clients, ends []*tcpsock.Conn) error {
	socks, err := tcpsock.KernelSockets(ln.Port())
	if errors.Is(err, tcpsock.ErrUnsupported) {
		return nil
	}
	if err != nil {
		return err
	}
	state := func(local, remote string) string {
		for _, s := range socks {
			if s.Local.String() == local && s.Remote.String() == remote {
				return s.State.String()
			}
		}
		return "(not found)"
	}
	listening := "(not found)"
	for _, s := range socks {
		if s.Local.String() == ln.Addr().String() && s.State == tcpsock.StateListen {
			listening = s.State.String()
		}
	}
	rows := [][]string{{"server (listening)", ln.Addr().String(), "*:*", listening}}
	for i, e := range ends {
		rows = append(rows, []string{e.Name(), e.LocalAddr().String(), e.RemoteAddr().String(),
			state(e.LocalAddr().String(), e.RemoteAddr().String())})
		c := clients[i]
		rows = append(rows, []string{c.Name(), c.LocalAddr().String(), c.RemoteAddr().String(),
			state(c.LocalAddr().String(), c.RemoteAddr().String())})
	}
	env.Table(fmt.Sprintf("The kernel's TCP sockets on port %d (/proc/net/tcp)", ln.Port()),
		[]string{"socket", "local", "remote", "state"}, rows)
	env.Say("Seven sockets for three connections: one listening, and two ends per connection, since client and " +
		"server share this machine. On two machines each kernel would hold its own half.")
	return nil
}
