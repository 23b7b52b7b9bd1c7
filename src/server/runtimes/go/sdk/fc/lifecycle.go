package fc

import (
	"context"
	"fmt"
	"reflect"
)

// LifeCycleHandler is an instance hook: Initializer, PreFreeze or PreStop.
type LifeCycleHandler interface {
	Invoke(ctx context.Context)
}

type hookFunc func(ctx context.Context)

func (f hookFunc) Invoke(ctx context.Context) { f(ctx) }

// failingHook panics with err when called, so the hook's invocation fails
// with a stack trace, as the SDK does.
func failingHook(err error) hookFunc {
	return func(context.Context) { panic(err) }
}

// NewLifeCycleHandler turns func(context.Context) into a LifeCycleHandler.
// Anything else yields a hook that fails each time it is called.
func NewLifeCycleHandler(handlerFunc interface{}) LifeCycleHandler {
	if handlerFunc == nil {
		return failingHook(fmt.Errorf("handler is nil"))
	}
	fv := reflect.ValueOf(handlerFunc)
	ft := fv.Type()
	if ft.Kind() != reflect.Func {
		return failingHook(fmt.Errorf("handler kind %s is not %s", ft.Kind(), reflect.Func))
	}
	if n := ft.NumIn(); n != 1 {
		return failingHook(fmt.Errorf("life cycle handler should takes one arguments, but handler takes %d", n))
	}
	if a := ft.In(0); !a.Implements(contextType) {
		return failingHook(fmt.Errorf("handler takes a single arguments, but it is not Context. got %s", a.Kind()))
	}
	if ft.NumOut() != 0 {
		return failingHook(fmt.Errorf("handler should not have a return value"))
	}
	if f, ok := handlerFunc.(func(context.Context)); ok {
		return hookFunc(f)
	}
	return hookFunc(func(ctx context.Context) { fv.Call([]reflect.Value{reflect.ValueOf(ctx)}) })
}
