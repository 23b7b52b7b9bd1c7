// Package fc runs a Go function on Alibaba Cloud Function Compute (and on
// fnplay, which serves the same runtime API): fc.Start (event handlers) or
// fc.StartHttp (HTTP handlers) polls http://$FC_RUNTIME_API for invocations
// and answers each one from its own goroutine.
//
// This is fnplay's implementation of the public API of
// github.com/aliyun/fc-runtime-go-sdk/fc.
package fc

import (
	"context"
	"log"
	"os"
	"sync"
)

// runtimeAPIEnv names the variable holding the runtime API's host:port.
const runtimeAPIEnv = "FC_RUNTIME_API"

type registeredHook struct {
	handler interface{}
	kind    functionType
}

var (
	hooksMu sync.Mutex
	hooks   []registeredHook
	started bool

	// fatalf ends the process; a variable so tests can watch it.
	fatalf = log.Fatalf
)

// Start serves invocations with an event handler and never returns.
//
// Valid handler signatures:
//
//	func ()
//	func () error
//	func (TIn) error
//	func () (TOut, error)
//	func (TIn) (TOut, error)
//	func (context.Context) error
//	func (context.Context, TIn) error
//	func (context.Context) (TOut, error)
//	func (context.Context, TIn) (TOut, error)
//
// TIn and TOut must suit encoding/json; a []byte TIn gets the raw payload.
// A handler of any other shape is accepted here and fails every invocation
// with the reason.
func Start(handler interface{}) {
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	StartWithContext(context.Background(), handler, eventFunction)
}

// StartHttp serves invocations of an HTTP function and never returns. The
// handler is
//
//	func (context.Context, http.ResponseWriter, *http.Request) error
//
// Deprecated: FC 2.0 only, as in the public SDK.
func StartHttp(handler interface{}) {
	log.SetFlags(log.LstdFlags | log.Lmicroseconds)
	StartWithContext(context.Background(), handler, httpFunction)
}

// StartWithContext is Start (or StartHttp) with ctx as the parent of every
// invocation's context.
func StartWithContext(ctx context.Context, handler interface{}, funcType functionType) {
	StartHandlerWithContext(ctx, handler, funcType)
}

// StartHandler serves invocations with handler as the event handler. As in
// the public SDK, the value goes through NewHandler, so it must itself be a
// function of a supported shape.
func StartHandler(handler Handler) {
	StartHandlerWithContext(context.Background(), handler, eventFunction)
}

// StartHandlerWithContext is StartHandler with ctx as the parent of every
// invocation's context.
func StartHandlerWithContext(ctx context.Context, handler interface{}, funcType functionType) {
	address := os.Getenv(runtimeAPIEnv)
	if address == "" {
		fatalf("expected ali FC environment variables [%s] are not defined", runtimeAPIEnv)
		return
	}
	fn := NewFunction(handler, funcType)
	if ctx != nil {
		fn.ctx = ctx
	}
	fn.setHooks(takeHooks())
	err := serve(context.Background(), newAPIClient(address), fn)
	fatalf("%v", err)
}

// RegisterInitializerFunction registers the Initializer hook,
// func(context.Context). It must be called before Start/StartHttp.
func RegisterInitializerFunction(handler interface{}) {
	register("RegisterInitializerFunction", handler, initializerFunction)
}

// RegisterPreFreezeFunction registers the PreFreeze hook,
// func(context.Context). It must be called before Start/StartHttp.
func RegisterPreFreezeFunction(handler interface{}) {
	register("RegisterPreFreezeFunction", handler, preFreezeFunction)
}

// RegisterPreStopFunction registers the PreStop hook,
// func(context.Context). It must be called before Start/StartHttp.
func RegisterPreStopFunction(handler interface{}) {
	register("RegisterPreStopFunction", handler, preStopFunction)
}

// register records a hook. Once Start has run, registration fails: the
// hook is not added, and its invocations keep answering "no ... handler
// registered".
func register(name string, handler interface{}, kind functionType) {
	hooksMu.Lock()
	late := started
	if !late {
		hooks = append(hooks, registeredHook{handler, kind})
	}
	hooksMu.Unlock()
	if late {
		log.Printf("fc.%s called after fc.Start: the hook is not registered (register hooks before fc.Start)", name)
	}
}

// takeHooks marks the runtime started and returns what was registered.
func takeHooks() []registeredHook {
	hooksMu.Lock()
	defer hooksMu.Unlock()
	started = true
	return append([]registeredHook(nil), hooks...)
}
