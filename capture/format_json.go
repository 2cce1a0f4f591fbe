// The JSON renderer: one object per line for every mode (capture/JSON.md
// is the reference).

package capture

import (
	"bufio"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"netlab/osi"
)

type jsonRenderer struct {
	enc *json.Encoder
}

func newJSONRenderer(w *bufio.Writer) *jsonRenderer {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	return &jsonRenderer{enc: enc}
}

func (j *jsonRenderer) emit(v any) { _ = j.enc.Encode(v) } // write errors surface at Flush

func (j *jsonRenderer) header(r *Reader) {
	f := r.Format()
	order := "little-endian"
	if f.BigEndian {
		order = "big-endian"
	}
	res := ""
	if f.Kind == Pcap {
		res = "microsecond"
		if f.Nanos {
			res = "nanosecond"
		}
	}
	j.emit(struct {
		Kind       string `json:"kind"`
		Format     string `json:"format"`
		Magic      string `json:"magic"`
		ByteOrder  string `json:"byte_order"`
		Version    string `json:"version"`
		Resolution string `json:"time_resolution,omitempty"`
	}{"capture", f.Kind.String(), fmt.Sprintf("%08x", f.Magic), order, fmt.Sprintf("%d.%d", f.Major, f.Minor), res})
}

func (j *jsonRenderer) iface(id int, ifc Interface) {
	j.emit(struct {
		Kind     string `json:"kind"`
		ID       int    `json:"id"`
		LinkType int    `json:"link_type"`
		Link     string `json:"link"`
		Name     string `json:"name,omitempty"`
		Section  int    `json:"section"`
		SnapLen  uint32 `json:"snaplen"`
		Units    uint64 `json:"time_units_per_second,omitempty"`
	}{"interface", id, int(ifc.LinkType), linkName(ifc.LinkType), ifc.Name, ifc.Section, ifc.SnapLen, ifc.unitsPerSec})
}

type jsonPacket struct {
	Kind      string      `json:"kind"`
	N         int         `json:"n"`
	Offset    int64       `json:"offset"`
	Time      string      `json:"time,omitempty"`
	Rel       *float64    `json:"rel_s,omitempty"`
	NoTime    bool        `json:"no_timestamp,omitempty"`
	Interface int         `json:"interface"`
	LinkType  int         `json:"link_type"`
	Len       int         `json:"len"`
	CapLen    int         `json:"caplen"`
	Src       string      `json:"src"`
	Dst       string      `json:"dst"`
	Proto     string      `json:"proto"`
	Info      string      `json:"info"`
	Stream    *int        `json:"stream,omitempty"`
	Layers    []LayerView `json:"layers,omitempty"`
	Hex       string      `json:"hex,omitempty"`
}

func (j *jsonRenderer) packet(s *summarizer, f *Frame, o *Options) {
	p := jsonPacket{Kind: "packet", N: f.Number, Offset: f.Offset, Interface: f.Interface, LinkType: int(f.LinkType),
		Len: f.Len, CapLen: len(f.Data), Src: string(s.src), Dst: string(s.dst), Proto: s.columnName(), Info: string(s.info)}
	if f.HasTime {
		p.Time = f.Time.Format(time.RFC3339Nano)
		rel := f.Time.Sub(s.firstTime).Seconds()
		p.Rel = &rel
	} else {
		p.NoTime = true
	}
	if s.conv != nil && s.conv.Index >= 0 {
		idx := s.conv.Index
		p.Stream = &idx
	}
	if o.Verbose || o.Hex {
		p.Layers = s.explain(f)
	}
	if o.Hex {
		p.Hex = hex.EncodeToString(f.Data)
	}
	j.emit(p)
}

func (j *jsonRenderer) streams(cs []*Conversation) {
	for _, c := range cs {
		v := struct {
			Kind        string   `json:"kind"`
			Index       int      `json:"index"`
			A           string   `json:"a"`
			B           string   `json:"b"`
			Packets     [2]int   `json:"packets"`
			Bytes       [2]int64 `json:"bytes"`
			FrameBytes  [2]int64 `json:"frame_bytes"`
			FirstPacket int      `json:"first_packet"`
			LastPacket  int      `json:"last_packet"`
			Start       string   `json:"start,omitempty"`
			DurationNS  int64    `json:"duration_ns"`
			Handshake   bool     `json:"handshake_seen"`
			FIN         [2]bool  `json:"fin"`
			RST         bool     `json:"rst"`
			App         string   `json:"app,omitempty"`
		}{"stream", c.Index, c.A.String(), c.B.String(), c.Packets, c.Bytes, c.FrameBytes, c.FirstPacket, c.LastPacket,
			"", int64(c.Duration()), c.HandshakeSeen, c.FIN, c.RST, c.App}
		if c.HasTime {
			v.Start = c.First.Format(time.RFC3339Nano)
		}
		j.emit(v)
	}
}

type jsonDirection struct {
	From          string     `json:"from"`
	To            string     `json:"to"`
	Role          string     `json:"role"`
	Bytes         int64      `json:"bytes"`
	Segments      int        `json:"segments"`
	OutOfOrder    int        `json:"out_of_order"`
	Retransmitted int64      `json:"retransmitted"`
	Conflicting   int64      `json:"conflicting"`
	BeforeStart   int64      `json:"before_start"`
	Dropped       int64      `json:"dropped"`
	NotKept       int64      `json:"not_kept"`
	Gaps          [][2]int64 `json:"gaps"`
	SYN           bool       `json:"syn_seen"`
	FINAt         int64      `json:"fin_at"`
}

func (j *jsonRenderer) follow(res *FollowResult) {
	role := [2]string{"client", "server"}
	if res.Client == 1 {
		role = [2]string{"server", "client"}
	}
	var dirs [2]jsonDirection
	for d, ds := range res.Dirs {
		st := ds.Stats
		gaps := [][2]int64{}
		for _, g := range ds.Gaps {
			gaps = append(gaps, [2]int64{g.Start, g.End})
		}
		dirs[d] = jsonDirection{ds.From, ds.To, role[d], st.Bytes, st.Segments, st.OutOfOrder, st.Retransmitted,
			st.Conflicting, st.BeforeStart, st.Dropped, st.NotKept, gaps, ds.SYN, ds.FINAt}
	}
	j.emit(struct {
		Kind       string           `json:"kind"`
		Index      int              `json:"index"`
		Protocol   string           `json:"protocol"`
		Directions [2]jsonDirection `json:"directions"`
	}{"follow", res.Index, res.Protocol, dirs})
	for _, u := range res.Units {
		kind := "message"
		switch {
		case u.Gap:
			kind = "gap"
		case u.Protocol == "":
			kind = "undecoded"
		}
		v := struct {
			Kind       string           `json:"kind"`
			Stream     int              `json:"stream"`
			Dir        string           `json:"dir"`
			Offset     int64            `json:"offset"`
			End        int64            `json:"end"`
			Packet     int              `json:"packet"`
			Protocol   string           `json:"protocol,omitempty"`
			Note       string           `json:"note,omitempty"`
			Hex        string           `json:"hex,omitempty"`
			PayloadHex string           `json:"payload_hex,omitempty"`
			Fields     []osi.Annotation `json:"fields,omitempty"`
		}{kind, res.Index, role[u.Dir], u.Offset, u.End, u.Packet, u.Protocol, u.Note,
			hex.EncodeToString(u.Data), "", nil}
		if u.Protocol != "" {
			v.Fields = u.Fields
		}
		if u.Protocol == "WebSocket" && len(u.Payload) > 0 {
			v.PayloadHex = hex.EncodeToString(u.Payload)
		}
		j.emit(v)
	}
}

func (j *jsonRenderer) stats(st *stats) {
	for _, r := range st.rows() {
		j.emit(struct {
			Kind   string `json:"kind"`
			Path   string `json:"path"`
			Proto  string `json:"proto"`
			Depth  int    `json:"depth"`
			Frames int    `json:"frames"`
			Bytes  int64  `json:"bytes"`
		}{"protocol", r.Path, r.Proto, r.Depth, r.Frames, r.Bytes})
	}
	for _, c := range st.layerCounts() {
		j.emit(struct {
			Kind        string `json:"kind"`
			Layer       int    `json:"layer"`
			Name        string `json:"name"`
			Packets     int    `json:"packets"`
			Bytes       int64  `json:"bytes"`
			HeaderBytes int64  `json:"header_bytes"`
		}{"layer", int(c.Layer), c.Layer.Info().Name, c.Packets, c.Bytes, c.HeaderBytes})
	}
	j.emit(struct {
		Kind      string `json:"kind"`
		Frames    int    `json:"frames"`
		Bytes     int64  `json:"bytes"`
		Undecoded int    `json:"undecoded"`
	}{"totals", st.frames, st.bytes, st.undecoded})
}

func (j *jsonRenderer) failure(err error) {
	v := struct {
		Kind   string `json:"kind"`
		Packet int    `json:"packet"`
		Offset int64  `json:"offset"`
		Record int64  `json:"record"`
		Error  string `json:"error"`
	}{Kind: "error", Error: err.Error()}
	var re *ReadError
	if errors.As(err, &re) {
		v.Packet, v.Offset, v.Record = re.Packet, re.Offset, re.Record
	}
	j.emit(v)
}
