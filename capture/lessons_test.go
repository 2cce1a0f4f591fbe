package capture_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"netlab/capture"
	"netlab/internal/needtool"
	"netlab/lessons"
	"netlab/trace"
)

// lessonTrace runs a lesson for real and returns its trace.
func lessonTrace(t *testing.T, l lessons.Lesson) []trace.Event {
	t.Helper()
	var events []trace.Event
	keep := trace.SinkFunc(func(e trace.Event) { events = append(events, e) })
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	if err := lessons.Run(ctx, l, lessons.RunOptions{Sinks: []trace.Sink{keep}, Seed: 1}); err != nil {
		t.Fatalf("run %s: %v", l.Name, err)
	}
	return events
}

// writeBoth writes a trace as pcap and pcapng files in a temporary folder.
func writeBoth(t *testing.T, name string, events []trace.Event) (pcapFile, pcapngFile string) {
	t.Helper()
	pkts, err := capture.Synthesize(events, capture.SynthOptions{})
	if err != nil {
		t.Fatalf("synthesize: %v", err)
	}
	dir := t.TempDir()
	pcapFile, pcapngFile = filepath.Join(dir, name+".pcap"), filepath.Join(dir, name+".pcapng")
	for file, write := range map[string]func(io.Writer, []capture.Packet) error{pcapFile: capture.WritePcap, pcapngFile: capture.WritePcapng} {
		var buf bytes.Buffer
		if err := write(&buf, pkts); err != nil {
			t.Fatalf("write %s: %v", file, err)
		}
		if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return pcapFile, pcapngFile
}

// TestLessonCapturesRoundTrip: for every lesson, the capture holds, per
// TCP connection and direction, exactly the bytes the trace recorded.
func TestLessonCapturesRoundTrip(t *testing.T) {
	for _, l := range lessons.All() {
		t.Run(l.Name, func(t *testing.T) {
			events := lessonTrace(t, l)
			pcapFile, pcapngFile := writeBoth(t, l.Name, events)
			want := traceStreams(events)
			for _, file := range []string{pcapFile, pcapngFile} {
				got := captureStreams(t, file)
				for key, w := range want {
					if !bytes.Equal(got[key], w) {
						t.Errorf("%s: %s carries %d bytes in the capture, the trace recorded %d", filepath.Base(file), key, len(got[key]), len(w))
					}
				}
			}
		})
	}
}

// traceStreams gathers, per "src → dst", the bytes the trace says crossed,
// from the client's end where both ends were traced.
func traceStreams(events []trace.Event) map[string][]byte {
	type end struct{ local, remote string }
	ends := map[int]end{}
	seen := map[string]bool{}
	use := map[int]bool{}
	for _, e := range events {
		if e.Kind != trace.KindOpen {
			continue
		}
		ends[e.Conn] = end{e.Local, e.Remote}
		key := e.Local + "|" + e.Remote
		if e.Initiator == "remote" {
			key = e.Remote + "|" + e.Local
		}
		if !seen[key] {
			seen[key], use[e.Conn] = true, true
		}
	}
	out := map[string][]byte{}
	for _, e := range events {
		if !use[e.Conn] {
			continue
		}
		en := ends[e.Conn]
		switch e.Kind {
		case trace.KindWrite:
			out[en.local+" → "+en.remote] = append(out[en.local+" → "+en.remote], e.Data...)
		case trace.KindRead:
			out[en.remote+" → "+en.local] = append(out[en.remote+" → "+en.local], e.Data...)
		}
	}
	return out
}

// captureStreams reads a capture with gopacket's own readers and joins the
// TCP payloads per "src → dst", in file order (netlab writes no losses).
func captureStreams(t *testing.T, file string) map[string][]byte {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var src interface {
		ReadPacketData() ([]byte, gopacket.CaptureInfo, error)
	}
	if strings.HasSuffix(file, ".pcapng") {
		r, err := pcapgo.NewNgReader(f, pcapgo.DefaultNgReaderOptions)
		if err != nil {
			t.Fatal(err)
		}
		src = r
	} else {
		r, err := pcapgo.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		src = r
	}
	out := map[string][]byte{}
	for {
		data, _, err := src.ReadPacketData()
		if err == io.EOF {
			return out
		}
		if err != nil {
			t.Fatalf("%s: %v", file, err)
		}
		pkt := gopacket.NewPacket(data, layers.LayerTypeEthernet, gopacket.Default)
		tcp, ok := pkt.Layer(layers.LayerTypeTCP).(*layers.TCP)
		if !ok || pkt.NetworkLayer() == nil {
			continue
		}
		nf := pkt.NetworkLayer().NetworkFlow()
		key := fmt.Sprintf("%s → %s", hostPort(nf.Src().String(), int(tcp.SrcPort)), hostPort(nf.Dst().String(), int(tcp.DstPort)))
		out[key] = append(out[key], tcp.Payload...)
	}
}

func hostPort(ip string, port int) string {
	if strings.Contains(ip, ":") {
		return "[" + ip + "]:" + strconv.Itoa(port)
	}
	return ip + ":" + strconv.Itoa(port)
}

// TestLessonCapturesPassTshark: Wireshark's own dissectors read every
// lesson's capture with no error or warning, checksums checked, and find
// the lessons' real protocols in them.
func TestLessonCapturesPassTshark(t *testing.T) {
	tshark := needtool.Path(t, "tshark", "apt-get install tshark")
	wantProto := map[string]string{"http": "http", "handshake": "websocket", "frames": "websocket", "duplex": "websocket"}
	for _, l := range lessons.All() {
		t.Run(l.Name, func(t *testing.T) {
			pcapFile, pcapngFile := writeBoth(t, l.Name, lessonTrace(t, l))
			for _, file := range []string{pcapFile, pcapngFile} {
				out := runTshark(t, tshark, "-r", file, "-q", "-z", "expert",
					"-o", "tcp.check_checksum:TRUE", "-o", "ip.check_checksum:TRUE")
				if m := regexp.MustCompile(`(?m)^(Errors|Warns) \(\d+\)`).FindString(out); m != "" {
					t.Errorf("tshark reports %s in %s:\n%s", m, filepath.Base(file), out)
				}
				if strings.Contains(out, "Malformed") {
					t.Errorf("tshark finds a malformed packet in %s:\n%s", filepath.Base(file), out)
				}
				if proto, ok := wantProto[l.Name]; ok {
					frames := runTshark(t, tshark, "-r", file, "-Y", proto)
					if strings.Count(frames, "\n") < 2 {
						t.Errorf("tshark finds no %s in %s:\n%s", proto, filepath.Base(file), frames)
					}
				}
			}
		})
	}
}

func runTshark(t *testing.T, tshark string, args ...string) string {
	t.Helper()
	cmd := exec.CommandContext(t.Context(), tshark, args...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	if err := cmd.Run(); err != nil {
		t.Fatalf("tshark %s: %v\n%s", strings.Join(args, " "), err, errOut.String())
	}
	return out.String()
}
