// A seeded PRNG for generated test cases: the same seed gives the same cases on every run, so a
// failure names a case that replays exactly.

export interface Random {
  /** 0 <= n < max */
  int(max: number): number;
  pick<T>(items: readonly T[]): T;
  /** `s` with `insert` placed at a random position (start and end included). */
  insertAnywhere(s: string, insert: string): string;
}

/** mulberry32: tiny, fast, and good enough to spread cases over a space. */
export function seeded(seed: number): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (max: number) => Math.floor(next() * max);
  return {
    int,
    pick: (items) => items[int(items.length)]!,
    insertAnywhere(s, insert) {
      const at = int(s.length + 1);
      return s.slice(0, at) + insert + s.slice(at);
    },
  };
}
