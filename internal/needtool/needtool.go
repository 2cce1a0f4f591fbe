// Package needtool lets a test ask for an outside program (tshark,
// chromium, node): locally the test skips with a message naming what to
// install; under CI (CI=true) a missing tool fails the test, so CI never
// passes by silently skipping.
package needtool

import (
	"os"
	"os/exec"
	"testing"
)

// Path returns the path of the named program, or skips (locally) or fails
// (under CI) the test when it is not installed.
func Path(t testing.TB, name, install string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is required under CI but not installed (%s); .ci/run should install it", name, install)
	}
	t.Skipf("%s not installed: skipping (install: %s)", name, install)
	return ""
}
