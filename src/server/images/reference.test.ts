import { describe, expect, it } from 'vitest';
import { isLoopbackRegistry, normalizeReference, parseReference } from './reference.ts';

describe('image references', () => {
  it.each([
    ['node:20', 'docker.io/library/node:20'],
    ['node', 'docker.io/library/node:latest'],
    ['library/node', 'docker.io/library/node:latest'],
    ['bitnami/redis:7', 'docker.io/bitnami/redis:7'],
    ['index.docker.io/library/node:20', 'docker.io/library/node:20'],
    ['docker.io/node:20', 'docker.io/library/node:20'],
    ['registry.cn-hangzhou.aliyuncs.com/ns/app:v1', 'registry.cn-hangzhou.aliyuncs.com/ns/app:v1'],
    ['registry-vpc.cn-hangzhou.aliyuncs.com/fc-demo/helloworld:v1beta1', 'registry-vpc.cn-hangzhou.aliyuncs.com/fc-demo/helloworld:v1beta1'],
    ['localhost/app', 'localhost/app:latest'],
    ['localhost:5000/app:1.0', 'localhost:5000/app:1.0'],
    ['127.0.0.1:5000/a/b/c:x_y.z-1', '127.0.0.1:5000/a/b/c:x_y.z-1'],
    [`node@sha256:${'a'.repeat(64)}`, `docker.io/library/node@sha256:${'a'.repeat(64)}`],
    [`node:20@sha256:${'b'.repeat(64)}`, `docker.io/library/node:20@sha256:${'b'.repeat(64)}`],
  ])('normalizes %s as Docker does: %s', (input, expected) => {
    expect(normalizeReference(input)).toBe(expected);
  });

  it('splits a reference into registry, repository, tag and digest', () => {
    expect(parseReference('127.0.0.1:5000/team/app:v2')).toMatchObject({ domain: '127.0.0.1:5000', path: 'team/app', tag: 'v2', digest: null });
    expect(parseReference('ubuntu')).toMatchObject({ domain: 'docker.io', path: 'library/ubuntu', tag: 'latest' });
  });

  it.each([
    ['', 'empty'],
    ['Node:20', 'lowercase'],
    ['node:-bad', 'tag'],
    ['node@sha256:short', 'digest'],
    ['a b', 'whitespace'],
    ['registry.example.com/', 'repository'],
  ])('refuses %j naming the rule (%s)', (input, rule) => {
    expect(() => parseReference(input)).toThrow(new RegExp(`image reference .* is invalid: .*${rule}`));
  });

  it('treats loopback registries as Docker does (plain HTTP)', () => {
    for (const host of ['127.0.0.1:5000', '127.3.4.5', 'localhost', 'localhost:5000', '[::1]:5000']) expect(isLoopbackRegistry(host)).toBe(true);
    for (const host of ['docker.io', '10.0.0.1:5000', 'registry.cn-hangzhou.aliyuncs.com', '128.0.0.1']) expect(isLoopbackRegistry(host)).toBe(false);
  });
});
