package fc

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"log"
	"os"
	"strconv"
	"time"

	"github.com/aliyun/fc-runtime-go-sdk/fc/messages"
	"github.com/aliyun/fc-runtime-go-sdk/fccontext"
)

type functionType uint8

// Invocation kinds, as sent in x-fc-function-type, and the two kinds of
// main handler.
const (
	handleFunction      functionType = 0
	initializerFunction functionType = 1
	preStopFunction     functionType = 2
	preFreezeFunction   functionType = 3

	eventFunction functionType = 101
	httpFunction  functionType = 102
)

// phase is the word used in the Start/End lines.
func (t functionType) phase() string {
	switch t {
	case initializerFunction:
		return "Initialize"
	case preStopFunction:
		return "PreStop"
	case preFreezeFunction:
		return "PreFreeze"
	}
	return "Invoke"
}

// Function is a main handler together with its instance hooks.
type Function struct {
	ctx        context.Context
	funcType   functionType
	handler    Handler
	http       HttpHandler
	initHook   LifeCycleHandler
	stopHook   LifeCycleHandler
	freezeHook LifeCycleHandler
}

// NewFunction wraps handler as an event handler (eventFunction) or an HTTP
// handler (httpFunction).
func NewFunction(handler interface{}, funcType functionType) *Function {
	fn := &Function{ctx: context.Background(), funcType: funcType}
	if funcType == httpFunction {
		fn.http = NewHttpHandler(handler)
	} else {
		fn.funcType = eventFunction
		fn.handler = NewHandler(handler)
	}
	return fn
}

func (fn *Function) setHooks(hooks []registeredHook) {
	for _, h := range hooks {
		switch h.kind {
		case initializerFunction:
			fn.initHook = NewLifeCycleHandler(h.handler)
		case preStopFunction:
			fn.stopHook = NewLifeCycleHandler(h.handler)
		case preFreezeFunction:
			fn.freezeHook = NewLifeCycleHandler(h.handler)
		}
	}
}

// outcome is what gets posted back for one invocation.
type outcome struct {
	body       []byte
	httpParams string
	err        *messages.InvokeResponse_Error
}

func invocationKind(h string) functionType {
	switch n, _ := strconv.Atoi(h); functionType(n) {
	case initializerFunction:
		return initializerFunction
	case preStopFunction:
		return preStopFunction
	case preFreezeFunction:
		return preFreezeFunction
	}
	return handleFunction
}

// newFcContext reads the invocation's metadata from the poll's headers.
// Malformed numbers read as 0 rather than failing the call.
func newFcContext(inv *invocation) *fccontext.FcContext {
	h := inv.header
	timeout, _ := strconv.Atoi(h.Get(headerTimeout))
	retries, _ := strconv.Atoi(h.Get(headerRetryCount))
	baggages := map[string]string{}
	if s := h.Get(headerSpanBaggages); s != "" {
		if raw, err := base64.StdEncoding.DecodeString(s); err == nil {
			var m map[string]string
			if json.Unmarshal(raw, &m) == nil && m != nil {
				baggages = m
			}
		}
	}
	return &fccontext.FcContext{
		RequestID: inv.id,
		Credentials: fccontext.Credentials{
			AccessKeyId:     h.Get(headerAccessKeyID),
			AccessKeySecret: h.Get(headerAccessSecret),
			SecurityToken:   h.Get(headerSecurityToken),
		},
		Function: fccontext.Function{
			Name:    h.Get(headerFunctionName),
			Handler: h.Get(headerHandler),
			Memory:  h.Get(headerMemory),
			Timeout: timeout,
		},
		Service: fccontext.Service{
			Name:       h.Get(headerServiceName),
			LogProject: h.Get(headerLogProject),
			LogStore:   h.Get(headerLogStore),
			Qualifier:  h.Get(headerQualifier),
			VersionId:  h.Get(headerVersionID),
		},
		Region:     h.Get(headerRegion),
		AccountId:  h.Get(headerAccountID),
		RetryCount: retries,
		Tracing: fccontext.Tracing{
			OpenTracingSpanContext:  h.Get(headerSpanContext),
			OpenTracingSpanBaggages: baggages,
			JaegerEndpoint:          h.Get(headerJaegerEndpoint),
		},
	}
}

// invocationContext derives the handler's context: the FcContext, and the
// deadline of x-fc-function-deadline (epoch milliseconds) when present.
func (fn *Function) invocationContext(inv *invocation) (context.Context, context.CancelFunc) {
	base := fn.ctx
	if base == nil {
		base = context.Background()
	}
	var ctx context.Context
	var cancel context.CancelFunc
	if ms, err := strconv.ParseInt(inv.header.Get(headerDeadline), 10, 64); err == nil {
		ctx, cancel = context.WithDeadline(base, time.UnixMilli(ms))
	} else {
		ctx, cancel = context.WithCancel(base)
	}
	return fccontext.NewContext(ctx, newFcContext(inv)), cancel
}

// writeLine writes s to standard output in one write, so concurrent
// invocations never interleave inside a line.
func writeLine(s string) {
	os.Stdout.Write([]byte(s))
}

// handle runs one invocation and posts its outcome. Everything after the
// handler runs in a deferred function, so a panic (recovered here; the
// process keeps serving) or a runtime.Goexit in the handler still gets the
// End line and an answer.
func (fn *Function) handle(client *apiClient, inv *invocation) {
	kind := invocationKind(inv.header.Get(headerFunctionType))
	ctx, cancel := fn.invocationContext(inv)
	defer cancel()

	var out outcome
	returned := false
	defer func() {
		if !returned {
			value := recover()
			frames, panicked := panicStack()
			switch {
			case value != nil:
				out = outcome{err: panicEnvelope(value, frames)}
			case panicked:
				out = outcome{err: &messages.InvokeResponse_Error{
					Message: "panic called with nil argument", Type: "PanicNilError", StackTrace: frames}}
			default:
				out = outcome{err: &messages.InvokeResponse_Error{
					Message: "runtime.Goexit called in the handler", Type: "Goexit"}}
			}
		}
		suffix := ""
		if out.err != nil {
			log.Printf(" %s [ERROR] %s\n", inv.id, out.err.ToJson())
			suffix = ", Error: Unhandled function error"
		}
		// stderr (where Go's log package writes) is a pipe of its own: a hidden line there tells
		// fnplay that stream is complete for this call too, so its lines keep their request.
		os.Stderr.Write([]byte("\x00fnplay:end " + kind.phase() + " " + inv.id + "\n"))
		writeLine("FC " + kind.phase() + " End RequestId: " + inv.id + suffix + "\n")
		fn.send(client, inv.id, &out)
	}()

	writeLine("FC " + kind.phase() + " Start RequestId: " + inv.id + "\n")
	out = fn.run(ctx, kind, inv)
	returned = true
}

func (fn *Function) send(client *apiClient, id string, out *outcome) {
	var err error
	if out.err != nil {
		body, merr := json.Marshal(out.err)
		if merr != nil {
			body, _ = json.Marshal(&messages.InvokeResponse_Error{
				Message: merr.Error(), Type: "Runtime.SerializationError"})
		}
		err = client.fail(id, body)
		if err != nil {
			err = errors.New("unexpected error occurred when sending the function error to the API: " + err.Error())
		}
	} else {
		err = client.respond(id, out.body, out.httpParams)
		if err != nil {
			err = errors.New("unexpected error occurred when sending the function functionResponse to the API: " + err.Error())
		}
	}
	if err != nil {
		log.Printf("failed to invoke function due to %v", err)
	}
}

func (fn *Function) run(ctx context.Context, kind functionType, inv *invocation) outcome {
	switch kind {
	case initializerFunction:
		return runHook(ctx, fn.initHook, "no initializer handler registered")
	case preStopFunction:
		return runHook(ctx, fn.stopHook, "no prestop handler registered")
	case preFreezeFunction:
		return runHook(ctx, fn.freezeHook, "no prefreeze handler registered")
	}
	if fn.funcType == httpFunction {
		return fn.runHTTP(ctx, inv)
	}
	body, err := fn.handler.Invoke(ctx, inv.payload)
	if err != nil {
		return outcome{err: errorEnvelope(err)}
	}
	return outcome{body: body}
}

// runHook calls a hook; a missing one panics, so the call fails with a
// stack trace. Success answers with an empty body.
func runHook(ctx context.Context, hook LifeCycleHandler, missing string) outcome {
	if hook == nil {
		hook = failingHook(errors.New(missing))
	}
	hook.Invoke(ctx)
	return outcome{body: []byte{}}
}

func (fn *Function) runHTTP(ctx context.Context, inv *invocation) outcome {
	params := inv.header.Get(headerHTTPParams)
	if params == "" {
		return outcome{err: errorEnvelope(errors.New("no httpParams found in request"))}
	}
	req, err := newHTTPRequest(ctx, params, inv.payload)
	if err != nil {
		return outcome{err: errorEnvelope(err)}
	}
	w := newBufferedResponse()
	if err := fn.http.Invoke(ctx, w, req); err != nil {
		return outcome{err: errorEnvelope(err)}
	}
	encoded, err := w.encodedParams()
	if err != nil {
		return outcome{err: errorEnvelope(err)}
	}
	return outcome{body: w.body.Bytes(), httpParams: encoded}
}
