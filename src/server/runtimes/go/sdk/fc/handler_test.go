package fc

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aliyun/fc-runtime-go-sdk/fc/messages"
)

type structEvent struct {
	Key string `json:"key"`
}

// invokeEnvelope runs a handler the way the runtime does and returns the
// body or the error envelope.
func invokeEnvelope(h Handler, payload string) (string, *messages.InvokeResponse_Error) {
	out, err := h.Invoke(context.Background(), []byte(payload))
	if err != nil {
		return "", errorEnvelope(err)
	}
	return string(out), nil
}

func TestValidSignatures(t *testing.T) {
	errBoom := errors.New("boom")
	cases := []struct {
		name    string
		handler interface{}
		payload string
		want    string
	}{
		{"func()", func() {}, `{}`, `null`},
		{"func() error", func() error { return nil }, `{}`, `null`},
		{"func(TIn) error", func(e structEvent) error {
			if e.Key != "v" {
				return errBoom
			}
			return nil
		}, `{"key":"v"}`, `null`},
		{"func() (TOut, error)", func() (string, error) { return "hi", nil }, `{}`, `"hi"`},
		{"func(TIn) (TOut, error)", func(e structEvent) (string, error) { return "hello, " + e.Key + "!", nil }, `{"key":"world"}`, `"hello, world!"`},
		{"func(ctx) error", func(ctx context.Context) error { return nil }, `{}`, `null`},
		{"func(ctx, TIn) error", func(ctx context.Context, e map[string]interface{}) error {
			if e["a"] != 1.0 {
				return errBoom
			}
			return nil
		}, `{"a":1}`, `null`},
		{"func(ctx) (TOut, error)", func(ctx context.Context) (int, error) { return 42, nil }, `whatever`, `42`},
		{"func(ctx, TIn) (TOut, error)", func(ctx context.Context, e structEvent) (structEvent, error) {
			return structEvent{Key: strings.ToUpper(e.Key)}, nil
		}, `{"key":"abc"}`, `{"key":"ABC"}`},
		// Input and output conversions.
		{"raw []byte in", func(b []byte) (string, error) { return string(b), nil }, `not json`, `"not json"`},
		{"[]byte out is base64", func() ([]byte, error) { return []byte("hi"), nil }, ``, `"aGk="`},
		{"string in", func(s string) (string, error) { return s + "!", nil }, `"x"`, `"x!"`},
		{"nil pointer out", func() (*structEvent, error) { return nil, nil }, ``, `null`},
		{"map out", func() (map[string]int, error) { return map[string]int{"b": 2, "a": 1}, nil }, ``, `{"a":1,"b":2}`},
		{"html escaped like encoding/json", func() (string, error) { return "<&>", nil }, ``, `"\u003c\u0026\u003e"`},
		{"value discarded on error-free nil", func(ctx context.Context, n int) (int, error) { return n * 2, nil }, `21`, `42`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, env := invokeEnvelope(NewHandler(c.handler), c.payload)
			if env != nil {
				t.Fatalf("unexpected error %+v", env)
			}
			if got != c.want {
				t.Fatalf("got %s, want %s", got, c.want)
			}
		})
	}
}

type notAnError struct{}

func TestInvalidSignatures(t *testing.T) {
	cases := []struct {
		name    string
		handler interface{}
		msg     string
	}{
		{"nil", nil, "handler is nil"},
		{"struct", struct{}{}, "handler kind struct is not func"},
		{"string", "main", "handler kind string is not func"},
		{"three args", func(context.Context, int, int) error { return nil }, "handlers may not take more than two arguments, but handler takes 3"},
		{"two args no ctx", func(int, string) error { return nil }, "handler takes two arguments, but the first is not Context. got int"},
		{"two args struct first", func(structEvent, string) {}, "handler takes two arguments, but the first is not Context. got struct"},
		{"three returns", func() (int, int, error) { return 0, 0, nil }, "handler may not return more than two values"},
		{"second not error", func() (int, int) { return 0, 0 }, "handler returns two values, but the second does not implement error"},
		{"single not error", func() int { return 0 }, "handler returns a single value, but it does not implement error"},
		{"single struct not error", func() notAnError { return notAnError{} }, "handler returns a single value, but it does not implement error"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := NewHandler(c.handler)
			for i := 0; i < 2; i++ { // every call fails, not only the first
				_, env := invokeEnvelope(h, `{}`)
				if env == nil {
					t.Fatalf("call %d succeeded", i)
				}
				if env.Message != c.msg || env.Type != "errorString" || env.StackTrace != nil {
					t.Fatalf("got %+v, want message %q type errorString", env, c.msg)
				}
			}
		})
	}
}

type customErr struct{ code int }

func (e *customErr) Error() string { return "custom failure" }

func TestErrorTypes(t *testing.T) {
	cases := []struct {
		name     string
		handler  interface{}
		payload  string
		wantType string
		wantMsg  string
	}{
		{"errors.New", func() error { return errors.New("something is wrong") }, ``, "errorString", "something is wrong"},
		{"pointer type", func() (string, error) { return "", &customErr{1} }, ``, "customErr", "custom failure"},
		{"wrapped", func() error { return errorsJoin("outer", errors.New("inner")) }, ``, "wrapError", "outer: inner"},
		{"bad json", func(e structEvent) error { return nil }, `{"key":`, "SyntaxError", "unexpected end of JSON input"},
		{"empty payload", func(e structEvent) error { return nil }, ``, "SyntaxError", "unexpected end of JSON input"},
		{"type mismatch", func(e structEvent) error { return nil }, `{"key":1}`, "UnmarshalTypeError", "json: cannot unmarshal number into Go struct field structEvent.key of type string"},
		{"unmarshalable output", func() (chan int, error) { return make(chan int), nil }, ``, "Runtime.SerializationError", "json: unsupported type: chan int"},
		{"envelope passes through", func() error {
			return messages.InvokeResponse_Error{Message: "m", Type: "MyError"}
		}, ``, "MyError", "m"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, env := invokeEnvelope(NewHandler(c.handler), c.payload)
			if env == nil {
				t.Fatal("no error")
			}
			if env.Type != c.wantType || env.Message != c.wantMsg {
				t.Fatalf("got %q %q, want %q %q", env.Type, env.Message, c.wantType, c.wantMsg)
			}
		})
	}
}

func errorsJoin(msg string, err error) error { return fmtErrorf("%s: %w", msg, err) }

func TestErrorEnvelopeJSON(t *testing.T) {
	env := errorEnvelope(errors.New("x"))
	if got := env.ToJson(); got != "{\n \"errorMessage\": \"x\",\n \"errorType\": \"errorString\"\n}" {
		t.Fatalf("ToJson: %q", got)
	}
}

func TestStackFrameShape(t *testing.T) {
	cases := []struct{ file, fn, path, label string }{
		{"/code/main.go", "main.main", "code/main.go", "main"},
		{"/usr/lib/go/src/runtime/proc.go", "runtime.main", "runtime/proc.go", "main"},
		{"/root/go/src/aliyun/serverless/fc-runtime-go-sdk/fc/function.go", "aliyun/serverless/fc-runtime-go-sdk/fc.(*Function).Invoke.func1",
			"aliyun/serverless/fc-runtime-go-sdk/fc/function.go", "(*Function).Invoke.func1"},
		{"example.com/hello/main.go", "main.HandleRequest", "hello/main.go", "HandleRequest"},
		{"main.go", "main.HandleRequest", "main.go", "HandleRequest"},
	}
	for _, c := range cases {
		f := stackFrame(runtimeFrame(c.file, c.fn, 7))
		if f.Path != c.path || f.Label != c.label || f.Line != 7 {
			t.Errorf("%s %s: got %+v", c.file, c.fn, f)
		}
	}
}
