// Responses a reader must refuse, one broken rule each.

package httpdemo

import (
	"bufio"
	"io"
)

var badResponses = []badTest{
	{
		name: "head over MaxHead",
		wire: "HTTP/1.1 200 OK\r\n" +
			"Content-Length: 0\r\n" +
			"\r\n",
		lim:  Limits{MaxHead: 20},
		want: []error{ErrHeadTooLarge},
	},
	{
		name: "empty line before the status line",
		wire: "\r\n" +
			"HTTP/1.1 200 OK\r\n" +
			"\r\n",
		want: []error{ErrBadStartLine},
	},
	{
		name: "two-digit status code",
		wire: "HTTP/1.1 20 OK\r\n" +
			"\r\n",
		want: []error{ErrBadStatusLine},
	},
	{
		name: "four-digit status code",
		wire: "HTTP/1.1 2000 OK\r\n" +
			"\r\n",
		want: []error{ErrBadStatusLine},
	},
	{
		name: "status code not a number",
		wire: "HTTP/1.1 abc OK\r\n" +
			"\r\n",
		want: []error{ErrBadStatusLine},
	},
	{
		name: "status code below 100",
		wire: "HTTP/1.1 099 Too Low\r\n" +
			"\r\n",
		want: []error{ErrBadStatusLine},
	},
	{
		name: "signed status code",
		wire: "HTTP/1.1 +99 Signed\r\n" +
			"\r\n",
		want: []error{ErrBadStatusLine},
	},
	{
		name: "no status code",
		wire: "HTTP/1.1\r\n" +
			"\r\n",
		want: []error{ErrBadStatusLine},
	},
	{
		name: "no space after the version",
		wire: "HTTP/1.1200 OK\r\n" +
			"\r\n",
		want: []error{ErrBadStatusLine},
	},
	{
		name: "two spaces after the version",
		wire: "HTTP/1.1  200 OK\r\n" +
			"\r\n",
		want: []error{ErrBadStatusLine},
	},
	{
		name: "HTTP/2.0 is not an HTTP/1.x status line",
		wire: "HTTP/2.0 200 OK\r\n" +
			"\r\n",
		want: []error{ErrBadStatusLine},
	},
	{
		name: "version in lower case",
		wire: "http/1.1 200 OK\r\n" +
			"\r\n",
		want: []error{ErrBadStatusLine},
	},
	{
		name: "not HTTP at all",
		wire: "ICY 200 OK\r\n" + // SHOUTcast
			"\r\n",
		want: []error{ErrBadStatusLine},
	},
	{
		name: "a request where a response belongs",
		wire: "GET / HTTP/1.1\r\n" +
			"\r\n",
		want: []error{ErrBadStatusLine},
	},
	{
		name: "missing colon",
		wire: "HTTP/1.1 200 OK\r\n" +
			"Content-Length 5\r\n" +
			"\r\n",
		want: []error{ErrBadHeaderField},
	},
	{
		name: "bare LF",
		wire: "HTTP/1.1 200 OK\n" +
			"\n",
		want: []error{ErrBareLF},
	},
	{
		name: "two different Content-Length fields",
		wire: "HTTP/1.1 200 OK\r\n" +
			"Content-Length: 2\r\n" +
			"Content-Length: 3\r\n" +
			"\r\n" +
			"abc",
		want: []error{ErrBadContentLength},
	},
	{
		name: "Content-Length over MaxBody",
		wire: "HTTP/1.1 200 OK\r\n" +
			"Content-Length: 5\r\n" +
			"\r\n" +
			"hello",
		lim:  Limits{MaxBody: 4},
		want: []error{ErrBodyTooLarge},
	},
	{
		name: "chunks over MaxBody",
		wire: "HTTP/1.1 200 OK\r\n" +
			"Transfer-Encoding: chunked\r\n" +
			"\r\n" +
			"5\r\n" +
			"hello\r\n" +
			"0\r\n" +
			"\r\n",
		lim:  Limits{MaxBody: 4},
		want: []error{ErrBodyTooLarge},
	},
	{
		name: "body until close over MaxBody",
		wire: "HTTP/1.1 200 OK\r\n" +
			"\r\n" +
			"hello",
		lim:  Limits{MaxBody: 4},
		want: []error{ErrBodyTooLarge},
	},
	{
		name: "bad chunk size",
		wire: "HTTP/1.1 200 OK\r\n" +
			"Transfer-Encoding: chunked\r\n" +
			"\r\n" +
			"zz\r\n",
		want: []error{ErrBadChunk},
	},
	{
		name: "cut after the status line",
		wire: "HTTP/1.1 200 OK\r\n",
		want: []error{io.ErrUnexpectedEOF},
	},
	{
		name: "Content-Length body cut short",
		wire: "HTTP/1.1 200 OK\r\n" +
			"Content-Length: 5\r\n" +
			"\r\n" +
			"he",
		want: []error{io.ErrUnexpectedEOF},
	},
	{
		name: "chunked body cut short",
		wire: "HTTP/1.1 200 OK\r\n" +
			"Transfer-Encoding: chunked\r\n" +
			"\r\n" +
			"5\r\n" +
			"hello\r\n",
		want: []error{ErrBadChunk, io.ErrUnexpectedEOF},
	},
}

func readResponseRaw(br *bufio.Reader, lim Limits) ([]byte, error) {
	resp, err := ReadResponse(br, lim, "GET")
	if resp == nil {
		return nil, err
	}
	return resp.Raw, err
}
