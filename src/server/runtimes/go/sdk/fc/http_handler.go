package fc

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
)

// HttpHandler is the form of an HTTP function's handler.
type HttpHandler interface {
	Invoke(ctx context.Context, w http.ResponseWriter, req *http.Request) error
}

type httpFunc func(ctx context.Context, w http.ResponseWriter, req *http.Request) error

func (f httpFunc) Invoke(ctx context.Context, w http.ResponseWriter, req *http.Request) error {
	return f(ctx, w, req)
}

func failingHTTPHandler(err error) httpFunc {
	return func(context.Context, http.ResponseWriter, *http.Request) error { return err }
}

var responseWriterType = reflect.TypeOf((*http.ResponseWriter)(nil)).Elem()

// NewHttpHandler turns
//
//	func (context.Context, http.ResponseWriter, *http.Request) error
//
// (the error result may be left out) into an HttpHandler. Anything else
// yields a handler that fails every call with the reason.
func NewHttpHandler(handlerFunc interface{}) HttpHandler {
	if handlerFunc == nil {
		return failingHTTPHandler(fmt.Errorf("handler is nil"))
	}
	fv := reflect.ValueOf(handlerFunc)
	ft := fv.Type()
	if ft.Kind() != reflect.Func {
		return failingHTTPHandler(fmt.Errorf("handler kind %s is not %s", ft.Kind(), reflect.Func))
	}
	if n := ft.NumIn(); n != 3 {
		return failingHTTPHandler(fmt.Errorf("http handler should takes three arguments, but handler takes %d", n))
	}
	if a := ft.In(0); !a.Implements(contextType) {
		return failingHTTPHandler(fmt.Errorf("handler takes three arguments, but the first is not Context. got %s", a.Kind()))
	}
	if a := ft.In(1); !a.Implements(responseWriterType) {
		return failingHTTPHandler(fmt.Errorf("handler takes three arguments, but the second is not http.ResponseWriter. got %s", a.Kind()))
	}
	switch ft.NumOut() {
	case 0:
	case 1:
		if !ft.Out(0).Implements(errorType) {
			return failingHTTPHandler(fmt.Errorf("handler returns a single value, but it does not implement error"))
		}
	default:
		return failingHTTPHandler(fmt.Errorf("handler may not return more than one values"))
	}
	nOut := ft.NumOut()
	return httpFunc(func(ctx context.Context, w http.ResponseWriter, req *http.Request) error {
		outs := fv.Call([]reflect.Value{reflect.ValueOf(ctx), reflect.ValueOf(w), reflect.ValueOf(req)})
		if nOut == 1 {
			if e, ok := outs[0].Interface().(error); ok {
				return e
			}
		}
		return nil
	})
}

// HTTPParams is the request line and headers of an HTTP invocation, as the
// platform passes them (base64 JSON in the x-fc-http-params header).
type HTTPParams struct {
	Path       string              `json:"path"`
	Method     string              `json:"method"`
	RequestURI string              `json:"requestURI"`
	ClientIP   string              `json:"clientIP"`
	Host       string              `json:"host"`
	QueriesMap map[string][]string `json:"queriesMap"`
	HeadersMap map[string][]string `json:"headersMap"`
}

// newHTTPRequest rebuilds the client's request from the encoded parameters
// and the invocation body. As on FC, req.Host holds the client's IP; the
// host the client asked for is in req.URL.Host.
func newHTTPRequest(ctx context.Context, encoded string, body []byte) (*http.Request, error) {
	raw, err := base64.StdEncoding.DecodeString(encoded)
	if err != nil {
		return nil, err
	}
	var p HTTPParams
	if err := json.Unmarshal(raw, &p); err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, p.Method, p.RequestURI, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if p.Path != "" {
		req.URL.Path = p.Path
		req.URL.RawPath = ""
	}
	if req.URL.RawQuery == "" && len(p.QueriesMap) > 0 {
		req.URL.RawQuery = url.Values(p.QueriesMap).Encode()
	}
	req.URL.Host = p.Host
	req.Header = make(http.Header, len(p.HeadersMap))
	for k, vs := range p.HeadersMap {
		ck := http.CanonicalHeaderKey(k)
		req.Header[ck] = append(req.Header[ck], vs...)
	}
	req.Host = p.ClientIP
	req.RemoteAddr = p.ClientIP
	req.RequestURI = p.RequestURI
	if req.RequestURI == "" {
		req.RequestURI = req.URL.RequestURI()
	}
	return req, nil
}
