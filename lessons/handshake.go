// Lesson "handshake": WebSocket starts as HTTP (RFC 6455, section 4).

package lessons

import (
	"bufio"
	"context"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"

	"netlab/httpdemo"
	"netlab/osi"
	"netlab/trace"
	"netlab/wsframe"
)

func handshakeLesson() Lesson {
	return Lesson{
		Name:     "handshake",
		Title:    "The WebSocket opening handshake",
		Layers:   osi.Of(osi.Transport, osi.Application),
		Question: "How does a WebSocket connection begin, and how does the server prove it speaks WebSocket?",
		Run:      runHandshake,
	}
}

// rfcKey and rfcAccept are RFC 6455's own example (section 1.3).
const (
	rfcKey    = "dGhlIHNhbXBsZSBub25jZQ=="
	rfcAccept = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo="
)

func runHandshake(ctx context.Context, env *Env) error {
	if err := env.Step(ctx, "A WebSocket server listens"); err != nil {
		return err
	}
	ln, err := startEcho(ctx, env)
	if err != nil {
		return err
	}
	url := "ws://" + ln.Addr().String() + "/echo"
	env.Say("netlab's own WebSocket server (package wsframe, written by hand from RFC 6455) listens on %s. "+
		"The URL %s names it.", ln.Addr(), url)

	if err := env.Step(ctx, "The client asks, in HTTP, to switch protocols"); err != nil {
		return err
	}
	c, err := dialExplained(ctx, env, "client", ln)
	if err != nil {
		return err
	}
	ws, hs, err := wsframe.Client(ctx, c, url, env.wsDial())
	if err != nil {
		return err
	}
	env.SayAt(osi.Application, "It began as an ordinary HTTP/1.1 GET on a TCP connection. Upgrade: websocket and "+
		"Connection: Upgrade ask the server to switch this connection to another protocol; Sec-WebSocket-Key is 16 "+
		"random bytes in base64; Sec-WebSocket-Version: 13 is RFC 6455. The server answered 101 Switching Protocols: "+
		"the last HTTP on this connection.")

	if err := env.Step(ctx, "Sec-WebSocket-Accept, computed step by step"); err != nil {
		return err
	}
	if err := showAccept(env, hs.Key, hs.Accept, "this connection"); err != nil {
		return err
	}
	if _, _, rfc := wsframe.AcceptSteps(rfcKey); rfc != rfcAccept {
		return fmt.Errorf("the RFC's example gives %s, want %s", rfc, rfcAccept)
	}
	if err := showAccept(env, rfcKey, rfcAccept, "RFC 6455's example (section 1.3)"); err != nil {
		return err
	}
	env.SayAt(osi.Application, "Only a server that read this very request, and knows the GUID from RFC 6455, can "+
		"answer with this value: an HTTP server or a cache that knows nothing of WebSocket cannot produce it by "+
		"accident. It proves understanding, not identity: it is not authentication, and it hides nothing.")

	if err := env.Step(ctx, "After 101, the same connection carries frames"); err != nil {
		return err
	}
	if err := ws.WriteMessage(ctx, wsframe.TextMessage, []byte("hello")); err != nil {
		return err
	}
	if _, msg, err := ws.ReadMessage(ctx); err != nil || string(msg) != "hello" {
		return fmt.Errorf("echo: got %q, %v", msg, err)
	}
	env.SayAt(osi.Transport, "Same TCP connection, same 4-tuple %s: no new connection was opened. From here on "+
		"either side may send a frame at any time.", c.FourTuple())

	if err := env.Step(ctx, "A refused handshake"); err != nil {
		return err
	}
	if err := refusedHandshake(ctx, env, ln.Addr().String(), url); err != nil {
		return err
	}

	if err := env.Step(ctx, "Closing: a close frame each way, then TCP"); err != nil {
		return err
	}
	if err := ws.Close(wsframe.CloseNormal, "lesson over"); err != nil {
		return err
	}
	env.Say("The client sent a close frame (code 1000, normal closure); the server answered with its own and closed " +
		"TCP first, as RFC 6455 section 7.1.1 asks, so the client read end of stream.")

	env.Answer("A WebSocket connection begins as an HTTP/1.1 GET with Upgrade: websocket, Connection: Upgrade, a "+
		"random Sec-WebSocket-Key and Sec-WebSocket-Version: 13, on an ordinary TCP connection. The server proves "+
		"it understood by answering 101 Switching Protocols with Sec-WebSocket-Accept = base64(SHA-1(key + "+
		"GUID)), here %s; after that the same connection carries WebSocket frames. A server that will not "+
		"switch answers with an ordinary HTTP error, such as 426 for the wrong version.", hs.Accept)
	return nil
}

// showAccept shows the three steps from a key to its accept value.
func showAccept(env *Env, key, accept, whose string) error {
	concat, hash, got := wsframe.AcceptSteps(key)
	if got != accept {
		return fmt.Errorf("Sec-WebSocket-Accept %s, computed %s", accept, got)
	}
	env.Table("Sec-WebSocket-Accept for "+whose, []string{"step", "value"}, [][]string{
		{"Sec-WebSocket-Key", key},
		{"1. key + GUID", concat},
		{"2. SHA-1 of that (20 bytes, hex)", hex.EncodeToString(hash[:])},
		{"3. base64 of the hash", got},
	})
	return nil
}

// refusedHandshake sends, by hand, an upgrade request with the wrong
// version, and shows the server's refusal.
func refusedHandshake(ctx context.Context, env *Env, addr, url string) error {
	c, err := env.Dial(ctx, "old client", addr)
	if err != nil {
		return err
	}
	req := httpdemo.AppendRequest(nil, http.MethodGet, "/echo", httpdemo.Fields{
		{Name: "Host", Value: addr},
		{Name: "Upgrade", Value: "websocket"},
		{Name: "Connection", Value: "Upgrade"},
		{Name: "Sec-WebSocket-Key", Value: rfcKey},
		{Name: "Sec-WebSocket-Version", Value: "8"},
	}, nil)
	c.Explain(trace.Received, wsframe.NewStreamExplainer(true))
	off := c.WriteOffset()
	if _, err := c.Write(req); err != nil {
		return err
	}
	if labels, err := httpdemo.ExplainRequest(req); err == nil {
		c.Annotate(trace.Sent, off, labels)
	}
	resp, err := httpdemo.ReadResponse(bufio.NewReader(c), httpdemo.Limits{}, http.MethodGet)
	if err != nil {
		return err
	}
	if resp.Status != http.StatusUpgradeRequired {
		return fmt.Errorf("the server answered %d to version 8, want 426", resp.Status)
	}
	env.SayAt(osi.Application, "This client asked for version 8, a draft from before RFC 6455. The server refused "+
		"with a real HTTP response: 426 Upgrade Required, Sec-WebSocket-Version: 13 (the version it speaks), and a "+
		"one-line reason in the body: %q. No frames: the connection stays HTTP, and the server closes it.",
		strings.TrimSpace(string(resp.Body)))
	return c.Close()
}
