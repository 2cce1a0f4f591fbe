package tcpsock

import (
	"testing"

	"go.uber.org/goleak"
)

// Every test waits for the goroutines it starts; goleak checks, polling
// for a while, that none is left when the package's tests end.
func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }
