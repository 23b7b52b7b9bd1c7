package fc

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"time"
)

const (
	apiVersion = "2020-11-11"

	headerRequestID      = "x-fc-request-id"
	headerDeadline       = "x-fc-function-deadline"
	headerFunctionType   = "x-fc-function-type"
	headerAccessKeyID    = "x-fc-access-key-id"
	headerAccessSecret   = "x-fc-access-key-secret"
	headerSecurityToken  = "x-fc-security-token"
	headerFunctionName   = "x-fc-function-name"
	headerHandler        = "x-fc-function-handler"
	headerMemory         = "x-fc-function-memory"
	headerTimeout        = "x-fc-function-timeout"
	headerServiceName    = "x-fc-service-name"
	headerLogProject     = "x-fc-service-logproject"
	headerLogStore       = "x-fc-service-logstore"
	headerQualifier      = "x-fc-qualifier"
	headerVersionID      = "x-fc-version-id"
	headerRegion         = "x-fc-region"
	headerAccountID      = "x-fc-account-id"
	headerRetryCount     = "x-fc-retry-count"
	headerHTTPParams     = "x-fc-http-params"
	headerSpanContext    = "x-fc-tracing-opentracing-span-context"
	headerSpanBaggages   = "x-fc-tracing-opentracing-span-baggages"
	headerJaegerEndpoint = "x-fc-tracing-jaeger-endpoint"

	contentTypeJSON = "application/json"
)

// apiClient talks to the runtime API at http://$FC_RUNTIME_API.
type apiClient struct {
	base      string // http://host:port/2020-11-11/runtime/invocation/
	userAgent string
	http      *http.Client
}

func newAPIClient(address string) *apiClient {
	transport := &http.Transport{
		DialContext:         (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		MaxIdleConns:        256,
		MaxIdleConnsPerHost: 256,
		IdleConnTimeout:     90 * time.Second,
		DisableCompression:  true,
	}
	return &apiClient{
		base:      "http://" + address + "/" + apiVersion + "/runtime/invocation/",
		userAgent: "aliyun-fc-go/" + runtime.Version(),
		// No client timeout: the next-invocation poll waits as long as the
		// platform likes.
		http: &http.Client{Transport: transport},
	}
}

// invocation is one answer of GET .../next.
type invocation struct {
	id      string
	payload []byte
	header  http.Header
}

// next long-polls for the next invocation.
func (c *apiClient) next(ctx context.Context) (*invocation, error) {
	url := c.base + "next"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return nil, fmt.Errorf("failed to construct GET request to %s: %v", url, err)
	}
	req.Header.Set("User-Agent", c.userAgent)
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("failed to get the next invoke: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("failed to GET %s: got unexpected status code: %d", url, resp.StatusCode)
	}
	if err != nil {
		return nil, fmt.Errorf("failed to read the invoke payload: %v", err)
	}
	return &invocation{id: resp.Header.Get(headerRequestID), payload: body, header: resp.Header}, nil
}

// respond posts a successful result; httpParams is set for HTTP functions.
func (c *apiClient) respond(id string, body []byte, httpParams string) error {
	return c.post(c.base+id+"/response", body, httpParams)
}

// fail posts an error envelope (JSON).
func (c *apiClient) fail(id string, body []byte) error {
	return c.post(c.base+id+"/error", body, "")
}

func (c *apiClient) post(url string, body []byte, httpParams string) error {
	req, err := http.NewRequest(http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("failed to construct POST request to %s: %v", url, err)
	}
	req.Header.Set("User-Agent", c.userAgent)
	req.Header.Set("Content-Type", contentTypeJSON)
	if httpParams != "" {
		req.Header.Set(headerHTTPParams, httpParams)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("failed to POST to %s: %v", url, err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	// fnplay answers 202; FC's own API is understood to answer 200.
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("failed to POST to %s: got unexpected status code: %d", url, resp.StatusCode)
	}
	return nil
}
