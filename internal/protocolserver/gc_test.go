package protocolserver

import (
	"os"
	"runtime/debug"
	"testing"
)

func TestSetDefaultGCPercent(t *testing.T) {
	before := debug.SetGCPercent(100)
	t.Cleanup(func() { debug.SetGCPercent(before) })
	t.Setenv("GOGC", "") // restored when the test ends
	os.Unsetenv("GOGC")
	SetDefaultGCPercent()
	if got := debug.SetGCPercent(100); got != DefaultGCPercent {
		t.Errorf("with GOGC unset the target is %d, want %d", got, DefaultGCPercent)
	}
	// The user's GOGC wins: the runtime applied it at start, and it is left alone.
	t.Setenv("GOGC", "50")
	SetDefaultGCPercent()
	if got := debug.SetGCPercent(100); got != 100 {
		t.Errorf("with GOGC set the target was changed to %d", got)
	}
}
