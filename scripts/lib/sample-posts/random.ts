/**
 * A small PRNG: sfc32 (Chris Doty-Humphrey's Small Fast Chaotic generator, 128-bit state, passes
 * PractRand), its state filled by splitmix32 from the seed. Math.random cannot be seeded, and the
 * sample posts must repeat exactly for a given seed.
 */

function splitmix32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

export class Random {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number) {
    const init = splitmix32(seed);
    this.#a = init();
    this.#b = init();
    this.#c = init();
    this.#d = init();
    for (let i = 0; i < 12; i++) this.next();
  }

  /** A float in [0, 1). */
  next(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Standard normal (Box–Muller). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** Log-normal around `median`, rounded and clamped. */
  lognormalInt(median: number, sigma: number, min: number, max: number): number {
    return Math.min(max, Math.max(min, Math.round(median * Math.exp(sigma * this.normal()))));
  }
}

/** Picks by cumulative weights (binary search), for skewed vocabularies. */
export class Weighted<T> {
  readonly items: readonly T[];
  readonly #cumulative: number[];

  constructor(items: readonly T[], weights: readonly number[]) {
    this.items = items;
    let sum = 0;
    this.#cumulative = weights.map((w) => (sum += w));
  }

  pick(random: Random): T {
    const x = random.next() * (this.#cumulative.at(-1) as number);
    let lo = 0;
    let hi = this.#cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.#cumulative[mid] as number) > x) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo] as T;
  }
}

/** Zipf-like weights 1/rank^s: the first items are far more common than the last. */
export const zipf = (n: number, s: number) => Array.from({ length: n }, (_, i) => 1 / (i + 1) ** s);
