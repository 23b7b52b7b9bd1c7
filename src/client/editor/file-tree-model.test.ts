import { describe, expect, it } from 'vitest';
import { allFolders, nameProblem, visibleRows } from './file-tree-model.ts';
import { languageOf } from './languages.ts';

const f = { content: '', executable: false };

describe('visibleRows', () => {
  it('sorts numbers naturally and leaves out what a collapsed folder holds', () => {
    const files = { 'f10.js': f, 'f2.js': f, 'lib/a.js': f, 'lib/sub/b.js': f };
    expect(visibleRows(files, [], new Set()).map((r) => r.path)).toEqual(['lib', 'lib/sub', 'lib/sub/b.js', 'lib/a.js', 'f2.js', 'f10.js']);
    const rows = visibleRows(files, [], new Set(['lib']));
    expect(rows.map((r) => r.path)).toEqual(['lib', 'f2.js', 'f10.js']);
    expect(rows.map((r) => [r.position, r.siblings])).toEqual([[1, 3], [2, 3], [3, 3]]);
  });

  it('includes the parents of empty folders', () => {
    expect([...allFolders({}, ['a/b/c'])].sort()).toEqual(['a', 'a/b', 'a/b/c']);
  });
});

describe('nameProblem', () => {
  const taken = { files: { 'index.js': f, 'lib/a.js': f }, folders: new Set(['lib']) };
  it('accepts a free name, relative to the folder', () => {
    expect(nameProblem('b.js', 'lib', taken)).toBeNull();
    expect(nameProblem(' spaced.js ', '', taken)).toBeNull();
  });
  it.each([
    ['', 'Enter a name'],
    ['/abs.js', 'relative'],
    ['a//b.js', 'empty parts'],
    ['dir/', 'empty parts'],
    ['../x.js', '. or ..'],
    ['a\\b.js', '\\'],
    ['index.js', 'already exists'],
    ['lib', 'already exists'],
    ['index.js/x.js', 'is a file'],
  ])('refuses %j', (name, why) => {
    expect(nameProblem(name, '', taken)).toContain(why);
  });
  it('lets a rename keep its own name, but not move a folder into itself', () => {
    expect(nameProblem('lib', '', taken, 'lib')).toBeNull();
    expect(nameProblem('lib/inner', '', taken, 'lib')).toContain('into itself');
  });
});

describe('languageOf', () => {
  it.each([
    ['index.js', 'javascript'],
    ['a/b.mjs', 'javascript'],
    ['x.cjs', 'javascript'],
    ['main.ts', 'typescript'],
    ['package.json', 'json'],
    ['app.py', 'python'],
    ['main.go', 'go'],
    ['run.sh', 'shell'],
    ['bootstrap', 'shell'],
    ['code/bootstrap', 'shell'],
    ['s.yaml', 'yaml'],
    ['s.yml', 'yaml'],
    ['README.md', 'markdown'],
    ['notes.txt', 'plaintext'],
    ['Makefile', 'plaintext'],
    ['.env', 'plaintext'],
    ['INDEX.JS', 'javascript'],
  ])('%s is %s', (path, lang) => expect(languageOf(path)).toBe(lang));
});
