package fccontext

import (
	"runtime"
	"time"
)

// callerLine reports the caller's line, so a test can predict the file:line
// the logger prints for a call on the same line.
func callerLine() (string, bool, int) {
	_, file, line, ok := runtime.Caller(1)
	return file, ok, line
}

func parseRFC3339(s string) (time.Time, error) { return time.Parse(time.RFC3339Nano, s) }
