// Images for the custom-container tests, built offline like the image store's (oci-images.ts):
// a static Go "probe" server that answers the CA protocol and lets a test look around the
// container (files, user, environment), and a registry front that holds pulls until released.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { buildGoBinary, buildImage, busyboxLayer, createLayout } from './oci-images.ts';

/**
 * POST /invoke takes `{"op": …}`: read/write/fill/ls/rm a path, id (uid, gid, cwd), env, print a
 * line, exit(3); any other body is echoed. /initialize, /pre-freeze, /pre-stop print
 * "<hook> <request id>". Other paths (an HTTP function) answer method, path, query and the
 * control path as JSON. Listens on $LISTEN_ADDR (default 0.0.0.0:9000; `none`: never).
 */
export const PROBE_SERVER_SOURCE = `package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

type request struct {
	Op   string
	Path string
	Data string
	Size int
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func invoke(w http.ResponseWriter, body []byte) {
	var o request
	if json.Unmarshal(body, &o) != nil || o.Op == "" {
		w.Header().Set("x-fc-status", "200")
		w.Write(body)
		return
	}
	res := map[string]interface{}{}
	switch o.Op {
	case "read":
		b, err := os.ReadFile(o.Path)
		res["data"], res["err"] = string(b), errText(err)
	case "write":
		res["err"] = errText(os.WriteFile(o.Path, []byte(o.Data), 0644))
	case "fill":
		f, err := os.Create(o.Path)
		if err == nil {
			buf := make([]byte, 1<<20)
			for i := 0; i < o.Size && err == nil; i++ {
				_, err = f.Write(buf)
			}
			f.Close()
		}
		res["err"] = errText(err)
	case "ls":
		names := []string{}
		entries, err := os.ReadDir(o.Path)
		for _, e := range entries {
			names = append(names, e.Name())
		}
		res["names"], res["err"] = names, errText(err)
	case "rm":
		res["err"] = errText(os.RemoveAll(o.Path))
	case "id":
		wd, _ := os.Getwd()
		res["uid"], res["gid"], res["cwd"] = os.Getuid(), os.Getgid(), wd
	case "env":
		res["env"] = os.Environ()
	case "print":
		fmt.Println(o.Data)
	case "exit":
		os.Exit(3)
	}
	w.Header().Set("x-fc-status", "200")
	json.NewEncoder(w).Encode(res)
}

func main() {
	addr := os.Getenv("LISTEN_ADDR")
	if addr == "" {
		addr = "0.0.0.0:9000"
	}
	if addr == "none" {
		fmt.Println("not listening, on purpose")
		for {
			time.Sleep(time.Hour)
		}
	}
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		rid := r.Header.Get("x-fc-request-id")
		switch r.URL.Path {
		case "/invoke":
			body, _ := io.ReadAll(r.Body)
			invoke(w, body)
		case "/initialize", "/pre-freeze", "/pre-stop":
			fmt.Println(r.URL.Path[1:] + " " + rid)
			w.Write([]byte("ok"))
		default:
			w.Header().Set("content-type", "application/json")
			json.NewEncoder(w).Encode(map[string]string{"method": r.Method, "path": r.URL.Path, "query": r.URL.RawQuery, "controlPath": r.Header.Get("x-fc-control-path")})
		}
	})
	fmt.Println("listening on " + addr)
	if err := http.ListenAndServe(addr, nil); err != nil {
		fmt.Println(err)
		os.Exit(1)
	}
}
`;

export interface ContainerTestImages {
  layout: string;
  tags: { probe: string; probeV2: string; nonRoot: string; whiteout: string; noCommand: string; arm64: string };
}

/**
 * - probe: busybox's files, the probe server at /app/server (ENTRYPOINT), /app/data.txt,
 *   WorkingDir /app, Env IMAGE_VAR and PATH
 * - probe-v2: the same with /app/data.txt saying v2 (an updated image)
 * - non-root: the probe as USER app (1000:1000, HOME /home/app)
 * - whiteout: /data/gone.txt added then deleted in an upper layer, /data/keep.txt kept
 * - no-command: the probe binary with no ENTRYPOINT or CMD
 * - arm64: the probe's layers with an arm64 config
 */
export async function buildContainerTestImages(dir: string): Promise<ContainerTestImages> {
  const layout = await createLayout(`${dir}/container-images`);
  const server = await buildGoBinary(PROBE_SERVER_SOURCE);
  const tags = { probe: 'probe', probeV2: 'probe-v2', nonRoot: 'non-root', whiteout: 'whiteout', noCommand: 'no-command', arm64: 'arm64' };
  const app = (data: string) => ({ files: { 'app/server': { from: server, mode: 0o755 }, 'app/data.txt': data } });
  const config = { entrypoint: ['/app/server'], env: ['PATH=/bin:/app', 'IMAGE_VAR=from-image'], workingDir: '/app' };
  await buildImage(layout, tags.probe, { layers: [busyboxLayer(), app('from the image v1')], config });
  await buildImage(layout, tags.probeV2, { layers: [busyboxLayer(), app('from the image v2')], config });
  await buildImage(layout, tags.nonRoot, { layers: [busyboxLayer(), app('non-root'), { files: { 'home/app': { dir: true, mode: 0o755 } } }], config: { ...config, user: 'app' } });
  await buildImage(layout, tags.whiteout, {
    layers: [busyboxLayer(), app('whiteout'), { files: { 'data/gone.txt': 'deleted above', 'data/keep.txt': 'kept' } }, { whiteouts: ['data/gone.txt'] }],
    config,
  });
  await buildImage(layout, tags.noCommand, { layers: [app('no command')], config: { env: ['PATH=/app'] } });
  await buildImage(layout, tags.arm64, { layers: [busyboxLayer(), app('arm64')], config: { ...config, architecture: 'arm64' } });
  return { layout, tags };
}

/** A front for a registry on loopback whose blob downloads wait while `hold()` is on. */
export async function startHoldingProxy(upstream: string): Promise<{ host: string; hold(): void; release(): void; close(): Promise<void> }> {
  let held: (() => void)[] | null = null;
  const server: Server = createServer((req, res) => {
    const forward = () => {
      const up = request({ host: upstream.split(':')[0], port: Number(upstream.split(':')[1]), path: req.url, method: req.method, headers: { ...req.headers, host: upstream } }, (r) => {
        res.writeHead(r.statusCode ?? 502, r.headers);
        r.pipe(res);
      });
      up.on('error', () => res.destroy());
      req.pipe(up);
    };
    if (held && /\/blobs\//.test(req.url ?? '')) held.push(forward);
    else forward();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    host: `127.0.0.1:${port}`,
    hold: () => void (held ??= []),
    release() {
      const waiting = held ?? [];
      held = null;
      for (const f of waiting) f();
    },
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
}
