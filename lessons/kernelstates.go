// Showing the kernel's socket table for the lesson's connection, as `ss` would.

package lessons

import (
	"context"
	"errors"
	"fmt"
	"time"

	"netlab/tcpsock"
)

// stateGone, as a wanted state, means the kernel has forgotten the socket.
const stateGone tcpsock.TCPState = 0

// showStates waits (up to a second) until the kernel reports the wanted
// state for each named end, then shows the table. The wait is for the
// kernel to finish processing segments already sent, not a guess: it checks
// the table every millisecond and stops as soon as it matches.
func showStates(ctx context.Context, env *Env, ln *tcpsock.Listener, client, server *tcpsock.Conn, want map[string]tcpsock.TCPState) error {
	rows, err := waitStates(ctx, ln, client, server, want)
	if errors.Is(err, tcpsock.ErrUnsupported) {
		env.Say("(This operating system does not show its socket table to netlab; on Linux the table would appear here.)")
		return nil
	}
	if err != nil {
		return err
	}
	env.Table("The kernel's TCP sockets on port "+fmt.Sprint(ln.Port())+" (from /proc/net/tcp, as `ss -tan` shows them)",
		[]string{"socket", "local", "remote", "state"}, rows)
	return nil
}

func waitStates(ctx context.Context, ln *tcpsock.Listener, client, server *tcpsock.Conn, want map[string]tcpsock.TCPState) ([][]string, error) {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		socks, err := tcpsock.KernelSockets(ln.Port())
		if err != nil {
			return nil, err
		}
		rows, ok := stateRows(socks, ln, client, server, want)
		if ok {
			return rows, nil
		}
		select {
		case <-ctx.Done():
			return rows, nil // show what the kernel says, even if it is not what we expected
		case <-tick.C:
		}
	}
}

// stateRows picks the listener, the server's end and the client's end out
// of the kernel's table, in that order, and says whether each named end is
// in its wanted state.
func stateRows(socks []tcpsock.KernelSocket, ln *tcpsock.Listener, client, server *tcpsock.Conn, want map[string]tcpsock.TCPState) ([][]string, bool) {
	find := func(local, remote string) (tcpsock.KernelSocket, bool) {
		for _, s := range socks {
			if s.Local.String() == local && (remote == "" || s.Remote.String() == remote) {
				if remote == "" && s.State != tcpsock.StateListen {
					continue
				}
				return s, true
			}
		}
		return tcpsock.KernelSocket{}, false
	}
	ends := []struct {
		label, name   string
		local, remote string
	}{
		{"server's listening socket", "listener", ln.Addr().String(), ""},
		{"server's connected socket", "server", server.LocalAddr().String(), server.RemoteAddr().String()},
		{"client's socket", "client", client.LocalAddr().String(), client.RemoteAddr().String()},
	}
	var rows [][]string
	ok := true
	for _, end := range ends {
		s, found := find(end.local, end.remote)
		state := "(gone)"
		if found {
			state = s.State.String()
		}
		if w, has := want[end.name]; has && (found != (w != stateGone) || found && s.State != w) {
			ok = false
		}
		remote := end.remote
		if remote == "" {
			remote = "*:*"
		}
		rows = append(rows, []string{end.label, end.local, remote, state})
	}
	return rows, ok
}
