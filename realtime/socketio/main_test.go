package socketio_test

import (
	"os"
	"testing"

	"go.uber.org/goleak"
)

// TestMain runs the load client when the load tests start this test
// binary as their client process; otherwise it runs the tests and fails
// the package if any leaves a goroutine running.
func TestMain(m *testing.M) {
	if os.Getenv(loadClientEnv) != "" {
		os.Exit(runLoadClient(os.Stdin, os.Stdout, os.Stderr))
	}
	goleak.VerifyTestMain(m)
}
