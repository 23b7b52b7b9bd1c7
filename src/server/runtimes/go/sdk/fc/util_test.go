package fc

import (
	"fmt"
	"runtime"
)

func fmtErrorf(format string, a ...interface{}) error { return fmt.Errorf(format, a...) }

func runtimeFrame(file, fn string, line int) runtime.Frame {
	return runtime.Frame{File: file, Function: fn, Line: line}
}
