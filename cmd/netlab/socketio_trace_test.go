package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"netlab/realtime/engineio"
	"netlab/realtime/socketio"
)

// TestServeSocketIOTrace runs `netlab serve-socketio --json` and `--trace`,
// connects a client that polls, upgrades and emits with an ack, and checks
// that the trace on stdout explains the server's side of it layer by layer:
// HTTP, the upgrade, WebSocket frames, Engine.IO and Socket.IO packets.
func TestServeSocketIOTrace(t *testing.T) {
	for _, mode := range []string{"--json", "--trace"} {
		t.Run(mode, func(t *testing.T) {
			out := new(lockedBuffer)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			pr, pw := io.Pipe()
			codes := make(chan int, 1)
			startMu.Lock()
			go func() {
				code := run(ctx, []string{"netlab", "serve-socketio", "--listen", "127.0.0.1:0", mode},
					streams{in: strings.NewReader(""), out: out, err: pw}, func(string) string { return "" })
				pw.Close()
				codes <- code
			}()
			sc := bufio.NewScanner(pr)
			sc.Scan()
			startMu.Unlock()
			m := listeningLine.FindStringSubmatch(sc.Text())
			if m == nil {
				t.Fatalf("first line on stderr %q", sc.Text())
			}
			go func() { _, _ = io.Copy(io.Discard, pr) }()

			upgraded := make(chan struct{})
			var once sync.Once
			s, err := socketio.Dial(ctx, "http://"+m[1]+"/socket.io/", map[string]string{"token": "traced"}, socketio.ClientOptions{
				NoReconnect: true,
				Engine:      engineio.ClientOptions{OnUpgrade: func() { once.Do(func() { close(upgraded) }) }},
			})
			if err != nil {
				t.Fatal(err)
			}
			select {
			case <-upgraded:
			case <-time.After(10 * time.Second):
				t.Fatal("the client did not upgrade to WebSocket")
			}
			ackCtx, done := context.WithTimeout(ctx, 10*time.Second)
			defer done()
			if _, err := s.EmitWithAck(ackCtx, "message-with-ack", "traced hello"); err != nil {
				t.Fatal(err)
			}
			s.Disconnect()
			s.Manager().Close()
			cancel()
			if code := <-codes; code != exitOK {
				t.Fatalf("exit status %d", code)
			}

			text := out.String()
			if mode == "--json" {
				for i, line := range strings.Split(strings.TrimSpace(text), "\n") {
					if !json.Valid([]byte(line)) {
						t.Fatalf("stdout line %d is not JSON: %.200s", i+1, line)
					}
				}
			}
			for _, want := range []*regexp.Regexp{
				regexp.MustCompile(`/socket\.io/\?EIO=4(&|\\u0026)transport=polling`),
				regexp.MustCompile(`Engine\.IO type`),
				regexp.MustCompile(`101 Switching Protocols|"status-code","value":"101"`),
				regexp.MustCompile(`2probe`),
				regexp.MustCompile(`Socket\.IO type`),
				regexp.MustCompile(`traced hello`),
				regexp.MustCompile(`masking key`),
			} {
				if !want.MatchString(text) {
					t.Errorf("%s output lacks %s", mode, want)
				}
			}
		})
	}
}
