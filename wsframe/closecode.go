// Close status codes (RFC 6455, sections 7.4 and 11.7).

package wsframe

import "strconv"

// A CloseCode says why an endpoint is closing (RFC 6455, section 7.4.1).
type CloseCode uint16

// The status codes RFC 6455 defines, and 1012-1014 from the IANA registry.
const (
	CloseNormal              CloseCode = 1000
	CloseGoingAway           CloseCode = 1001
	CloseProtocolError       CloseCode = 1002
	CloseUnsupportedData     CloseCode = 1003
	CloseNoStatusReceived    CloseCode = 1005 // never sent: "no code was in the close frame"
	CloseAbnormal            CloseCode = 1006 // never sent: "the connection dropped without a close frame"
	CloseInvalidPayload      CloseCode = 1007
	ClosePolicyViolation     CloseCode = 1008
	CloseMessageTooBig       CloseCode = 1009
	CloseMandatoryExtension  CloseCode = 1010
	CloseInternalError       CloseCode = 1011
	CloseServiceRestart      CloseCode = 1012
	CloseTryAgainLater       CloseCode = 1013
	CloseBadGateway          CloseCode = 1014
	CloseTLSHandshakeFailure CloseCode = 1015 // never sent
)

var closeNames = map[CloseCode]string{
	CloseNormal: "normal closure", CloseGoingAway: "going away", CloseProtocolError: "protocol error",
	CloseUnsupportedData: "unsupported data", CloseNoStatusReceived: "no status received",
	CloseAbnormal: "abnormal closure", CloseInvalidPayload: "invalid frame payload data",
	ClosePolicyViolation: "policy violation", CloseMessageTooBig: "message too big",
	CloseMandatoryExtension: "mandatory extension", CloseInternalError: "internal server error",
	CloseServiceRestart: "service restart", CloseTryAgainLater: "try again later",
	CloseBadGateway: "bad gateway", CloseTLSHandshakeFailure: "TLS handshake failure",
}

// String returns the code and its registered name, e.g. "1000 (normal closure)".
func (c CloseCode) String() string {
	name, ok := closeNames[c]
	switch {
	case ok:
	case c >= 3000 && c <= 3999:
		name = "registered with IANA for libraries and frameworks"
	case c >= 4000 && c <= 4999:
		name = "private use"
	default:
		name = "not a valid code"
	}
	return strconv.Itoa(int(c)) + " (" + name + ")"
}

// validOnWire reports whether a close frame may carry code. RFC 6455,
// section 7.4: 0-999 are not used; 1004 is reserved; 1005, 1006 and 1015
// "MUST NOT be set as a status code in a Close control frame by an
// endpoint"; 1016-2999 are reserved for future revisions of the protocol
// and its extensions; 3000-4999 are for libraries, frameworks and private
// use; nothing at or above 5000 is defined. 1012-1014 were registered with
// IANA after the RFC and are accepted, as browsers do.
func (c CloseCode) validOnWire() bool {
	switch {
	case c >= 1000 && c <= 1003, c >= 1007 && c <= 1014:
		return true
	case c >= 3000 && c <= 4999:
		return true
	}
	return false
}
