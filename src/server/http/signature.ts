import { createHmac, timingSafeEqual } from 'node:crypto';
import { FcError } from '../errors.ts';

export interface AccessKeys {
  accessKeyId: string;
  accessKeySecret: string;
}

const MAX_CLOCK_SKEW_MS = 15 * 60 * 1000;

/**
 * FC's string to sign (FC2-API §2): method, content-md5, content-type, date, the sorted x-fc-*
 * headers, and the percent-decoded path; for /proxy/ paths also the sorted query lines.
 */
export function stringToSign(method: string, rawPath: string, headers: Record<string, string | undefined>, query: [string, string][] | null, decodePath = true): string {
  const lower: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) if (v !== undefined) lower[k.toLowerCase()] = v;
  const canonHeaders = Object.keys(lower)
    .filter((k) => k.startsWith('x-fc-'))
    .sort()
    .map((k) => `${k}:${lower[k]}\n`)
    .join('');
  let resource = decodePath ? safeDecode(rawPath) : rawPath;
  if (query) {
    resource += '\n' + query.map(([k, v]) => `${k}=${v}`).sort().join('\n');
  }
  return `${method}\n${lower['content-md5'] ?? ''}\n${lower['content-type'] ?? ''}\n${lower['date'] ?? ''}\n${canonHeaders}${resource}`;
}

export function sign(secret: string, toSign: string) {
  return createHmac('sha256', secret).update(toSign, 'utf8').digest('base64');
}

/** Throws 403 unless `authorization: FC <id>:<signature>` matches the account's key pair. */
export function verifySignature(keys: AccessKeys, method: string, rawPath: string, headers: Record<string, string | undefined>, query: [string, string][] | null, now = Date.now()) {
  const auth = headers['authorization'];
  const m = auth ? /^FC ([^:]+):(.+)$/.exec(auth) : null;
  if (!m) throw new FcError('SignatureNotMatch', 'the request is not signed: an "authorization: FC <accessKeyID>:<signature>" header is required');
  if (m[1] !== keys.accessKeyId) throw new FcError('InvalidAccessKeyID', `invalid access key ID '${m[1]}'`);
  const date = Date.parse(headers['date'] ?? '');
  if (Number.isNaN(date)) throw new FcError('MissingRequiredHeader', 'required HTTP header date was not specified');
  if (Math.abs(now - date) > MAX_CLOCK_SKEW_MS) {
    throw new FcError('SignatureNotMatch', `the request date '${headers['date']}' is more than 15 minutes away from the server time`);
  }
  const toSign = stringToSign(method, rawPath, headers, query);
  const got = Buffer.from(m[2]);
  const matches = (text: string) => {
    const expected = Buffer.from(sign(keys.accessKeySecret, text));
    return expected.length === got.length && timingSafeEqual(expected, got);
  };
  // The Node.js SDK signs one path still percent-encoded: getLayerVersionByArn's /layerarn/<ARN>,
  // whose ARN it encodes itself before signing. Either form proves the caller holds the secret.
  const rawSigned = () => rawPath !== safeDecode(rawPath) && matches(stringToSign(method, rawPath, headers, query, false));
  if (!matches(toSign) && !rawSigned()) {
    throw new FcError('SignatureNotMatch', `the request signature we calculated does not match the signature you provided. String to sign: ${JSON.stringify(toSign)}`);
  }
}

function safeDecode(path: string) {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
