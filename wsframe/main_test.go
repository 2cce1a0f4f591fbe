package wsframe

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if a test leaves a goroutine running: every
// connection, server and peer a test starts must be stopped and waited for.
// goleak polls for a while before it fails: the testing package's own
// goroutines exit a moment after m.Run.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
