// Bad input: every rule a capture file can break gives a *ReadError that
// names the byte offset and the packet, after the good packets were shown;
// nothing panics, nothing the file claims sizes a buffer.

package capture

import (
	"bytes"
	"encoding/binary"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
)

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// packetLine matches a summary line: it starts with the packet's number.
var packetLine = regexp.MustCompile(`(?m)^ +\d+  `)

// showBytes runs Show over b and returns the packets it listed and the error.
func showBytes(b []byte) (int, string, error) {
	var out bytes.Buffer
	err := Show(bytes.NewReader(b), &out, Options{Follow: -1})
	return len(packetLine.FindAllString(out.String(), -1)), out.String(), err
}

// pcapRecords returns the byte offset of every record of a pcap file.
func pcapRecords(b []byte, order binary.ByteOrder) []int {
	var at []int
	for off := pcapHeaderLen; off+recordHeaderLen <= len(b); {
		at = append(at, off)
		off += recordHeaderLen + int(order.Uint32(b[off+offCapLen:]))
	}
	return at
}

// pcapngBlocks returns the offset of every block and whether it holds a packet.
func pcapngBlocks(b []byte, order binary.ByteOrder) (at []int, packet []bool) {
	for off := 0; off+8 <= len(b); {
		typ := order.Uint32(b[off:])
		at = append(at, off)
		packet = append(packet, typ == blockEnhancedPacket || typ == blockSimplePacket || typ == blockPacketObsolete)
		off += int(order.Uint32(b[off+4:]))
	}
	return at, packet
}

func wantReadError(t *testing.T, err error, rule error, offset int64, packet int) *ReadError {
	t.Helper()
	var re *ReadError
	if !errors.As(err, &re) {
		t.Fatalf("error %v (%T), want a *ReadError", err, err)
	}
	if !errors.Is(err, rule) {
		t.Errorf("error %v, want %v", err, rule)
	}
	if re.Offset != offset || re.Packet != packet {
		t.Errorf("error at byte %d, packet %d; want byte %d, packet %d (%v)", re.Offset, re.Packet, offset, packet, err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "byte ") || (packet > 0 && !strings.Contains(msg, "packet ")) {
		t.Errorf("message does not name the offset and the packet: %s", msg)
	}
	return re
}

// TestTruncatedEverywhere cuts a pcap and a pcapng file at every byte: the
// error is ErrTruncated at exactly the cut, reading the packet after the
// last whole one, and every whole packet before it was listed.
func TestTruncatedEverywhere(t *testing.T) {
	t.Run("pcap", func(t *testing.T) {
		b := readTestdata(t, "sll-113.pcap")
		recs := pcapRecords(b, binary.LittleEndian)
		for cut := 1; cut < len(b); cut++ {
			whole := 0
			for i, at := range recs {
				end := len(b)
				if i+1 < len(recs) {
					end = recs[i+1]
				}
				if end <= cut && at >= pcapHeaderLen {
					whole = i + 1
				}
			}
			n, _, err := showBytes(b[:cut])
			if cut >= pcapHeaderLen && slicesContains(recs, cut) {
				if err != nil || n != whole {
					t.Fatalf("cut at record boundary %d: %d packets, error %v; want %d, none", cut, n, err, whole)
				}
				continue
			}
			packet := whole + 1
			if cut < pcapHeaderLen {
				packet = 0
			}
			wantReadError(t, err, ErrTruncated, int64(cut), packet)
			if n != whole {
				t.Fatalf("cut at %d: listed %d packets, want the %d whole ones", cut, n, whole)
			}
		}
	})
	t.Run("pcapng", func(t *testing.T) {
		b := readTestdata(t, "mixed-links.pcapng")
		blocks, isPacket := pcapngBlocks(b, binary.LittleEndian)
		for cut := 1; cut < len(b); cut++ {
			whole, boundary := 0, false
			for i, at := range blocks {
				if at == cut {
					boundary = true
				}
				end := len(b)
				if i+1 < len(blocks) {
					end = blocks[i+1]
				}
				if end <= cut && isPacket[i] {
					whole++
				}
			}
			n, _, err := showBytes(b[:cut])
			if boundary { // a file may end after any whole block
				if err != nil || n != whole {
					t.Fatalf("cut at block boundary %d: %d packets, error %v; want %d, none", cut, n, err, whole)
				}
				continue
			}
			if err == nil {
				t.Fatalf("cut at %d: no error", cut)
			}
			var re *ReadError
			if !errors.As(err, &re) || !errors.Is(err, ErrTruncated) || re.Offset != int64(cut) {
				t.Fatalf("cut at %d: %v; want ErrTruncated at byte %d", cut, err, cut)
			}
			if cut >= blocks[1] && re.Packet != whole+1 {
				t.Fatalf("cut at %d: packet %d, want %d", cut, re.Packet, whole+1)
			}
			if n != whole {
				t.Fatalf("cut at %d: listed %d packets, want %d", cut, n, whole)
			}
		}
	})
}

func slicesContains(xs []int, x int) bool {
	for _, v := range xs {
		if v == x {
			return true
		}
	}
	return false
}

// patch returns a copy of b with v written at off in order.
func patch32(b []byte, off int, order binary.ByteOrder, v uint32) []byte {
	c := append([]byte(nil), b...)
	order.PutUint32(c[off:], v)
	return c
}

func TestBadPcap(t *testing.T) {
	good := readTestdata(t, "sll-113.pcap")
	le := binary.LittleEndian
	recs := pcapRecords(good, le)
	r3 := recs[2]
	garbage := func(g []byte) []byte {
		c := append([]byte(nil), good[:recs[4]]...)
		c = append(c, g...)
		return append(c, good[recs[4]:]...)
	}
	tests := []struct {
		name   string
		data   []byte
		rule   error
		offset int
		packet int
		listed int
	}{
		{"empty file", nil, ErrTruncated, 0, 0, 0},
		{"bad magic", []byte("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n"), ErrBadMagic, 0, 0, 0},
		{"gzip", []byte{0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0}, ErrCompressed, 0, 0, 0},
		{"Kuznetsov's modified pcap", patch32(good, 0, binary.BigEndian, pcapKuznetsovL), ErrBadMagic, 0, 0, 0},
		{"version 3", append(append(good[:4:4], 3, 0), good[6:]...), ErrBadVersion, offVersion, 0, 0},
		{"longer than the snapshot length", patch32(good, r3+offCapLen, le, 70000), ErrSnapLen, r3 + offCapLen, 3, 2},
		{"longer than any capture", patch32(good, r3+offCapLen, le, MaxCapLen+1), ErrTooLarge, r3 + offCapLen, 3, 2},
		{"original length absurd", patch32(good, r3+offOrigLen, le, 1<<31), ErrBadRecord, r3 + offOrigLen, 3, 2},
		{"microseconds of a second or more", patch32(good, r3+offTsFrac, le, 1e6), ErrBadRecord, r3 + offTsFrac, 3, 2},
		{"garbage 0xff in the middle", garbage(bytes.Repeat([]byte{0xff}, 37)), ErrTooLarge, recs[4] + offCapLen, 5, 4},
		{"text in the middle", garbage([]byte("this is not a record header, it is text")), ErrTooLarge, recs[4] + offCapLen, 5, 4},
		{"plausible lengths, impossible microseconds", garbage([]byte{
			0x00, 0x00, 0x00, 0x00, // seconds
			0xf0, 0xff, 0xff, 0xff, // microseconds: over a second
			0x04, 0x00, 0x00, 0x00, // captured length 4
			0x04, 0x00, 0x00, 0x00, // original length 4
		}), ErrBadRecord, recs[4] + offTsFrac, 5, 4},
		// 20 zero bytes read as a record with no data, then 4 bytes that
		// put every later header out of step: the next one's fraction is
		// the previous one's seconds.
		{"zeros in the middle", garbage(make([]byte, 20)), ErrBadRecord, recs[4] + recordHeaderLen + offTsFrac, 6, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, _, err := showBytes(tt.data)
			wantReadError(t, err, tt.rule, int64(tt.offset), tt.packet)
			if n != tt.listed {
				t.Errorf("listed %d packets before the error, want %d", n, tt.listed)
			}
		})
	}
}

func TestBadPcapng(t *testing.T) {
	good := readTestdata(t, "mixed-links.pcapng")
	le := binary.LittleEndian
	blocks, isPacket := pcapngBlocks(good, le)
	var packets []int
	for i, p := range isPacket {
		if p {
			packets = append(packets, blocks[i])
		}
	}
	p3 := packets[2] // the third packet's block
	idb := blocks[1]
	tests := []struct {
		name   string
		data   []byte
		rule   error
		offset int
		packet int
		listed int
	}{
		{"block length not a multiple of 4", patch32(good, p3+4, le, le.Uint32(good[p3+4:])+1), ErrBadBlockLength, p3 + 4, 3, 2},
		{"block length under 12", patch32(good, p3+4, le, 8), ErrBadBlockLength, p3 + 4, 3, 2},
		{"block length over 16 MiB", patch32(good, p3+4, le, 32<<20), ErrBadBlockLength, p3 + 4, 3, 2},
		{"block length 4 bytes too long", patch32(good, p3+4, le, le.Uint32(good[p3+4:])+4), ErrBadBlockLength, p3 + int(le.Uint32(good[p3+4:])), 3, 2},
		{"captured length past the block", patch32(good, p3+8+12, le, 4000), ErrBadBlockLength, p3 + 8 + 12, 3, 2},
		{"captured length over the snapshot length", patch32(good, blocks[3]+8+4, le, 20), ErrSnapLen, p3 + 8 + 12, 3, 2}, // the third packet's interface
		{"interface not described", patch32(good, p3+8, le, 7), ErrNoInterface, p3 + 8, 3, 2},
		{"bad byte-order magic", patch32(good, 8, le, 0x11223344), ErrBadByteOrder, 8, 0, 0},
		{"version 2", patch32(good, 12, le, 2), ErrBadVersion, 12, 0, 0},
		{"packet before any interface", append(append([]byte(nil), good[:idb]...), good[p3:]...), ErrNoInterface, idb + 8, 1, 0},
		{"garbage in the middle", append(append(append([]byte(nil), good[:p3]...), bytes.Repeat([]byte("junk"), 10)...), good[p3:]...), ErrBadBlockLength, p3 + 4, 3, 2},
		{"option runs past its block", patch32(good, idb+16, le, 0x00ff0002), ErrBadOption, idb + 18, 1, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, _, err := showBytes(tt.data)
			wantReadError(t, err, tt.rule, int64(tt.offset), tt.packet)
			if n != tt.listed {
				t.Errorf("listed %d packets before the error, want %d", n, tt.listed)
			}
		})
	}
}

// TestBadTimeResolution: if_tsresol finer than a uint64 can count.
func TestBadTimeResolution(t *testing.T) {
	n := &ngBuilder{order: binary.BigEndian}
	n.section("test")
	n.iface(LinkEthernet, 0, n.opt(optIfTsResol, []byte{20}), n.opt(0, nil))
	_, _, err := showBytes(n.b)
	var re *ReadError
	if !errors.As(err, &re) || !errors.Is(err, ErrBadOption) {
		t.Fatalf("error %v, want ErrBadOption", err)
	}
}

// TestClaimedLengthsCostNothing: a file that claims a 16 MiB block or a
// 256 KiB packet, and ends, is refused without allocating what it claims.
func TestClaimedLengthsCostNothing(t *testing.T) {
	ng := readTestdata(t, "mixed-links.pcapng")
	blocks, _ := pcapngBlocks(ng, binary.LittleEndian)
	bigBlock := patch32(ng[:blocks[2]+64], blocks[2]+4, binary.LittleEndian, maxBlock)
	pc := readTestdata(t, "sll-113.pcap")
	recs := pcapRecords(pc, binary.LittleEndian)
	bigPacket := patch32(pc[:recs[1]+64], recs[1]+offCapLen, binary.LittleEndian, MaxCapLen)
	bigPacket = patch32(bigPacket, 16, binary.LittleEndian, 0) // snapshot length 0: no limit
	for name, data := range map[string][]byte{"16 MiB block": bigBlock, "256 KiB packet": bigPacket} {
		t.Run(name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			_, _, err := showBytes(data)
			runtime.ReadMemStats(&after)
			if !errors.Is(err, ErrTruncated) {
				t.Errorf("error %v, want ErrTruncated", err)
			}
			if got := after.TotalAlloc - before.TotalAlloc; got > 1<<20 {
				t.Errorf("allocated %d bytes for a %d-byte file", got, len(data))
			}
		})
	}
}
