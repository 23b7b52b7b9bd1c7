// Package fccontext carries the per-invocation metadata of a Function Compute
// call (request id, temporary credentials, function and service settings,
// tracing data) inside a context.Context, and offers a logger whose lines
// carry the request id.
//
// This is fnplay's implementation of the public API of
// github.com/aliyun/fc-runtime-go-sdk/fccontext.
package fccontext

import "context"

// FunctionVersion is kept for source compatibility; nothing sets it.
var FunctionVersion string

// Credentials are the short-lived keys of the service role.
type Credentials struct {
	AccessKeyId     string
	AccessKeySecret string
	SecurityToken   string
}

// Function describes the function being invoked.
type Function struct {
	Name    string
	Handler string
	Memory  string
	Timeout int
}

// Service describes the service that holds the function.
type Service struct {
	Name       string
	LogProject string
	LogStore   string
	Qualifier  string
	VersionId  string
}

// Tracing holds the tracing data the platform passes along, if any.
type Tracing struct {
	OpenTracingSpanContext  string
	OpenTracingSpanBaggages map[string]string
	JaegerEndpoint          string
}

// FcContext is the metadata of one invocation. Its fields have no JSON tags,
// so json.Marshal uses the field names as keys.
type FcContext struct {
	RequestID   string
	Credentials Credentials
	Function    Function
	Service     Service
	Region      string
	AccountId   string
	RetryCount  int
	Tracing     Tracing

	logger *FcLogger
}

// GetLogger returns a logger whose lines carry this invocation's request id.
func (f *FcContext) GetLogger() *FcLogger {
	if f == nil {
		return NewFcLogger("")
	}
	if f.logger != nil && f.logger.requestID == f.RequestID {
		return f.logger
	}
	return NewFcLogger(f.RequestID)
}

type ctxKey struct{}

// NewContext returns a copy of parent that carries fc.
func NewContext(parent context.Context, fc *FcContext) context.Context {
	if fc != nil && fc.logger == nil {
		fc.logger = NewFcLogger(fc.RequestID)
	}
	return context.WithValue(parent, ctxKey{}, fc)
}

// FromContext returns the FcContext stored in ctx by the runtime, if any.
func FromContext(ctx context.Context) (*FcContext, bool) {
	if ctx == nil {
		return nil, false
	}
	fc, ok := ctx.Value(ctxKey{}).(*FcContext)
	if !ok || fc == nil {
		return nil, false
	}
	return fc, true
}
