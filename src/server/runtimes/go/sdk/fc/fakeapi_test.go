package fc

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// childEnv selects, in a re-executed test binary, which program to run
// instead of the tests (see TestMain).
const childEnv = "FCSDK_TEST_CHILD"

func TestMain(m *testing.M) {
	if name := os.Getenv(childEnv); name != "" {
		prog, ok := childPrograms[name]
		if !ok {
			fmt.Fprintf(os.Stderr, "unknown child program %q\n", name)
			os.Exit(3)
		}
		prog()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// fakeAPI serves the runtime API the way fnplay does: GET next long-polls
// for queued invocations, and response/error posts are answered 202.
type fakeAPI struct {
	t       *testing.T
	srv     *httptest.Server
	queue   chan *fakeInvocation
	mu      sync.Mutex
	waiters map[string]chan fakeResult
	seq     int64
	polls   int64 // GET next requests currently waiting
}

type fakeInvocation struct {
	id     string
	header http.Header
	body   []byte
}

type fakeResult struct {
	kind   string // "response" or "error"
	body   []byte
	header http.Header
}

const apiPrefix = "/2020-11-11/runtime/invocation/"

func newFakeAPI(t *testing.T) *fakeAPI {
	f := &fakeAPI{t: t, queue: make(chan *fakeInvocation, 64), waiters: map[string]chan fakeResult{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	return f
}

func (f *fakeAPI) addr() string { return strings.TrimPrefix(f.srv.URL, "http://") }

func (f *fakeAPI) serve(w http.ResponseWriter, r *http.Request) {
	if !strings.HasPrefix(r.URL.Path, apiPrefix) {
		http.NotFound(w, r)
		return
	}
	rest := strings.TrimPrefix(r.URL.Path, apiPrefix)
	if rest == "next" && r.Method == http.MethodGet {
		atomic.AddInt64(&f.polls, 1)
		defer atomic.AddInt64(&f.polls, -1)
		select {
		case inv := <-f.queue:
			for k, vs := range inv.header {
				w.Header()[k] = vs
			}
			w.Header().Set("x-fc-request-id", inv.id)
			w.WriteHeader(http.StatusOK)
			w.Write(inv.body)
		case <-r.Context().Done():
		}
		return
	}
	parts := strings.Split(rest, "/")
	if len(parts) != 2 || r.Method != http.MethodPost || (parts[1] != "response" && parts[1] != "error") {
		http.NotFound(w, r)
		return
	}
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	ch := f.waiters[parts[0]]
	delete(f.waiters, parts[0])
	f.mu.Unlock()
	if ch == nil {
		f.t.Errorf("unexpected %s post for %s", parts[1], parts[0])
		w.WriteHeader(http.StatusNotFound)
		return
	}
	ch <- fakeResult{kind: parts[1], body: body, header: r.Header.Clone()}
	w.WriteHeader(http.StatusAccepted)
}

// baseHeaders are the headers fnplay sends with every invocation.
func baseHeaders(deadline time.Time) http.Header {
	h := http.Header{}
	h.Set("x-fc-function-deadline", strconv.FormatInt(deadline.UnixMilli(), 10))
	h.Set("x-fc-function-type", "0")
	h.Set("x-fc-access-key-id", "AK")
	h.Set("x-fc-access-key-secret", "SK")
	h.Set("x-fc-security-token", "TOKEN")
	h.Set("x-fc-function-name", "fn")
	h.Set("x-fc-function-handler", "main")
	h.Set("x-fc-function-memory", "512")
	h.Set("x-fc-function-timeout", "30")
	h.Set("x-fc-service-name", "svc")
	h.Set("x-fc-service-logproject", "proj")
	h.Set("x-fc-service-logstore", "store")
	h.Set("x-fc-qualifier", "LATEST")
	h.Set("x-fc-version-id", "1")
	h.Set("x-fc-region", "cn-hangzhou")
	h.Set("x-fc-account-id", "123456")
	h.Set("x-fc-retry-count", "2")
	h.Set("x-fc-instance-id", "inst-1")
	return h
}

// start queues an invocation and returns its id and a channel for the
// answer.
func (f *fakeAPI) start(header http.Header, body string) (string, <-chan fakeResult) {
	if header == nil {
		header = baseHeaders(time.Now().Add(30 * time.Second))
	}
	id := fmt.Sprintf("req-%d-%d", os.Getpid(), atomic.AddInt64(&f.seq, 1))
	ch := make(chan fakeResult, 1)
	f.mu.Lock()
	f.waiters[id] = ch
	f.mu.Unlock()
	f.queue <- &fakeInvocation{id: id, header: header, body: []byte(body)}
	return id, ch
}

func (f *fakeAPI) wait(id string, ch <-chan fakeResult) fakeResult {
	f.t.Helper()
	select {
	case r := <-ch:
		return r
	case <-time.After(15 * time.Second):
		f.t.Fatalf("no answer for %s", id)
		return fakeResult{}
	}
}

// invoke runs one invocation to its answer.
func (f *fakeAPI) invoke(header http.Header, body string) (string, fakeResult) {
	f.t.Helper()
	id, ch := f.start(header, body)
	return id, f.wait(id, ch)
}

// syncBuffer collects a child's output.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type child struct {
	cmd    *exec.Cmd
	stdout *syncBuffer
	stderr *syncBuffer
	done   chan struct{}
}

// runChild re-executes the test binary as the named program, pointed at
// api (no FC_RUNTIME_API when api is nil).
func runChild(t *testing.T, name string, api *fakeAPI) *child {
	t.Helper()
	return runProgram(t, exec.Command(os.Args[0], "-test.run=^$"), []string{childEnv + "=" + name}, api)
}

// runProgram starts cmd with the extra environment and FC_RUNTIME_API
// pointing at api; it is killed when the test ends.
func runProgram(t *testing.T, cmd *exec.Cmd, env []string, api *fakeAPI) *child {
	t.Helper()
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "FC_RUNTIME_API=") && !strings.HasPrefix(kv, childEnv+"=") {
			env = append(env, kv)
		}
	}
	if api != nil {
		env = append(env, "FC_RUNTIME_API="+api.addr())
	}
	cmd.Env = env
	c := &child{cmd: cmd, stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan struct{})}
	cmd.Stdout, cmd.Stderr = c.stdout, c.stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { cmd.Wait(); close(c.done) }()
	t.Cleanup(func() {
		select {
		case <-c.done:
		default:
			cmd.Process.Kill()
			<-c.done
		}
		if api != nil {
			api.srv.CloseClientConnections()
			api.srv.Close()
		}
		if strings.Contains(c.stderr.String(), "DATA RACE") {
			t.Errorf("the race detector fired in the child")
		}
		if t.Failed() {
			t.Logf("child stdout:\n%s\nchild stderr:\n%s", c.stdout.String(), c.stderr.String())
		}
	})
	return c
}

// waitOutput waits until the child's stdout (or stderr) contains s.
func (c *child) waitOutput(t *testing.T, buf *syncBuffer, s string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if out := buf.String(); strings.Contains(out, s) {
			return out
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("output never contained %q; got:\n%s", s, buf.String())
	return ""
}

func decodeErrorBody(t *testing.T, r fakeResult) map[string]interface{} {
	t.Helper()
	if r.kind != "error" {
		t.Fatalf("expected an error post, got %s %s", r.kind, r.body)
	}
	var m map[string]interface{}
	if err := json.Unmarshal(r.body, &m); err != nil {
		t.Fatalf("error body %s: %v", r.body, err)
	}
	return m
}

func httpParamsHeader(t *testing.T, p HTTPParams) string {
	return encodeParams(t, p)
}

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }
