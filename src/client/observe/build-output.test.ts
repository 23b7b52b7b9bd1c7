import { describe, expect, it } from 'vitest';
import { parseBuildOutput } from './build-output.ts';

describe('parseBuildOutput', () => {
  it("finds the file, line and column of each compiler line, and keeps the others as text", () => {
    const lines = parseBuildOutput('go build failed:\n# fnplay.local/function\n./main.go:12:5: undefined: foo\npkg/util.go:3: missing return\n\tnote: indented\n');
    expect(lines.map((l) => l.at)).toEqual([null, null, { path: 'main.go', line: 12, column: 5 }, { path: 'pkg/util.go', line: 3, column: 1 }, null]);
    expect(lines[2]).toMatchObject({ text: './main.go:12:5: undefined: foo', message: 'undefined: foo' });
    expect(lines[4]!.text).toBe('\tnote: indented');
  });

  it('does not point into files outside the code', () => {
    const lines = parseBuildOutput('/usr/lib/go-1.19/src/fmt/print.go:10:2: x\n../up.go:1:1: y\nmain.go:1:1: z');
    expect(lines.map((l) => l.at?.path ?? null)).toEqual([null, null, 'main.go']);
  });

  it('reads a one-line reason of another runtime as one line of text', () => {
    expect(parseBuildOutput('handler index.js not found')).toEqual([{ text: 'handler index.js not found', at: null, message: 'handler index.js not found' }]);
  });
});
