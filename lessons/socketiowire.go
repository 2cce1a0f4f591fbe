// Lesson "socketio-wire": Socket.IO's real bytes, by hand: the polling
// handshake over HTTP, CONNECT, long polling, the upgrade to WebSocket,
// the heartbeat; and why it starts with HTTP at all.

package lessons

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"time"

	"netlab/httpdemo"
	"netlab/osi"
	"netlab/realtime/engineio"
	"netlab/realtime/socketio"
	"netlab/tcpsock"
	"netlab/wsframe"
)

func socketIOWireLesson() Lesson {
	return Lesson{
		Name:     "socketio-wire",
		Title:    "Socket.IO on the wire: HTTP long polling, then the upgrade to WebSocket",
		Layers:   osi.Of(osi.Transport, osi.Application),
		Question: "What does Socket.IO actually send, and why does it start with HTTP requests instead of a WebSocket?",
		Run:      runSocketIOWire,
	}
}

// wirePing is the lesson server's ping interval: long enough that no ping
// lands in the polling steps, short enough to wait for one at the end.
const wirePing = 2 * time.Second

// handHTTP is an HTTP/1.1 client written by hand on one traced connection.
type handHTTP struct {
	c    *tcpsock.Conn
	br   *bufio.Reader
	host string
}

func dialHand(ctx context.Context, env *Env, name, addr string) (*handHTTP, error) {
	c, err := env.Dial(ctx, name, addr)
	if err != nil {
		return nil, err
	}
	explainSocketIO(c)
	return &handHTTP{c: c, br: bufio.NewReader(c), host: addr}, nil
}

// send writes a request; read reads the next response.
func (h *handHTTP) send(method, target, body string) error {
	fields := httpdemo.Fields{{Name: "Host", Value: h.host}}
	if method == http.MethodPost {
		fields = append(fields, httpdemo.Field{Name: "Content-Type", Value: "text/plain;charset=UTF-8"},
			httpdemo.Field{Name: "Content-Length", Value: fmt.Sprint(len(body))})
	}
	_, err := h.c.Write(httpdemo.AppendRequest(nil, method, target, fields, []byte(body)))
	return err
}

func (h *handHTTP) read(method string) (*httpdemo.Response, error) {
	return httpdemo.ReadResponse(h.br, httpdemo.Limits{MaxHead: 16 << 10, MaxBody: 1 << 20}, method)
}

// do sends a request and reads its answer, which must be 200.
func (h *handHTTP) do(method, target, body string) (string, error) {
	if err := h.send(method, target, body); err != nil {
		return "", err
	}
	resp, err := h.read(method)
	if err != nil {
		return "", err
	}
	if resp.Status != http.StatusOK {
		return "", fmt.Errorf("%s %s: %d %s", method, target, resp.Status, resp.Body)
	}
	return string(resp.Body), nil
}

func runSocketIOWire(ctx context.Context, env *Env) error {
	if err := env.Step(ctx, "The Engine.IO handshake is an HTTP GET"); err != nil {
		return err
	}
	lab, err := startSocketIO(ctx, env, "server", env.ServerAddr(),
		socketio.Options{Engine: engineio.Options{PingInterval: wirePing, PingTimeout: 5 * time.Second}})
	if err != nil {
		return err
	}
	ns := lab.srv.Sockets()
	sockets := make(chan *socketio.Socket, 1)
	ns.OnConnection(func(s *socketio.Socket) {
		s.On("chat", func(e *socketio.Event) { _ = e.Ack(map[string]bool{"ok": true}) })
		sockets <- s
	})
	u, _ := url.Parse(lab.url)
	addr := u.Host
	polling, err := dialHand(ctx, env, "client", addr)
	if err != nil {
		return err
	}
	body, err := polling.do(http.MethodGet, "/socket.io/?EIO=4&transport=polling", "")
	if err != nil {
		return err
	}
	var open engineio.Handshake
	if !strings.HasPrefix(body, "0") || json.Unmarshal([]byte(body[1:]), &open) != nil {
		return fmt.Errorf("the handshake answered %q", body)
	}
	env.SayAt(osi.Application, "An ordinary GET, and an ordinary 200 whose body is one Engine.IO packet: 0 "+
		"(open) and JSON. sid names the session: every later request carries it, since HTTP itself "+
		"remembers nothing between requests. upgrades lists what the client may switch to; pingInterval "+
		"and pingTimeout set the heartbeat (%d ms and %d ms here); maxPayload caps a POST body and a WebSocket message (and the client batches its POSTs to fit).",
		open.PingInterval, open.PingTimeout)
	q := "/socket.io/?EIO=4&transport=polling&sid=" + open.SID

	if err := env.Step(ctx, "Joining the namespace takes a POST and a GET"); err != nil {
		return err
	}
	if _, err := polling.do(http.MethodPost, q, "40"); err != nil {
		return err
	}
	reply, err := polling.do(http.MethodGet, q, "")
	if err != nil {
		return err
	}
	server, err := waitFor(ctx, sockets, "the connection")
	if err != nil {
		return err
	}
	env.SayAt(osi.Application, "The POST carried 40 (Engine.IO message, Socket.IO CONNECT); its answer is only "+
		"ok. The server's own answer, %s, could not ride on it: over HTTP a server speaks only in a response, "+
		"so it waited for the next GET.", reply)

	if err := env.Step(ctx, "Long polling: the server holds the GET until it has something"); err != nil {
		return err
	}
	if err := server.Emit("news", "first"); err != nil {
		return err
	}
	if err := server.Emit("news", "second"); err != nil {
		return err
	}
	batch, err := polling.do(http.MethodGet, q, "")
	if err != nil {
		return err
	}
	if strings.Count(batch, "\x1e") != 1 {
		return fmt.Errorf("the two events came as %q, want one body with a 0x1e between them", batch)
	}
	// A GET with nothing queued: the server holds it. Meanwhile a second
	// connection POSTs an event that asks for an ack.
	if err := polling.send(http.MethodGet, q, ""); err != nil {
		return err
	}
	sender, err := dialHand(ctx, env, "client (2nd connection)", addr)
	if err != nil {
		return err
	}
	if _, err := sender.do(http.MethodPost, q, `420["chat","hello"]`); err != nil {
		return err
	}
	held, err := polling.read(http.MethodGet)
	if err != nil {
		return err
	}
	if string(held.Body) != `430[{"ok":true}]` {
		return fmt.Errorf("the held GET got %q, want the ack", held.Body)
	}
	env.SayAt(osi.Application, "The two events the server emitted while no GET was waiting came together in "+
		"one body, joined by the byte 0x1e. The next GET found nothing to send and the server held it open; "+
		"the client had to open a second TCP connection to POST its chat, since the first was busy waiting. "+
		"The ack, 430, answered the POST on the held GET. Every message from the server costs a whole HTTP "+
		"response, and the client sends a new GET after each.")

	if err := env.Step(ctx, "The upgrade: probe a WebSocket, then switch"); err != nil {
		return err
	}
	if err := polling.send(http.MethodGet, q, ""); err != nil {
		return err
	}
	wsConn, err := env.Dial(ctx, "client (WebSocket)", addr)
	if err != nil {
		return err
	}
	explainSocketIO(wsConn)
	ws, _, err := wsframe.Client(ctx, wsConn, "ws://"+addr+"/socket.io/?EIO=4&transport=websocket&sid="+open.SID, env.wsDial())
	if err != nil {
		return err
	}
	expect := func(want string) error {
		_, msg, err := ws.ReadMessage(ctx)
		if err != nil {
			return err
		}
		if string(msg) != want {
			return fmt.Errorf("the WebSocket said %q, want %q", msg, want)
		}
		return nil
	}
	if err := ws.WriteMessage(ctx, wsframe.TextMessage, []byte("2probe")); err != nil {
		return err
	}
	if err := expect("3probe"); err != nil {
		return err
	}
	noop, err := polling.read(http.MethodGet)
	if err != nil {
		return err
	}
	if err := ws.WriteMessage(ctx, wsframe.TextMessage, []byte("5")); err != nil {
		return err
	}
	if string(noop.Body) != "6" {
		return fmt.Errorf("the pending GET got %q during the upgrade, want 6", noop.Body)
	}
	if err := ws.WriteMessage(ctx, wsframe.TextMessage, []byte(`421["chat","now over WebSocket"]`)); err != nil {
		return err
	}
	if err := expect(`431[{"ok":true}]`); err != nil {
		return err
	}
	if err := server.Emit("news", "pushed in a frame"); err != nil {
		return err
	}
	if err := expect(`42["news","pushed in a frame"]`); err != nil {
		return err
	}
	if err := polling.send(http.MethodGet, q, ""); err != nil {
		return err
	}
	late, err := polling.read(http.MethodGet)
	if err != nil {
		return err
	}
	if late.Status != http.StatusBadRequest {
		return fmt.Errorf("a GET after the upgrade got %d, want 400", late.Status)
	}
	env.SayAt(osi.Application, "A third connection did the WebSocket handshake with the same sid, then sent "+
		"2probe (a ping with the word probe). 3probe back proved the WebSocket works both ways. The server "+
		"answered the GET that was waiting with 6 (noop) so that polling could stop cleanly, and the client "+
		"sent 5 (upgrade): from then on every packet is one frame, events as 42[...] exactly as in the bodies, "+
		"both ways, no request needed. A GET now gets 400: the session left polling.")

	if err := env.Step(ctx, "The heartbeat"); err != nil {
		return err
	}
	if err := expect("2"); err != nil {
		return err
	}
	if err := ws.WriteMessage(ctx, wsframe.TextMessage, []byte("3")); err != nil {
		return err
	}
	env.SayAt(osi.Application, "%v after the handshake the server sent 2 (ping); the client answered 3 (pong). "+
		"A client that does not answer within pingTimeout is dropped, and one that hears no ping for "+
		"pingInterval + pingTimeout gives up on the server: TCP alone would not notice a peer that vanished "+
		"without closing.", wirePing)
	_ = ws.Close(wsframe.CloseNormal, "")

	if err := env.Step(ctx, "Why start with HTTP: a proxy that does not pass WebSockets"); err != nil {
		return err
	}
	rows, err := throughStrictProxy(ctx, env, lab)
	if err != nil {
		return err
	}
	env.Table("Through a proxy that refuses WebSocket upgrades", []string{"client transports", "connected", "transport", "chat acknowledged"}, rows)
	env.SayAt(osi.Application, "The proxy here is real (a reverse proxy on loopback) and refuses any request "+
		"with Upgrade: websocket, as some corporate proxies and filters do. The default client, polling first, "+
		"never noticed: its probe failed and it stayed on HTTP. The WebSocket-only client could not connect at "+
		"all. That is why Socket.IO starts with plain requests that any HTTP path carries, and upgrades once "+
		"the session already works. The same server also serves the client library itself at "+
		"/socket.io/socket.io.js (the Node server does; netlab's does not), so a page needs no other host.")

	env.Answer("Plain text packets: over HTTP long polling, a GET whose 200 body is 0{\"sid\",...} opens an " +
		"Engine.IO session; a POST of 40 joins the namespace and the next GET brings 40{\"sid\"}; events are " +
		"42[\"name\",args] (with an id, 421[...], answered by 431[...]), several per body joined by 0x1e, and the " +
		"server can only answer a GET, which it holds until it has news. Then 2probe and 3probe over a " +
		"WebSocket with the same sid, 6 to end the waiting GET, 5 to switch, and the same packets one per frame; " +
		"2 and 3 are the heartbeat. It starts with HTTP because HTTP gets through where a WebSocket may not " +
		"(proxies, firewalls): the session works at once, and the upgrade is an improvement, not a requirement.")
	return nil
}

// throughStrictProxy connects two clients through a reverse proxy that
// refuses WebSocket upgrades, and reports what each could do.
func throughStrictProxy(ctx context.Context, env *Env, lab *sioLab) ([][]string, error) {
	target, _ := url.Parse(lab.url)
	target.Path = "/"
	rp := httputil.NewSingleHostReverseProxy(target)
	rp.ErrorLog = log.New(io.Discard, "", 0) // a client leaving mid-request is no news here
	strict := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
			http.Error(w, "WebSocket not allowed by policy", http.StatusForbidden)
			return
		}
		rp.ServeHTTP(w, r)
	})
	ln, err := env.Listen(ctx, "proxy", env.AnyPortAddr())
	if err != nil {
		return nil, err
	}
	ln.TraceAccepted(false)
	ps := &http.Server{Handler: strict, ReadHeaderTimeout: 10 * time.Second}
	env.Go(func() { _ = ps.Serve(ln) })
	env.Defer(func() { _ = ps.Close() })
	via := &sioLab{env: env, srv: lab.srv, url: "http://" + ln.Addr().String() + "/socket.io/"}

	var rows [][]string
	upgradeFailed := make(chan error, 1)
	opts := socketio.ClientOptions{NoReconnect: true}
	opts.Engine.Transports = []string{"polling", "websocket"}
	opts.Engine.OnUpgradeError = func(err error) { upgradeFailed <- err }
	c, err := via.client(ctx, "default client", false, nil, opts, nil)
	if err != nil {
		return nil, err
	}
	if _, err := waitFor(ctx, upgradeFailed, "the failed upgrade"); err != nil {
		return nil, err
	}
	actx, cancel := ackContext(ctx, 5*time.Second)
	_, ackErr := c.EmitWithAck(actx, "chat", "through the proxy")
	cancel()
	if ackErr != nil {
		return nil, fmt.Errorf("the polling client's chat through the proxy: %w", ackErr)
	}
	rows = append(rows, []string{"polling, then websocket (the default)", "yes", c.Manager().Transport(), "yes"})

	wsOnly := socketio.ClientOptions{NoReconnect: true}
	wsOnly.Engine.Transports = []string{"websocket"}
	_, err = via.client(ctx, "websocket-only client", false, nil, wsOnly, nil)
	if err == nil {
		return nil, errors.New("the WebSocket-only client got through a proxy that refuses upgrades")
	}
	rows = append(rows, []string{"websocket only", "no: 403 from the proxy", "-", "-"})
	return rows, nil
}
