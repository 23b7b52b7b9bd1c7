package fc

import (
	"fmt"
	"reflect"
	"runtime"
	"strings"

	"github.com/aliyun/fc-runtime-go-sdk/fc/messages"
)

// maxStackFrames bounds the stackTrace of a panic.
const maxStackFrames = 32

// typeName is the errorType of a value: its Go type name, without the
// pointer (errors.New gives "errorString", a string panic "string").
func typeName(v interface{}) string {
	t := reflect.TypeOf(v)
	if t == nil {
		return ""
	}
	if t.Kind() == reflect.Ptr {
		t = t.Elem()
	}
	return t.Name()
}

// errorEnvelope is the body for an error the handler returned.
func errorEnvelope(err error) *messages.InvokeResponse_Error {
	switch e := err.(type) {
	case messages.InvokeResponse_Error:
		return &e
	case *messages.InvokeResponse_Error:
		if e != nil {
			c := *e
			return &c
		}
	}
	return &messages.InvokeResponse_Error{Message: err.Error(), Type: typeName(err)}
}

// panicEnvelope is the body for a recovered panic; frames is the stack
// captured in the deferred function that recovered it.
func panicEnvelope(value interface{}, frames []*messages.InvokeResponse_Error_StackFrame) *messages.InvokeResponse_Error {
	if e, ok := value.(messages.InvokeResponse_Error); ok {
		return &e
	}
	return &messages.InvokeResponse_Error{
		Message:    fmt.Sprintf("%v", value),
		Type:       typeName(value),
		StackTrace: frames,
		ShouldExit: true,
	}
}

// panicStack returns the frames of the goroutine that is panicking, from
// the function that panicked outwards (the runtime's own panic machinery
// and this package's deferred recovery are left out). It must be called
// from the deferred function that recovers. The second result reports
// whether a panic was seen on the stack at all.
func panicStack() ([]*messages.InvokeResponse_Error_StackFrame, bool) {
	pcs := make([]uintptr, 128)
	n := runtime.Callers(2, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	var all []runtime.Frame
	start := -1
	for {
		f, more := frames.Next()
		all = append(all, f)
		if start < 0 && f.Function == "runtime.gopanic" {
			start = len(all)
		}
		if !more {
			break
		}
	}
	if start < 0 {
		return nil, false
	}
	out := make([]*messages.InvokeResponse_Error_StackFrame, 0, maxStackFrames)
	for _, f := range all[start:] {
		if len(out) == maxStackFrames {
			break
		}
		out = append(out, stackFrame(f))
	}
	return out, true
}

// stackFrame shortens a frame the way FC shows it: the label is the
// function name without its package path, and the path keeps as many
// trailing elements as the import path has, plus the file name
// (/code/main.go in main.main gives code/main.go and main).
func stackFrame(f runtime.Frame) *messages.InvokeResponse_Error_StackFrame {
	name := f.Function
	keep := strings.Count(name, "/") + 2
	path := f.File
	cut := len(path)
	for i := 0; i < keep; i++ {
		j := strings.LastIndex(path[:cut], "/")
		if j < 0 {
			cut = -1
			break
		}
		cut = j
	}
	if cut >= 0 {
		path = path[cut+1:]
	}
	label := name[strings.LastIndex(name, "/")+1:]
	if i := strings.Index(label, "."); i >= 0 {
		label = label[i+1:]
	}
	return &messages.InvokeResponse_Error_StackFrame{Path: path, Line: int32(f.Line), Label: label}
}
