package main

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"netlab/lessons"
	"netlab/trace"
)

// TestMain runs the tests with a goroutine-leak check, or, when compare
// starts this test binary as its feed server, runs that instead.
func TestMain(m *testing.M) {
	if len(os.Args) > 1 && os.Args[1] == feedServerCommand {
		os.Exit(run(context.Background(), []string{"netlab", feedServerCommand},
			streams{in: os.Stdin, out: os.Stdout, err: os.Stderr}, os.Getenv))
	}
	goleak.VerifyTestMain(m)
}

// runCLI runs netlab with the given arguments (without the program name)
// and returns its exit status and output.
func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	return runCLIWithin(t, 30*time.Second, stdin, args...)
}

// runCLIWithin is runCLI with another time limit.
func runCLIWithin(t *testing.T, limit time.Duration, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	ctx, cancel := context.WithTimeout(t.Context(), limit)
	defer cancel()
	env := func(string) string { return "" }
	code = run(ctx, append([]string{"netlab"}, args...), streams{in: strings.NewReader(stdin), out: &out, err: &errOut}, env)
	return code, out.String(), errOut.String()
}

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantErr  []string // substrings of stderr
	}{
		{"no arguments shows help", nil, exitOK, nil},
		{"unknown command", []string{"frobnicate"}, exitUsage, []string{`unknown command "frobnicate"`, "lessons, run, osi"}},
		{"unknown lesson", []string{"run", "sockts"}, exitUsage, []string{`no lesson named "sockts"`, `did you mean "sockets"?`, "client-server", "http"}},
		{"unknown lesson, nothing near", []string{"run", "qqqqqqqqqqqqqq"}, exitUsage, []string{`no lesson named "qqqqqqqqqqqqqq"`, "lessons:"}},
		{"run without a lesson", []string{"run"}, exitUsage, []string{"run wants one lesson name", "sockets"}},
		{"run with two lessons", []string{"run", "http", "sockets"}, exitUsage, []string{"run wants one lesson name, got 2"}},
		{"unknown flag", []string{"run", "sockets", "--bogus"}, exitUsage, []string{"flag provided but not defined: -bogus"}},
		{"unknown flag before the lesson", []string{"run", "--bogus", "sockets"}, exitUsage, []string{"-bogus"}},
		{"bad port", []string{"run", "sockets", "--port", "70000"}, exitUsage, []string{"--port 70000: want a port from 0 to 65535"}},
		{"port not a number", []string{"run", "sockets", "--port", "eighty"}, exitUsage, []string{"eighty"}},
		{"not loopback", []string{"run", "sockets", "--host", "192.0.2.7"}, exitUsage, []string{"--host 192.0.2.7", "loopback"}},
		{"host name", []string{"run", "sockets", "--host", "localhost"}, exitUsage, []string{"--host localhost", "IP literal"}},
		{"lessons takes no argument", []string{"lessons", "extra"}, exitUsage, []string{`lessons takes no arguments, got "extra"`}},
		{"osi takes no argument", []string{"osi", "extra"}, exitUsage, []string{"osi takes no arguments"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, "", tt.args...)
			if code != tt.wantCode {
				t.Errorf("exit status %d, want %d (stderr: %s)", code, tt.wantCode, stderr)
			}
			for _, want := range tt.wantErr {
				if !strings.Contains(stderr, want) {
					t.Errorf("stderr does not say %q:\n%s", want, stderr)
				}
			}
		})
	}
}

// TestPortInUse: a lesson that cannot bind fails with one line naming the
// address, exit status 1, and leaves nothing running (TestMain checks).
func TestPortInUse(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	port := busy.Addr().(*net.TCPAddr).Port
	code, _, stderr := runCLI(t, "", "run", "sockets", "--port", strconv.Itoa(port))
	if code != exitFailed {
		t.Errorf("exit status %d, want %d", code, exitFailed)
	}
	want := "netlab: lesson sockets: cannot listen on 127.0.0.1:" + strconv.Itoa(port) + ": address already in use\n"
	if stderr != want {
		t.Errorf("stderr = %q, want %q", stderr, want)
	}
}

// TestFlagOrder: flags work before and after the lesson name.
func TestFlagOrder(t *testing.T) {
	for _, args := range [][]string{
		{"run", "http", "--json"},
		{"run", "--json", "http"},
		{"run", "http", "--json", "--host", "127.0.0.1"},
		{"run", "--host=127.0.0.1", "http", "--json"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", args...)
			if code != exitOK {
				t.Fatalf("exit status %d, stderr: %s", code, stderr)
			}
			events, err := trace.ReadJSONL(strings.NewReader(stdout))
			if err != nil {
				t.Fatalf("stdout is not pure JSON lines: %v", err)
			}
			if len(events) < 10 || events[0].Kind != trace.KindLesson || events[0].Lesson != "http" {
				t.Fatalf("want the http lesson's trace, got %d events starting %+v", len(events), events[0])
			}
			if last := events[len(events)-1]; last.Kind != trace.KindAnswer {
				t.Errorf("the trace ends with %q, want answer", last.Kind)
			}
			if stderr != "" {
				t.Errorf("stderr = %q, want nothing", stderr)
			}
		})
	}
}

func TestReorderArgs(t *testing.T) {
	app := newApp(streams{}, func(string) string { return "" })
	tests := []struct{ in, want []string }{
		{[]string{"netlab", "run", "http", "--json"}, []string{"netlab", "run", "--json", "http"}},
		{[]string{"netlab", "run", "http", "--port", "80", "--step"}, []string{"netlab", "run", "--port", "80", "--step", "http"}},
		{[]string{"netlab", "run", "http", "--port=80"}, []string{"netlab", "run", "--port=80", "http"}},
		{[]string{"netlab", "run", "http", "--", "--json"}, []string{"netlab", "run", "http", "--", "--json"}},
		{[]string{"netlab", "lessons"}, []string{"netlab", "lessons"}},
		{[]string{"netlab", "nosuch", "--json"}, []string{"netlab", "nosuch", "--json"}},
		{[]string{"netlab"}, []string{"netlab"}},
	}
	for _, tt := range tests {
		if got := reorderArgs(app, tt.in); !slices.Equal(got, tt.want) {
			t.Errorf("reorderArgs(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// TestStep: --step prompts before each step on stderr and waits for a
// line on stdin; stdout carries only the lesson.
func TestStep(t *testing.T) {
	l, _ := lessons.Find("client-server")
	code, stdout, stderr := runCLI(t, "\n\n\n\n", "run", l.Name, "--step")
	if code != exitOK {
		t.Fatalf("exit status %d, stderr: %s", code, stderr)
	}
	if got := strings.Count(stderr, "press Enter for step"); got != 4 {
		t.Errorf("%d prompts on stderr, want 4:\n%s", got, stderr)
	}
	if strings.Contains(stdout, "press Enter") {
		t.Error("a prompt went to stdout")
	}
	if !strings.Contains(stdout, "Step 4 · ") || !strings.Contains(stdout, "Answer:") {
		t.Errorf("stdout lacks the lesson's steps or answer:\n%s", stdout)
	}
}

// TestStepInputEnds: when the piped Enters run out, the lesson goes on
// without pausing instead of hanging.
func TestStepInputEnds(t *testing.T) {
	code, _, stderr := runCLI(t, "\n", "run", "client-server", "--step")
	if code != exitOK {
		t.Fatalf("exit status %d, stderr: %s", code, stderr)
	}
	if !strings.Contains(stderr, "input ended") {
		t.Errorf("stderr does not say the input ended:\n%s", stderr)
	}
}

func TestLessonsCommand(t *testing.T) {
	code, stdout, _ := runCLI(t, "", "lessons")
	if code != exitOK {
		t.Fatalf("exit status %d", code)
	}
	for _, l := range lessons.All() {
		for _, want := range []string{l.Name, l.Title, l.Question, l.Layers.String()} {
			if !strings.Contains(stdout, want) {
				t.Errorf("netlab lessons does not show %q", want)
			}
		}
	}
	code, stdout, _ = runCLI(t, "", "lessons", "--json")
	if code != exitOK {
		t.Fatalf("--json: exit status %d", code)
	}
	dec := json.NewDecoder(strings.NewReader(stdout))
	var n int
	for ; dec.More(); n++ {
		var v struct {
			Name   string `json:"name"`
			Layers []int  `json:"layers"`
		}
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		if v.Name != lessons.All()[n].Name || len(v.Layers) == 0 {
			t.Errorf("line %d = %+v", n+1, v)
		}
	}
	if n != len(lessons.All()) {
		t.Errorf("%d JSON lines, want %d", n, len(lessons.All()))
	}
}

func TestOSICommand(t *testing.T) {
	code, stdout, _ := runCLI(t, "", "osi", "--json")
	if code != exitOK {
		t.Fatalf("exit status %d", code)
	}
	var layers []struct {
		Layer    int      `json:"layer"`
		Name     string   `json:"name"`
		Packages []string `json:"packages"`
		Lessons  []string `json:"lessons"`
	}
	dec := json.NewDecoder(strings.NewReader(stdout))
	for dec.More() {
		var l struct {
			Layer    int      `json:"layer"`
			Name     string   `json:"name"`
			Packages []string `json:"packages"`
			Lessons  []string `json:"lessons"`
		}
		if err := dec.Decode(&l); err != nil {
			t.Fatal(err)
		}
		layers = append(layers, l)
	}
	if len(layers) != 7 {
		t.Fatalf("%d layers, want 7", len(layers))
	}
	transport := layers[3]
	if transport.Name != "Transport" || !slices.Contains(transport.Packages, "tcpsock") || !slices.Contains(transport.Lessons, "sockets") {
		t.Errorf("layer 4 = %+v, want Transport with tcpsock and the sockets lesson", transport)
	}
	if app := layers[6]; !slices.Contains(app.Packages, "httpdemo") || !slices.Contains(app.Lessons, "http") || slices.Contains(app.Lessons, "sockets") {
		t.Errorf("layer 7 = %+v, want httpdemo and http, not sockets", app)
	}
	code, stdout, _ = runCLI(t, "", "osi")
	if code != exitOK || !strings.Contains(stdout, "7 Application") || !strings.Contains(stdout, "segment") {
		t.Errorf("netlab osi: exit %d, output:\n%s", code, stdout)
	}
}

func TestColorWanted(t *testing.T) {
	tests := []struct {
		terminal bool
		noColor  string
		want     bool
	}{
		{true, "", true},
		{true, "1", false},
		{false, "", false},
		{false, "1", false},
	}
	for _, tt := range tests {
		getenv := func(k string) string {
			if k == "NO_COLOR" {
				return tt.noColor
			}
			return ""
		}
		if got := colorFor(tt.terminal, getenv); got != tt.want {
			t.Errorf("colorFor(terminal=%v, NO_COLOR=%q) = %v, want %v", tt.terminal, tt.noColor, got, tt.want)
		}
	}
	// A buffer is not a terminal: piped output is never coloured.
	code, stdout, _ := runCLI(t, "", "run", "sockets")
	if code != exitOK || strings.Contains(stdout, "\x1b[") {
		t.Errorf("piped output has colour escapes (exit %d)", code)
	}
}

// TestREADMEListsEveryLesson keeps the README's lesson table in step with
// the registry.
func TestREADMEListsEveryLesson(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range lessons.All() {
		if !strings.Contains(string(readme), "`"+l.Name+"`") || !strings.Contains(string(readme), l.Question) {
			t.Errorf("README.md does not list lesson %q with its question", l.Name)
		}
	}
}
