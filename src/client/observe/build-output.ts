/** A place in the function's code that a compiler line names, relative to the code root. */
export interface SourceLocation {
  path: string;
  line: number;
  column: number;
}

export interface BuildLine {
  text: string;
  /** where `file.go:LINE[:COL]: message` points; null for other lines (`# module`, notes) */
  at: SourceLocation | null;
  message: string;
}

// `./main.go:12:5: undefined: foo`, `pkg/util.go:3: …` (no column), with or without the `./`.
const LOCATED = /^(?:\.\/)?((?:[^\s:]+\/)*[^\s:/]+\.go):(\d+)(?::(\d+))?:\s?(.*)$/;

/**
 * The lines of a build's output (the acceleration `reason` of Go source that did not build), each
 * with the file, line and column it names, if any. Paths outside the code (an absolute GOROOT
 * path, `../x.go`) are kept as text: the editor has no such file.
 */
export function parseBuildOutput(reason: string): BuildLine[] {
  return reason
    .replace(/\s+$/, '')
    .split('\n')
    .map((text) => {
      const m = LOCATED.exec(text);
      if (!m || m[1]!.startsWith('/') || m[1]!.split('/').includes('..')) return { text, at: null, message: text };
      return { text, at: { path: m[1]!, line: Number(m[2]), column: m[3] ? Number(m[3]) : 1 }, message: m[4]! };
    });
}
