import { Client } from 'undici';
import { createInvokeSigner, type FcCredentials } from './fc-signer.ts';

/** One keep-alive connection to the FC API for single timed calls from the main thread. */
export function createInvokeClient(url: string, creds: FcCredentials) {
  const client = new Client(url, { keepAliveTimeout: 600_000, keepAliveMaxTimeout: 600_000, headersTimeout: 0, bodyTimeout: 0 });
  return {
    /** Invokes synchronously (`headers` signed with the rest, e.g. `x-fc-log-type`); throws on any failure. */
    async invoke(service: string, fn: string, payload: string, headers: Record<string, string> = {}) {
      const signer = createInvokeSigner(creds, service, fn, headers);
      const res = await client.request({ method: 'POST', path: signer.path, headers: signer.headers(), body: payload });
      const body = await res.body.text();
      if (res.statusCode !== 200 || res.headers['x-fc-error-type']) throw new Error(`invoke ${service}/${fn}: ${res.statusCode} ${body.slice(0, 500)}`);
      return { requestId: String(res.headers['x-fc-request-id']), body, headers: res.headers };
    },
    close: () => client.close(),
  };
}
