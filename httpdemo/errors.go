// Errors of package httpdemo, one per rule of RFC 9112 it enforces.

package httpdemo

import "errors"

var (
	ErrHeadTooLarge        = errors.New("httpdemo: message head longer than the limit")
	ErrBadStatusLine       = errors.New("httpdemo: malformed status line (want HTTP/1.x NNN reason)")
	ErrBadRequestLine      = errors.New("httpdemo: malformed request line (want METHOD target HTTP/1.x)")
	ErrBadHeaderField      = errors.New("httpdemo: malformed header field (want name: value)")
	ErrBadContentLength    = errors.New("httpdemo: Content-Length is not one non-negative decimal number")
	ErrBadChunk            = errors.New("httpdemo: malformed chunk")
	ErrBadTransferEncoding = errors.New("httpdemo: Transfer-Encoding does not end in chunked, or comes with Content-Length")
	ErrBodyTooLarge        = errors.New("httpdemo: body longer than the limit")
	ErrBadStartLine        = errors.New("httpdemo: malformed start line")
	ErrBareLF              = errors.New("httpdemo: line ends in LF without CR")
)
