/**
 * A small seeded PRNG (mulberry32) so that every run of the benchmark builds
 * the same workspaces and applies the same edits: numbers stay comparable
 * across machines and commits.
 */
export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 2^32). */
  nextU32(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    return this.nextU32() / 4294967296;
  }

  /** Integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** Log-uniform integer in [min, max]: many small values, a long tail, as file sizes are. */
  logInt(min: number, max: number): number {
    const lo = Math.log(min);
    const hi = Math.log(max);
    return Math.round(Math.exp(lo + this.next() * (hi - lo)));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Fills a buffer with pseudo-random bytes (incompressible, like images or archives). */
  fill(buf: Buffer): Buffer {
    const words = Math.floor(buf.length / 4);
    if (buf.byteOffset % 4 === 0) {
      const view = new Uint32Array(buf.buffer, buf.byteOffset, words);
      for (let i = 0; i < words; i++) view[i] = this.nextU32();
    } else {
      for (let i = 0; i < words; i++) buf.writeUInt32LE(this.nextU32(), i * 4);
    }
    for (let i = words * 4; i < buf.length; i++) buf[i] = this.nextU32() & 0xff;
    return buf;
  }
}
