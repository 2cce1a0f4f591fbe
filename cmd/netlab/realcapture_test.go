package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"netlab/internal/needtool"
	"netlab/lessons"
	"netlab/trace"
)

// TestRealCaptureFollow captures REAL loopback traffic with tcpdump while
// a lesson runs on a known port, then reads the capture with
// `netlab pcap --follow N --json`, and checks that the reassembled streams
// hold exactly the bytes the lesson's trace recorded, both ways: the HTTP
// requests and responses of lesson http, the WebSocket handshake and frames
// of lesson frames. Capturing needs root (CI runs as root).
func TestRealCaptureFollow(t *testing.T) {
	tcpdump := needtool.Path(t, "tcpdump", "apt-get install tcpdump")
	if os.Geteuid() != 0 {
		if os.Getenv("CI") == "true" {
			t.Fatal("capturing on loopback needs root, and CI runs as root")
		}
		t.Skip("capturing on loopback needs root: skipping (run as root to check real captures)")
	}
	for _, name := range []string{"http", "frames"} {
		t.Run(name, func(t *testing.T) {
			port := freePort(t)
			file := filepath.Join(t.TempDir(), name+".pcap")
			stop := startTcpdump(t, tcpdump, file, port)
			events := runLesson(t, name, port)
			wants := traceDirections(events, port)
			if len(wants) == 0 {
				t.Fatal("the lesson's trace has no connection to its server")
			}
			stop(len(wants))
			for stream, want := range wants {
				code, stdout, stderr := runCLI(t, "", "pcap", file, "--follow", strconv.Itoa(stream), "--json")
				if code != exitOK {
					t.Fatalf("netlab pcap --follow %d: exit %d: %s", stream, code, stderr)
				}
				got, protocols := followedBytes(t, stdout)
				for dir := range 2 {
					if !bytes.Equal(got[dir], want[dir]) {
						t.Errorf("stream %d, %s: the capture gives %d bytes, the trace recorded %d", stream, []string{"client → server", "server → client"}[dir], len(got[dir]), len(want[dir]))
					}
				}
				wantProto := map[string]string{"http": "HTTP", "frames": "WebSocket"}[name]
				if !protocols[wantProto] {
					t.Errorf("stream %d: no %s message decoded (protocols %v)", stream, wantProto, protocols)
				}
			}
		})
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// startTcpdump captures the port on loopback into file and returns a
// function that stops the capture once the file is complete: stop(n) dials
// the port once more after the lesson's n connections (nothing listens
// now: a SYN, then a RST), waits until that SYN is in the file (tcpdump
// gets loopback's packets in the order they were sent, so everything before
// it is there too), and only then stops tcpdump.
func startTcpdump(t *testing.T, tcpdump, file string, port int) (stop func(connections int)) {
	t.Helper()
	// --immediate-mode: each packet is handed to tcpdump as it comes, so
	// none is still waiting in a kernel buffer block when the capture stops.
	cmd := exec.Command(tcpdump, "-i", "lo", "--immediate-mode", "-U", "-n", "-s", "0", "-w", file, "tcp port "+strconv.Itoa(port))
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stderr)
	ready := make(chan bool, 1)
	go func() {
		ok := false
		for sc.Scan() {
			if strings.Contains(sc.Text(), "listening on") { // tcpdump says this once it captures
				ok = true
				ready <- true
				break
			}
		}
		if !ok {
			ready <- false
		}
		for sc.Scan() {
		}
	}()
	select {
	case ok := <-ready:
		if !ok {
			t.Fatal("tcpdump ended before it started listening")
		}
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		t.Fatal("tcpdump did not start listening")
	}
	return func(connections int) {
		if c, err := net.Dial("tcp", "127.0.0.1:"+strconv.Itoa(port)); err == nil {
			c.Close() // something listens after all: its SYN is the marker all the same
		}
		deadline := time.Now().Add(10 * time.Second)
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for countSYNs(file, port) <= connections {
			if time.Now().After(deadline) {
				t.Errorf("tcpdump did not write the marker SYN within 10 s: the capture may lack the last packets")
				break
			}
			<-tick.C
		}
		_ = cmd.Process.Signal(syscall.SIGINT)
		_ = cmd.Wait()
	}
}

// countSYNs counts the connection attempts to port in a pcap file that
// tcpdump may still be writing (a packet cut short ends the count).
func countSYNs(file string, port int) int {
	f, err := os.Open(file)
	if err != nil {
		return 0
	}
	defer f.Close()
	r, err := pcapgo.NewReader(f)
	if err != nil {
		return 0
	}
	n := 0
	for {
		data, _, err := r.ReadPacketData()
		if err != nil {
			return n
		}
		p := gopacket.NewPacket(data, r.LinkType(), gopacket.NoCopy)
		if tcp, ok := p.Layer(layers.LayerTypeTCP).(*layers.TCP); ok && tcp.SYN && !tcp.ACK && int(tcp.DstPort) == port {
			n++
		}
	}
}

func runLesson(t *testing.T, name string, port int) []trace.Event {
	t.Helper()
	l, ok := lessons.Find(name)
	if !ok {
		t.Fatalf("no lesson %s", name)
	}
	var events []trace.Event
	keep := trace.SinkFunc(func(e trace.Event) { events = append(events, e) })
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if err := lessons.Run(ctx, l, lessons.RunOptions{Port: port, Sinks: []trace.Sink{keep}}); err != nil {
		t.Fatal(err)
	}
	return events
}

// traceDirections returns, for each connection to the lesson's server in
// the order they opened (tshark's stream numbers), the bytes the trace
// recorded client → server and server → client.
func traceDirections(events []trace.Event, port int) map[int][2][]byte {
	suffix := ":" + strconv.Itoa(port)
	index := map[int]int{} // trace connection → stream number
	out := map[int][2][]byte{}
	for _, e := range events {
		switch {
		case e.Kind == trace.KindOpen && e.Initiator == "local" && strings.HasSuffix(e.Remote, suffix):
			index[e.Conn] = len(index)
		case e.Kind == trace.KindWrite || e.Kind == trace.KindRead:
			s, ok := index[e.Conn]
			if !ok {
				continue
			}
			d := out[s]
			if e.Kind == trace.KindWrite {
				d[0] = append(d[0], e.Data...)
			} else {
				d[1] = append(d[1], e.Data...)
			}
			out[s] = d
		}
	}
	return out
}

// followedBytes joins the units of a --follow --json run per direction,
// in stream order, and says which protocols were decoded.
func followedBytes(t *testing.T, jsonl string) ([2][]byte, map[string]bool) {
	t.Helper()
	type unit struct {
		Kind     string `json:"kind"`
		Dir      string `json:"dir"`
		Offset   int64  `json:"offset"`
		Protocol string `json:"protocol"`
		Hex      string `json:"hex"`
	}
	var units [2][]unit
	protocols := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(jsonl), "\n") {
		var u unit
		if err := json.Unmarshal([]byte(line), &u); err != nil {
			t.Fatalf("not JSON: %q", line)
		}
		if u.Kind != "message" && u.Kind != "undecoded" {
			continue
		}
		d := 0
		if u.Dir == "server" {
			d = 1
		}
		units[d] = append(units[d], u)
		protocols[u.Protocol] = true
	}
	var out [2][]byte
	for d := range 2 {
		for _, u := range units[d] {
			if u.Offset != int64(len(out[d])) {
				t.Fatalf("direction %d: a unit at %d after %d bytes", d, u.Offset, len(out[d]))
			}
			b, err := hex.DecodeString(u.Hex)
			if err != nil {
				t.Fatal(err)
			}
			out[d] = append(out[d], b...)
		}
	}
	return out, protocols
}
