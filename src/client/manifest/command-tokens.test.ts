import { describe, expect, it } from 'vitest';
import { joinTokens, splitTokens } from './command-tokens.ts';

describe('command tokens', () => {
  it('splits on any run of whitespace', () => {
    expect(splitTokens('  node\t--inspect   server.js ')).toEqual(['node', '--inspect', 'server.js']);
    expect(splitTokens('   ')).toEqual([]);
  });

  it('keeps quoted spaces, quotes and empty strings inside one token', () => {
    expect(splitTokens(`--msg "hello world" 'it"s' "" a"b c"d`)).toEqual(['--msg', 'hello world', 'it"s', '', 'ab cd']);
    expect(splitTokens(String.raw`"say \"hi\"" "C:\\dir"`)).toEqual(['say "hi"', 'C:\\dir']);
  });

  it('writes tokens back in a form that splits to the same tokens', () => {
    const cases = [['node', 'server.js'], ['hello world', '', "it's", 'say "hi"', 'back\\slash', 'tab\there'], []];
    for (const tokens of cases) expect(splitTokens(joinTokens(tokens))).toEqual(tokens);
    expect(joinTokens(['node', 'a b'])).toBe('node "a b"');
  });
});
