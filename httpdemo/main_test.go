package httpdemo

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package if a test leaves a goroutine running. goleak
// polls for a while before it fails: the testing package's own goroutines
// exit a moment after m.Run.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
