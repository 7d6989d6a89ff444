/**
 * Small deterministic random number generator (no dependency): splitmix32 to derive per-stream
 * seeds, mulberry32 for the stream. `rngFor(seed, i, "scan")` gives patient i its own streams, so a
 * patient is identical whatever the cohort size.
 */
export type Rng = {
  /** uniform [0, 1) */
  next(): number;
  uniform(lo: number, hi: number): number;
  normal(mean?: number, sd?: number): number;
  bernoulli(p: number): boolean;
  int(lo: number, hiInclusive: number): number;
  pick<T>(xs: readonly T[]): T;
  poisson(lambda: number): number;
};

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function splitmix32(a: number): number {
  a = (a + 0x9e3779b9) | 0;
  let t = a ^ (a >>> 16);
  t = Math.imul(t, 0x21f0aaad);
  t = t ^ (t >>> 15);
  t = Math.imul(t, 0x735a2d97);
  return (t ^ (t >>> 15)) >>> 0;
}

export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  let spare: number | null = null;
  const next = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const rng: Rng = {
    next,
    uniform: (lo, hi) => lo + (hi - lo) * next(),
    normal(mean = 0, sd = 1) {
      if (spare !== null) {
        const s = spare;
        spare = null;
        return mean + sd * s;
      }
      let u = 0;
      while (u === 0) u = next();
      const v = next();
      const r = Math.sqrt(-2 * Math.log(u));
      spare = r * Math.sin(2 * Math.PI * v);
      return mean + sd * r * Math.cos(2 * Math.PI * v);
    },
    bernoulli: (p) => next() < p,
    int: (lo, hi) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: (xs) => xs[Math.floor(next() * xs.length)],
    poisson(lambda) {
      const L = Math.exp(-lambda);
      let k = 0;
      let p = 1;
      do {
        k++;
        p *= next();
      } while (p > L);
      return k - 1;
    },
  };
  return rng;
}

/** An independent stream for (seed, index, purpose). */
export function rngFor(seed: number, index: number, purpose: string): Rng {
  const s = splitmix32(splitmix32(splitmix32(seed >>> 0) ^ (index >>> 0)) ^ hashString(purpose));
  return mulberry32(s);
}

export const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));
