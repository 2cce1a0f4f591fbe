package compare

import (
	"context"
	"os"
	"os/exec"
	"testing"

	"go.uber.org/goleak"
)

// TestMain runs the feed server when this test binary is started as one
// (see testServer), and otherwise the tests, with a goroutine-leak check.
func TestMain(m *testing.M) {
	if os.Getenv(ServerEnv) == "1" {
		if err := ServerMain(context.Background(), os.Stdin, os.Stdout); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	goleak.VerifyTestMain(m)
}

// testServer starts this test binary as the feed server.
func testServer(ctx context.Context) *exec.Cmd {
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), ServerEnv+"=1")
	cmd.Stderr = os.Stderr
	return cmd
}
