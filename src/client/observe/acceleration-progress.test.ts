import { describe, expect, it } from 'vitest';
import { describeProgress } from './acceleration-progress.ts';

const MB = 1024 * 1024;

describe('describeProgress', () => {
  it('says Pulling… with no percentage (skopeo reports none)', () => {
    expect(describeProgress({ phase: 'pulling' })).toEqual({ text: 'Pulling…', percent: null, short: 'pulling' });
    expect(describeProgress(null)).toMatchObject({ text: 'Preparing…', percent: null });
  });

  it('counts the layer being unpacked from 1, and measures by bytes when it has them', () => {
    expect(describeProgress({ phase: 'unpacking', layersDone: 1, layers: 5, bytesDone: 34 * MB, bytes: 120 * MB })).toEqual({ text: 'Unpacking layer 2 of 5 · 34 MB of 120 MB', percent: 28, short: 'layer 2/5' });
    expect(describeProgress({ phase: 'unpacking', layersDone: 5, layers: 5, bytesDone: 120 * MB, bytes: 120 * MB })).toMatchObject({ text: 'Unpacked 5 of 5 layers · 120 MB of 120 MB', percent: 100 });
  });

  it('falls back to layers, and to words, when that is all there is', () => {
    expect(describeProgress({ phase: 'unpacking', layersDone: 1, layers: 4 })).toEqual({ text: 'Unpacking layer 2 of 4', percent: 25, short: 'layer 2/4' });
    expect(describeProgress({ phase: 'unpacking' })).toEqual({ text: 'Unpacking…', percent: null, short: 'unpacking' });
  });
});
