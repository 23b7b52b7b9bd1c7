import { describe, expect, it } from 'vitest';
import { curlLine, requestUrl } from './request-line.ts';

const req = { method: 'POST' as const, path: 'items/7', query: [['a', '1 2'], ['', 'ignored']] as [string, string][], headers: [['content-type', 'application/json'], ['x-note', "it's"]] as [string, string][], body: '{"n":1}' };

describe('requestUrl and curlLine', () => {
  it('puts path and encoded query below the base', () => {
    expect(requestUrl('http://127.0.0.1:7070/2016-08-15/proxy/s/f', req)).toBe('http://127.0.0.1:7070/2016-08-15/proxy/s/f/items/7?a=1%202');
    expect(requestUrl('http://demo.example.com.localhost:7070/', { ...req, path: '/', query: [] })).toBe('http://demo.example.com.localhost:7070/');
  });

  it('quotes every part for a POSIX shell, single quotes included', () => {
    expect(curlLine('http://x/a', req)).toBe(`curl -i -X POST -H 'content-type: application/json' -H 'x-note: it'\\''s' --data-binary '{"n":1}' 'http://x/a'`);
    expect(curlLine('http://x/a', { ...req, method: 'GET', headers: [] })).toBe(`curl -i 'http://x/a'`);
  });
});
