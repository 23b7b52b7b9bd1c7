import { z } from 'zod';

/**
 * Which characters a string field may hold, by where the value goes:
 * - `header`: travels in an HTTP header to the instance (handler, initializer, hooks, log
 *   config): printable ASCII only, as a header value may carry nothing else intact; a CR/LF
 *   there would break every request to the instance.
 * - `line`: one line of text (a role, an ARN, a command word): no control characters.
 * - `text`: free text that only JSON carries (description): line breaks and tabs are fine.
 * - `argv`: goes into a process's argv or environment, where only NUL cannot be passed;
 *   multi-line values (a script after `sh -c`, a PEM key) are legitimate.
 */
export type TextRule = 'header' | 'line' | 'text' | 'argv';

/** The message for the first character `rule` refuses in `s`, or null. Messages never name the field: the caller's path does. */
export function refusedCharacter(s: string, rule: TextRule): string | null {
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (code === 0) return 'must not contain a NUL character';
    if (rule === 'argv') continue;
    if (code === 0x0a || code === 0x0d) {
      if (rule === 'text') continue;
      return 'must not contain a line break (CR or LF)';
    }
    if (code === 0x09 && rule === 'text') continue;
    if (code < 0x20 || code === 0x7f) return `must not contain the control character ${unicodeName(code)}`;
    if (rule === 'header' && code > 0x7e) return `must contain only printable ASCII characters, found '${ch}' (${unicodeName(code)})`;
  }
  return null;
}

const unicodeName = (code: number) => `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;

/** `schema` (a string schema) refusing also what `rule` refuses. */
export function withRule<T extends z.ZodString>(schema: T, rule: TextRule): T {
  return schema.superRefine((s, ctx) => {
    const message = refusedCharacter(s, rule);
    if (message) ctx.addIssue({ code: 'custom', message });
  });
}
