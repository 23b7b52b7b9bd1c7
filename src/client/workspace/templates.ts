import type { Runtime } from '../../shared/function-config.ts';
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
