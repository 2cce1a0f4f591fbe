package httpdemo_test

import (
	"bufio"
	"fmt"
	"strings"

	"netlab/httpdemo"
)

// A request is lines of text, each ended by CR LF, then an empty line.
func ExampleAppendRequest() {
	req := httpdemo.AppendRequest(nil, "GET", "/hello", httpdemo.Fields{
		{Name: "Host", Value: "example.com"},
		{Name: "Connection", Value: "close"},
	}, nil)

	// Show CR LF as \r\n, one line of the request per line.
	fmt.Print(strings.ReplaceAll(string(req), "\r\n", `\r\n`+"\n"))
	// Output:
	// GET /hello HTTP/1.1\r\n
	// Host: example.com\r\n
	// Connection: close\r\n
	// \r\n
}

// A chunked response: each chunk says its size in hexadecimal, and a chunk
// of size 0 ends the body.
func ExampleReadResponse() {
	wire := "HTTP/1.1 200 OK\r\n" +
		"Content-Type: text/plain\r\n" +
		"Transfer-Encoding: chunked\r\n" +
		"\r\n" +
		"7\r\n" + "Mozilla\r\n" +
		"9\r\n" + "Developer\r\n" +
		"0\r\n" + "\r\n"

	resp, err := httpdemo.ReadResponse(bufio.NewReader(strings.NewReader(wire)), httpdemo.Limits{}, "GET")
	if err != nil {
		fmt.Println(err)
		return
	}
	ctype, _ := resp.Fields.Get("content-type") // names compare without regard to case
	fmt.Println(resp.Status, resp.Reason)
	fmt.Println(ctype)
	fmt.Printf("%q\n", resp.Body)
	fmt.Println(len(resp.Head.Raw), "bytes of head,", len(resp.Raw)-len(resp.Head.Raw), "bytes of chunked body")
	// Output:
	// 200 OK
	// text/plain
	// "MozillaDeveloper"
	// 73 bytes of head, 31 bytes of chunked body
}

// Every part of a request, labelled with where its bytes are.
func ExampleExplainRequest() {
	req := httpdemo.AppendRequest(nil, "POST", "/echo", httpdemo.Fields{
		{Name: "Host", Value: "example.com"},
		{Name: "Content-Length", Value: "2"},
	}, []byte("hi"))

	labels, err := httpdemo.ExplainRequest(req)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, l := range labels {
		fmt.Printf("%2d-%-2d %-14s %q\n", l.Start, l.End, l.Field, req[l.Start:l.End])
	}
	// Output:
	//  0-4  method         "POST"
	//  5-10 request-target "/echo"
	// 11-19 HTTP-version   "HTTP/1.1"
	// 21-40 Host           "Host: example.com\r\n"
	// 40-59 Content-Length "Content-Length: 2\r\n"
	// 59-61 empty line     "\r\n"
	// 61-63 body           "hi"
}
