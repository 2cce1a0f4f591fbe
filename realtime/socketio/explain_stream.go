// Explaining a whole Socket.IO connection as its bytes pass: HTTP first
// (polling requests and responses, their bodies labelled as Engine.IO
// payloads), then, after a 101 Switching Protocols, WebSocket frames whose
// payloads are labelled as Engine.IO and Socket.IO packets.

package socketio

import (
	"strings"

	"netlab/httpdemo"
	"netlab/osi"
	"netlab/wsframe"
)

// NewStreamExplainers returns explainers for the two directions of one
// connection to a Socket.IO server: the client's bytes (requests) and the
// server's (responses). A client traces its sent bytes with requests; a
// server traces its received bytes with requests.
func NewStreamExplainers() (requests, responses osi.StreamExplainer) {
	req, resp := httpdemo.NewStreamExplainers()
	req.ExplainBodies(ExplainPollingBody)
	resp.ExplainBodies(ExplainPollingBody)
	return &switchingExplainer{http: req}, &switchingExplainer{http: resp}
}

// switchingExplainer follows one direction of a connection that starts
// as HTTP and may switch to WebSocket: the HTTP explainer says where.
type switchingExplainer struct {
	http   *httpdemo.StreamExplainer
	ws     *wsframe.StreamExplainer
	wsFrom int64 // the stream offset of the first WebSocket byte
	off    int64 // bytes fed so far
}

func (s *switchingExplainer) Feed(p []byte) []osi.Explanation {
	start := s.off
	s.off += int64(len(p))
	if s.ws != nil {
		return shiftExplanations(s.ws.Feed(p), s.wsFrom)
	}
	out := s.http.Feed(p)
	at, proto, ok := s.http.Switched()
	if !ok || !strings.EqualFold(proto, "websocket") {
		return out
	}
	s.ws = wsframe.NewStreamExplainer(false).ExplainPayloads(ExplainWebSocketMessage)
	s.wsFrom = at
	if at < s.off {
		out = append(out, shiftExplanations(s.ws.Feed(p[max(at-start, 0):]), at)...)
	}
	return out
}

func shiftExplanations(xs []osi.Explanation, by int64) []osi.Explanation {
	for i := range xs {
		xs[i].Offset += by
	}
	return xs
}
