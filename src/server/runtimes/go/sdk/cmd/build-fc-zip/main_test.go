package main

import (
	"archive/zip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestBuild(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "main")
	extra := filepath.Join(dir, "config.json")
	os.WriteFile(exe, []byte("\x7fELF..."), 0o755)
	os.WriteFile(extra, []byte("{}"), 0o644)
	out := filepath.Join(dir, "out.zip")
	if err := build(out, exe, []string{extra}); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.OpenReader(out)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	got := map[string]*zip.File{}
	for _, f := range zr.File {
		got[f.Name] = f
	}
	link := got["bootstrap"]
	if link == nil || link.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("no bootstrap symlink: %v", got)
	}
	if b := read(t, link); b != "main" {
		t.Fatalf("link target %q", b)
	}
	m := got["main"]
	if m == nil || m.Mode().Perm() != 0o777 || read(t, m) != "\x7fELF..." {
		t.Fatalf("exe entry %+v", m)
	}
	if c := got[strings.TrimLeft(filepath.ToSlash(extra), "/")]; c == nil || read(t, c) != "{}" {
		t.Fatalf("extra file missing: %v", got)
	}
}

func TestBuildBootstrapNamed(t *testing.T) {
	dir := t.TempDir()
	exe := filepath.Join(dir, "bootstrap")
	os.WriteFile(exe, []byte("x"), 0o755)
	out := filepath.Join(dir, "o.zip")
	if err := build(out, exe, nil); err != nil {
		t.Fatal(err)
	}
	zr, _ := zip.OpenReader(out)
	defer zr.Close()
	if len(zr.File) != 1 || zr.File[0].Name != "bootstrap" || zr.File[0].Mode()&os.ModeSymlink != 0 {
		t.Fatalf("%v", zr.File)
	}
}

func read(t *testing.T, f *zip.File) string {
	t.Helper()
	rc, err := f.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, _ := io.ReadAll(rc)
	return string(b)
}
