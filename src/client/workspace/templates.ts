import type { Runtime } from '../../shared/function-config.ts';
import { PYTHON_EVENT, PYTHON_LIFECYCLE, PYTHON_WSGI } from './python-templates.ts';
import type { ManifestDraft, WorkspaceFile } from './types.ts';

/** A starting point: files plus the manifest fields that make them run. */
export interface WorkspaceTemplate {
  id: string;
  name: string;
  runtime: Runtime;
  files: Record<string, WorkspaceFile>;
  manifest: Partial<ManifestDraft>;
}

const file = (content: string, executable = false): WorkspaceFile => ({ content, executable });

const NODE_EVENT = `'use strict';

// An event function: FC passes the payload as a Buffer and answers with what the handler returns.

// Runs once per instance, before its first invocation. Set "Initializer" to index.initializer.
// exports.initializer = async (context) => {
//   context.logger.info('initializing instance');
// };

exports.handler = async (event, context) => {
  const payload = event.toString();
  context.logger.info('received', payload);
  return {
    message: 'hello from fnplay',
    requestId: context.requestId,
    echo: payload,
  };
};

// Runs once before the instance is frozen, after its last in-flight request ends.
// Set "PreFreeze handler" to index.preFreeze.
// exports.preFreeze = async (context) => {
//   context.logger.info('about to freeze');
// };

// Runs once before the instance is stopped (idle reclaim, update, delete).
// Set "PreStop handler" to index.preStop.
// exports.preStop = async (context) => {
//   context.logger.info('about to stop');
// };
`;

const NODE_HTTP = `'use strict';

// An HTTP function: FC passes (request, response, context); the answer is what response.send() sends.
exports.handler = (request, response, context) => {
  const chunks = [];
  request.on('data', (chunk) => chunks.push(chunk));
  request.on('end', () => {
    const body = Buffer.concat(chunks).toString();
    context.logger.info(request.method, request.path);
    response.setStatusCode(200);
    response.setHeader('content-type', 'application/json');
    response.send(JSON.stringify({
      method: request.method,
      path: request.path,
      queries: request.queries,
      body,
      requestId: context.requestId,
    }));
  });
};
`;

// A shell bootstrap needs its #! line and the exec bit, or FC refuses to start it.
const CUSTOM_BOOTSTRAP = `#!/bin/sh
exec node server.js
`;

const CUSTOM_SERVER = `'use strict';

// A custom runtime is an HTTP server speaking FC's instance protocol on FC_SERVER_PORT.
// x-fc-status: 200 marks success, 404 failure.
const http = require('http');

const port = Number(process.env.FC_SERVER_PORT || 9000);

function readBody(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString()));
  });
}

function answer(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json', 'x-fc-status': String(status) });
  res.end(JSON.stringify(body));
}

http.createServer(async (req, res) => {
  const requestId = req.headers['x-fc-request-id'];
  const body = await readBody(req);

  // An HTTP function: the client's own method and path arrive here.
  if (req.headers['x-fc-control-path'] === '/http-invoke') {
    return answer(res, 200, { method: req.method, url: req.url, body, requestId });
  }

  switch (req.url) {
    case '/invoke': // POST, the payload is the body
      console.log('invoke', requestId, body);
      return answer(res, 200, { message: 'hello from a custom runtime', echo: body, requestId });
    case '/initialize': // POST, once per instance, when an initializer is set
      console.log('initialize', requestId);
      return answer(res, 200, {});
    case '/pre-freeze': // GET, when a PreFreeze handler is set
    case '/pre-stop': // GET, when a PreStop handler is set
      console.log(req.url.slice(1), requestId);
      return answer(res, 200, {});
    default:
      return answer(res, 404, { error: 'unknown path ' + req.url });
  }
}).listen(port, '0.0.0.0', () => console.log('listening on ' + port));
`;

// Go: the service builds main.go (with fnplay's own fc-runtime-go-sdk, offline) when it is deployed;
// no go.mod is needed. The handler is the name of the executable the build makes.
const GO_EVENT = `package main

import (
	"context"

	"github.com/aliyun/fc-runtime-go-sdk/fc"
	"github.com/aliyun/fc-runtime-go-sdk/fccontext"
)

// An event function: FC passes the payload as []byte. What the handler returns is sent back as
// JSON: a string comes back quoted, a struct as an object, an error as errorMessage/errorType.
func HandleRequest(ctx context.Context, event []byte) (string, error) {
	fctx, _ := fccontext.FromContext(ctx)
	fctx.GetLogger().Infof("hello %s", event)
	return "hello " + string(event), nil
}

func main() {
	fc.Start(HandleRequest)
}
`;

const GO_HTTP = `package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"

	"github.com/aliyun/fc-runtime-go-sdk/fc"
	"github.com/aliyun/fc-runtime-go-sdk/fccontext"
)

// An HTTP function: FC passes the client's request; what the handler writes to w is the answer.
func HandleHttpRequest(ctx context.Context, w http.ResponseWriter, req *http.Request) error {
	fctx, _ := fccontext.FromContext(ctx)
	body, err := io.ReadAll(req.Body)
	if err != nil {
		return err
	}
	fctx.GetLogger().Infof("%s %s", req.Method, req.URL.Path)
	w.Header().Set("content-type", "application/json")
	w.WriteHeader(http.StatusOK)
	return json.NewEncoder(w).Encode(map[string]interface{}{
		"method":    req.Method,
		"path":      req.URL.Path,
		"queries":   req.URL.Query(),
		"body":      string(body),
		"requestId": fctx.RequestID,
	})
}

func main() {
	fc.StartHttp(HandleHttpRequest)
}
`;

const GO_LIFECYCLE = `package main

import (
	"context"
	"log"

	"github.com/aliyun/fc-runtime-go-sdk/fc"
	"github.com/aliyun/fc-runtime-go-sdk/fccontext"
)

// Made once per instance by initialize, then used by every invocation (a DB pool, a client, …).
var greeting string

// The Initializer: runs once per instance, after it starts and before its first invocation.
// FC calls it only when the manifest's Initializer is set (any name: this function is what runs).
func initialize(ctx context.Context) {
	log.Print("this is initialize handler")
	fctx, _ := fccontext.FromContext(ctx)
	greeting = "hello from an instance initialized by " + fctx.RequestID
	fctx.GetLogger().Infof("initialized")
}

func HandleRequest(ctx context.Context, event []byte) (string, error) {
	return greeting + ": " + string(event), nil
}

// PreStop: runs once before the instance is stopped (idle reclaim, update, delete), when the
// manifest's PreStop handler is set. Release here what initialize made.
func preStop(ctx context.Context) {
	log.Print("this is preStop handler")
	fctx, _ := fccontext.FromContext(ctx)
	fctx.GetLogger().Infof("stopping")
}

func main() {
	// Hooks are registered before fc.Start; registered after it, they fail.
	fc.RegisterInitializerFunction(initialize)
	fc.RegisterPreStopFunction(preStop)
	fc.Start(HandleRequest)
}
`;

// custom-container: the function is an image; these files are how to make one, not code fnplay deploys.
const CONTAINER_README = `# A custom-container function

The function is an OCI image whose HTTP server speaks FC's custom runtime protocol on the
listening port (9000 here). The files beside this one build such an image; fnplay does not
deploy them: it runs the image named in the manifest's Image field.

## 1. Build the image

    docker build -t fnplay/app:v1 .

On an Apple Silicon Mac add \`--platform linux/amd64\`: FC (and fnplay) run amd64 images only.

## 2. Get it into fnplay

Either save it as an archive and import it:

    docker save -o app.tar fnplay/app:v1

then **Upload image archive** in the manifest's Container image section (the Image field is
filled in for you), or from a terminal:

    fnplay image import app.tar --name fnplay/app:v1

Or push it to a registry and put its reference in the Image field
(\`registry.cn-hangzhou.aliyuncs.com/<namespace>/app:v1\`, \`127.0.0.1:5000/fc/app:v1\`):
a deploy pulls it.

## 3. Deploy and invoke

Deploy prepares the image (pulls it if needed, then unpacks its layers once): the Image panel
shows the progress, and the badge at the top says Ready when it is done. Invoke sends the
payload to POST /invoke.

## What the server must do

- listen on **0.0.0.0**:9000 (or the listening port you set). A server on 127.0.0.1 is not
  reachable from outside its container: the instance fails with **FunctionNotStarted**.
- answer POST /invoke (an event function: the payload is the body; the answer is the result),
- POST /initialize when an Initializer is set, GET /pre-freeze and GET /pre-stop when those
  hooks are set,
- for an HTTP function, the client's own method and path.

Empty Command and Args in the manifest run the image's own ENTRYPOINT and CMD.
`;

const CONTAINER_DOCKERFILE = `FROM node:20-slim
WORKDIR /app
COPY server.js .
# FC sends requests to this port (the manifest's "Listening port")
EXPOSE 9000
CMD ["node", "server.js"]
`;

const CONTAINER_SERVER = `'use strict';

// A custom container's HTTP server: FC's custom runtime protocol on port 9000.
// It must listen on 0.0.0.0: a server on 127.0.0.1 fails to start with FunctionNotStarted.
const http = require('http');

const port = Number(process.env.FC_SERVER_PORT || 9000);

function readBody(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString()));
  });
}

function answer(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(typeof body === 'string' ? body : JSON.stringify(body));
}

http.createServer(async (req, res) => {
  const requestId = req.headers['x-fc-request-id'];
  const body = await readBody(req);
  const route = req.method + ' ' + req.url;

  switch (route) {
    case 'POST /invoke': // an event function: the payload is the body, the answer is the result
      console.log('invoke', requestId, body);
      return answer(res, 200, body);
    case 'POST /initialize': // once per instance, when an Initializer is set
      console.log('initialize', requestId);
      return answer(res, 200, 'initialized');
    case 'GET /pre-freeze': // before the instance is frozen, when a PreFreeze handler is set
    case 'GET /pre-stop': // before the instance is stopped, when a PreStop handler is set
      console.log(req.url.slice(1), requestId);
      return answer(res, 200, 'ok');
    default: // an HTTP function: the client's own method and path
      return answer(res, 200, { method: req.method, url: req.url, body, requestId });
  }
}).listen(port, '0.0.0.0', () => console.log('listening on 0.0.0.0:' + port));
`;

export const TEMPLATES: readonly WorkspaceTemplate[] = [
  {
    id: 'nodejs-event',
    name: 'Node.js event function',
    runtime: 'nodejs20',
    files: { 'index.js': file(NODE_EVENT) },
    manifest: { runtime: 'nodejs20', handler: 'index.handler', functionType: 'event' },
  },
  {
    id: 'nodejs-http',
    name: 'Node.js HTTP function',
    runtime: 'nodejs20',
    files: { 'index.js': file(NODE_HTTP) },
    manifest: { runtime: 'nodejs20', handler: 'index.handler', functionType: 'http', httpMethods: ['GET', 'POST'], httpAuthType: 'anonymous' },
  },
  {
    id: 'custom-bootstrap',
    name: 'Custom Runtime (bootstrap + server.js)',
    runtime: 'custom',
    files: { bootstrap: file(CUSTOM_BOOTSTRAP, true), 'server.js': file(CUSTOM_SERVER) },
    // FC requires a handler even where the runtime ignores it.
    manifest: { runtime: 'custom', handler: 'index.handler', functionType: 'event', caPort: 9000, command: [], args: [] },
  },
  {
    id: 'go-event',
    name: 'Go event function',
    runtime: 'go1',
    files: { 'main.go': file(GO_EVENT) },
    manifest: { runtime: 'go1', handler: 'main', functionType: 'event' },
  },
  {
    id: 'go-http',
    name: 'Go HTTP function',
    runtime: 'go1',
    files: { 'main.go': file(GO_HTTP) },
    manifest: { runtime: 'go1', handler: 'main', functionType: 'http', httpMethods: ['GET', 'POST'], httpAuthType: 'anonymous' },
  },
  {
    id: 'go-lifecycle',
    name: 'Go with Initializer + PreStop',
    runtime: 'go1',
    files: { 'main.go': file(GO_LIFECYCLE) },
    // FC calls a Go hook only when its handler field is set; the name is not looked up.
    manifest: { runtime: 'go1', handler: 'main', functionType: 'event', initializer: 'initialize', preStopHandler: 'preStop' },
  },
  {
    id: 'python-event',
    name: 'Python event function',
    runtime: 'python3.10',
    files: { 'index.py': file(PYTHON_EVENT) },
    manifest: { runtime: 'python3.10', handler: 'index.handler', functionType: 'event' },
  },
  {
    id: 'python-wsgi',
    name: 'Python HTTP function (WSGI)',
    runtime: 'python3.10',
    files: { 'index.py': file(PYTHON_WSGI) },
    manifest: { runtime: 'python3.10', handler: 'index.handler', functionType: 'http', httpMethods: ['GET', 'POST'], httpAuthType: 'anonymous' },
  },
  {
    id: 'python-lifecycle',
    name: 'Python with Initializer + PreFreeze + PreStop',
    runtime: 'python3.10',
    files: { 'index.py': file(PYTHON_LIFECYCLE) },
    manifest: { runtime: 'python3.10', handler: 'index.handler', functionType: 'event', initializer: 'index.initialize', preFreezeHandler: 'index.pre_freeze', preStopHandler: 'index.pre_stop' },
  },
  {
    id: 'custom-container',
    name: 'Custom Container (README + Dockerfile)',
    runtime: 'custom-container',
    files: { 'README.md': file(CONTAINER_README), Dockerfile: file(CONTAINER_DOCKERFILE), 'server.js': file(CONTAINER_SERVER) },
    // The image is the user's: the field stays empty until one is uploaded or named.
    manifest: { runtime: 'custom-container', handler: 'index.handler', functionType: 'event', caPort: 9000, image: '', containerCommand: [], containerArgs: [], accelerationType: 'Default', webServerMode: true },
  },
];

export const templateById = (id: string) => TEMPLATES.find((t) => t.id === id);

/**
 * What applying a template loads: its files and manifest, keeping the function's identity
 * (service and function name), since a template changes what the function is, not which one.
 */
export function templateLoad(t: WorkspaceTemplate, current: Pick<ManifestDraft, 'serviceName' | 'functionName'>) {
  return {
    files: { ...t.files },
    folders: [],
    manifest: { ...t.manifest, serviceName: current.serviceName, functionName: current.functionName },
  };
}
