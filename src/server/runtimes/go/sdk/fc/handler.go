package fc

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"

	"github.com/aliyun/fc-runtime-go-sdk/fc/messages"
)

// Handler is the raw form of an event handler: payload in, result bytes out.
type Handler interface {
	Invoke(ctx context.Context, payload []byte) ([]byte, error)
}

// eventFunc adapts a Go function of one of the nine supported shapes. Its
// Invoke marshals whatever the function returned.
type eventFunc func(ctx context.Context, payload []byte) (interface{}, error)

func (f eventFunc) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	out, err := f(ctx, payload)
	if err != nil {
		return nil, err
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, messages.InvokeResponse_Error{
			Message: err.Error(),
			Type:    "Runtime.SerializationError",
		}
	}
	return b, nil
}

// failingHandler reports the same error on every invocation; an invalid
// handler is only reported when it is called, never at startup.
func failingHandler(err error) eventFunc {
	return func(context.Context, []byte) (interface{}, error) { return nil, err }
}

var (
	contextType = reflect.TypeOf((*context.Context)(nil)).Elem()
	errorType   = reflect.TypeOf((*error)(nil)).Elem()
	bytesType   = reflect.TypeOf([]byte(nil))
)

// checkEventArgs validates the parameters and tells whether the first one is
// the context.
func checkEventArgs(t reflect.Type) (withContext bool, err error) {
	n := t.NumIn()
	if n > 2 {
		return false, fmt.Errorf("handlers may not take more than two arguments, but handler takes %d", n)
	}
	if n == 0 {
		return false, nil
	}
	first := t.In(0)
	withContext = first.Implements(contextType)
	if n == 2 && !withContext {
		return false, fmt.Errorf("handler takes two arguments, but the first is not Context. got %s", first.Kind())
	}
	return withContext, nil
}

func checkEventReturns(t reflect.Type) error {
	switch t.NumOut() {
	case 0:
		return nil
	case 1:
		if !t.Out(0).Implements(errorType) {
			return fmt.Errorf("handler returns a single value, but it does not implement error")
		}
		return nil
	case 2:
		if !t.Out(1).Implements(errorType) {
			return fmt.Errorf("handler returns two values, but the second does not implement error")
		}
		return nil
	default:
		return fmt.Errorf("handler may not return more than two values")
	}
}

// NewHandler turns a function of one of the supported shapes into a Handler:
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
// A []byte TIn receives the raw payload; any other TIn is filled by
// json.Unmarshal. The result is always json.Marshal'ed (no result gives
// null). Anything else yields a Handler that fails every call with the
// reason.
func NewHandler(handlerFunc interface{}) Handler {
	if handlerFunc == nil {
		return failingHandler(fmt.Errorf("handler is nil"))
	}
	fv := reflect.ValueOf(handlerFunc)
	ft := fv.Type()
	if ft.Kind() != reflect.Func {
		return failingHandler(fmt.Errorf("handler kind %s is not %s", ft.Kind(), reflect.Func))
	}
	withContext, err := checkEventArgs(ft)
	if err != nil {
		return failingHandler(err)
	}
	if err := checkEventReturns(ft); err != nil {
		return failingHandler(err)
	}

	var inType reflect.Type
	if n := ft.NumIn(); n == 2 || (n == 1 && !withContext) {
		inType = ft.In(n - 1)
	}
	nOut := ft.NumOut()

	return eventFunc(func(ctx context.Context, payload []byte) (interface{}, error) {
		args := make([]reflect.Value, 0, 2)
		if withContext {
			args = append(args, reflect.ValueOf(ctx))
		}
		if inType != nil {
			if inType == bytesType {
				args = append(args, reflect.ValueOf(payload))
			} else {
				in := reflect.New(inType)
				if err := json.Unmarshal(payload, in.Interface()); err != nil {
					return nil, err
				}
				args = append(args, in.Elem())
			}
		}
		outs := fv.Call(args)
		var result interface{}
		var err error
		if nOut > 0 {
			if e, ok := outs[nOut-1].Interface().(error); ok {
				err = e
			}
		}
		if nOut == 2 {
			result = outs[0].Interface()
		}
		return result, err
	})
}
