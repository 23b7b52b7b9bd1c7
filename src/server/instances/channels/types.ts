import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';

export interface CaResponse {
  statusCode: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export class ResponseTooLarge extends Error {}

/**
 * How the scheduler talks to one instance, whatever speaks on the other side: the CA protocol
 * (an HTTP server in the instance) or FC's runtime API (the instance polls us). A request is one
 * CA protocol call (`POST /invoke`, `POST /initialize`, `GET /pre-freeze`, `GET /pre-stop`, or
 * the client's own for `x-fc-control-path: /http-invoke`); the answer is what a CA server would
 * have answered, so timeouts, crashes, summaries and logs stay one code path.
 */
export interface InstanceChannel {
  request(method: string, path: string, headers: Record<string, string>, body: Buffer | Readable | null, opts: { maxBody: number; signal?: AbortSignal }): Promise<CaResponse>;
  /** Called after a thaw: the next request may meet a socket the instance is closing. */
  thawed(): void;
  close(): Promise<void>;
}
