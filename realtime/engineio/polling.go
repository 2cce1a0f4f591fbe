// The HTTP long-polling transport: a GET held until there are packets for
// the client, a POST for each batch the client sends.

package engineio

import (
	"io"
	"net/http"
	"strconv"
	"time"
)

// openPolling answers a polling handshake with the open packet.
func (s *Server) openPolling(w http.ResponseWriter, r *http.Request) {
	sess := s.newSession(r, "polling")
	if sess == nil {
		http.Error(w, "the server is shutting down", http.StatusServiceUnavailable)
		return
	}
	writePayload(w, []Packet{s.openPacket(sess.id, []string{"websocket"})})
	sess.startHeartbeat()
}

// writePayload writes packets as a polling response body.
func writePayload(w http.ResponseWriter, packets []Packet) {
	body := EncodePayload(packets)
	w.Header().Set("Content-Type", "text/plain; charset=UTF-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}

// upgradeCheck is how long a GET that arrives during an upgrade waits for
// it to finish before it is answered with noop, as the reference server's
// check of an upgrade in progress.
const upgradeCheck = 100 * time.Millisecond

// pollGET holds the request until there are packets for the client, the
// session upgrades or closes. A GET that was waiting when an upgrade began
// is answered with noop at once (the client can then finish the upgrade);
// one that arrives during the upgrade gets 400 if the upgrade finishes
// within upgradeCheck, else noop.
func (s *Session) pollGET(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	switch {
	case s.lingering:
		s.lingering = false
		s.mu.Unlock()
		s.srv.forget(s)
		writePayload(w, []Packet{{Type: Close}})
		return
	case s.closed || s.transport != "polling":
		s.mu.Unlock()
		badRequest(w, 3, "Bad request")
		return
	case s.getPending:
		// "a client MUST NOT have more than one active GET request. Should
		// it happen, the server MUST return an HTTP 400 error status and
		// close the session." The pending GET is answered with close.
		s.mu.Unlock()
		s.end(Close, ReasonTransportError, "two polling GET requests at once")
		badRequest(w, 3, "Bad request")
		return
	}
	s.getPending = true
	lateToUpgrade := s.probing
	s.mu.Unlock()
	var checkUpgrade <-chan time.Time
	if lateToUpgrade {
		t := time.NewTimer(upgradeCheck)
		defer t.Stop()
		checkUpgrade = t.C
	}
	defer func() {
		s.mu.Lock()
		s.getPending = false
		s.mu.Unlock()
	}()
	for {
		s.mu.Lock()
		var out []Packet
		upgraded := false
		switch {
		case s.closed:
			out = []Packet{{Type: s.closeForGET}}
		case s.transport != "polling":
			upgraded = true
		case s.probing && !lateToUpgrade:
			out = []Packet{{Type: Noop}} // end the polling request: the client is upgrading
		case !s.probing && len(s.queue) > 0:
			out = s.queue
			s.queue = nil
		}
		if !s.probing {
			lateToUpgrade = false // the upgrade failed: an ordinary GET again
		}
		s.mu.Unlock()
		if upgraded {
			badRequest(w, 3, "Bad request")
			return
		}
		if out != nil {
			writePayload(w, out)
			return
		}
		select {
		case <-s.wakeGET:
		case <-checkUpgrade:
			lateToUpgrade = false // still upgrading: noop on the next round
		case <-r.Context().Done():
			// The client gave up on its request: the reference server closes
			// the session, and the protocol test suite expects it.
			s.end(Close, ReasonTransportClose, "the client cancelled its polling GET")
			return
		}
	}
}

// pollPOST reads a batch of packets from the client.
func (s *Session) pollPOST(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	switch {
	case s.lingering:
		// Closing: what the client sends now is dropped, as the reference
		// server does, and its next GET brings the close packet.
		s.mu.Unlock()
		w.Header().Set("Content-Type", "text/html")
		_, _ = w.Write([]byte("ok"))
		return
	case s.closed || s.transport != "polling":
		s.mu.Unlock()
		badRequest(w, 3, "Bad request")
		return
	case s.postActive:
		s.mu.Unlock()
		s.end(Close, ReasonTransportError, "two polling POST requests at once")
		badRequest(w, 3, "Bad request")
		return
	}
	s.postActive = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.postActive = false
		s.mu.Unlock()
	}()
	max := s.srv.opts.MaxPayload
	if r.ContentLength > int64(max) {
		s.end(Close, ReasonTransportError, "a polling POST larger than maxPayload")
		http.Error(w, "payload too large", http.StatusRequestEntityTooLarge)
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, int64(max)+1))
	if err != nil {
		s.end(Close, ReasonTransportError, "polling POST cut short: "+err.Error())
		badRequest(w, 3, "Bad request")
		return
	}
	if len(body) > max {
		s.end(Close, ReasonTransportError, "a polling POST larger than maxPayload")
		http.Error(w, "payload too large", http.StatusRequestEntityTooLarge)
		return
	}
	packets, err := DecodePayload(body)
	if err != nil {
		s.end(Close, ReasonTransportError, err.Error())
		badRequest(w, 3, "Bad request")
		return
	}
	for _, p := range packets {
		s.deliver(p)
	}
	w.Header().Set("Content-Type", "text/html")
	_, _ = w.Write([]byte("ok"))
}
