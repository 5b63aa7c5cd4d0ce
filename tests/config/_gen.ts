/**
 * Seeded generators for differential tests: the same seed gives the same cases.
 *
 * @module
 */

/** A small seeded PRNG (mulberry32) with helpers. */
export class Rng {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  /** A float in [0, 1). */
  next(): number {
    let t = (this.#state += 0x6d2b79f5) >>> 0;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() < p;
  }
  /** One element. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }
  /** A string of `n` characters drawn from `alphabet`. */
  str(alphabet: string, n: number): string {
    const chars = [...alphabet];
    let s = "";
    for (let i = 0; i < n; i++) s += this.pick(chars);
    return s;
  }
}
