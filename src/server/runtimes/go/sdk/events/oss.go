package events

import "time"

// OssEvent is what an OSS trigger sends: one record per object event.
type OssEvent struct {
	Events []*OssEventRecord `json:"events"`
}

// OssEventRecord describes one object event, e.g. ObjectCreated:PutObject.
type OssEventRecord struct {
	EventName         *string            `json:"eventName"`
	EventSource       *string            `json:"eventSource"`
	EventTime         *time.Time         `json:"eventTime"`
	EventVersion      *string            `json:"eventVersion"`
	Oss               *Oss               `json:"oss"`
	Region            *string            `json:"region"`
	RequestParameters *RequestParameters `json:"requestParameters"`
	ResponseElements  *ResponseElements  `json:"responseElements"`
	UserIdentity      *UserIdentity      `json:"userIdentity"`
}

// Oss names the bucket and object of an event.
type Oss struct {
	Bucket           *Bucket `json:"bucket"`
	Object           *Object `json:"object"`
	OssSchemaVersion *string `json:"ossSchemaVersion"`
	RuleID           *string `json:"ruleId"`
}

// Bucket is the bucket an event happened in.
type Bucket struct {
	Arn           *string `json:"arn"`
	Name          *string `json:"name"`
	OwnerIdentity *string `json:"ownerIdentity"`
	VirtualBucket *string `json:"virtualBucket"`
}

// Object is the object an event is about.
type Object struct {
	DeltaSize  *int        `json:"deltaSize"`
	ETag       *string     `json:"eTag"`
	Key        *string     `json:"key"`
	ObjectMeta *ObjectMeta `json:"objectMeta"`
	Size       *int        `json:"size"`
}

// ObjectMeta carries the object's MIME type.
type ObjectMeta struct {
	MimeType *string `json:"mimeType"`
}

// RequestParameters holds the address the OSS request came from.
type RequestParameters struct {
	SourceIPAddress *string `json:"sourceIPAddress"`
}

// ResponseElements holds the OSS request id.
type ResponseElements struct {
	RequestID *string `json:"requestId"`
}

// UserIdentity is the account that caused the event.
type UserIdentity struct {
	PrincipalID *string `json:"principalId"`
}
