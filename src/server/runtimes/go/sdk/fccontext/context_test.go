package fccontext

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// captureStdout runs f with os.Stdout redirected and returns what it wrote.
func captureStdout(t *testing.T, f func()) string {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stdout
	os.Stdout = w
	done := make(chan string)
	go func() { b, _ := io.ReadAll(r); done <- string(b) }()
	defer func() { os.Stdout = saved }()
	f()
	w.Close()
	return <-done
}

func TestFromContext(t *testing.T) {
	if fc, ok := FromContext(context.Background()); ok || fc != nil {
		t.Fatal("found a context that is not there")
	}
	in := &FcContext{RequestID: "rid", Region: "cn-shanghai"}
	ctx := NewContext(context.Background(), in)
	fc, ok := FromContext(ctx)
	if !ok || fc != in || fc.GetLogger() == nil {
		t.Fatalf("got %v %v", fc, ok)
	}
}

func TestFcContextJSONKeys(t *testing.T) {
	fc := &FcContext{RequestID: "r", Function: Function{Timeout: 3}, Tracing: Tracing{OpenTracingSpanBaggages: map[string]string{}}}
	NewContext(context.Background(), fc) // attaches a logger, which must stay out of the JSON
	b, _ := json.Marshal(fc)
	want := `{"RequestID":"r","Credentials":{"AccessKeyId":"","AccessKeySecret":"","SecurityToken":""},` +
		`"Function":{"Name":"","Handler":"","Memory":"","Timeout":3},` +
		`"Service":{"Name":"","LogProject":"","LogStore":"","Qualifier":"","VersionId":""},` +
		`"Region":"","AccountId":"","RetryCount":0,` +
		`"Tracing":{"OpenTracingSpanContext":"","OpenTracingSpanBaggages":{},"JaegerEndpoint":""}}`
	if string(b) != want {
		t.Fatalf("got  %s\nwant %s", b, want)
	}
}

func TestLoggerFormat(t *testing.T) {
	var line int
	out := captureStdout(t, func() {
		l := (&FcContext{RequestID: "1-64f7ef72-64caf1ff0046194d9a26bbd7"}).GetLogger()
		_, _, line = callerLine()
		line += 2
		l.Debug("this is", "Debug", 1)
		l.Debugf("Hi, %s\n", "this is Debugf log")
		l.Info("i")
		l.Infof("n=%d", 3)
		l.Warn("w")
		l.Warnf("w%s", "f")
		l.Error("e")
		l.Errorf("multi\nline")
	})
	ts := `\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{0,2}[1-9])?Z`
	rid := `1-64f7ef72-64caf1ff0046194d9a26bbd7`
	file := `context_test\.go:`
	want := []string{
		ts + ` ` + rid + ` \[DEBUG\] ` + file + strconv.Itoa(line) + `: this is Debug 1`,
		ts + ` ` + rid + ` \[DEBUG\] ` + file + strconv.Itoa(line+1) + `: Hi, this is Debugf log`,
		ts + ` ` + rid + ` \[INFO\] ` + file + `\d+: i`,
		ts + ` ` + rid + ` \[INFO\] ` + file + `\d+: n=3`,
		ts + ` ` + rid + ` \[WARN\] ` + file + `\d+: w`,
		ts + ` ` + rid + ` \[WARN\] ` + file + `\d+: wf`,
		ts + ` ` + rid + ` \[ERROR\] ` + file + `\d+: e`,
		ts + ` ` + rid + ` \[ERROR\] ` + file + strconv.Itoa(line+7) + `: multi`,
		`line`,
	}
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("got:\n%s", out)
	}
	for i, w := range want {
		if !regexp.MustCompile(`^` + w + `$`).MatchString(lines[i]) {
			t.Errorf("line %d %q !~ %q", i, lines[i], w)
		}
	}
}

func TestLoggerLinesDoNotInterleave(t *testing.T) {
	out := captureStdout(t, func() {
		var wg sync.WaitGroup
		for g := 0; g < 8; g++ {
			wg.Add(1)
			go func(g int) {
				defer wg.Done()
				l := NewFcLogger("rid" + strconv.Itoa(g))
				for i := 0; i < 200; i++ {
					l.Infof("%s", strings.Repeat(strconv.Itoa(g), 300))
				}
			}(g)
		}
		wg.Wait()
	})
	re := regexp.MustCompile(`^\S+ rid(\d) \[INFO\] context_test\.go:\d+: (\d{300})$`)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 1600 {
		t.Fatalf("%d lines", len(lines))
	}
	for _, l := range lines {
		m := re.FindStringSubmatch(l)
		if m == nil || strings.Trim(m[2], m[1]) != "" {
			t.Fatalf("mangled line %q", l)
		}
	}
}

func TestTimestampTrimsZeros(t *testing.T) {
	// The layout drops trailing zeros of the fraction, and the dot with them.
	cases := map[string]string{
		"2022-04-20T04:28:41.790Z": "2022-04-20T04:28:41.79Z",
		"2022-04-20T04:28:41.791Z": "2022-04-20T04:28:41.791Z",
		"2022-04-20T04:28:41.000Z": "2022-04-20T04:28:41Z",
	}
	for in, want := range cases {
		tm, err := parseRFC3339(in)
		if err != nil {
			t.Fatal(err)
		}
		if got := tm.UTC().Format(timeLayout); got != want {
			t.Errorf("%s -> %s, want %s", in, got, want)
		}
	}
}
