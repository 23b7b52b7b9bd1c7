package events

import (
	"encoding/json"
	"testing"
)

func TestOssEvent(t *testing.T) {
	raw := `{"events":[{"eventName":"ObjectCreated:PutObject","eventSource":"acs:oss",
	"eventTime":"2022-08-13T06:45:43.000Z","eventVersion":"1.0",
	"oss":{"bucket":{"arn":"acs:oss:cn-hangzhou:123456:testbucket","name":"testbucket","ownerIdentity":"123456"},
	"object":{"deltaSize":122539,"eTag":"688A7BF4F233DC9C88A80BF985AB7329","key":"image/a.jpg","size":122539},
	"ossSchemaVersion":"1.0","ruleId":"9adac8e253828f4f7c0466d941fa3db81161****"},
	"region":"cn-hangzhou","requestParameters":{"sourceIPAddress":"140.205.XX.XX"},
	"responseElements":{"requestId":"58F9FF2D3DF792092E12044C"},"userIdentity":{"principalId":"123456"}}]}`
	var e OssEvent
	if err := json.Unmarshal([]byte(raw), &e); err != nil {
		t.Fatal(err)
	}
	r := e.Events[0]
	if *r.EventName != "ObjectCreated:PutObject" || *r.Oss.Bucket.Name != "testbucket" ||
		*r.Oss.Object.Key != "image/a.jpg" || *r.Oss.Object.Size != 122539 ||
		*r.RequestParameters.SourceIPAddress != "140.205.XX.XX" || r.EventTime.Year() != 2022 ||
		r.Oss.Bucket.VirtualBucket != nil {
		t.Fatalf("%+v", r)
	}
}

func TestTimerEvent(t *testing.T) {
	var e TimerEvent
	if err := json.Unmarshal([]byte(`{"triggerTime":"2023-01-01T00:00:00Z","triggerName":"every-minute","payload":"p"}`), &e); err != nil {
		t.Fatal(err)
	}
	if *e.TriggerName != "every-minute" || *e.Payload != "p" || *e.TriggerTime != "2023-01-01T00:00:00Z" {
		t.Fatalf("%+v", e)
	}
}

func TestSlsEvent(t *testing.T) {
	raw := `{"parameter":{"k":"v"},"source":{"endpoint":"http://cn-hangzhou-intranet.log.aliyuncs.com",
	"projectName":"p","logstoreName":"s","shardId":0,"beginCursor":"MTUy","endCursor":"MTUz"},
	"jobName":"job","taskId":"task","cursorTime":1529486425}`
	var e SlsEvent
	if err := json.Unmarshal([]byte(raw), &e); err != nil {
		t.Fatal(err)
	}
	if *e.Source.ProjectName != "p" || *e.Source.ShardID != 0 || *e.CursorTime != 1529486425 || (*e.Parameter).(map[string]interface{})["k"] != "v" {
		t.Fatalf("%+v", e)
	}
}

func TestHttpTriggerEvent(t *testing.T) {
	raw := `{"version":"v1","rawPath":"/a","body":"aGk=","isBase64Encoded":true,
	"headers":{"X-A":"1"},"queryParameters":{"q":"1"},
	"requestContext":{"accountId":"1","domainName":"d","domainPrefix":"p",
	"http":{"method":"GET","path":"/a","protocol":"HTTP/1.1","sourceIp":"1.2.3.4","userAgent":"ua"},
	"requestId":"r","time":"2023-01-01T00:00:00Z","timeEpoch":"1672531200000"}}`
	var e HttpRequest
	if err := json.Unmarshal([]byte(raw), &e); err != nil {
		t.Fatal(err)
	}
	if *e.RawPath != "/a" || !*e.IsBase64Encoded || *e.RequestContext.Http.SourceIp != "1.2.3.4" || (*e.Headers)["X-A"] != "1" {
		t.Fatalf("%+v", e)
	}
	code, body := 200, "ok"
	out, _ := json.Marshal(HttpRepose{StatusCode: &code, Body: &body})
	if string(out) != `{"statusCode":200,"headers":null,"isBase64Encoded":null,"body":"ok"}` {
		t.Fatalf("%s", out)
	}
}
