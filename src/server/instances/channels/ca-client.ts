import { Pool, errors } from 'undici';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { CaAddress } from '../sandbox/index.ts';
import { ResponseTooLarge, type CaResponse, type InstanceChannel } from './types.ts';

const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

/** Errors that mean the request never reached a live server: safe to send again on a fresh connection. */
function isStaleSocket(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  return err instanceof errors.SocketError || code === 'ECONNRESET' || code === 'EPIPE' || code === 'UND_ERR_SOCKET';
}

/**
 * The scheduler's side of the CA protocol with one instance: keep-alive connections to the
 * instance's Unix socket (or loopback port, unsandboxed), as many as the instance's concurrency.
 */
export function createCaClient(address: CaAddress, connections: number): InstanceChannel {
  const origin = 'socketPath' in address ? 'http://localhost' : `http://127.0.0.1:${address.port}`;
  const pool = new Pool(origin, {
    ...('socketPath' in address ? { socketPath: address.socketPath } : {}),
    connections,
    pipelining: 1,
    // Functions may run for up to 24 h; the scheduler enforces the real timeout itself.
    headersTimeout: 0,
    bodyTimeout: 0,
    keepAliveTimeout: 60_000,
  });
  let freshAfterThaw = false;

  async function once(method: string, path: string, headers: Record<string, string>, body: Buffer | Readable | null, maxBody: number, signal?: AbortSignal): Promise<CaResponse> {
    const res = await pool.request({ method: method as 'POST', path, headers, body: body ?? undefined, signal });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      size += chunk.length;
      if (size > maxBody) {
        res.body.destroy();
        throw new ResponseTooLarge(`response body exceeds ${maxBody} bytes`);
      }
      chunks.push(chunk);
    }
    return { statusCode: res.statusCode, headers: res.headers as IncomingHttpHeaders, body: Buffer.concat(chunks) };
  }

  return {
    async request(method: string, path: string, headers: Record<string, string>, body: Buffer | Readable | null, opts: { maxBody: number; signal?: AbortSignal }): Promise<CaResponse> {
      // FC sends an idempotent request again when the server's keep-alive connection fails under it
      // (EOF, reset: seed 000 §7.4.4); a POST fails instead, as there.
      const retryable = (freshAfterThaw || IDEMPOTENT.has(method.toUpperCase())) && !(body && typeof (body as Readable).pipe === 'function');
      freshAfterThaw = false;
      try {
        return await once(method, path, headers, body, opts.maxBody, opts.signal);
      } catch (err) {
        // A thawed server's overdue keep-alive timers close idle sockets the moment it runs again;
        // such a socket fails before the request is read. One retry on a new connection hides that.
        if (retryable && isStaleSocket(err)) return once(method, path, headers, body, opts.maxBody, opts.signal);
        throw err;
      }
    },
    /** Called after SIGCONT: the next request may meet a socket the server is closing. */
    thawed() {
      freshAfterThaw = true;
    },
    close: () => pool.destroy().catch(() => {}),
  };
}
