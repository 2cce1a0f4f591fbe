// Tests for the loopback-only rule.

package tcpsock

import (
	"errors"
	"net"
	"testing"

	"netlab/trace"
)

func TestCheckLoopback(t *testing.T) {
	type want int
	const (
		ok          want = iota
		notLoopback      // errors.Is(err, ErrNotLoopback)
		notHostPort      // not "host:port" at all: a *net.AddrError, not ErrNotLoopback
	)
	tests := []struct {
		addr string
		want want
	}{
		{"127.0.0.1:0", ok},
		{"127.0.0.1:9001", ok},
		{"127.1.2.3:80", ok}, // all of 127.0.0.0/8 is loopback
		{"[::1]:80", ok},
		{"[::1]:0", ok},
		// An IPv4-mapped IPv6 address: the code unmaps it on purpose, and
		// Go dials it over IPv4 to 127.0.0.1, so it never leaves the machine.
		{"[::ffff:127.0.0.1]:1", ok},

		{"0.0.0.0:1", notLoopback}, // every interface, not loopback
		{"[::]:1", notLoopback},
		{":0", notLoopback}, // an empty host listens on every interface
		{"10.0.0.1:1", notLoopback},
		{"192.168.1.10:80", notLoopback},
		{"[::ffff:10.0.0.1]:1", notLoopback},
		{"[fe80::1]:1", notLoopback},
		{"localhost:1", notLoopback}, // a host name could resolve anywhere
		{"example.com:80", notLoopback},

		{"nonsense", notHostPort},
		{"127.0.0.1", notHostPort}, // no port
		{"::1:80", notHostPort},    // IPv6 without brackets
	}
	for _, tt := range tests {
		t.Run(tt.addr, func(t *testing.T) {
			err := CheckLoopback(tt.addr)
			var addrErr *net.AddrError
			switch tt.want {
			case ok:
				if err != nil {
					t.Errorf("CheckLoopback(%q) = %v, want nil", tt.addr, err)
				}
			case notLoopback:
				if !errors.Is(err, ErrNotLoopback) {
					t.Errorf("CheckLoopback(%q) = %v, want ErrNotLoopback", tt.addr, err)
				}
			case notHostPort:
				if err == nil || errors.Is(err, ErrNotLoopback) || !errors.As(err, &addrErr) {
					t.Errorf("CheckLoopback(%q) = %v, want a *net.AddrError (not host:port), not ErrNotLoopback", tt.addr, err)
				}
			}
		})
	}
}

// Dial and Listen refuse any other address before touching the network,
// and record nothing.
func TestDialAndListenRefuseNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "10.0.0.1:80", "localhost:80"} {
		t.Run(addr, func(t *testing.T) {
			rec := trace.NewRecorder(trace.Options{Keep: true})
			if c, err := Dial(t.Context(), rec, "client", addr); !errors.Is(err, ErrNotLoopback) {
				if c != nil {
					c.Close()
				}
				t.Errorf("Dial(%q) = %v, want ErrNotLoopback", addr, err)
			}
			if l, err := Listen(t.Context(), rec, "server", addr); !errors.Is(err, ErrNotLoopback) {
				if l != nil {
					l.Close()
				}
				t.Errorf("Listen(%q) = %v, want ErrNotLoopback", addr, err)
			}
			if got := rec.Events(); len(got) != 0 {
				t.Errorf("refused calls recorded %d events: %+v", len(got), got)
			}
		})
	}
}
