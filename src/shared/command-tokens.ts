/**
 * A command line as the Command / Args inputs show it, and the string arrays FC stores
 * (`customRuntimeConfig.command`, `.args`). Tokens are separated by whitespace; single or double
 * quotes keep spaces inside one token (`--greeting "hello world"`), so every array has a text form
 * that parses back to it.
 */
export function splitTokens(text: string): string[] {
  const tokens: string[] = [];
  let current: string | null = null;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quote) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && (text[i + 1] === '"' || text[i + 1] === '\\')) current += text[++i]!;
      else current += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      current ??= '';
    } else if (/\s/.test(ch)) {
      if (current !== null) tokens.push(current);
      current = null;
    } else {
      current = (current ?? '') + ch;
    }
  }
  if (current !== null) tokens.push(current);
  return tokens;
}

/** The text form of tokens: plain when safe, double-quoted when a token is empty or holds spaces or quotes. */
export function joinTokens(tokens: readonly string[]): string {
  return tokens.map((t) => (t !== '' && !/[\s"'\\]/.test(t) ? t : `"${t.replace(/[\\"]/g, (c) => '\\' + c)}"`)).join(' ');
}
