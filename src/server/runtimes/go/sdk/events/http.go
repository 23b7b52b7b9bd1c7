package events

import "time"

// HttpRequest is the event an HTTP trigger passes to an event handler in
// FC 3.0 (FC 2.0 HTTP functions use fc.StartHttp instead).
type HttpRequest struct {
	Version         *string                 `json:"version"`
	RawPath         *string                 `json:"rawPath"`
	Body            *string                 `json:"body"`
	IsBase64Encoded *bool                   `json:"isBase64Encoded"`
	Headers         *map[string]interface{} `json:"headers"`
	QueryParameters *map[string]interface{} `json:"queryParameters"`
	RequestContext  RequestContext          `json:"requestContext"`
}

// RequestContext describes where an HTTP trigger's request came from.
type RequestContext struct {
	AccountId    *string `json:"accountId"`
	DomainName   *string `json:"domainName"`
	DomainPrefix *string `json:"domainPrefix"`
	Http         struct {
		Method    *string `json:"method"`
		Path      *string `json:"path"`
		Protocol  *string `json:"protocol"`
		SourceIp  *string `json:"sourceIp"`
		UserAgent *string `json:"userAgent"`
	} `json:"http"`
	RequestId *string    `json:"requestId"`
	Time      *time.Time `json:"time"`
	TimeEpoch *string    `json:"timeEpoch"`
}

// HttpRepose is the result an event handler returns to answer an HTTP
// trigger (the name's spelling is the public SDK's).
type HttpRepose struct {
	StatusCode      *int                    `json:"statusCode"`
	Headers         *map[string]interface{} `json:"headers"`
	IsBase64Encoded *bool                   `json:"isBase64Encoded"`
	Body            *string                 `json:"body"`
}
