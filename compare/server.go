// The feed's server: one ordinary net/http server with an endpoint per
// delivery mode, and a WebSocket endpoint on netlab's own wsframe.

package compare

import (
	"context"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"netlab/httpdemo"
	"netlab/tcpsock"
	"netlab/wsframe"
)

// LongPollTimeout is how long a long poll is held when nothing happens.
const LongPollTimeout = 25 * time.Second

// The endpoints, one per mode (short polling with or without a new
// connection per poll uses the same one).
const (
	PathPoll   = "/poll"   // ?since=N: the updates after N, now
	PathLong   = "/long"   // ?since=N: the updates after N, held until there are some
	PathEvents = "/events" // Server-Sent Events: one response that never ends
	PathWS     = "/ws"     // WebSocket: the server pushes each update as a text frame
)

// Server serves a feed four ways. Its responses carry ordinary headers:
// net/http's Date, Content-Type and Content-Length (or chunked), plus
// Cache-Control: no-store on polls, as a real feed would send.
type Server struct {
	feed *Feed
	ln   *countingListener
	hs   *httpdemo.Server

	wsMu    sync.Mutex
	wsConns map[*wsframe.Conn]struct{}
	wsWG    sync.WaitGroup
}

// NewServer starts serving feed on a loopback address.
func NewServer(ctx context.Context, feed *Feed, addr string) (*Server, error) {
	l, err := tcpsock.Listen(ctx, nil, "feed", addr)
	if err != nil {
		return nil, err
	}
	s := &Server{feed: feed, ln: &countingListener{Listener: l}, wsConns: map[*wsframe.Conn]struct{}{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+PathPoll, s.poll)
	mux.HandleFunc("GET "+PathLong, s.long)
	mux.HandleFunc("GET "+PathEvents, s.events)
	mux.HandleFunc("GET "+PathWS, s.ws)
	s.hs = httpdemo.ServeWith(ctx, s.ln, &http.Server{Handler: mux, MaxHeaderBytes: 16 << 10})
	return s, nil
}

// Addr is where the server listens.
func (s *Server) Addr() net.Addr { return s.ln.Addr() }

// Stop ends the server: closes WebSocket connections with 1001, stops the
// HTTP server, and waits for every handler.
func (s *Server) Stop() error {
	var closers sync.WaitGroup
	s.wsMu.Lock()
	for c := range s.wsConns {
		closers.Go(func() { c.Close(wsframe.CloseGoingAway, "feed over") })
	}
	s.wsMu.Unlock()
	closers.Wait()
	err := s.hs.Stop()
	s.wsWG.Wait()
	return err
}

// Counted returns what the server's sockets read and wrote, in all.
func (s *Server) Counted() (in, out int64, conns int) { return s.ln.totals() }

func since(r *http.Request) uint64 {
	n, _ := strconv.ParseUint(r.URL.Query().Get("since"), 10, 64)
	return n
}

// writeUpdates answers a poll: {"updates":[…]} with each update's JSON.
func writeUpdates(w http.ResponseWriter, items []Item) {
	body := make([]byte, 0, 16+len(items)*96)
	body = append(body, `{"updates":[`...)
	for i, it := range items {
		if i > 0 {
			body = append(body, ',')
		}
		body = append(body, it.JSON...)
	}
	body = append(body, "]}"...)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(body)
}

func (s *Server) poll(w http.ResponseWriter, r *http.Request) {
	items, _ := s.feed.Since(since(r))
	writeUpdates(w, items)
}

func (s *Server) long(w http.ResponseWriter, r *http.Request) {
	after := since(r)
	timeout := time.NewTimer(LongPollTimeout)
	defer timeout.Stop()
	for {
		items, changed := s.feed.Since(after)
		if len(items) > 0 {
			writeUpdates(w, items)
			return
		}
		select {
		case <-changed:
		case <-timeout.C:
			writeUpdates(w, nil)
			return
		case <-r.Context().Done():
			return
		}
	}
}

// events is Server-Sent Events (HTML Living Standard, section 9.2): one
// response, chunked, an event per update: "id: N\ndata: JSON\n\n".
func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	updates, cancel := s.feed.Subscribe(1024) // subscribed before the head goes out
	defer cancel()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	rc := http.NewResponseController(w)
	w.WriteHeader(http.StatusOK)
	if err := rc.Flush(); err != nil {
		return
	}
	var buf []byte
	for {
		select {
		case it := <-updates:
			buf = append(buf[:0], "id: "...)
			buf = strconv.AppendUint(buf, it.Seq, 10)
			buf = append(buf, "\ndata: "...)
			buf = append(buf, it.JSON...)
			buf = append(buf, "\n\n"...)
			if _, err := w.Write(buf); err != nil {
				return
			}
			if err := rc.Flush(); err != nil {
				return
			}
		case <-r.Context().Done():
			return
		}
	}
}

// ws upgrades with netlab's wsframe and pushes every update as it happens.
func (s *Server) ws(w http.ResponseWriter, r *http.Request) {
	updates, cancel := s.feed.Subscribe(1024)
	defer cancel()
	c, _, err := wsframe.Upgrade(w, r, &wsframe.AcceptOptions{CheckOrigin: wsframe.AnyOrigin})
	if err != nil {
		return
	}
	s.wsMu.Lock()
	s.wsConns[c] = struct{}{}
	s.wsWG.Add(1)
	s.wsMu.Unlock()
	defer func() {
		s.wsMu.Lock()
		delete(s.wsConns, c)
		s.wsMu.Unlock()
		c.CloseNow()
		s.wsWG.Done()
	}()
	closed := make(chan struct{})
	go func() { // the client sends nothing but its close frame
		defer close(closed)
		for {
			if _, _, err := c.ReadMessage(context.Background()); err != nil {
				return
			}
		}
	}()
	for {
		select {
		case it := <-updates:
			if err := c.WriteMessage(context.Background(), wsframe.TextMessage, it.JSON); err != nil {
				<-closed
				return
			}
		case <-closed:
			return
		}
	}
}

// countingListener hands out counting connections and remembers them.
type countingListener struct {
	*tcpsock.Listener
	mu    sync.Mutex
	conns []*tcpsock.Conn
}

func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.AcceptNamed(context.Background(), "feed")
	if err != nil {
		return nil, err
	}
	l.mu.Lock()
	l.conns = append(l.conns, c)
	l.mu.Unlock()
	return c, nil
}

func (l *countingListener) totals() (in, out int64, conns int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, c := range l.conns {
		in += c.ReadOffset()
		out += c.WriteOffset()
	}
	return in, out, len(l.conns)
}
