// Lesson "frames": the WebSocket frame, field by field (RFC 6455, section 5).

package lessons

import (
	"context"
	"encoding/hex"
	"fmt"
	"strings"

	"netlab/osi"
	"netlab/tcpsock"
	"netlab/wsframe"
)

func framesLesson() Lesson {
	return Lesson{
		Name:     "frames",
		Title:    "WebSocket frames, bit by bit",
		Layers:   osi.Of(osi.Transport, osi.Application),
		Question: "What is inside a WebSocket frame, and why are a client's frames masked and a server's not?",
		Run:      runFrames,
	}
}

// rfcMasked is RFC 6455's example of a masked text frame (section 5.7):
// "Hello" from a client, with masking key 37 fa 21 3d.
var rfcMasked = []byte{
	0x81,                   // FIN, opcode 1 (text)
	0x85,                   // MASK, payload length 5
	0x37, 0xfa, 0x21, 0x3d, // masking key
	0x7f, 0x9f, 0x4d, 0x51, 0x58, // "Hello", masked
}

func runFrames(ctx context.Context, env *Env) error {
	if err := env.Step(ctx, "Connect: a handshake, then frames"); err != nil {
		return err
	}
	ln, err := startEcho(ctx, env)
	if err != nil {
		return err
	}
	c, err := dialExplained(ctx, env, "client", ln)
	if err != nil {
		return err
	}
	ws, _, err := wsframe.Client(ctx, c, "ws://"+ln.Addr().String()+"/", env.wsDial())
	if err != nil {
		return err
	}
	env.Say("The server echoes every message. Each frame below is labelled field by field as it crossed the " +
		"client's socket (lesson handshake explains the first exchange).")

	if err := env.Step(ctx, "A text frame, masked by the client"); err != nil {
		return err
	}
	if err := echo(ctx, ws, wsframe.TextMessage, []byte("Hello")); err != nil {
		return err
	}
	env.SayAt(osi.Application, "The client's frame has a 6-byte header: 2 bytes (FIN, opcode, MASK, length) and a "+
		"4-byte masking key; its payload crossed XORed with the key. The server's echo has a 2-byte header and the "+
		"payload in clear. RFC 6455 section 5.3: a client MUST mask every frame, a server MUST NOT.")
	if err := showMasking(env); err != nil {
		return err
	}
	env.SayAt(osi.Application, "Why mask? Not for secrecy: the key travels in the same frame. Section 10.3: so that "+
		"a script in a browser cannot choose the bytes on the wire, and so cannot make a WebSocket frame look like an "+
		"HTTP request to a transparent proxy that would cache it (cache poisoning). A random key per frame makes the "+
		"wire bytes unpredictable to the script.")

	if err := env.Step(ctx, "A binary frame"); err != nil {
		return err
	}
	if err := echo(ctx, ws, wsframe.BinaryMessage, []byte{0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a}); err != nil {
		return err
	}
	env.SayAt(osi.Application, "Opcode 2: bytes, not text. A receiver checks text frames (opcode 1) for valid UTF-8 "+
		"and fails the connection with close code 1007 if they are not; binary frames carry anything.")

	if err := env.Step(ctx, "Three lengths, three header sizes"); err != nil {
		return err
	}
	var rows [][]string
	for _, n := range []int{125, 126, 65536} {
		if err := echoQuiet(ctx, c, ws, n); err != nil {
			return err
		}
		client := wsframe.Header{Masked: true, Length: int64(n)}.Size()
		server := wsframe.Header{Length: int64(n)}.Size()
		rows = append(rows, []string{fmt.Sprint(n), lengthEncoding(n), fmt.Sprintf("%d bytes", server), fmt.Sprintf("%d bytes", client)})
	}
	env.Table("Header size by payload length", []string{"payload", "length field", "from the server", "from the client (+4 mask)"}, rows)
	env.SayAt(osi.Application, "The 7-bit length field holds 0-125 itself; 126 means \"the next 2 bytes hold the "+
		"length\", 127 \"the next 8\". A sender must use the shortest form.")

	if err := env.Step(ctx, "A fragmented message, with a ping between the fragments"); err != nil {
		return err
	}
	parts := []struct {
		fin bool
		op  wsframe.Opcode
		p   string
	}{{false, wsframe.OpText, "Hello, "}, {false, wsframe.OpContinuation, "fragmented "}, {true, wsframe.OpContinuation, "world"}}
	for i, part := range parts {
		if err := ws.WriteFrame(ctx, part.fin, 0, part.op, []byte(part.p)); err != nil {
			return err
		}
		if i == 0 {
			if err := ws.Ping(ctx, []byte("still there?")); err != nil {
				return err
			}
		}
	}
	// The pong and the echo: wait until both are queued, so the trace's reads
	// do not depend on timing.
	if _, err := c.WaitQueued(ctx, 2+len("still there?")+2+len("Hello, fragmented world")); err != nil {
		return err
	}
	pong, err := ws.ReadFrame(ctx, nil)
	if err != nil || pong.Op != wsframe.OpPong || string(pong.Payload) != "still there?" {
		return fmt.Errorf("want the pong first, got %v %q %v", pong.Op, pong.Payload, err)
	}
	whole, err := ws.ReadFrame(ctx, nil)
	if err != nil || string(whole.Payload) != "Hello, fragmented world" || !whole.Fin {
		return fmt.Errorf("want the whole message back, got %q %v", whole.Payload, err)
	}
	env.SayAt(osi.Application, "Three frames, one message: the first says text with FIN=0, the next two are "+
		"continuations, the last with FIN=1. A ping (a control frame) may come between fragments and is answered at "+
		"once with a pong carrying the same payload. The server received one message, %q, and echoed it in one frame.", whole.Payload)

	if err := env.Step(ctx, "Close with a code"); err != nil {
		return err
	}
	if err := ws.Close(wsframe.CloseGoingAway, "lesson over"); err != nil {
		return err
	}
	env.SayAt(osi.Application, "A close frame's payload is a 2-byte status code (here 1001, going away) and an "+
		"optional UTF-8 reason. The server echoed the code in its own close frame, then closed TCP.")

	env.Answer("A frame is a header of 2 to 14 bytes and a payload. The header holds FIN (last fragment or not), " +
		"three reserved bits, a 4-bit opcode (continuation, text, binary, close, ping, pong), the MASK bit, a 7-bit " +
		"length that may extend to 16 or 64 bits, and for client frames a 4-byte masking key. Clients mask every " +
		"frame so that a browser script cannot choose the bytes a proxy sees; the key is sent alongside, so masking " +
		"hides nothing from anyone who reads the frame.")
	return nil
}

// echo sends a message and reads the echo.
func echo(ctx context.Context, ws *wsframe.Conn, typ wsframe.MessageType, p []byte) error {
	if err := ws.WriteMessage(ctx, typ, p); err != nil {
		return err
	}
	gotType, got, err := ws.ReadMessage(ctx)
	if err != nil {
		return err
	}
	if gotType != typ || string(got) != string(p) {
		return fmt.Errorf("echo of %d bytes came back as %v %d bytes", len(p), gotType, len(got))
	}
	return nil
}

// echoQuiet echoes n bytes and waits until the whole echo is queued before
// reading it, so the reads the trace shows do not depend on timing.
func echoQuiet(ctx context.Context, c *tcpsock.Conn, ws *wsframe.Conn, n int) error {
	msg := []byte(strings.Repeat("x", n))
	if err := ws.WriteMessage(ctx, wsframe.TextMessage, msg); err != nil {
		return err
	}
	if _, err := c.WaitQueued(ctx, wsframe.Header{Length: int64(n)}.Size()+n); err != nil {
		return err
	}
	_, got, err := ws.ReadMessage(ctx)
	if err != nil || len(got) != n {
		return fmt.Errorf("echo of %d bytes: got %d, %v", n, len(got), err)
	}
	return nil
}

func lengthEncoding(n int) string {
	switch {
	case n <= 125:
		return fmt.Sprintf("7-bit: %d", n)
	case n <= 0xFFFF:
		return "126, then 16-bit"
	}
	return "127, then 64-bit"
}

// showMasking takes RFC 6455's own masked example apart, byte by byte.
func showMasking(env *Env) error {
	v, err := wsframe.ExplainFrame(rfcMasked)
	if err != nil {
		return err
	}
	var rows [][]string
	for i, b := range v.Wire {
		key := v.Header.Mask[i%4]
		rows = append(rows, []string{fmt.Sprint(i), fmt.Sprintf("%02x", b), fmt.Sprintf("%d → %02x", i%4, key),
			fmt.Sprintf("%02x", v.Payload[i]), fmt.Sprintf("%q", rune(v.Payload[i]))})
	}
	env.Table("Unmasking RFC 6455's example (section 5.7): "+hex.EncodeToString(rfcMasked),
		[]string{"byte i", "on the wire", "key byte i mod 4", "XOR", "text"}, rows)
	return nil
}
