package fc

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestExampleHelloBuildsOfflineAndRuns builds examples/hello the way
// fnplay's build step does (a user module requiring the public SDK
// version, with a replace pointing here; no network), then runs the binary
// against the fake runtime API.
func TestExampleHelloBuildsOfflineAndRuns(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a binary")
	}
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go toolchain on PATH")
	}
	sdk, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	src := t.TempDir()
	for _, f := range []string{"main.go", "go.mod"} {
		b, err := os.ReadFile(filepath.Join(sdk, "examples", "hello", f))
		if err != nil {
			t.Fatal(err)
		}
		if f == "go.mod" {
			b = []byte(strings.Replace(string(b), "=> ../..", "=> "+sdk, 1))
		}
		if err := os.WriteFile(filepath.Join(src, f), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := filepath.Join(t.TempDir(), "main")
	build := exec.Command(goBin, "build", "-trimpath", "-buildvcs=false", "-o", out, ".")
	build.Dir = src
	build.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOPROXY=off", "GOWORK=off",
		"CGO_ENABLED=0", "GOOS=linux", "GOARCH=amd64")
	if b, err := build.CombinedOutput(); err != nil {
		t.Fatalf("offline build failed: %v\n%s", err, b)
	}

	api := newFakeAPI(t)
	c := runProgram(t, exec.Command(out), nil, api)
	id, res := api.invoke(hookHeaders("1"), "")
	if res.kind != "response" {
		t.Fatalf("initializer: %s %s", res.kind, res.body)
	}
	c.waitOutput(t, c.stdout, "FC Initialize End RequestId: "+id+"\n")
	c.waitOutput(t, c.stderr, "initializer ran")
	id, res = api.invoke(nil, `{"key":"world"}`)
	if res.kind != "response" || string(res.body) != `"hello, world!"` {
		t.Fatalf("invoke: %s %s", res.kind, res.body)
	}
	stdout := c.waitOutput(t, c.stdout, "FC Invoke End RequestId: "+id+"\n")
	if !strings.Contains(stdout, " "+id+" [INFO] main.go:") || !strings.Contains(stdout, ": function fn, request "+id+"\n") {
		t.Fatalf("stdout:\n%s", stdout)
	}
}
