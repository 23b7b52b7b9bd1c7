package fc

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"time"
)

// bufferedResponse is the http.ResponseWriter an HTTP handler writes to.
// Nothing is streamed: status, headers and body are sent together once the
// handler returns, so headers set after WriteHeader or Write still count.
// The status stays 0 when the handler writes nothing at all.
type bufferedResponse struct {
	header      http.Header
	status      int
	wroteHeader bool
	body        bytes.Buffer
}

func newBufferedResponse() *bufferedResponse {
	return &bufferedResponse{header: http.Header{}}
}

func (r *bufferedResponse) Header() http.Header { return r.header }

func (r *bufferedResponse) WriteHeader(status int) {
	if r.wroteHeader {
		return
	}
	r.wroteHeader = true
	r.status = status
	if r.header.Get("Date") == "" {
		r.header.Set("Date", time.Now().UTC().Format(http.TimeFormat))
	}
}

func (r *bufferedResponse) Write(p []byte) (int, error) {
	if !r.wroteHeader {
		r.WriteHeader(http.StatusOK)
	}
	return r.body.Write(p)
}

// WriteString lets io.WriteString skip a copy.
func (r *bufferedResponse) WriteString(s string) (int, error) {
	if !r.wroteHeader {
		r.WriteHeader(http.StatusOK)
	}
	return r.body.WriteString(s)
}

// encodedParams is the x-fc-http-params header of the response post:
// base64 of {"status":<int>,"headersMap":{name:[values]}}.
func (r *bufferedResponse) encodedParams() (string, error) {
	b, err := json.Marshal(struct {
		Status     int         `json:"status"`
		HeadersMap http.Header `json:"headersMap"`
	}{r.status, r.header})
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(b), nil
}
