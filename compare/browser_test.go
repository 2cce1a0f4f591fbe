package compare

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"netlab/internal/needtool"
)

// TestBrowserHeadersMatchChromium loads a page in headless Chromium that
// fetch()es /poll?since=0, records the request head byte for byte, and
// checks that BrowserHeaders sends the same fields in the same order, and
// a head within 5% of its size (Chromium's version string may differ from
// the one recorded).
func TestBrowserHeadersMatchChromium(t *testing.T) {
	chromium := needtool.Path(t, "chromium", "apt-get install chromium")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	heads := make(chan string, 8)
	go serveProbe(ln, heads)
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+t.TempDir(), "--virtual-time-budget=5000", "--dump-dom", "http://"+ln.Addr().String()+"/")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	var poll string
	for len(heads) > 0 {
		if h := <-heads; strings.HasPrefix(h, "GET /poll") {
			poll = h
		}
	}
	if poll == "" {
		t.Fatal("Chromium sent no poll")
	}
	ours := "GET /poll?since=0 HTTP/1.1\r\n"
	for _, f := range RequestFields(BrowserHeaders, ln.Addr().String(), "", false) {
		ours += f.Name + ": " + f.Value + "\r\n"
	}
	ours += "\r\n"
	if got, want := fieldNames(ours), fieldNames(poll); got != want {
		t.Errorf("field order differs:\n ours:     %s\n Chromium: %s", got, want)
	}
	if ratio := float64(len(ours)) / float64(len(poll)); ratio < 0.95 || ratio > 1.05 {
		t.Errorf("our head is %d bytes, Chromium's %d:\n%s\n%s", len(ours), len(poll), ours, poll)
	}
	t.Logf("Chromium's fetch() head: %d bytes; ours: %d", len(poll), len(ours))
}

func fieldNames(head string) string {
	var names []string
	for _, line := range strings.Split(head, "\r\n")[1:] {
		if name, _, ok := strings.Cut(line, ":"); ok {
			names = append(names, name)
		}
	}
	return strings.Join(names, ", ")
}

// serveProbe answers a page that polls, and records every request head.
func serveProbe(ln net.Listener, heads chan<- string) {
	for {
		c, err := ln.Accept()
		if err != nil {
			return
		}
		go func() {
			defer c.Close()
			br := bufio.NewReader(c)
			for {
				var head strings.Builder
				for {
					line, err := br.ReadString('\n')
					if err != nil {
						return
					}
					head.WriteString(line)
					if line == "\r\n" {
						break
					}
				}
				select {
				case heads <- head.String():
				default:
				}
				body := `<html><body><script>fetch('/poll?since=0').then(r => r.text()).then(t => { document.title = 'ok' })</script></body></html>`
				ctype := "text/html"
				if strings.HasPrefix(head.String(), "GET /poll") {
					body, ctype = `{"updates":[]}`, "application/json"
				}
				fmt.Fprintf(c, "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n%s", ctype, len(body), body)
			}
		}()
	}
}
