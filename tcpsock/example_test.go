package tcpsock_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing/iotest"

	"netlab/tcpsock"
)

// netlab opens sockets only on loopback, and only given an IP literal.
func ExampleCheckLoopback() {
	for _, addr := range []string{"127.0.0.1:0", "[::1]:9001", "0.0.0.0:80", ":0", "localhost:80"} {
		err := tcpsock.CheckLoopback(addr)
		switch {
		case err == nil:
			fmt.Printf("%-13s ok\n", addr)
		case errors.Is(err, tcpsock.ErrNotLoopback):
			fmt.Printf("%-13s refused: not loopback\n", addr)
		default:
			fmt.Printf("%-13s refused: %v\n", addr, err)
		}
	}
	// Output:
	// 127.0.0.1:0   ok
	// [::1]:9001    ok
	// 0.0.0.0:80    refused: not loopback
	// :0            refused: not loopback
	// localhost:80  refused: not loopback
}

// TCP keeps no message boundaries, so a protocol marks them itself: here a
// 2-byte length before each message. The reader gets its messages back
// even when the stream hands over one byte at a time.
func ExampleAppendFramed() {
	var wire []byte
	for _, msg := range []string{"hello", "TCP"} {
		wire, _ = tcpsock.AppendFramed(wire, []byte(msg))
	}
	fmt.Printf("% x\n", wire)

	r := iotest.OneByteReader(bytes.NewReader(wire))
	for {
		msg, err := tcpsock.ReadFramed(r, 1024)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			fmt.Println(err)
			break
		}
		fmt.Printf("%q\n", msg)
	}
	// Output:
	// 00 05 68 65 6c 6c 6f 00 03 54 43 50
	// "hello"
	// "TCP"
}

// ExplainFramed labels the bytes of one framed message.
func ExampleExplainFramed() {
	wire, _ := tcpsock.AppendFramed(nil, []byte("hi"))
	for _, a := range tcpsock.ExplainFramed(wire) {
		fmt.Printf("[%d,%d) %-7s %s\n", a.Start, a.End, a.Field, a.Value)
	}
	// Output:
	// [0,2) length  2
	// [2,4) message "hi"
}

// A TCP connection is named by its 4-tuple: the client's endpoint and the
// server's.
func ExampleFourTuple_String() {
	t := tcpsock.FourTuple{Client: "127.0.0.1:50312", Server: "127.0.0.1:9001"}
	fmt.Println(t)
	// Output:
	// 127.0.0.1:50312 ⇄ 127.0.0.1:9001
}
