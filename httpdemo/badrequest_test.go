// Requests a reader must refuse, one broken rule each.

package httpdemo

import (
	"bufio"
	"io"
	"strings"
)

// chunkedRequest is the head of a request whose body is chunked.
const chunkedRequest = "POST / HTTP/1.1\r\n" +
	"Transfer-Encoding: chunked\r\n" +
	"\r\n"

var badRequests = []badTest{
	// The head and its limit.
	{
		name: "head one byte over MaxHead",
		wire: "GET / HTTP/1.1\r\n" + // 16 bytes
			"A: b\r\n" + // 6
			"\r\n", // 2: 24 in all
		lim:  Limits{MaxHead: 23},
		want: []error{ErrHeadTooLarge},
	},
	{
		name: "start line longer than MaxHead",
		wire: "GET /" + strings.Repeat("a", 100) + " HTTP/1.1\r\n\r\n",
		lim:  Limits{MaxHead: 32},
		want: []error{ErrHeadTooLarge},
	},
	{
		name: "a line that never ends stops at MaxHead",
		wire: "GET /" + strings.Repeat("a", 1000),
		lim:  Limits{MaxHead: 64},
		want: []error{ErrHeadTooLarge},
	},
	{
		name: "a field longer than the default 64 KiB",
		wire: "GET / HTTP/1.1\r\n" +
			"X: " + strings.Repeat("a", 64<<10) + "\r\n" +
			"\r\n",
		want: []error{ErrHeadTooLarge},
	},
	{
		name: "too many fields for the default 64 KiB",
		wire: "GET / HTTP/1.1\r\n" +
			strings.Repeat("X-Field: value\r\n", 5000) + // 80,000 bytes
			"\r\n",
		want: []error{ErrHeadTooLarge},
	},

	// The start line.
	{
		name: "empty line before the request line",
		wire: "\r\n" + // RFC 9112, section 2.2 lets a server skip it; netlab refuses
			"GET / HTTP/1.1\r\n" +
			"\r\n",
		want: []error{ErrBadStartLine},
	},
	{
		name: "request line with two parts",
		wire: "GET /\r\n" +
			"\r\n",
		want: []error{ErrBadRequestLine},
	},
	{
		name: "request line with four parts",
		wire: "GET / HTTP/1.1 extra\r\n" +
			"\r\n",
		want: []error{ErrBadRequestLine},
	},
	{
		name: "two spaces after the method",
		wire: "GET  / HTTP/1.1\r\n" +
			"\r\n",
		want: []error{ErrBadRequestLine},
	},
	{
		name: "space before the method",
		wire: " GET / HTTP/1.1\r\n" +
			"\r\n",
		want: []error{ErrBadRequestLine},
	},
	{
		name: "method is not a token",
		wire: "GE(T / HTTP/1.1\r\n" +
			"\r\n",
		want: []error{ErrBadRequestLine},
	},
	{
		name: "tab instead of space",
		wire: "GET\t/\tHTTP/1.1\r\n" +
			"\r\n",
		want: []error{ErrBadRequestLine},
	},
	{
		name: "version in lower case",
		wire: "GET / http/1.1\r\n" +
			"\r\n",
		want: []error{ErrBadRequestLine},
	},
	{
		name: "version with two-digit minor",
		wire: "GET / HTTP/1.10\r\n" +
			"\r\n",
		want: []error{ErrBadRequestLine},
	},
	{
		name: "version without minor",
		wire: "GET / HTTP/1\r\n" +
			"\r\n",
		want: []error{ErrBadRequestLine},
	},
	{
		name: "version not a digit",
		wire: "GET / HTTP/x.1\r\n" +
			"\r\n",
		want: []error{ErrBadRequestLine},
	},

	// Header fields.
	{
		name: "obs-fold: a line that continues the previous field",
		wire: "GET / HTTP/1.1\r\n" +
			"X-Long: first part\r\n" +
			" second part\r\n" + // obsolete line folding (RFC 9112, section 5.2)
			"\r\n",
		want: []error{ErrBadHeaderField},
	},
	{
		name: "obs-fold with a tab",
		wire: "GET / HTTP/1.1\r\n" +
			"X-Long: first part\r\n" +
			"\tsecond part\r\n" +
			"\r\n",
		want: []error{ErrBadHeaderField},
	},
	{
		name: "whitespace between the start line and the first field",
		wire: "GET / HTTP/1.1\r\n" +
			" Host: example.com\r\n" + // RFC 9112, section 2.2
			"\r\n",
		want: []error{ErrBadHeaderField},
	},
	{
		name: "missing colon",
		wire: "GET / HTTP/1.1\r\n" +
			"Host example.com\r\n" +
			"\r\n",
		want: []error{ErrBadHeaderField},
	},
	{
		name: "space before the colon",
		wire: "GET / HTTP/1.1\r\n" +
			"Host : example.com\r\n" + // RFC 9112, section 5.1: MUST reject
			"\r\n",
		want: []error{ErrBadHeaderField},
	},
	{
		name: "tab before the colon",
		wire: "GET / HTTP/1.1\r\n" +
			"Host\t: example.com\r\n" +
			"\r\n",
		want: []error{ErrBadHeaderField},
	},
	{
		name: "empty field name",
		wire: "GET / HTTP/1.1\r\n" +
			": example.com\r\n" +
			"\r\n",
		want: []error{ErrBadHeaderField},
	},
	{
		name: "field name is not a token",
		wire: "GET / HTTP/1.1\r\n" +
			"Ho(st): example.com\r\n" +
			"\r\n",
		want: []error{ErrBadHeaderField},
	},
	{
		name: "field name not ASCII",
		wire: "GET / HTTP/1.1\r\n" +
			"Hôst: example.com\r\n" +
			"\r\n",
		want: []error{ErrBadHeaderField},
	},
	{
		name: "CR inside a field value",
		wire: "GET / HTTP/1.1\r\n" +
			"X: a\rb\r\n" + // RFC 9110, section 5.5: MUST reject or replace
			"\r\n",
		want: []error{ErrBadHeaderField},
	},
	{
		name: "NUL inside a field value",
		wire: "GET / HTTP/1.1\r\n" +
			"X: a\x00b\r\n" +
			"\r\n",
		want: []error{ErrBadHeaderField},
	},

	// Lines end in CRLF (RFC 9112, section 2.2).
	{
		name: "bare LF after the request line",
		wire: "GET / HTTP/1.1\n" +
			"\r\n",
		want: []error{ErrBareLF},
	},
	{
		name: "bare LF after a field",
		wire: "GET / HTTP/1.1\r\n" +
			"Host: example.com\n" +
			"\r\n",
		want: []error{ErrBareLF},
	},
	{
		name: "bare LF as the empty line",
		wire: "GET / HTTP/1.1\r\n" +
			"Host: example.com\r\n" +
			"\n",
		want: []error{ErrBareLF},
	},

	// Transfer-Encoding (RFC 9112, section 6.3 rules 3 and 4).
	{
		name: "Transfer-Encoding and Content-Length together (request smuggling)",
		wire: "POST / HTTP/1.1\r\n" +
			"Content-Length: 100\r\n" +
			"Transfer-Encoding: chunked\r\n" +
			"\r\n" +
			"2\r\nhi\r\n0\r\n\r\n",
		want: []error{ErrBadTransferEncoding},
	},
	{
		name: "a request whose final transfer coding is not chunked",
		wire: "POST / HTTP/1.1\r\n" +
			"Transfer-Encoding: chunked, gzip\r\n" +
			"\r\n",
		want: []error{ErrBadTransferEncoding},
	},

	// Content-Length (RFC 9110, section 8.6; RFC 9112, section 6.3).
	{
		name: "negative Content-Length",
		wire: "POST / HTTP/1.1\r\n" +
			"Content-Length: -1\r\n" +
			"\r\n",
		want: []error{ErrBadContentLength},
	},
	{
		name: "Content-Length -0",
		wire: "POST / HTTP/1.1\r\n" +
			"Content-Length: -0\r\n" +
			"\r\n",
		want: []error{ErrBadContentLength},
	},
	{
		name: "plus-signed Content-Length",
		wire: "POST / HTTP/1.1\r\n" +
			"Content-Length: +5\r\n" +
			"\r\n" +
			"hello",
		want: []error{ErrBadContentLength},
	},
	{
		name: "two different Content-Length fields",
		wire: "POST / HTTP/1.1\r\n" +
			"Content-Length: 5\r\n" +
			"Content-Length: 6\r\n" + // which one frames the body? (request smuggling)
			"\r\n" +
			"hello!",
		want: []error{ErrBadContentLength},
	},
	{
		name: "a list of different Content-Length values",
		wire: "POST / HTTP/1.1\r\n" +
			"Content-Length: 5, 6\r\n" +
			"\r\n",
		want: []error{ErrBadContentLength},
	},
	{
		name: "empty Content-Length",
		wire: "POST / HTTP/1.1\r\n" +
			"Content-Length:\r\n" +
			"\r\n",
		want: []error{ErrBadContentLength},
	},
	{
		name: "empty member in a Content-Length list",
		wire: "POST / HTTP/1.1\r\n" +
			"Content-Length: 5,\r\n" +
			"\r\n",
		want: []error{ErrBadContentLength},
	},
	{
		name: "hexadecimal Content-Length",
		wire: "POST / HTTP/1.1\r\n" +
			"Content-Length: 0x10\r\n" +
			"\r\n",
		want: []error{ErrBadContentLength},
	},
	{
		name: "Content-Length with a space inside",
		wire: "POST / HTTP/1.1\r\n" +
			"Content-Length: 1 0\r\n" +
			"\r\n",
		want: []error{ErrBadContentLength},
	},
	{
		name: "Content-Length beyond int64",
		wire: "POST / HTTP/1.1\r\n" +
			"Content-Length: 99999999999999999999\r\n" +
			"\r\n",
		want: []error{ErrBadContentLength},
	},
	{
		name: "Content-Length over MaxBody",
		wire: "POST / HTTP/1.1\r\n" +
			"Content-Length: 5\r\n" +
			"\r\n" +
			"hello",
		lim:  Limits{MaxBody: 4},
		want: []error{ErrBodyTooLarge},
	},
	{
		name: "Content-Length of the largest int64",
		wire: "POST / HTTP/1.1\r\n" +
			"Content-Length: 9223372036854775807\r\n" +
			"\r\n",
		want: []error{ErrBodyTooLarge},
	},

	// Chunked transfer coding (RFC 9112, section 7.1).
	{
		name: "chunk size not hexadecimal",
		wire: chunkedRequest +
			"xyz\r\n",
		want: []error{ErrBadChunk},
	},
	{
		name: "chunk size missing",
		wire: chunkedRequest +
			"\r\n",
		want: []error{ErrBadChunk},
	},
	{
		name: "chunk size missing before an extension",
		wire: chunkedRequest +
			";name=value\r\n",
		want: []error{ErrBadChunk},
	},
	{
		name: "plus-signed chunk size",
		wire: chunkedRequest +
			"+5\r\n" +
			"hello\r\n" +
			"0\r\n" +
			"\r\n",
		want: []error{ErrBadChunk},
	},
	{
		name: "minus-signed last chunk",
		wire: chunkedRequest +
			"-0\r\n" +
			"\r\n",
		want: []error{ErrBadChunk},
	},
	{
		name: "chunk size with 0x",
		wire: chunkedRequest +
			"0x5\r\n" +
			"hello\r\n",
		want: []error{ErrBadChunk},
	},
	{
		name: "chunk size of 16 hex digits",
		wire: chunkedRequest +
			"000000000000000a\r\n" + // fits in int64, but longer than netlab reads
			"0123456789\r\n",
		want: []error{ErrBadChunk},
	},
	{
		name: "chunk size line longer than 4 KiB",
		wire: chunkedRequest +
			"5;" + strings.Repeat("x", 5000) + "\r\n" +
			"hello\r\n",
		want: []error{ErrBadChunk},
	},
	{
		name: "chunk data without CRLF",
		wire: chunkedRequest +
			"5\r\n" +
			"helloXX" + // two bytes where CRLF belongs
			"0\r\n" +
			"\r\n",
		want: []error{ErrBadChunk},
	},
	{
		name: "chunk data longer than its size",
		wire: chunkedRequest +
			"3\r\n" +
			"hello\r\n" +
			"0\r\n" +
			"\r\n",
		want: []error{ErrBadChunk},
	},
	{
		name: "chunk data followed by LF alone",
		wire: chunkedRequest +
			"5\r\n" +
			"hello\n" +
			"0\r\n" +
			"\r\n",
		want: []error{ErrBadChunk},
	},
	{
		name: "bare LF after the chunk size",
		wire: chunkedRequest +
			"5\n" +
			"hello\r\n" +
			"0\r\n" +
			"\r\n",
		want: []error{ErrBadChunk, ErrBareLF},
	},
	{
		name: "bare LF ending the chunked body",
		wire: chunkedRequest +
			"0\r\n" +
			"\n",
		want: []error{ErrBadChunk, ErrBareLF},
	},
	{
		name: "trailer section longer than 4 KiB",
		wire: chunkedRequest +
			"0\r\n" +
			strings.Repeat("X-Trailer: value\r\n", 300) + // 5,400 bytes
			"\r\n",
		want: []error{ErrBadChunk},
	},
	{
		name: "one chunk over MaxBody",
		wire: chunkedRequest +
			"5\r\n" +
			"hello\r\n" +
			"0\r\n" +
			"\r\n",
		lim:  Limits{MaxBody: 4},
		want: []error{ErrBodyTooLarge},
	},
	{
		name: "chunks that add up to more than MaxBody",
		wire: chunkedRequest +
			"3\r\n" +
			"abc\r\n" +
			"3\r\n" +
			"def\r\n" +
			"0\r\n" +
			"\r\n",
		lim:  Limits{MaxBody: 5},
		want: []error{ErrBodyTooLarge},
	},
	{
		name: "chunk size of 15 hex digits",
		wire: chunkedRequest +
			"fffffffffffffff\r\n", // 2^60 - 1: refused before any buffer is made
		want: []error{ErrBodyTooLarge},
	},

	// Truncated input: the connection ends inside a message.
	{
		name: "cut inside the request line",
		wire: "GET / HTT",
		want: []error{io.ErrUnexpectedEOF},
	},
	{
		name: "cut between CR and LF",
		wire: "GET / HTTP/1.1\r",
		want: []error{io.ErrUnexpectedEOF},
	},
	{
		name: "cut after the request line",
		wire: "GET / HTTP/1.1\r\n",
		want: []error{io.ErrUnexpectedEOF},
	},
	{
		name: "cut after a field",
		wire: "GET / HTTP/1.1\r\n" +
			"Host: example.com\r\n",
		want: []error{io.ErrUnexpectedEOF},
	},
	{
		name: "cut inside a field",
		wire: "GET / HTTP/1.1\r\n" +
			"Host: exa",
		want: []error{io.ErrUnexpectedEOF},
	},
	{
		name: "Content-Length body missing",
		wire: "POST / HTTP/1.1\r\n" +
			"Content-Length: 5\r\n" +
			"\r\n",
		want: []error{io.ErrUnexpectedEOF},
	},
	{
		name: "Content-Length body cut short",
		wire: "POST / HTTP/1.1\r\n" +
			"Content-Length: 5\r\n" +
			"\r\n" +
			"hel",
		want: []error{io.ErrUnexpectedEOF},
	},
	{
		name: "chunked body missing",
		wire: chunkedRequest,
		want: []error{ErrBadChunk, io.ErrUnexpectedEOF},
	},
	{
		name: "cut inside a chunk size",
		wire: chunkedRequest +
			"1",
		want: []error{ErrBadChunk, io.ErrUnexpectedEOF},
	},
	{
		name: "cut after a chunk size",
		wire: chunkedRequest +
			"5\r\n",
		want: []error{ErrBadChunk, io.ErrUnexpectedEOF},
	},
	{
		name: "cut inside chunk data",
		wire: chunkedRequest +
			"5\r\n" +
			"hel",
		want: []error{ErrBadChunk, io.ErrUnexpectedEOF},
	},
	{
		name: "cut after chunk data",
		wire: chunkedRequest +
			"5\r\n" +
			"hello\r\n",
		want: []error{ErrBadChunk, io.ErrUnexpectedEOF},
	},
	{
		name: "cut after the last chunk",
		wire: chunkedRequest +
			"0\r\n",
		want: []error{ErrBadChunk, io.ErrUnexpectedEOF},
	},
	{
		name: "cut inside the trailer section",
		wire: chunkedRequest +
			"0\r\n" +
			"Expires: never\r\n",
		want: []error{ErrBadChunk, io.ErrUnexpectedEOF},
	},
}

func readRequestRaw(br *bufio.Reader, lim Limits) ([]byte, error) {
	req, err := ReadRequest(br, lim)
	if req == nil {
		return nil, err
	}
	return req.Raw, err
}
