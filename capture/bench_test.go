// Benchmarks: reading and summarising a 100k-packet capture with netlab,
// with gopacket's plain NewPacket, and with its DecodingLayerParser fast
// path (the practical limit); statistics; reassembly throughput.
//
//	go test ./capture -run '^$' -bench . -benchmem

package capture

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// benchPackets is the size of the benchmark capture.
const benchPackets = 100_000

// benchTraffic is n packets of everyday traffic: HTTP keep-alive
// connections (handshake, two requests and responses, teardown) from many
// ports, each after a DNS lookup.
func benchTraffic(n int) []datagram {
	var out []datagram
	clock := &genClock{t: genTime, step: 20 * time.Microsecond}
	for i := 0; len(out) < n; i++ {
		cli := fmt.Sprintf("10.%d.%d.%d:%d", 1+i/65536%200, i/256%256, 1+i%250, 32768+i%28000)
		udpDatagram(&out, clock, "10.0.0.1:53000", "10.0.0.53:53", dnsMessage(false))
		udpDatagram(&out, clock, "10.0.0.53:53", "10.0.0.1:53000", dnsMessage(true))
		f := newFlow(&out, clock, cli, "10.0.0.2:80", uint32(i)*7919, uint32(i)*104729)
		f.handshake()
		for range 2 {
			f.send(0, "PA", []byte(genRequest1))
			f.send(1, "PA", []byte(genResponse1))
			f.send(0, "A", nil)
		}
		f.teardown()
	}
	return out[:n]
}

// benchCapture is the benchmark's pcap file, made once per benchmark.
func benchCapture(b *testing.B) []byte {
	b.Helper()
	return writePcap(LinkEthernet, benchTraffic(benchPackets), false, false)
}

func BenchmarkSummary(b *testing.B) {
	file := benchCapture(b)
	run := func(b *testing.B, each func() int) {
		b.SetBytes(int64(len(file)))
		b.ReportAllocs()
		b.ResetTimer()
		start := time.Now()
		n := 0
		for b.Loop() {
			n += each()
		}
		b.ReportMetric(float64(n)/time.Since(start).Seconds(), "packets/s")
	}
	b.Run("impl=netlab", func(b *testing.B) {
		run(b, func() int {
			if err := Show(bytes.NewReader(file), io.Discard, Options{Follow: -1}); err != nil {
				b.Fatal(err)
			}
			return benchPackets
		})
	})
	b.Run("impl=gopacket-newpacket", func(b *testing.B) {
		run(b, func() int {
			r, err := pcapgo.NewReader(bytes.NewReader(file))
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for {
				data, _, err := r.ReadPacketData()
				if err != nil {
					break
				}
				p := gopacket.NewPacket(data, layers.LinkTypeEthernet, gopacket.Default)
				if p.NetworkLayer() == nil {
					b.Fatal("no network layer")
				}
				n++
			}
			return n
		})
	})
	b.Run("impl=gopacket-dlp", func(b *testing.B) {
		var eth layers.Ethernet
		var ip4 layers.IPv4
		var ip6 layers.IPv6
		var tcp layers.TCP
		var udp layers.UDP
		var payload gopacket.Payload
		parser := gopacket.NewDecodingLayerParser(layers.LayerTypeEthernet, &eth, &ip4, &ip6, &tcp, &udp, &payload)
		parser.IgnoreUnsupported = true
		decoded := make([]gopacket.LayerType, 0, 8)
		run(b, func() int {
			r, err := pcapgo.NewReader(bytes.NewReader(file))
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			for {
				data, _, err := r.ZeroCopyReadPacketData()
				if err != nil {
					break
				}
				if err := parser.DecodeLayers(data, &decoded); err != nil || len(decoded) < 2 {
					b.Fatal(err)
				}
				n++
			}
			return n
		})
	})
}

// BenchmarkStats is what `netlab pcap --stats` does: decode, count, no lines.
func BenchmarkStats(b *testing.B) {
	file := benchCapture(b)
	b.SetBytes(int64(len(file)))
	b.ReportAllocs()
	start := time.Now()
	for b.Loop() {
		if err := Show(bytes.NewReader(file), io.Discard, Options{Stats: true, Follow: -1}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(benchPackets*b.N)/time.Since(start).Seconds(), "packets/s")
}

// BenchmarkReassembly puts a 16 MiB stream back together from 1460-byte
// segments, with every eighth pair swapped and every sixteenth sent twice.
func BenchmarkReassembly(b *testing.B) {
	const size, mss = 16 << 20, 1460
	data := bytes.Repeat([]byte("netlab reassembly "), size/18+1)[:size]
	var segs []Segment
	for off := 0; off < size; off += mss {
		segs = append(segs, Segment{Seq: uint32(1 + off), Payload: data[off:min(off+mss, size)], Packet: off / mss})
	}
	for i := 0; i+1 < len(segs); i += 8 {
		segs[i], segs[i+1] = segs[i+1], segs[i]
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		r := NewReassembler(ReassemblyLimits{MaxKept: size})
		r.Add(Segment{Seq: 0, SYN: true})
		for i, s := range segs {
			r.Add(s)
			if i%16 == 0 {
				r.Add(s)
			}
		}
		r.Close()
		if r.Stats().Bytes != size {
			b.Fatalf("reassembled %d bytes", r.Stats().Bytes)
		}
	}
}

// TestWriteBenchCapture writes the benchmark's 100k-packet capture to the
// file NETLAB_BENCH_PCAP names, for scripts/bench-pcap.sh to time netlab
// against tshark on; it skips when the variable is unset.
func TestWriteBenchCapture(t *testing.T) {
	path := os.Getenv("NETLAB_BENCH_PCAP")
	if path == "" {
		t.Skip("NETLAB_BENCH_PCAP not set: nothing to write")
	}
	if err := os.WriteFile(path, writePcap(LinkEthernet, benchTraffic(benchPackets), false, false), 0o644); err != nil {
		t.Fatal(err)
	}
}
