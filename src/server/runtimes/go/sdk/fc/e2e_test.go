package fc

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aliyun/fc-runtime-go-sdk/fccontext"
)

// Programs the re-executed test binary runs (each is a main function of a
// user's Go function).
var childPrograms = map[string]func(){
	"event": func() {
		Start(func(ctx context.Context, e structEvent) (string, error) {
			fctx, _ := fccontext.FromContext(ctx)
			fctx.GetLogger().Infof("hi %s", e.Key) // LOGLINE-INFOF
			fctx.GetLogger().Debug("a", 1, "b")    // LOGLINE-DEBUG
			fctx.GetLogger().Warn("w")
			fctx.GetLogger().Errorf("e%d\n", 2)
			fmt.Println("plain stdout")
			return fmt.Sprintf("hello, %s!", e.Key), nil
		})
	},
	"context": func() {
		Start(func(ctx context.Context) (map[string]interface{}, error) {
			fctx, ok := fccontext.FromContext(ctx)
			if !ok {
				return nil, errors.New("no FcContext")
			}
			deadline, hasDeadline := ctx.Deadline()
			raw, _ := json.Marshal(fctx)
			return map[string]interface{}{
				"fctx":        json.RawMessage(raw),
				"deadline":    deadline.UnixMilli(),
				"hasDeadline": hasDeadline,
				"logFlags":    log.Flags(),
			}, nil
		})
	},
	"error": func() {
		Start(func() error { return errors.New("something is wrong") })
	},
	"panic": func() {
		Start(func(ctx context.Context, e structEvent) (string, error) {
			if e.Key == "panic" {
				panicInHandler()
			}
			if e.Key == "nil" {
				var m map[string]int
				m["x"] = 1 // nil map write: a runtime error panic
			}
			return "still alive", nil
		})
	},
	"invalid-signature": func() {
		Start(func(a, b int) {})
	},
	"start-handler-struct": func() {
		StartHandler(structHandler{})
	},
	"http": func() {
		StartHttp(func(ctx context.Context, w http.ResponseWriter, req *http.Request) error {
			body, _ := io.ReadAll(req.Body)
			if string(body) == "fail" {
				return errors.New("http handler failed")
			}
			fctx, _ := fccontext.FromContext(ctx)
			w.WriteHeader(http.StatusCreated)
			w.Header().Add("Content-Type", "application/json")
			w.Header().Add("X-Multi", "1")
			w.Header().Add("X-Multi", "2")
			json.NewEncoder(w).Encode(map[string]interface{}{
				"method":     req.Method,
				"path":       req.URL.Path,
				"query":      req.URL.Query(),
				"host":       req.Host,
				"urlHost":    req.URL.Host,
				"requestURI": req.RequestURI,
				"remoteAddr": req.RemoteAddr,
				"header":     req.Header.Get("X-Custom"),
				"body":       string(body),
				"rid":        fctx.RequestID,
			})
			return nil
		})
	},
	"http-silent": func() {
		StartHttp(func(ctx context.Context, w http.ResponseWriter, req *http.Request) error { return nil })
	},
	"hooks": func() {
		RegisterInitializerFunction(func(ctx context.Context) {
			fctx, _ := fccontext.FromContext(ctx)
			fctx.GetLogger().Info("initializer ran")
		})
		RegisterPreStopFunction(func(ctx context.Context) { fmt.Println("prestop ran") })
		RegisterPreFreezeFunction(func(ctx context.Context) { fmt.Println("prefreeze ran") })
		Start(func() (string, error) { return "handler ran", nil })
	},
	"hooks-bad": func() {
		RegisterPreStopFunction(func(ctx context.Context) { panic("prestop exploded") })
		RegisterPreFreezeFunction(func() {})
		Start(func() {})
	},
	"hooks-late": func() {
		go func() {
			for {
				hooksMu.Lock()
				s := started
				hooksMu.Unlock()
				if s {
					break
				}
				time.Sleep(time.Millisecond)
			}
			RegisterInitializerFunction(func(ctx context.Context) {})
			fmt.Println("late registration done")
		}()
		Start(func() {})
	},
	"concurrency": func() {
		var arrived int32
		var mu sync.Mutex
		cond := sync.NewCond(&mu)
		Start(func() (string, error) {
			mu.Lock()
			defer mu.Unlock()
			atomic.AddInt32(&arrived, 1)
			cond.Broadcast()
			timeout := time.Now().Add(5 * time.Second)
			for atomic.LoadInt32(&arrived) < 2 {
				if time.Now().After(timeout) {
					return "", errors.New("the other invocation never arrived")
				}
				go func() { time.Sleep(10 * time.Millisecond); cond.Broadcast() }()
				cond.Wait()
			}
			return "both in flight", nil
		})
	},
	"base-context": func() {
		base := context.WithValue(context.Background(), baseKey{}, "from StartWithContext")
		StartWithContext(base, func(ctx context.Context) (interface{}, error) {
			return ctx.Value(baseKey{}), nil
		}, eventFunction)
	},
	"odd-exits": func() {
		Start(func(e string) error {
			switch e {
			case "goexit":
				runtime.Goexit()
			case "nil":
				panic(nil)
			}
			return nil
		})
	},
	"no-api": func() {
		Start(func() {})
	},
	"exit": func() {
		Start(func() { os.Exit(7) })
	},
}

type baseKey struct{}

type structHandler struct{}

func (structHandler) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	return payload, nil
}

func panicInHandler() {
	panic("Error: something is wrong")
}

// sourceLine finds the line of this file holding marker.
func sourceLine(t *testing.T, marker string) int {
	t.Helper()
	src, err := os.ReadFile("e2e_test.go")
	if err != nil {
		t.Fatal(err)
	}
	for i, l := range strings.Split(string(src), "\n") {
		if strings.Contains(l, "// "+marker) {
			return i + 1
		}
	}
	t.Fatalf("marker %s not found", marker)
	return 0
}

func TestEventInvocationAndLogs(t *testing.T) {
	api := newFakeAPI(t)
	c := runChild(t, "event", api)
	id, res := api.invoke(nil, `{"key":"world"}`)
	if res.kind != "response" || string(res.body) != `"hello, world!"` {
		t.Fatalf("got %s %s", res.kind, res.body)
	}
	if res.header.Get("x-fc-http-params") != "" {
		t.Fatal("event response carries http params")
	}
	out := c.waitOutput(t, c.stdout, "FC Invoke End RequestId: "+id+"\n")
	ts := `\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,3})?Z`
	want := []string{
		`FC Invoke Start RequestId: ` + id,
		ts + ` ` + id + ` \[INFO\] e2e_test\.go:` + fmt.Sprint(sourceLine(t, "LOGLINE-INFOF")) + `: hi world`,
		ts + ` ` + id + ` \[DEBUG\] e2e_test\.go:` + fmt.Sprint(sourceLine(t, "LOGLINE-DEBUG")) + `: a 1 b`,
		ts + ` ` + id + ` \[WARN\] e2e_test\.go:\d+: w`,
		ts + ` ` + id + ` \[ERROR\] e2e_test\.go:\d+: e2`,
		`plain stdout`,
		`FC Invoke End RequestId: ` + id,
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("got %d lines:\n%s", len(lines), out)
	}
	for i, w := range want {
		if !regexp.MustCompile(`^` + w + `$`).MatchString(lines[i]) {
			t.Errorf("line %d: %q does not match %q", i, lines[i], w)
		}
	}
	// A second invocation with bad JSON fails with the decoder's error type.
	id2, res2 := api.invoke(nil, `{"key":`)
	m := decodeErrorBody(t, res2)
	if m["errorType"] != "SyntaxError" || m["errorMessage"] != "unexpected end of JSON input" {
		t.Fatalf("bad json answer %v", m)
	}
	c.waitOutput(t, c.stdout, "FC Invoke End RequestId: "+id2+", Error: Unhandled function error\n")
}

func TestContextFields(t *testing.T) {
	api := newFakeAPI(t)
	runChild(t, "context", api)
	deadline := time.Now().Add(20 * time.Second).Truncate(time.Millisecond)
	h := baseHeaders(deadline)
	h.Set("x-fc-tracing-opentracing-span-context", "span-ctx")
	h.Set("x-fc-tracing-opentracing-span-baggages", b64(`{"k":"v"}`))
	h.Set("x-fc-tracing-jaeger-endpoint", "http://jaeger")
	id, res := api.invoke(h, `ignored`)
	if res.kind != "response" {
		t.Fatalf("got %s %s", res.kind, res.body)
	}
	var got struct {
		Fctx        map[string]interface{} `json:"fctx"`
		Deadline    int64                  `json:"deadline"`
		HasDeadline bool                   `json:"hasDeadline"`
		LogFlags    int                    `json:"logFlags"`
	}
	if err := json.Unmarshal(res.body, &got); err != nil {
		t.Fatalf("%s: %v", res.body, err)
	}
	if !got.HasDeadline || got.Deadline != deadline.UnixMilli() {
		t.Fatalf("deadline %d (%v), want %d", got.Deadline, got.HasDeadline, deadline.UnixMilli())
	}
	if got.LogFlags != log.LstdFlags|log.Lmicroseconds {
		t.Fatalf("log flags %d", got.LogFlags)
	}
	wantJSON := `{"RequestID":"` + id + `","Credentials":{"AccessKeyId":"AK","AccessKeySecret":"SK","SecurityToken":"TOKEN"},` +
		`"Function":{"Name":"fn","Handler":"main","Memory":"512","Timeout":30},` +
		`"Service":{"Name":"svc","LogProject":"proj","LogStore":"store","Qualifier":"LATEST","VersionId":"1"},` +
		`"Region":"cn-hangzhou","AccountId":"123456","RetryCount":2,` +
		`"Tracing":{"OpenTracingSpanContext":"span-ctx","OpenTracingSpanBaggages":{"k":"v"},"JaegerEndpoint":"http://jaeger"}}`
	var raw struct {
		Fctx json.RawMessage `json:"fctx"`
	}
	json.Unmarshal(res.body, &raw)
	if string(raw.Fctx) != wantJSON {
		t.Fatalf("FcContext JSON\n got %s\nwant %s", raw.Fctx, wantJSON)
	}

	// Without tracing headers the baggage map is empty, not null, and a
	// missing retry count reads 0.
	h2 := baseHeaders(deadline)
	h2.Del("x-fc-retry-count")
	_, res2 := api.invoke(h2, ``)
	if !strings.Contains(string(res2.body), `"OpenTracingSpanBaggages":{}`) || !strings.Contains(string(res2.body), `"RetryCount":0`) {
		t.Fatalf("defaults: %s", res2.body)
	}
}

func TestReturnedError(t *testing.T) {
	api := newFakeAPI(t)
	c := runChild(t, "error", api)
	id, res := api.invoke(nil, `{}`)
	if string(res.body) != `{"errorMessage":"something is wrong","errorType":"errorString"}` || res.kind != "error" {
		t.Fatalf("got %s %s", res.kind, res.body)
	}
	errLog := c.waitOutput(t, c.stderr, id+" [ERROR] ")
	re := regexp.MustCompile(`(?m)^\d{4}/\d\d/\d\d \d\d:\d\d:\d\d\.\d{6}  ` + id +
		` \[ERROR\] \{\n "errorMessage": "something is wrong",\n "errorType": "errorString"\n\}\n`)
	if !re.MatchString(errLog) {
		t.Fatalf("error log:\n%q", errLog)
	}
	c.waitOutput(t, c.stdout, "FC Invoke Start RequestId: "+id+"\nFC Invoke End RequestId: "+id+", Error: Unhandled function error\n")
}

func TestPanicDoesNotExit(t *testing.T) {
	api := newFakeAPI(t)
	c := runChild(t, "panic", api)
	id, res := api.invoke(nil, `{"key":"panic"}`)
	var body struct {
		ErrorMessage string `json:"errorMessage"`
		ErrorType    string `json:"errorType"`
		StackTrace   []struct {
			Path  string `json:"path"`
			Line  int    `json:"line"`
			Label string `json:"label"`
		} `json:"stackTrace"`
	}
	if res.kind != "error" || json.Unmarshal(res.body, &body) != nil {
		t.Fatalf("got %s %s", res.kind, res.body)
	}
	if body.ErrorMessage != "Error: something is wrong" || body.ErrorType != "string" {
		t.Fatalf("body %s", res.body)
	}
	if n := len(body.StackTrace); n == 0 || n > 32 {
		t.Fatalf("%d frames", n)
	}
	top := body.StackTrace[0]
	if top.Label != "panicInHandler" || !strings.HasSuffix(top.Path, "fc/e2e_test.go") || top.Line == 0 {
		t.Fatalf("top frame %+v (all %s)", top, res.body)
	}
	errLog := c.waitOutput(t, c.stderr, `"label": "panicInHandler"`)
	if !strings.Contains(errLog, "  "+id+" [ERROR] {\n \"errorMessage\": \"Error: something is wrong\",\n \"errorType\": \"string\",\n \"stackTrace\": [\n  {\n   \"path\": ") {
		t.Fatalf("panic log:\n%s", errLog)
	}
	c.waitOutput(t, c.stdout, "FC Invoke End RequestId: "+id+", Error: Unhandled function error\n")

	// A runtime error panic, then a normal call: the process kept serving.
	_, res = api.invoke(nil, `{"key":"nil"}`)
	m := decodeErrorBody(t, res)
	if m["errorMessage"] != "assignment to entry in nil map" || m["errorType"] != "plainError" {
		t.Fatalf("runtime panic %v", m)
	}
	_, res = api.invoke(nil, `{"key":"ok"}`)
	if res.kind != "response" || string(res.body) != `"still alive"` {
		t.Fatalf("after panics: %s %s", res.kind, res.body)
	}
}

func TestInvalidSignatureFailsEachInvocation(t *testing.T) {
	api := newFakeAPI(t)
	runChild(t, "invalid-signature", api)
	for i := 0; i < 2; i++ {
		_, res := api.invoke(nil, `{}`)
		if string(res.body) != `{"errorMessage":"handler takes two arguments, but the first is not Context. got int","errorType":"errorString"}` {
			t.Fatalf("call %d: %s %s", i, res.kind, res.body)
		}
	}
}

func TestStartHandlerWithStruct(t *testing.T) {
	api := newFakeAPI(t)
	runChild(t, "start-handler-struct", api)
	_, res := api.invoke(nil, `{}`)
	if string(res.body) != `{"errorMessage":"handler kind struct is not func","errorType":"errorString"}` {
		t.Fatalf("%s %s", res.kind, res.body)
	}
}

func TestHTTPRoundTrip(t *testing.T) {
	api := newFakeAPI(t)
	c := runChild(t, "http", api)
	h := baseHeaders(time.Now().Add(time.Minute))
	h.Set("x-fc-http-params", httpParamsHeader(t, HTTPParams{
		Path:       "/hello/world",
		Method:     "PUT",
		RequestURI: "/hello/world?a=1&b=x&b=y",
		ClientIP:   "203.0.113.9",
		Host:       "fn.example.com",
		QueriesMap: map[string][]string{"a": {"1"}, "b": {"x", "y"}},
		HeadersMap: map[string][]string{"X-Custom": {"yes"}, "Content-Type": {"text/plain"}},
	}))
	id, res := api.invoke(h, "request body")
	if res.kind != "response" {
		t.Fatalf("got %s %s", res.kind, res.body)
	}
	raw, err := base64.StdEncoding.DecodeString(res.header.Get("x-fc-http-params"))
	if err != nil {
		t.Fatal(err)
	}
	var rp responseParams
	if err := json.Unmarshal(raw, &rp); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	if rp.Status != 201 || rp.HeadersMap["Content-Type"][0] != "application/json" ||
		strings.Join(rp.HeadersMap["X-Multi"], ",") != "1,2" || len(rp.HeadersMap["Date"]) != 1 {
		t.Fatalf("response params %s", raw)
	}
	var got map[string]interface{}
	if err := json.Unmarshal(res.body, &got); err != nil {
		t.Fatalf("%s: %v", res.body, err)
	}
	want := map[string]interface{}{
		"method": "PUT", "path": "/hello/world", "host": "203.0.113.9", "urlHost": "fn.example.com",
		"requestURI": "/hello/world?a=1&b=x&b=y", "remoteAddr": "203.0.113.9", "header": "yes",
		"body": "request body", "rid": id,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if q, _ := json.Marshal(got["query"]); string(q) != `{"a":["1"],"b":["x","y"]}` {
		t.Errorf("query %s", q)
	}
	c.waitOutput(t, c.stdout, "FC Invoke Start RequestId: "+id+"\nFC Invoke End RequestId: "+id+"\n")

	// A returned error answers with the envelope, without http params.
	id, res = api.invoke(h, "fail")
	if string(res.body) != `{"errorMessage":"http handler failed","errorType":"errorString"}` || res.header.Get("x-fc-http-params") != "" {
		t.Fatalf("%s %s %v", res.kind, res.body, res.header)
	}
	c.waitOutput(t, c.stdout, "FC Invoke End RequestId: "+id+", Error: Unhandled function error\n")

	// No x-fc-http-params at all.
	_, res = api.invoke(nil, "x")
	if string(res.body) != `{"errorMessage":"no httpParams found in request","errorType":"errorString"}` {
		t.Fatalf("%s %s", res.kind, res.body)
	}
}

func TestHTTPNothingWritten(t *testing.T) {
	api := newFakeAPI(t)
	runChild(t, "http-silent", api)
	h := baseHeaders(time.Now().Add(time.Minute))
	h.Set("x-fc-http-params", httpParamsHeader(t, HTTPParams{Path: "/", Method: "GET", RequestURI: "/"}))
	_, res := api.invoke(h, "")
	raw, _ := base64.StdEncoding.DecodeString(res.header.Get("x-fc-http-params"))
	if res.kind != "response" || len(res.body) != 0 || string(raw) != `{"status":0,"headersMap":{}}` {
		t.Fatalf("%s body %q params %s", res.kind, res.body, raw)
	}
}

func hookHeaders(kind string) http.Header {
	h := baseHeaders(time.Now().Add(time.Minute))
	h.Set("x-fc-function-type", kind)
	return h
}

func TestHooks(t *testing.T) {
	api := newFakeAPI(t)
	c := runChild(t, "hooks", api)
	for _, hc := range []struct{ kind, phase, line string }{
		{"1", "Initialize", "[INFO] e2e_test.go"},
		{"0", "Invoke", ""},
		{"3", "PreFreeze", "prefreeze ran"},
		{"2", "PreStop", "prestop ran"},
	} {
		id, res := api.invoke(hookHeaders(hc.kind), "")
		if hc.kind == "0" {
			if string(res.body) != `"handler ran"` {
				t.Fatalf("handler: %s %s", res.kind, res.body)
			}
		} else if res.kind != "response" || len(res.body) != 0 {
			t.Fatalf("%s: %s %q", hc.phase, res.kind, res.body)
		}
		out := c.waitOutput(t, c.stdout, "FC "+hc.phase+" End RequestId: "+id+"\n")
		if !strings.Contains(out, "FC "+hc.phase+" Start RequestId: "+id+"\n") {
			t.Fatalf("%s: no start line:\n%s", hc.phase, out)
		}
		if hc.line != "" && !strings.Contains(out, hc.line) {
			t.Fatalf("%s: hook output missing:\n%s", hc.phase, out)
		}
	}
	if !strings.Contains(c.stdout.String(), "[INFO] e2e_test.go") || !strings.Contains(c.stdout.String(), "initializer ran") {
		t.Fatalf("initializer log:\n%s", c.stdout.String())
	}
}

func TestHooksFailures(t *testing.T) {
	api := newFakeAPI(t)
	c := runChild(t, "hooks-bad", api)
	cases := []struct{ kind, phase, msg, typ string }{
		{"1", "Initialize", "no initializer handler registered", "errorString"},
		{"2", "PreStop", "prestop exploded", "string"},
		{"3", "PreFreeze", "life cycle handler should takes one arguments, but handler takes 0", "errorString"},
	}
	for _, hc := range cases {
		id, res := api.invoke(hookHeaders(hc.kind), "")
		m := decodeErrorBody(t, res)
		if m["errorMessage"] != hc.msg || m["errorType"] != hc.typ || m["stackTrace"] == nil {
			t.Fatalf("%s: %s", hc.phase, res.body)
		}
		c.waitOutput(t, c.stdout, "FC "+hc.phase+" End RequestId: "+id+", Error: Unhandled function error\n")
	}
	_, res := api.invoke(nil, "")
	if res.kind != "response" || string(res.body) != "null" {
		t.Fatalf("handler after hook failures: %s %s", res.kind, res.body)
	}
}

func TestRegistrationAfterStartFails(t *testing.T) {
	api := newFakeAPI(t)
	c := runChild(t, "hooks-late", api)
	c.waitOutput(t, c.stdout, "late registration done")
	c.waitOutput(t, c.stderr, "fc.RegisterInitializerFunction called after fc.Start: the hook is not registered")
	_, res := api.invoke(hookHeaders("1"), "")
	m := decodeErrorBody(t, res)
	if m["errorMessage"] != "no initializer handler registered" {
		t.Fatalf("%s", res.body)
	}
}

func TestConcurrentInvocations(t *testing.T) {
	api := newFakeAPI(t)
	runChild(t, "concurrency", api)
	id1, ch1 := api.start(nil, "")
	id2, ch2 := api.start(nil, "")
	r1, r2 := api.wait(id1, ch1), api.wait(id2, ch2)
	for _, r := range []fakeResult{r1, r2} {
		if r.kind != "response" || string(r.body) != `"both in flight"` {
			t.Fatalf("%s %s", r.kind, r.body)
		}
	}
}

func TestMissingRuntimeAPI(t *testing.T) {
	c := runChild(t, "no-api", nil)
	select {
	case <-c.done:
	case <-time.After(10 * time.Second):
		t.Fatal("child did not exit")
	}
	if code := c.cmd.ProcessState.ExitCode(); code != 1 {
		t.Fatalf("exit code %d", code)
	}
	if !strings.Contains(c.stderr.String(), "expected ali FC environment variables [FC_RUNTIME_API] are not defined\n") {
		t.Fatalf("stderr %q", c.stderr.String())
	}
}

func TestExitEndsProcess(t *testing.T) {
	api := newFakeAPI(t)
	c := runChild(t, "exit", api)
	api.start(nil, "")
	select {
	case <-c.done:
	case <-time.After(10 * time.Second):
		t.Fatal("child did not exit")
	}
	if code := c.cmd.ProcessState.ExitCode(); code != 7 {
		t.Fatalf("exit code %d", code)
	}
}

func TestStartWithContextBase(t *testing.T) {
	api := newFakeAPI(t)
	runChild(t, "base-context", api)
	_, res := api.invoke(nil, "")
	if string(res.body) != `"from StartWithContext"` {
		t.Fatalf("%s %s", res.kind, res.body)
	}
}

// Markers and logger lines of many invocations in flight at once stay whole.
func TestConcurrentOutputStaysWhole(t *testing.T) {
	api := newFakeAPI(t)
	c := runChild(t, "event", api)
	type pending struct {
		id string
		ch <-chan fakeResult
	}
	var all []pending
	for i := 0; i < 40; i++ {
		id, ch := api.start(nil, `{"key":"`+strings.Repeat("k", 500)+`"}`)
		all = append(all, pending{id, ch})
	}
	for _, p := range all {
		if r := api.wait(p.id, p.ch); r.kind != "response" {
			t.Fatalf("%s %s", r.kind, r.body)
		}
	}
	for _, p := range all {
		c.waitOutput(t, c.stdout, "FC Invoke End RequestId: "+p.id+"\n")
	}
	line := regexp.MustCompile(`^(FC Invoke (Start|End) RequestId: req-\d+-\d+|\S+ req-\d+-\d+ \[(INFO|DEBUG|WARN|ERROR)\] e2e_test\.go:\d+: (hi k{500}|a 1 b|w|e2)|plain stdout)$`)
	for _, l := range strings.Split(strings.TrimSuffix(c.stdout.String(), "\n"), "\n") {
		if !line.MatchString(l) {
			t.Fatalf("mangled line %q", l)
		}
	}
}

// A handler that ends its goroutine with runtime.Goexit or panics with nil
// still gets an answer, and the process keeps serving.
func TestGoexitAndNilPanic(t *testing.T) {
	api := newFakeAPI(t)
	runChild(t, "odd-exits", api)
	for _, c := range []struct{ in, msg, typ string }{
		{`"goexit"`, "runtime.Goexit called in the handler", "Goexit"},
		{`"nil"`, "panic called with nil argument", "PanicNilError"},
	} {
		_, res := api.invoke(nil, c.in)
		m := decodeErrorBody(t, res)
		if m["errorMessage"] != c.msg || m["errorType"] != c.typ {
			t.Fatalf("%s: %s", c.in, res.body)
		}
	}
	if _, res := api.invoke(nil, `"ok"`); res.kind != "response" || string(res.body) != "null" {
		t.Fatalf("%s %s", res.kind, res.body)
	}
}
