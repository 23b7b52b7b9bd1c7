import JSZip from 'jszip';

/**
 * The Go function of the Go scenario: hello, world, and the echo handler the Node.js scenarios
 * call (a json.RawMessage in is the payload as sent, out is written back as it is). `revision` is
 * the one line a rebuild changes.
 */
export const helloGo = (revision: number) => `package main

import (
	"context"
	"encoding/json"

	"github.com/aliyun/fc-runtime-go-sdk/fc"
)

var greeting = "hello, world (revision ${revision})"

func main() {
	fc.Start(func(ctx context.Context, event json.RawMessage) (json.RawMessage, error) {
		if len(event) == 0 {
			return json.Marshal(greeting)
		}
		return event, nil
	})
}
`;

/**
 * The cold-start floor for Go: the smallest net/http server that answers the instance protocol's
 * POST (echo, x-fc-status 200), saying "listening" once it listens on 127.0.0.1:FC_SERVER_PORT.
 */
export const BARE_GO_SERVER = `package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
)

func main() {
	ln, err := net.Listen("tcp", "127.0.0.1:"+os.Getenv("FC_SERVER_PORT"))
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("listening")
	http.Serve(ln, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("content-type", "application/octet-stream")
		w.Header().Set("x-fc-status", "200")
		w.Write(body)
	}))
}
`;

/** A prebuilt executable zipped under `name` (mode 755), base64 for `code.zipFile`. */
export async function zipExecutable(name: string, bytes: Buffer): Promise<string> {
  const zip = new JSZip();
  zip.file(name, bytes, { unixPermissions: 0o755 });
  return (await zip.generateAsync({ type: 'nodebuffer', platform: 'UNIX', compression: 'DEFLATE' })).toString('base64');
}
