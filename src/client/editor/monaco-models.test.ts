import { describe, expect, it, vi } from 'vitest';
import type * as Monaco from 'monaco-editor/editor';
import { createModelSync } from './monaco-models.ts';

/** Just enough of Monaco's model API to watch what the sync does with it. */
function fakeMonaco() {
  const created: FakeModel[] = [];
  class FakeModel {
    disposed = false;
    undoable = 0;
    private listeners: (() => void)[] = [];
    constructor(
      public value: string,
      public language: string,
      public uri: string,
    ) {}
    getValue = () => this.value;
    getFullModelRange = () => ({});
    onDidChangeContent = (fn: () => void) => void this.listeners.push(fn);
    pushEditOperations = (_s: unknown, edits: { text: string }[]) => {
      this.undoable++;
      this.type(edits[0].text);
    };
    /** what typing in the editor does */
    type = (value: string) => {
      this.value = value;
      for (const fn of this.listeners) fn();
    };
    dispose = () => void (this.disposed = true);
  }
  const api = {
    Uri: { file: (p: string) => `file:///${p}` },
    editor: {
      createModel: (value: string, language: string, uri: string) => {
        const m = new FakeModel(value, language, uri);
        created.push(m);
        return m;
      },
    },
  };
  return { api: api as unknown as typeof Monaco, created };
}

const file = (content: string) => ({ content, executable: false });

describe('createModelSync', () => {
  it('makes one model per file, with a file uri and the language of its name', () => {
    const { api, created } = fakeMonaco();
    const sync = createModelSync(api, () => {});
    sync.sync({ 'index.js': file('js'), bootstrap: file('#!/bin/sh'), 'conf/app.yaml': file('a: 1') });
    expect(created.map((m) => [m.uri, m.language])).toEqual([
      ['file:///index.js', 'javascript'],
      ['file:///bootstrap', 'shell'],
      ['file:///conf/app.yaml', 'yaml'],
    ]);
    expect(sync.get('index.js')?.getValue()).toBe('js');
  });

  it('follows the store: changed content becomes an undoable edit, removed files lose their model', () => {
    const { api, created } = fakeMonaco();
    const sync = createModelSync(api, () => {});
    sync.sync({ 'a.js': file('1'), 'b.js': file('2') });
    sync.sync({ 'a.js': file('1 changed') });
    expect(created[0].value).toBe('1 changed');
    expect(created[0].undoable).toBe(1);
    expect(created[1].disposed).toBe(true);
    expect(sync.get('b.js')).toBeUndefined();
    // Same content: nothing touched.
    sync.sync({ 'a.js': file('1 changed') });
    expect(created[0].undoable).toBe(1);
  });

  it('reports typing back with the path and the new text', () => {
    const { api, created } = fakeMonaco();
    const onEdit = vi.fn();
    const sync = createModelSync(api, onEdit);
    sync.sync({ 'lib/a.js': file('') });
    created[0].type('typed');
    expect(onEdit).toHaveBeenCalledWith('lib/a.js', 'typed');
  });

  it('a rename is a new model for the new path and the end of the old one', () => {
    const { api, created } = fakeMonaco();
    const sync = createModelSync(api, () => {});
    sync.sync({ 'a.js': file('x') });
    sync.sync({ 'b.ts': file('x') });
    expect(created[0].disposed).toBe(true);
    expect(created[1]).toMatchObject({ uri: 'file:///b.ts', language: 'typescript', value: 'x' });
  });

  it('disposes every model when the editor goes', () => {
    const { api, created } = fakeMonaco();
    const sync = createModelSync(api, () => {});
    sync.sync({ 'a.js': file(''), 'b.js': file('') });
    sync.dispose();
    expect(created.every((m) => m.disposed)).toBe(true);
  });
});
