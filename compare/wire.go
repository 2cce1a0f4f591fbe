// Counting what crosses the sockets, split by what the bytes are.

package compare

import (
	"net"
	"time"

	"netlab/tcpsock"
)

// Bytes splits the bytes of one direction by what they are: HTTP heads
// (request or response lines and header fields, the WebSocket handshake),
// framing (everything else that is not an update: chunk sizes, SSE's
// "id:"/"data:" lines, WebSocket frame headers, the JSON envelope around
// polled updates, close frames), and payload (the updates' own JSON).
type Bytes struct {
	Headers int64 `json:"headers"`
	Framing int64 `json:"framing"`
	Payload int64 `json:"payload"`
}

// Total is all bytes of the direction.
func (b Bytes) Total() int64 { return b.Headers + b.Framing + b.Payload }

func (b *Bytes) add(o Bytes) {
	b.Headers += o.Headers
	b.Framing += o.Framing
	b.Payload += o.Payload
}

// Wire is what crossed one connection, or many added together.
type Wire struct {
	Up       Bytes  `json:"up"`   // client to server
	Down     Bytes  `json:"down"` // server to client
	Requests int64  `json:"requests"`
	Conns    int64  `json:"connections"`
	Segments uint64 `json:"segments"` // TCP segments both ways, from the client's kernel (TCP_INFO)
	// Counted is what the sockets themselves counted, to check the split
	// above adds up: every byte the client wrote and read.
	CountedUp, CountedDown int64
}

func (w *Wire) add(o Wire) {
	w.Up.add(o.Up)
	w.Down.add(o.Down)
	w.Requests += o.Requests
	w.Conns += o.Conns
	w.Segments += o.Segments
	w.CountedUp += o.CountedUp
	w.CountedDown += o.CountedDown
}

// countedConn is a client connection whose bytes the socket counts
// (tcpsock, untraced) and whose segments the kernel counts.
type countedConn struct {
	*tcpsock.Conn
}

func dialCounted(addr string) (countedConn, error) {
	nc, err := net.Dial("tcp", addr)
	if err != nil {
		return countedConn{}, err
	}
	return countedConn{tcpsock.Wrap(nc, nil, tcpsock.RoleClient, "client")}, nil
}

// finish ends the connection cleanly (FIN, then the server's FIN or what
// it still had to say), and returns what the socket counted both ways and
// the kernel's count of TCP segments both ways (TCP_INFO), then closes it.
func (c countedConn) finish() (up, down int64, segments uint64) {
	_ = c.CloseWrite()
	_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
	buf := make([]byte, 512)
	for {
		if _, err := c.Read(buf); err != nil {
			break
		}
	}
	c.Close()
	if st, ok := c.FinalStats(); ok {
		segments = uint64(st.SegsOut) + uint64(st.SegsIn)
	}
	return c.WriteOffset(), c.ReadOffset(), segments
}
