package fccontext

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"time"
)

// timeLayout renders UTC milliseconds with trailing zeros dropped,
// e.g. 2022-04-20T04:28:41.79Z.
const timeLayout = "2006-01-02T15:04:05.999Z"

// FcLogger writes lines of the form
//
//	2006-01-02T15:04:05.999Z <requestId> [LEVEL] file.go:NN: message
//
// to standard output, one write per line.
type FcLogger struct {
	requestID string
}

// NewFcLogger returns a logger for the given request id.
func NewFcLogger(requestID string) *FcLogger {
	return &FcLogger{requestID: requestID}
}

// Debug logs its operands as fmt.Println would format them.
func (l *FcLogger) Debug(v ...interface{}) { l.emit("DEBUG", fmt.Sprintln(v...)) }

// Debugf logs a formatted message.
func (l *FcLogger) Debugf(format string, v ...interface{}) {
	l.emit("DEBUG", fmt.Sprintf(format, v...))
}

// Info logs its operands as fmt.Println would format them.
func (l *FcLogger) Info(v ...interface{}) { l.emit("INFO", fmt.Sprintln(v...)) }

// Infof logs a formatted message.
func (l *FcLogger) Infof(format string, v ...interface{}) {
	l.emit("INFO", fmt.Sprintf(format, v...))
}

// Warn logs its operands as fmt.Println would format them.
func (l *FcLogger) Warn(v ...interface{}) { l.emit("WARN", fmt.Sprintln(v...)) }

// Warnf logs a formatted message.
func (l *FcLogger) Warnf(format string, v ...interface{}) {
	l.emit("WARN", fmt.Sprintf(format, v...))
}

// Error logs its operands as fmt.Println would format them.
func (l *FcLogger) Error(v ...interface{}) { l.emit("ERROR", fmt.Sprintln(v...)) }

// Errorf logs a formatted message.
func (l *FcLogger) Errorf(format string, v ...interface{}) {
	l.emit("ERROR", fmt.Sprintf(format, v...))
}

// emit must be called directly by the exported methods: the caller two
// frames up is the user's code, whose file and line go into the line.
func (l *FcLogger) emit(level, msg string) {
	rid := ""
	if l != nil {
		rid = l.requestID
	}
	file, line := "???", 0
	if _, f, n, ok := runtime.Caller(2); ok {
		file, line = filepath.Base(f), n
	}
	buf := make([]byte, 0, 64+len(rid)+len(file)+len(msg))
	buf = time.Now().UTC().AppendFormat(buf, timeLayout)
	buf = append(buf, ' ')
	buf = append(buf, rid...)
	buf = append(buf, " ["...)
	buf = append(buf, level...)
	buf = append(buf, "] "...)
	buf = append(buf, file...)
	buf = append(buf, ':')
	buf = strconv.AppendInt(buf, int64(line), 10)
	buf = append(buf, ": "...)
	buf = append(buf, msg...)
	if len(msg) == 0 || msg[len(msg)-1] != '\n' {
		buf = append(buf, '\n')
	}
	os.Stdout.Write(buf)
}
