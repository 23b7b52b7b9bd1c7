// Turns a response body (base64, as the API sends it) into what the Result pane shows.

export type BodyPreview =
  | { kind: 'empty' }
  | { kind: 'json'; text: string }
  | { kind: 'text'; text: string }
  | { kind: 'image'; dataUrl: string; size: number; mime: string }
  | { kind: 'binary'; hex: string; size: number };

const HEX_PREVIEW_BYTES = 256;
const IMAGE_TYPES = /^image\/(png|jpeg|gif|webp|svg\+xml|avif|bmp)\b/i;

export function decodeBase64(b64: string): Uint8Array {
  const raw = atob(b64);
  const out = new Uint8Array(raw.length);
  for (let i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
  return out;
}

/** Text is valid UTF-8 with no control characters other than tab, newline and carriage return. */
function asText(bytes: Uint8Array): string | null {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return /[\u0000-\u0008\u000b\u000c\u000e-\u001f]/.test(text) ? null : text;
  } catch {
    return null;
  }
}

/** `00000000  7b 22 61 22 3a 31 7d  |{"a":1}|`, 16 bytes a row, like `hexdump -C`. */
export function hexDump(bytes: Uint8Array, limit = HEX_PREVIEW_BYTES): string {
  const rows: string[] = [];
  const end = Math.min(bytes.length, limit);
  for (let off = 0; off < end; off += 16) {
    const chunk = bytes.subarray(off, Math.min(off + 16, end));
    const hex = Array.from(chunk, (b) => b.toString(16).padStart(2, '0')).join(' ');
    const ascii = Array.from(chunk, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    rows.push(`${off.toString(16).padStart(8, '0')}  ${hex.padEnd(47)}  |${ascii}|`);
  }
  return rows.join('\n');
}

export function previewBody(bodyBase64: string, contentType = ''): BodyPreview {
  const bytes = decodeBase64(bodyBase64);
  if (bytes.length === 0) return { kind: 'empty' };
  const mime = contentType.split(';')[0].trim().toLowerCase();
  if (IMAGE_TYPES.test(mime)) return { kind: 'image', dataUrl: `data:${mime};base64,${bodyBase64}`, size: bytes.length, mime };
  const text = asText(bytes);
  if (text === null) return { kind: 'binary', hex: hexDump(bytes), size: bytes.length };
  try {
    return { kind: 'json', text: JSON.stringify(JSON.parse(text), null, 2) };
  } catch {
    return { kind: 'text', text };
  }
}

export interface FunctionErrorBody {
  errorMessage: string;
  errorType?: string;
  stackTrace?: string[] | string;
}

/** FC's error bodies: `{"errorMessage"}` (handled) or `{"errorMessage","errorType","stackTrace"}`. */
export function parseErrorBody(bodyBase64: string): FunctionErrorBody | null {
  const text = asText(decodeBase64(bodyBase64));
  if (!text) return null;
  try {
    const body = JSON.parse(text) as unknown;
    if (body && typeof body === 'object' && typeof (body as FunctionErrorBody).errorMessage === 'string') return body as FunctionErrorBody;
  } catch {
    // a custom runtime may answer an error as plain text: shown as the body instead
  }
  return null;
}
