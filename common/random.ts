/**
 * The seeded generator every random choice of a stress run, and conformance's random simple paths, come from.
 * mulberry32 (Tommy Ettinger, public domain): 32 bits of state, so a printed 32-bit seed is the whole state and
 * replays the choices exactly.
 * Written out rather than taken from pure-rand (fast-check's generator): it is ten lines, and pure-rand is
 * only a development dependency here while `authrace stress` runs from a production install.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) {
      throw new RangeError(`Random: seed must be an unsigned 32-bit integer, got ${seed}`);
    }
    this.state = seed;
  }

  /** The next unsigned 32-bit integer. */
  nextUint32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let mixed = this.state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return (mixed ^ (mixed >>> 14)) >>> 0;
  }

  /** An integer in [0, bound), bound at most 2^32; the modulo bias is below 2^-20 for the bounds used here. */
  below(bound: number): number {
    if (!Number.isInteger(bound) || bound < 1 || bound > 0x1_0000_0000) {
      throw new RangeError(`Random.below: bound must be an integer in [1, 2^32], got ${bound}`);
    }
    return this.nextUint32() % bound;
  }
}

/** A seed of its own for stream `index` of a run (one per process), so each stream is independent of the others. */
export function streamSeed(seed: number, index: number): number {
  return new Random((seed ^ Math.imul(index + 1, 0x9e37_79b9)) >>> 0).nextUint32();
}
