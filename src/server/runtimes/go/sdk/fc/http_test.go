package fc

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

func encodeParams(t *testing.T, p HTTPParams) string {
	t.Helper()
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return base64.StdEncoding.EncodeToString(b)
}

func TestNewHTTPRequest(t *testing.T) {
	enc := encodeParams(t, HTTPParams{
		Path:       "/a/b c",
		Method:     "POST",
		RequestURI: "/a/b%20c?x=1&y=2&y=3",
		ClientIP:   "10.1.2.3",
		Host:       "example.com",
		QueriesMap: map[string][]string{"x": {"1"}, "y": {"2", "3"}},
		HeadersMap: map[string][]string{"content-type": {"text/plain"}, "X-Multi": {"a", "b"}},
	})
	req, err := newHTTPRequest(context.Background(), enc, []byte("body!"))
	if err != nil {
		t.Fatal(err)
	}
	if req.Method != "POST" || req.URL.Path != "/a/b c" || req.URL.Query().Get("x") != "1" ||
		strings.Join(req.URL.Query()["y"], ",") != "2,3" {
		t.Fatalf("request line: %s %s %v", req.Method, req.URL.Path, req.URL.Query())
	}
	if req.Host != "10.1.2.3" || req.RemoteAddr != "10.1.2.3" || req.URL.Host != "example.com" {
		t.Fatalf("host %q remote %q url host %q", req.Host, req.RemoteAddr, req.URL.Host)
	}
	if req.RequestURI != "/a/b%20c?x=1&y=2&y=3" {
		t.Fatalf("RequestURI %q", req.RequestURI)
	}
	if req.Header.Get("Content-Type") != "text/plain" || strings.Join(req.Header.Values("X-Multi"), ",") != "a,b" {
		t.Fatalf("headers %v", req.Header)
	}
	b, _ := io.ReadAll(req.Body)
	if string(b) != "body!" || req.ContentLength != 5 {
		t.Fatalf("body %q len %d", b, req.ContentLength)
	}
}

func TestNewHTTPRequestQueryFromMap(t *testing.T) {
	enc := encodeParams(t, HTTPParams{Path: "/p", Method: "GET", QueriesMap: map[string][]string{"q": {"1"}}})
	req, err := newHTTPRequest(context.Background(), enc, nil)
	if err != nil {
		t.Fatal(err)
	}
	if req.URL.RawQuery != "q=1" || req.RequestURI != "/p?q=1" {
		t.Fatalf("query %q uri %q", req.URL.RawQuery, req.RequestURI)
	}
}

func TestNewHTTPRequestBadParams(t *testing.T) {
	if _, err := newHTTPRequest(context.Background(), "!!!", nil); err == nil {
		t.Fatal("bad base64 accepted")
	}
	if _, err := newHTTPRequest(context.Background(), base64.StdEncoding.EncodeToString([]byte("{")), nil); err == nil {
		t.Fatal("bad JSON accepted")
	}
}

func TestBufferedResponse(t *testing.T) {
	w := newBufferedResponse()
	if p, _ := w.encodedParams(); decodeResponseParams(t, p).Status != 0 {
		t.Fatal("status should stay 0 when nothing is written")
	}
	w.WriteHeader(201)
	w.WriteHeader(500)                           // ignored
	w.Header().Add("Content-Type", "text/plain") // after WriteHeader: still sent
	io.WriteString(w, "a")
	w.Write([]byte("b"))
	rp := decodeResponseParams(t, mustParams(t, w))
	if rp.Status != 201 || rp.HeadersMap["Content-Type"][0] != "text/plain" || rp.HeadersMap["Date"] == nil {
		t.Fatalf("params %+v", rp)
	}
	if w.body.String() != "ab" {
		t.Fatalf("body %q", w.body.String())
	}
	w2 := newBufferedResponse()
	w2.Write([]byte("x"))
	if decodeResponseParams(t, mustParams(t, w2)).Status != 200 {
		t.Fatal("Write should imply 200")
	}
}

type responseParams struct {
	Status     int                 `json:"status"`
	HeadersMap map[string][]string `json:"headersMap"`
}

func mustParams(t *testing.T, w *bufferedResponse) string {
	t.Helper()
	p, err := w.encodedParams()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func decodeResponseParams(t *testing.T, s string) responseParams {
	t.Helper()
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	var rp responseParams
	if err := json.Unmarshal(raw, &rp); err != nil {
		t.Fatalf("%s: %v", raw, err)
	}
	return rp
}

func TestInvalidHTTPSignatures(t *testing.T) {
	cases := []struct {
		name    string
		handler interface{}
		msg     string
	}{
		{"nil", nil, "handler is nil"},
		{"not func", 3, "handler kind int is not func"},
		{"event shape", func(ctx context.Context) error { return nil }, "http handler should takes three arguments, but handler takes 1"},
		{"first not ctx", func(int, http.ResponseWriter, *http.Request) error { return nil }, "handler takes three arguments, but the first is not Context. got int"},
		{"second not writer", func(context.Context, string, *http.Request) error { return nil }, "handler takes three arguments, but the second is not http.ResponseWriter. got string"},
		{"two returns", func(context.Context, http.ResponseWriter, *http.Request) (int, error) { return 0, nil }, "handler may not return more than one values"},
		{"return not error", func(context.Context, http.ResponseWriter, *http.Request) int { return 0 }, "handler returns a single value, but it does not implement error"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := NewHttpHandler(c.handler)
			for i := 0; i < 2; i++ {
				err := h.Invoke(context.Background(), newBufferedResponse(), &http.Request{})
				if err == nil || err.Error() != c.msg || typeName(err) != "errorString" {
					t.Fatalf("got %v, want %q", err, c.msg)
				}
			}
		})
	}
	// No error result is allowed too.
	ok := NewHttpHandler(func(ctx context.Context, w http.ResponseWriter, r *http.Request) { w.WriteHeader(204) })
	w := newBufferedResponse()
	if err := ok.Invoke(context.Background(), w, &http.Request{}); err != nil || w.status != 204 {
		t.Fatalf("err %v status %d", err, w.status)
	}
}

func TestInvalidLifeCycleSignatures(t *testing.T) {
	cases := []struct {
		name    string
		handler interface{}
		msg     string
	}{
		{"nil", nil, "handler is nil"},
		{"not func", "x", "handler kind string is not func"},
		{"no args", func() {}, "life cycle handler should takes one arguments, but handler takes 0"},
		{"two args", func(context.Context, int) {}, "life cycle handler should takes one arguments, but handler takes 2"},
		{"not ctx", func(int) {}, "handler takes a single arguments, but it is not Context. got int"},
		{"returns", func(context.Context) error { return nil }, "handler should not have a return value"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h := NewLifeCycleHandler(c.handler)
			func() {
				defer func() {
					r := recover()
					err, ok := r.(error)
					if !ok || err.Error() != c.msg {
						t.Fatalf("panic %v, want %q", r, c.msg)
					}
				}()
				h.Invoke(context.Background())
			}()
		})
	}
	called := false
	NewLifeCycleHandler(func(ctx context.Context) { called = true }).Invoke(context.Background())
	if !called {
		t.Fatal("valid hook not called")
	}
}
