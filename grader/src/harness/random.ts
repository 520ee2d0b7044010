/**
 * Seeded randomness for graded tests. The seed comes from MS_SEED (`npm run grade -- --seed N`),
 * otherwise it is drawn once per process; a failing test prints it so the run can be replayed.
 */
export const SEED: number = process.env.MS_SEED ? Number(process.env.MS_SEED) >>> 0 : (Math.random() * 2 ** 32) >>> 0;

/** mulberry32: small, fast, good enough to generate test inputs. */
export function rng(seed: number = SEED): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `[seed N]` — put it in assertion messages of randomized tests. */
export const seedTag = (seed: number = SEED): string => `[seed ${seed}; replay with npm run grade -- --seed ${seed}]`;
