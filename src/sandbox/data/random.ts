/**
 * A small seeded PRNG (sfc32 seeded through splitmix32). Faker is used only to fill name pools: the hot loops draw from
 * this generator, which is an order of magnitude cheaper per call and keeps every value a pure function of the seed.
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) >>> 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    // The first outputs of sfc32 are weakly mixed: discard them.
    for (let i = 0; i < 12; i++) {
      this.next();
    }
  }

  /** A float in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) >>> 0) + this.d) >>> 0;
    this.d = (this.d + 1) >>> 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) >>> 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) >>> 0;
    return t / 4294967296;
  }

  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** `digits` random decimal digits as text (leading zeros kept). */
  digits(count: number): string {
    let text = '';
    for (let i = 0; i < count; i++) {
      text += Math.floor(this.next() * 10).toString();
    }
    return text;
  }

  /** A derived seed, so that sub-generators stay stable when the parent draws more or fewer values elsewhere. */
  fork(label: string): Random {
    let hash = 0x811c9dc5;
    for (let i = 0; i < label.length; i++) {
      hash = Math.imul(hash ^ label.charCodeAt(i), 0x01000193) >>> 0;
    }
    return new Random((Math.floor(this.next() * 4294967296) ^ hash) >>> 0);
  }
}

/** Weighted choice in O(log n) per draw, for the hot loops (patients by visit frequency, items by popularity). */
export class WeightedPicker<T> {
  private readonly cumulative: Float64Array;
  private readonly total: number;

  constructor(private readonly items: readonly T[], weights: readonly number[]) {
    if (items.length === 0 || items.length !== weights.length) {
      throw new Error('WeightedPicker needs one weight per item and at least one item');
    }
    this.cumulative = new Float64Array(weights.length);
    let sum = 0;
    weights.forEach((weight, index) => {
      sum += Math.max(0, weight);
      this.cumulative[index] = sum;
    });
    this.total = sum;
  }

  pick(random: Random): T {
    const target = random.next() * this.total;
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.cumulative[mid] > target) {
        high = mid;
      } else {
        low = mid + 1;
      }
    }
    return this.items[low];
  }
}

/** Derives a child seed from a parent seed and a label, e.g. the seed of the BPSSamples practice. */
export function deriveSeed(seed: number, label: string): number {
  return new Random(seed).fork(label).int(0, 0x7fffffff);
}
