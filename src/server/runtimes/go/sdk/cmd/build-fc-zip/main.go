// Command build-fc-zip packs a Linux executable (and any extra files) into a
// zip for a Go function:
//
//	build-fc-zip [-o|-output out.zip] <exe> [files...]
//
// The executable is stored with mode 0777. When it is not itself named
// bootstrap, a symlink entry "bootstrap" pointing at it is added too. The
// output defaults to <exe>.zip.
package main

import (
	"archive/zip"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	var output string
	flag.StringVar(&output, "output", "", "output zip path (default <exe>.zip)")
	flag.StringVar(&output, "o", "", "shorthand for -output")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "usage: build-fc-zip [-o out.zip] <exe> [files...]\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	if flag.NArg() == 0 {
		fmt.Fprintln(os.Stderr, "no input provided")
		os.Exit(1)
	}
	exe := flag.Arg(0)
	if output == "" {
		output = filepath.Base(exe) + ".zip"
	}
	if err := build(output, exe, flag.Args()[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "failed to compress file: %v\n", err)
		os.Exit(1)
	}
	log.Print("wrote " + output)
}

func build(output, exe string, extra []string) (err error) {
	f, err := os.Create(output)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	zw := zip.NewWriter(f)
	name := filepath.Base(exe)
	if name != "bootstrap" {
		h := &zip.FileHeader{Name: "bootstrap", Method: zip.Deflate}
		h.SetMode(0o755 | os.ModeSymlink)
		w, err := zw.CreateHeader(h)
		if err != nil {
			return err
		}
		if _, err := io.WriteString(w, name); err != nil {
			return err
		}
	}
	h := &zip.FileHeader{Name: name, Method: zip.Deflate}
	h.SetMode(0o777)
	if err := addFile(zw, h, exe); err != nil {
		return err
	}
	for _, p := range extra {
		h := &zip.FileHeader{Name: strings.TrimLeft(filepath.ToSlash(p), "/"), Method: zip.Deflate}
		if st, err := os.Stat(p); err == nil {
			if st.IsDir() {
				return errors.New(p + " is a directory")
			}
			h.SetMode(st.Mode().Perm())
		}
		if err := addFile(zw, h, p); err != nil {
			return err
		}
	}
	return zw.Close()
}

func addFile(zw *zip.Writer, h *zip.FileHeader, path string) error {
	src, err := os.Open(path)
	if err != nil {
		return err
	}
	defer src.Close()
	w, err := zw.CreateHeader(h)
	if err != nil {
		return err
	}
	_, err = io.Copy(w, src)
	return err
}
