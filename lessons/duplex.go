// Lesson "duplex": both ends send whenever they like on one connection.

package lessons

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"netlab/osi"
	"netlab/trace"
	"netlab/wsframe"
)

func duplexLesson() Lesson {
	return Lesson{
		Name:     "duplex",
		Title:    "Full duplex: the server pushes while the client talks",
		Layers:   osi.Of(osi.Transport, osi.Application),
		Question: "Can a WebSocket server send without being asked, while the client sends its own messages?",
		Run:      runDuplex,
	}
}

// The timeline: the server pushes a tick every tickEvery; the client sends
// at its own moments. These waits are the demonstration (time passing),
// not synchronisation.
const (
	tickEvery = 100 * time.Millisecond
	ticks     = 5
)

var clientSends = []struct {
	at  time.Duration
	msg string
}{{150 * time.Millisecond, "hi, I am typing"}, {240 * time.Millisecond, "still typing"}, {260 * time.Millisecond, "done"}}

func runDuplex(ctx context.Context, env *Env) error {
	if err := env.Step(ctx, "One connection, seen from the client's socket"); err != nil {
		return err
	}
	ln, err := env.Listen(ctx, "server", env.ServerAddr())
	if err != nil {
		return err
	}
	ln.TraceAccepted(false)
	client, err := env.Dial(ctx, "client", ln.Addr().String())
	if err != nil {
		return err
	}
	server, err := env.Accept(ctx, ln, "server")
	if err != nil {
		return err
	}
	client.Explain(trace.Sent, wsframe.NewStreamExplainer(true))
	client.Explain(trace.Received, wsframe.NewStreamExplainer(true))
	accepted := make(chan *wsframe.Conn, 1)
	acceptErr := make(chan error, 1)
	env.Go(func() {
		ws, _, err := wsframe.Accept(ctx, server, nil)
		if err != nil {
			acceptErr <- err
			return
		}
		accepted <- ws
	})
	cws, _, err := wsframe.Client(ctx, client, "ws://"+ln.Addr().String()+"/ticks", env.wsDial())
	if err != nil {
		return err
	}
	var sws *wsframe.Conn
	select {
	case sws = <-accepted:
	case err := <-acceptErr:
		return err
	}
	env.Say("Only the client's socket is traced: its reads are what the server pushed, its writes what the client " +
		"chose to say. Both directions share one TCP connection.")

	if err := env.Step(ctx, "The server pushes ticks; the client sends when it likes"); err != nil {
		return err
	}
	// The timeline runs in real time, but one action at a time: each push or
	// message is written when its moment comes, and the next waits until the
	// other end has read it. That keeps the trace's order the same on every
	// run; it does not make anything a reply: no tick waits for, or answers,
	// anything the client sent.
	type action struct {
		at     time.Duration
		server bool
		msg    string
	}
	var timeline []action
	for i := 1; i <= ticks; i++ {
		timeline = append(timeline, action{at: time.Duration(i) * tickEvery, server: true, msg: fmt.Sprintf("tick %d", i)})
	}
	for _, s := range clientSends {
		timeline = append(timeline, action{at: s.at, msg: s.msg})
	}
	slices.SortStableFunc(timeline, func(a, b action) int { return cmp.Compare(a.at, b.at) })

	toClient, toServer := make(chan readResult, 1), make(chan readResult, 1)
	env.Go(func() { readInto(ctx, cws, ticks, toClient) })
	env.Go(func() { readInto(ctx, sws, len(clientSends), toServer) })
	start := time.Now()
	var got, heard []string
	for _, a := range timeline {
		select {
		case <-time.After(time.Until(start.Add(a.at))):
		case <-ctx.Done():
			return ctx.Err()
		}
		from, to, received := cws, toServer, &heard
		if a.server {
			from, to, received = sws, toClient, &got
		}
		if err := from.WriteMessage(ctx, wsframe.TextMessage, []byte(a.msg)); err != nil {
			return err
		}
		select {
		case r := <-to:
			if r.err != nil {
				return r.err
			}
			*received = append(*received, r.msg)
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if len(got) != ticks || len(heard) != len(clientSends) {
		return fmt.Errorf("the client got %d ticks and the server %d messages", len(got), len(heard))
	}
	env.SayAt(osi.Application, "Read the times: the server wrote a tick every 100 ms, and the client wrote its "+
		"three messages at 150, 240 and 260 ms, between ticks, on the same connection. Nothing the client sent asked "+
		"for a tick, and no tick waited for the client: each direction is its own stream.")

	if err := env.Step(ctx, "The contrast with HTTP"); err != nil {
		return err
	}
	env.SayAt(osi.Application, "In the http lesson the server had news and could not send it until a request "+
		"came. Here %d messages went from server to client with no request at all, while %d went the other way. "+
		"TCP was always full duplex; HTTP's request/response rule was what made it one-way at a time.", ticks, len(clientSends))
	serverSaw := make(chan error, 1)
	go func() { // the server reads on, and answers the client's close frame
		_, _, err := sws.ReadMessage(ctx)
		serverSaw <- err
	}()
	if err := cws.Close(wsframe.CloseNormal, "bye"); err != nil {
		return err
	}
	if err := <-serverSaw; !isCloseErr(err) {
		return fmt.Errorf("the server should see the close, got %v", err)
	}

	env.Answer("Yes. Once the handshake is done, either end may send a frame at any moment: the server pushed %d "+
		"ticks on its own schedule while the client sent %d messages on its own, interleaved on one TCP connection, "+
		"with no request before any tick. That is full duplex; HTTP's rule that every response answers a request "+
		"is what WebSocket removes.", ticks, len(clientSends))
	return nil
}

type readResult struct {
	msg string
	err error
}

// readInto reads n messages from c and hands each over on out.
func readInto(ctx context.Context, c *wsframe.Conn, n int, out chan<- readResult) {
	for range n {
		_, msg, err := c.ReadMessage(ctx)
		select {
		case out <- readResult{string(msg), err}:
		case <-ctx.Done():
			return
		}
		if err != nil {
			return
		}
	}
}
