import type { Readable } from 'node:stream';
import type { ExitInfo } from '../sandbox/index.ts';
import type { CaResponse, InstanceChannel } from './types.ts';

/** Linux passes one environment string of at most 128 KiB (MAX_ARG_STRLEN), name included. */
export const MAX_JOB_EVENT_BYTES = 128 * 1024 - 64;

/**
 * A custom container in non-web-server mode (`webServerMode: false`): no server, the container
 * runs once per event with the payload in FC_CUSTOM_CONTAINER_EVENT and must exit 0 (FC's custom
 * container docs). `run` starts the instance's process with that variable and resolves at its exit;
 * the answer is what a CA server would have said, so summaries and logs stay one code path.
 */
export function createJobChannel(run: (event: string) => Promise<ExitInfo>): InstanceChannel {
  const answer = (ok: boolean, body: object | null): CaResponse => ({
    statusCode: ok ? 200 : 404,
    headers: { 'x-fc-status': ok ? '200' : '404', ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? Buffer.from(JSON.stringify(body)) : Buffer.alloc(0),
  });
  return {
    async request(method, path, _headers, body: Buffer | Readable | null) {
      // Lifecycle hooks have no server to call: there is nothing to initialize, freeze or stop.
      if (path === '/initialize' || path === '/pre-freeze' || path === '/pre-stop') return answer(true, null);
      if (method !== 'POST' || path !== '/invoke') {
        return answer(false, { errorMessage: 'a custom container with webServerMode false runs once per event and serves no HTTP requests: set webServerMode true and run an HTTP server for an HTTP function' });
      }
      const payload = Buffer.isBuffer(body) ? body : Buffer.alloc(0);
      if (payload.length > MAX_JOB_EVENT_BYTES) return answer(false, { errorMessage: `the event is ${payload.length} bytes; FC_CUSTOM_CONTAINER_EVENT can carry at most ${MAX_JOB_EVENT_BYTES} bytes (one environment variable)` });
      if (payload.includes(0)) return answer(false, { errorMessage: 'the event contains a NUL byte, which an environment variable (FC_CUSTOM_CONTAINER_EVENT) cannot carry' });
      const exit = await run(payload.toString('utf8'));
      if (exit.code === 0) return answer(true, null);
      const how = exit.spawnError ? `${exit.spawnError.code}: ${exit.spawnError.message}` : exit.signal ? `killed by ${exit.signal}` : `exit code ${exit.code}`;
      return answer(false, { errorMessage: `the container exited with ${how}; in non-web-server mode it must exit with code 0`, errorType: 'ContainerExitError' });
    },
    thawed() {},
    async close() {},
  };
}
