package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"syscall"
	"testing"
	"time"

	"netlab/internal/needtool"
)

// browserPage is the page headless Chromium loads: the official
// socket.io-client bundle, connecting with its defaults (polling, then the
// upgrade to WebSocket) to netlab's server on another port, so another
// origin: an ack with binary, then a report POSTed back to the page's
// server.
const browserPage = `<!doctype html>
<title>netlab socket.io in a browser</title>
<script src="/socket.io.min.js"></script>
<script>
const report = (r) => fetch("/report", { method: "POST", body: JSON.stringify(r) });
const out = { auth: null };
const s = io(%q, { auth: { token: "browser" } });
s.on("auth", (a) => { out.auth = a; });
s.on("connect_error", (e) => report({ error: "connect_error: " + e.message }));
s.io.once("open", () => { out.opened = s.io.engine.transport.name; });
s.once("connect", () => {
  s.emit("message-with-ack", "from a browser", new Uint8Array([1, 2, 3]), (text, bin) => {
    out.ack = [text, Array.from(new Uint8Array(bin))];
    const done = () => { out.final = s.io.engine.transport.name; report(out); };
    if (s.io.engine.transport.name === "websocket") done(); else s.io.engine.once("upgrade", done);
  });
});
</script>`

// TestBrowserAgainstNetlab runs the official socket.io-client in headless
// Chromium, on a page of another origin: the polling requests need CORS
// (serve-socketio allows any origin by default), then the client upgrades
// to WebSocket.
func TestBrowserAgainstNetlab(t *testing.T) {
	chromium := needtool.Path(t, "chromium", "apt-get install chromium")
	_, dir := nodeInteropDir(t)
	addr := startSocketIO(t, t.Context())

	reports := make(chan string, 1)
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, browserPage, "http://"+addr)
	})
	mux.HandleFunc("/socket.io.min.js", func(w http.ResponseWriter, r *http.Request) {
		http.ServeFile(w, r, filepath.Join(dir, "node_modules", "socket.io-client", "dist", "socket.io.min.js"))
	})
	mux.HandleFunc("/report", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(io.LimitReader(r.Body, 64<<10))
		select {
		case reports <- string(b):
		default:
		}
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	page := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = page.Serve(ln) }()
	defer page.Close()

	// Chromium's profile is removed by hand, after the whole process group
	// is gone: t.TempDir would fail if a helper process still wrote there.
	profile, err := os.MkdirTemp("", "netlab-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(profile)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+profile, "http://"+ln.Addr().String()+"/")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		cancel()
		_ = cmd.Wait()
	}()

	var report string
	select {
	case report = <-reports:
	case <-ctx.Done():
		t.Fatal("the page reported nothing within 60 s")
	}
	var got map[string]any
	if err := json.Unmarshal([]byte(report), &got); err != nil {
		t.Fatalf("report %q: %v", report, err)
	}
	want := map[string]any{
		"auth":   map[string]any{"token": "browser"},
		"opened": "polling",
		"ack":    []any{"from a browser", []any{1.0, 2.0, 3.0}},
		"final":  "websocket",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("the browser saw %s\nwant %v", report, want)
	}
}
