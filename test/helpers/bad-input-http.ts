// Requests the SDK cannot express (bodies that are not JSON, wrong types it would coerce, the
// playground API), sent raw and signed the way the SDK signs (FC2-API §1, §2).
import { createHash } from 'node:crypto';
import { request } from 'node:http';
// @ts-expect-error the SDK ships no types
import FCClient from '@alicloud/fc2';
import { ACCOUNT_ID, TEST_KEYS } from './service.ts';

export interface Reply {
  status: number;
  contentType: string;
  json: { ErrorCode?: unknown; ErrorMessage?: unknown } | null;
}

interface Target {
  port: number;
  apiToken: string;
}

function send(t: Target, method: string, path: string, headers: Record<string, string>, body?: Buffer): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: t.port, method, path, headers: { host: `127.0.0.1:${t.port}`, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const contentType = String(res.headers['content-type'] ?? '');
        const text = Buffer.concat(chunks).toString('utf8');
        let json = null;
        try {
          json = contentType.startsWith('application/json') ? JSON.parse(text) : null;
        } catch {
          /* a reply labelled JSON that is not: json stays null and the case fails on it */
        }
        resolve({ status: res.statusCode ?? 0, contentType, json });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** An FC API request (path below /2016-08-15) with any body bytes, signed as the SDK would sign it. */
export function fcRequest(t: Target, method: string, path: string, body?: string | Buffer): Promise<Reply> {
  const full = `/2016-08-15${path}`;
  const headers: Record<string, string> = { accept: 'application/json', date: new Date().toUTCString(), 'x-fc-account-id': ACCOUNT_ID };
  const bytes = body === undefined ? undefined : Buffer.from(body);
  if (bytes) {
    headers['content-type'] = 'application/json';
    headers['content-md5'] = Buffer.from(createHash('md5').update(bytes).digest('hex')).toString('base64');
    headers['content-length'] = String(bytes.length);
  }
  // The signature covers the percent-decoded path and not the query (FC2-API §2).
  const [pathOnly] = full.split('?');
  let signed = pathOnly!;
  try {
    signed = decodeURIComponent(signed);
  } catch {
    /* not decodable: the service must refuse it anyway */
  }
  headers.authorization = FCClient.getSignature(TEST_KEYS.accessKeyId, TEST_KEYS.accessKeySecret, method, signed, headers, null);
  return send(t, method, full, headers, bytes);
}

/** A playground API request (path below /api) as the served page sends it. */
export function apiRequest(t: Target, method: string, path: string, body?: string): Promise<Reply> {
  const headers: Record<string, string> = { 'x-fnplay-token': t.apiToken };
  const bytes = body === undefined ? undefined : Buffer.from(body);
  if (bytes) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = String(bytes.length);
  }
  return send(t, method, `/api${path}`, headers, bytes);
}

/** What an SDK call threw, as a Reply: the SDK puts the status in its message and the code in `code`. */
export async function sdkReply(call: Promise<unknown>): Promise<Reply> {
  try {
    await call;
    return { status: 200, contentType: 'application/json', json: null };
  } catch (err) {
    const e = err as Error & { code?: string };
    const status = Number(/failed with (\d{3})\./.exec(e.message)?.[1] ?? 0);
    const message = /message: (.*)\.$/s.exec(e.message)?.[1];
    return { status, contentType: 'application/json', json: { ErrorCode: e.code, ErrorMessage: message } };
  }
}
