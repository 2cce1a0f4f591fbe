// Tests for reading the kernel's socket table from /proc/net/tcp{,6}.

//go:build linux

package tcpsock

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
)

// procLine joins the fields of one /proc/net/tcp row as the kernel prints
// them (space separated, after a right-aligned row number).
func procLine(fields ...string) string { return "   " + strings.Join(fields, " ") }

func TestParseProcNetTCPLine(t *testing.T) {
	tests := []struct {
		name string
		line string
		want KernelSocket
	}{
		{"IPv4 listener", procLine(
			"0:",                // sl: row number
			"0100007F:1F90",     // local: 127.0.0.1 (a little-endian 32-bit word), port 0x1F90 = 8080
			"00000000:0000",     // remote: 0.0.0.0:0, nobody yet
			"0A",                // st: 0x0A LISTEN
			"00000000:00000000", // tx_queue:rx_queue
			"00:00000000",       // tr:tm->when (no timer)
			"00000000",          // retrnsmt
			"1000",              // uid
			"0",                 // timeout
			"123456",            // inode
			"1 0000000000000000 100 0 0 10 0",
		), KernelSocket{
			Local:  netip.MustParseAddrPort("127.0.0.1:8080"),
			Remote: netip.MustParseAddrPort("0.0.0.0:0"),
			State:  StateListen,
		}},
		{"IPv4 established", procLine(
			"1:",                // sl
			"0100007F:A2A2",     // local: 127.0.0.1, port 0xA2A2 = 41634
			"0100007F:1F90",     // remote: 127.0.0.1:8080
			"01",                // st: ESTABLISHED
			"00000000:00000000", // tx_queue:rx_queue
			"00:00000000",       // tr:tm->when
			"00000000",          // retrnsmt
			"1000",              // uid
			"0",                 // timeout
			"123457",            // inode
			"1 0000000000000000 20 4 30 10 -1",
		), KernelSocket{
			Local:  netip.MustParseAddrPort("127.0.0.1:41634"),
			Remote: netip.MustParseAddrPort("127.0.0.1:8080"),
			State:  StateEstablished,
		}},
		{"IPv4 off the machine, in TIME-WAIT", procLine(
			"2:",                // sl
			"0F02000A:0016",     // local: 10.0.2.15, port 22
			"0202000A:CB20",     // remote: 10.0.2.2, port 0xCB20 = 52000
			"06",                // st: TIME-WAIT
			"00000000:00000000", // tx_queue:rx_queue
			"03:000015B2",       // tr:tm->when (the TIME-WAIT timer)
			"00000000",          // retrnsmt
			"0",                 // uid
			"0",                 // timeout
			"0",                 // inode: none, the socket is gone
			"3 00000000fd4cab9b",
		), KernelSocket{
			Local:  netip.MustParseAddrPort("10.0.2.15:22"),
			Remote: netip.MustParseAddrPort("10.0.2.2:52000"),
			State:  StateTimeWait,
		}},
		{"IPv6 listener on ::1", procLine(
			"0:",                                    // sl
			"00000000000000000000000001000000:2329", // local: ::1 (four little-endian words), port 9001
			"00000000000000000000000000000000:0000", // remote: [::]:0
			"0A",                                    // st: LISTEN
			"00000000:00000000",                     // tx_queue:rx_queue
			"00:00000000",                           // tr:tm->when
			"00000000",                              // retrnsmt
			"1000",                                  // uid
			"0",                                     // timeout
			"223344",                                // inode
			"1 0000000000000000 100 0 0 10 0",
		), KernelSocket{
			Local:  netip.MustParseAddrPort("[::1]:9001"),
			Remote: netip.MustParseAddrPort("[::]:0"),
			State:  StateListen,
		}},
		{"IPv6 global address", procLine(
			"1:",                                    // sl
			"B80D0120000000000000000001000000:01BB", // local: 2001:db8::1, port 443
			"B80D0120000000000000000002000000:C350", // remote: 2001:db8::2, port 50000
			"08",                                    // st: CLOSE-WAIT
			"00000000:00000000",                     // tx_queue:rx_queue
			"00:00000000",                           // tr:tm->when
			"00000000",                              // retrnsmt
			"33",                                    // uid
			"0",                                     // timeout
			"223345",                                // inode
			"1 0000000000000000 20 4 30 10 -1",
		), KernelSocket{
			Local:  netip.MustParseAddrPort("[2001:db8::1]:443"),
			Remote: netip.MustParseAddrPort("[2001:db8::2]:50000"),
			State:  StateCloseWait,
		}},
		// An IPv4 connection accepted by an IPv6 socket shows in tcp6 as
		// ::ffff:a.b.c.d; the parser gives the plain IPv4 address.
		{"IPv4-mapped in tcp6", procLine(
			"2:",                                    // sl
			"0000000000000000FFFF00000100007F:1F90", // local: ::ffff:127.0.0.1, port 8080
			"0000000000000000FFFF00000100007F:A2A2", // remote: ::ffff:127.0.0.1, port 41634
			"01",                                    // st: ESTABLISHED
			"00000000:00000000",                     // tx_queue:rx_queue
			"00:00000000",                           // tr:tm->when
			"00000000",                              // retrnsmt
			"1000",                                  // uid
			"0",                                     // timeout
			"223346",                                // inode
			"1 0000000000000000 20 4 30 10 -1",
		), KernelSocket{
			Local:  netip.MustParseAddrPort("127.0.0.1:8080"),
			Remote: netip.MustParseAddrPort("127.0.0.1:41634"),
			State:  StateEstablished,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseProcNetTCPLine(tt.line)
			if err != nil {
				t.Fatalf("parseProcNetTCPLine(%q): %v", tt.line, err)
			}
			if got != tt.want {
				t.Errorf("parseProcNetTCPLine(%q) = %+v, want %+v", tt.line, got, tt.want)
			}
		})
	}
}

func TestParseProcNetTCPLineErrors(t *testing.T) {
	tests := []struct {
		name string
		line string
	}{
		{"empty", ""},
		{"too few fields", procLine("0:", "0100007F:1F90", "00000000:0000")},
		{"no colon in local", procLine("0:", "0100007F1F90", "00000000:0000", "0A")},
		{"no colon in remote", procLine("0:", "0100007F:1F90", "000000000000", "0A")},
		{"IP not hex", procLine("0:", "0100007G:1F90", "00000000:0000", "0A")},
		{"IP of 3 bytes", procLine("0:", "01007F:1F90", "00000000:0000", "0A")},
		{"IP of 8 bytes", procLine("0:", "0100007F0100007F:1F90", "00000000:0000", "0A")},
		{"port not hex", procLine("0:", "0100007F:ZZZZ", "00000000:0000", "0A")},
		{"port over 16 bits", procLine("0:", "0100007F:10000", "00000000:0000", "0A")},
		{"state not hex", procLine("0:", "0100007F:1F90", "00000000:0000", "XY")},
		{"state over 8 bits", procLine("0:", "0100007F:1F90", "00000000:0000", "100")},
		{"the header", "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := parseProcNetTCPLine(tt.line); err == nil {
				t.Errorf("parseProcNetTCPLine(%q) = %+v, want an error", tt.line, got)
			}
		})
	}
}

// KernelSockets sees what the kernel holds: a live listener, then the two
// ends of an established connection.
func TestKernelSockets(t *testing.T) {
	l, err := Listen(t.Context(), nil, "server", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	port := l.Port()
	server := netip.MustParseAddrPort(l.Addr().String())

	socks, err := KernelSockets(port)
	if err != nil {
		t.Fatalf("KernelSockets(%d): %v", port, err)
	}
	listening := KernelSocket{Local: server, Remote: netip.MustParseAddrPort("0.0.0.0:0"), State: StateListen}
	if !slices.Contains(socks, listening) {
		t.Errorf("KernelSockets(%d) = %+v, want a row %+v", port, socks, listening)
	}

	client, err := Dial(t.Context(), nil, "client", l.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { client.Close() })
	accepted, err := l.AcceptNamed(t.Context(), "server")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { accepted.Close() })
	clientEnd := netip.MustParseAddrPort(client.LocalAddr().String())

	socks, err = KernelSockets(port)
	if err != nil {
		t.Fatalf("KernelSockets(%d): %v", port, err)
	}
	for _, want := range []KernelSocket{
		listening,
		{Local: clientEnd, Remote: server, State: StateEstablished}, // the client's end
		{Local: server, Remote: clientEnd, State: StateEstablished}, // the server's end
	} {
		if !slices.Contains(socks, want) {
			t.Errorf("KernelSockets(%d) = %+v, want a row %+v", port, socks, want)
		}
	}
}
