// Package messages holds the error envelope the runtime sends back for a
// failed invocation. A handler may return an InvokeResponse_Error as its
// error to choose the errorType itself; it is sent unchanged.
package messages

import "encoding/json"

// InvokeResponse_Error is the JSON body of POST .../{id}/error.
type InvokeResponse_Error struct {
	Message    string                             `json:"errorMessage"`
	Type       string                             `json:"errorType"`
	StackTrace []*InvokeResponse_Error_StackFrame `json:"stackTrace,omitempty"`
	ShouldExit bool                               `json:"-"`
}

// Error makes the envelope usable as a Go error.
func (e InvokeResponse_Error) Error() string {
	if e.Type == "" {
		return e.Message
	}
	return e.Type + ": " + e.Message
}

// ToJson renders the envelope as indented JSON (one space per level), the
// form the runtime prints in its [ERROR] log line.
func (e InvokeResponse_Error) ToJson() string {
	b, err := json.MarshalIndent(e, "", " ")
	if err != nil {
		return `{"errorMessage":"` + err.Error() + `"}`
	}
	return string(b)
}

// InvokeResponse_Error_StackFrame is one frame of a panic's stack.
type InvokeResponse_Error_StackFrame struct {
	Path  string `json:"path"`
	Line  int32  `json:"line"`
	Label string `json:"label"`
}
