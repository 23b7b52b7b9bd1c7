import { describe, expect, it } from 'vitest';
import { findImage, normalizeReference, shortDigest } from './image-reference.ts';
import { makeImage } from '../mocks/fixtures.ts';

describe('normalizeReference', () => {
  it.each([
    ['node', 'docker.io/library/node:latest'],
    ['node:20', 'docker.io/library/node:20'],
    ['fnplay/app:v1', 'docker.io/fnplay/app:v1'],
    ['registry.cn-hangzhou.aliyuncs.com/ns/app:v1', 'registry.cn-hangzhou.aliyuncs.com/ns/app:v1'],
    ['127.0.0.1:5000/fc/app', '127.0.0.1:5000/fc/app:latest'],
    ['localhost/app:v2', 'localhost/app:v2'],
    [`app@sha256:${'a'.repeat(64)}`, `docker.io/library/app@sha256:${'a'.repeat(64)}`],
  ])('reads %s as %s, as Docker does', (input, normalized) => {
    expect(normalizeReference(input)).toBe(normalized);
  });
});

describe('findImage', () => {
  const image = makeImage({ references: ['docker.io/fnplay/app:v1'] });
  it('finds an image by the short form of its reference, or by digest', () => {
    expect(findImage([image], 'fnplay/app:v1')).toBe(image);
    expect(findImage([image], image.digest)).toBe(image);
    expect(findImage([image], `fnplay/app@${image.digest}`)).toBe(image);
    expect(findImage([image], 'fnplay/app:v2')).toBeNull();
    expect(findImage([image], '')).toBeNull();
  });
  it('shortens a digest to 12 hex digits', () => {
    expect(shortDigest(image.digest)).toBe(image.digest.slice(0, 'sha256:'.length + 12));
  });
});
