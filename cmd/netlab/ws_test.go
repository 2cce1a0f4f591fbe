package main

import (
	"bufio"
	"context"
	"io"
	"regexp"
	"strings"
	"testing"
	"time"
)

// startServe runs `netlab ws serve` on a free port until the test ends, and
// returns its address and a channel with its log lines after the first.
func startServe(t *testing.T, ctx context.Context) (addr string, log <-chan string, done <-chan int) {
	t.Helper()
	pr, pw := io.Pipe()
	codes := make(chan int, 1)
	go func() {
		code := run(ctx, []string{"netlab", "ws", "serve", "--listen", "127.0.0.1:0"},
			streams{in: strings.NewReader(""), out: io.Discard, err: pw}, func(string) string { return "" })
		pw.Close()
		codes <- code
	}()
	sc := bufio.NewScanner(pr)
	if !sc.Scan() { // the first line says the server is listening, and where
		t.Fatal("ws serve printed nothing")
	}
	m := regexp.MustCompile(`ws://(127\.0\.0\.1:\d+)/`).FindStringSubmatch(sc.Text())
	if m == nil {
		t.Fatalf("ws serve's first line does not name its address: %q", sc.Text())
	}
	lines := make(chan string, 100)
	go func() {
		defer close(lines)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	return m[1], lines, codes
}

// TestWSServeAndDial runs `netlab ws serve` and `netlab ws dial` against
// each other, as a user would in two terminals.
func TestWSServeAndDial(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	addr, log, serveDone := startServe(t, ctx)

	code, stdout, stderr := runCLI(t, "hello\n/ping are you there\n/close 4000 see you\n", "ws", "dial", "ws://"+addr+"/chat")
	if code != exitOK {
		t.Fatalf("ws dial: exit %d, stderr: %s", code, stderr)
	}
	for _, want := range []string{"< hello\n", `< pong "are you there"`} {
		if !strings.Contains(stdout, want) {
			t.Errorf("ws dial's output lacks %q:\n%s", want, stdout)
		}
	}
	if !strings.Contains(stderr, "connection closed: close code 4000") {
		t.Errorf("ws dial does not report the close: %s", stderr)
	}

	code, stdout, _ = runCLI(t, "héllo\n", "ws", "dial", "ws://"+addr+"/", "--frames")
	if code != exitOK {
		t.Fatalf("ws dial --frames: exit %d", code)
	}
	for _, want := range []string{"masking key", "payload (masked)", `"héllo"`, "Sec-WebSocket-Accept", "close code"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("--frames output lacks %q", want)
		}
	}

	cancel() // Ctrl-C
	select {
	case code := <-serveDone:
		if code != exitOK {
			t.Errorf("ws serve exit %d after Ctrl-C, want 0", code)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("ws serve did not stop after Ctrl-C")
	}
	var serverLog []string
	for line := range log {
		serverLog = append(serverLog, line)
	}
	joined := strings.Join(serverLog, "\n")
	for _, want := range []string{"connected: GET /chat", "closed after 1 message(s): close code 4000", "stopped"} {
		if !strings.Contains(joined, want) {
			t.Errorf("ws serve's log lacks %q:\n%s", want, joined)
		}
	}
}

// TestWSServeClosesOpenConnectionsOnStop: Ctrl-C on the server sends each
// open connection a close frame with 1001 (going away).
func TestWSServeClosesOpenConnectionsOnStop(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	addr, log, serveDone := startServe(t, ctx)
	in, inw := io.Pipe() // the client's stdin stays open until the server has gone
	defer inw.Close()
	var out, errOut strings.Builder
	dialDone := make(chan int, 1)
	go func() {
		dialDone <- run(t.Context(), []string{"netlab", "ws", "dial", "ws://" + addr + "/"},
			streams{in: in, out: &out, err: &errOut}, func(string) string { return "" })
	}()
	if <-log == "" { // "… connected: GET /": the client is in
		t.Fatal("no connection logged")
	}
	cancel()
	if code := <-serveDone; code != exitOK {
		t.Errorf("ws serve exit %d", code)
	}
	if code := <-dialDone; code != exitOK {
		t.Errorf("ws dial exit %d", code)
	}
	if !strings.Contains(errOut.String(), "1001") {
		t.Errorf("the client was not closed with 1001: %s", errOut.String())
	}
}

func TestWSBadArguments(t *testing.T) {
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"ws", "serve", "--listen", "192.0.2.1:9001"}, exitUsage, "loopback"},
		{[]string{"ws", "serve", "--max-message", "0"}, exitUsage, "--max-message 0"},
		{[]string{"ws", "serve", "extra"}, exitUsage, "takes no arguments"},
		{[]string{"ws", "dial"}, exitUsage, "wants one ws:// URL"},
		{[]string{"ws", "dial", "http://127.0.0.1:1/"}, exitUsage, "want a ws:// URL"},
		{[]string{"ws", "dial", "ws://192.0.2.1:1/"}, exitUsage, "loopback"},
		{[]string{"ws", "dial", "ws://127.0.0.1:1/"}, exitFailed, "connection refused"},
		{[]string{"ws", "nosuch"}, exitUsage, ""},
	}
	for _, tt := range tests {
		code, _, stderr := runCLI(t, "", tt.args...)
		if code != tt.code || !strings.Contains(stderr, tt.want) {
			t.Errorf("netlab %s: exit %d, stderr %q; want exit %d and %q", strings.Join(tt.args, " "), code, stderr, tt.code, tt.want)
		}
	}
}
