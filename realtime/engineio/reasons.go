// Why a session closed, in the words socket.io uses: the layer above
// passes them on to its sockets, and a lesson prints them.

package engineio

// Close reasons. The first word says who ended the session: the transport
// (the connection broke or the client closed it), the heartbeat, or the
// server. Session.CloseDetail says more.
const (
	ReasonTransportClose = "transport close"      // the client closed the session, or its connection ended
	ReasonTransportError = "transport error"      // the client broke the protocol, or a write failed
	ReasonPingTimeout    = "ping timeout"         // no pong within PingTimeout
	ReasonForcedClose    = "forced close"         // the application closed the session
	ReasonServerShutdown = "server shutting down" // Server.Close
	ReasonParseError     = "parse error"          // the layer above could not parse a message
)
