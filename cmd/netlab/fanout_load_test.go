// The load client of BenchmarkFanout: a thousand Socket.IO clients that are
// each one WebSocket and one goroutine, and do only what the protocol asks
// (Engine.IO v4 over WebSocket, Socket.IO v5 CONNECT, one room join, pongs).
//
// A full socketio.Client per member would spend the load generator's CPU on
// its own machinery (acks, reconnection, recovery, decoding to values); here
// a "said" event is recognised by its first bytes and its text read in
// place, so the servers, not the clients, are what the benchmark measures.

package main

import (
	"bytes"
	"context"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"netlab/wsframe"
)

// The Socket.IO room every client joins, and the frames the clients send.
// A frame is an Engine.IO type character, then a Socket.IO packet
// (Engine.IO v4, section "Packet encoding"; Socket.IO v5, section
// "Packet format").
const (
	fanoutRoom    = "bench"
	fanoutOpen    = "/socket.io/?EIO=4&transport=websocket" // a WebSocket-only session
	fanoutConnect = "40"                                    // MESSAGE, CONNECT to "/"
	fanoutJoin    = `420["join","` + fanoutRoom + `"]`      // MESSAGE, EVENT with ack id 0
	fanoutJoined  = "430"                                   // MESSAGE, ACK of id 0
	fanoutPing    = "2"                                     // the server's heartbeat
	fanoutPong    = "3"                                     // the answer it wants
)

// The frames the server sends to room members: MESSAGE, EVENT "said" with
// {from, room, text}. Both servers write the object's fields in that order,
// but only the text is read, wherever it is.
var (
	saidPrefix = []byte(`42["said",`)
	saidText   = []byte(`"text":"`)
)

// fanoutLoad is the room's members and what they have received. Client 0
// is also the sender: it is a member like the others and gets its own
// copy of each "say".
type fanoutLoad struct {
	clients []*fanoutClient
	start   time.Time // latencies are measured from here, on the monotonic clock

	// window bounds the says sent and not yet delivered to every client;
	// slots counts each in-flight say's deliveries (say i in slot i%window).
	window    int
	slots     []atomic.Int32
	delivered chan struct{} // one value each time a say has reached every client

	errOnce sync.Once
	err     error
	failed  chan struct{} // closed at the first error a reader sees

	closing atomic.Bool
	readers sync.WaitGroup

	frame []byte // the sender's "say" frame, reused
}

// A fanoutClient is one room member.
type fanoutClient struct {
	ws   *wsframe.Conn
	next int64   // the say expected next; only the reader uses it
	lat  []int64 // receive − send, ns, of say i at i; the reader appends
}

// dialFanout connects n clients to the server at addr ("127.0.0.1:PORT"),
// each through CONNECT and the join's ack, then starts their readers.
func dialFanout(tb testing.TB, addr string, n, window int) *fanoutLoad {
	tb.Helper()
	l := &fanoutLoad{
		clients:   make([]*fanoutClient, n),
		start:     time.Now(),
		window:    window,
		slots:     make([]atomic.Int32, window),
		delivered: make(chan struct{}, window),
		failed:    make(chan struct{}),
	}

	// A few handshakes at a time: the servers' listen backlogs differ
	// (Node's is 511), and the benchmark is about broadcasts, not accepts.
	var (
		wg    sync.WaitGroup
		sem   = make(chan struct{}, 32)
		mu    sync.Mutex
		first error
	)
	for i := range l.clients {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			c, err := joinFanout(addr)
			mu.Lock()
			defer mu.Unlock()
			if err != nil && first == nil {
				first = fmt.Errorf("client %d: %w", i, err)
			}
			l.clients[i] = c
		})
	}
	wg.Wait()
	if first != nil {
		l.closeClients()
		tb.Fatalf("connect %d clients to %s: %v", n, addr, first)
	}
	for _, c := range l.clients {
		l.readers.Go(func() { l.read(c) })
	}
	return l
}

// joinFanout opens one client's session and joins the room, answering any
// ping on the way. It returns when the join is acknowledged.
func joinFanout(addr string) (*fanoutClient, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	ws, _, err := wsframe.Dial(ctx, "ws://"+addr+fanoutOpen, &wsframe.DialOptions{
		Options: wsframe.Options{ReadBufferSize: 4096, WriteBufferSize: 256},
	})
	if err != nil {
		return nil, err
	}
	// until reads messages, answering pings, until one starts with want.
	until := func(want string) error {
		for {
			_, msg, err := ws.ReadMessage(ctx)
			if err != nil {
				return fmt.Errorf("waiting for %q: %w", want, err)
			}
			if string(msg) == fanoutPing {
				if err := ws.WriteMessage(ctx, wsframe.TextMessage, []byte(fanoutPong)); err != nil {
					return err
				}
				continue
			}
			if bytes.HasPrefix(msg, []byte(want)) {
				return nil
			}
		}
	}
	steps := []struct{ send, want string }{
		{"", "0{"},                 // the Engine.IO open packet
		{fanoutConnect, "40{"},     // CONNECT, and its answer with the socket's id
		{fanoutJoin, fanoutJoined}, // "join", and its ack (after "auth", which is skipped)
	}
	for _, s := range steps {
		if s.send != "" {
			if err = ws.WriteMessage(ctx, wsframe.TextMessage, []byte(s.send)); err != nil {
				break
			}
		}
		if err = until(s.want); err != nil {
			break
		}
	}
	if err != nil {
		ws.CloseNow()
		return nil, err
	}
	return &fanoutClient{ws: ws}, nil
}

// read is a client's reader: it answers pings and checks and counts each
// "said", until the connection ends.
func (l *fanoutLoad) read(c *fanoutClient) {
	buf := make([]byte, 0, 256)
	for {
		_, msg, err := c.ws.AppendMessage(context.Background(), buf)
		if err != nil {
			if !l.closing.Load() {
				l.fail(fmt.Errorf("a client's connection ended: %w", err))
			}
			return
		}
		buf = msg[:0]
		now := time.Since(l.start).Nanoseconds()
		switch {
		case string(msg) == fanoutPing:
			if err := c.ws.WriteMessage(context.Background(), wsframe.TextMessage, []byte(fanoutPong)); err != nil && !l.closing.Load() {
				l.fail(fmt.Errorf("a client's pong: %w", err))
			}
		case bytes.HasPrefix(msg, saidPrefix):
			seq, sent, ok := parseSaid(msg)
			if !ok {
				l.fail(fmt.Errorf("a client got %q: want said with the text \"SEQ NANOS\"", msg))
				return
			}
			if seq != c.next {
				l.fail(fmt.Errorf("a client got say %d after %d: want every say once, in order", seq, c.next-1))
				return
			}
			c.next++
			c.lat = append(c.lat, now-sent)
			slot := &l.slots[seq%int64(l.window)]
			if slot.Add(1) == int32(len(l.clients)) {
				slot.Store(0) // before the sender can reuse the slot
				l.delivered <- struct{}{}
			}
		}
	}
}

// parseSaid reads "SEQ NANOS" from the text of a said event without
// allocating.
func parseSaid(msg []byte) (seq, nanos int64, ok bool) {
	i := bytes.Index(msg, saidText)
	if i < 0 {
		return 0, 0, false
	}
	rest := msg[i+len(saidText):]
	seq, rest, ok = parseDecimal(rest, ' ')
	if !ok {
		return 0, 0, false
	}
	nanos, _, ok = parseDecimal(rest, '"')
	if !ok {
		return 0, 0, false
	}
	return seq, nanos, true
}

// parseDecimal reads digits up to end, and returns what follows end.
func parseDecimal(b []byte, end byte) (int64, []byte, bool) {
	var v int64
	for i, c := range b {
		switch {
		case c == end && i > 0:
			return v, b[i+1:], true
		case c >= '0' && c <= '9' && i < 18:
			v = v*10 + int64(c-'0')
		default:
			return 0, nil, false
		}
	}
	return 0, nil, false
}

// say sends say seq from client 0, stamped with the time since start.
func (l *fanoutLoad) say(seq int64) error {
	b := append(l.frame[:0], `42["say","`+fanoutRoom+`","`...)
	b = strconv.AppendInt(b, seq, 10)
	b = append(b, ' ')
	b = strconv.AppendInt(b, time.Since(l.start).Nanoseconds(), 10)
	b = append(b, `"]`...)
	l.frame = b
	return l.clients[0].ws.WriteMessage(context.Background(), wsframe.TextMessage, b)
}

// stallLimit is how long the sender waits for a say to reach every client
// before it gives up: a lost or repeated message would otherwise hang the
// benchmark. Deliveries take milliseconds.
const stallLimit = 30 * time.Second

// awaitDelivery waits until one more say has reached every client.
func (l *fanoutLoad) awaitDelivery(stall *time.Timer) error {
	stall.Reset(stallLimit)
	select {
	case <-l.delivered:
		return nil
	case <-l.failed:
		return l.err
	case <-stall.C:
		return fmt.Errorf("no say reached every client within %v: %s", stallLimit, l.behind())
	}
}

// behind says which clients are furthest behind, for a stall's message.
func (l *fanoutLoad) behind() string {
	// The readers may still be running: only the atomic slot counts are
	// read here.
	var counts []string
	for i := range l.slots {
		if n := l.slots[i].Load(); n != 0 {
			counts = append(counts, fmt.Sprintf("slot %d has %d of %d deliveries", i, n, len(l.clients)))
		}
	}
	if len(counts) == 0 {
		return "no delivery pending"
	}
	return fmt.Sprint(counts)
}

// fail records the first error a reader sees and wakes the sender.
func (l *fanoutLoad) fail(err error) {
	l.errOnce.Do(func() {
		l.err = err
		close(l.failed)
	})
}

// closeClients closes every connection at once (the benchmark is over, so
// no close handshake) and waits for the readers.
func (l *fanoutLoad) closeClients() {
	l.closing.Store(true)
	for _, c := range l.clients {
		if c != nil {
			c.ws.CloseNow()
		}
	}
	l.readers.Wait()
}

func TestParseSaid(t *testing.T) {
	tests := []struct {
		msg        string
		seq, nanos int64
		ok         bool
	}{
		{`42["said",{"from":"abc","room":"bench","text":"12 3456"}]`, 12, 3456, true},
		{`42["said",{"text":"0 1","from":"x"}]`, 0, 1, true},      // fields in another order
		{`42["said",{"from":"abc","room":"bench"}]`, 0, 0, false}, // no text
		{`42["said",{"text":" 1"}]`, 0, 0, false},                 // no seq
		{`42["said",{"text":"1 "}]`, 0, 0, false},                 // no nanos
		{`42["said",{"text":"1x 2"}]`, 0, 0, false},
		{`42["said",{"text":"1 2`, 0, 0, false}, // cut short
		{`42["said",{"text":"1234567890123456789 2"}]`, 0, 0, false},
	}
	for _, tt := range tests {
		seq, nanos, ok := parseSaid([]byte(tt.msg))
		if seq != tt.seq || nanos != tt.nanos || ok != tt.ok {
			t.Errorf("parseSaid(%s) = %d, %d, %v; want %d, %d, %v", tt.msg, seq, nanos, ok, tt.seq, tt.nanos, tt.ok)
		}
	}
}
