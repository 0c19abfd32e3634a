// A small seeded PRNG (sfc32) with uniform and normal draws, so random weights and inputs are reproducible.

/**
 * One independent stream per (seed, label): each tensor draws from its own stream, so adding a layer
 * does not change the weights of the others, and the same seed gives the same numbers on every machine.
 */
export class Random {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private spare: number | undefined;

  constructor(seed: number, label = "") {
    const h = hash(`${seed >>> 0}:${label}`);
    this.a = h[0]!;
    this.b = h[1]!;
    this.c = h[2]!;
    this.d = h[3]!;
    // The first outputs of sfc32 are still close to the seed: discard a few.
    for (let i = 0; i < 12; i++) this.next32();
  }

  /** A uniform 32-bit unsigned integer (sfc32, Chris Doty-Humphrey's small fast counting generator). */
  next32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1). */
  uniform(): number {
    return this.next32() / 4294967296;
  }

  /** Standard normal by Box-Muller; the second value of each pair is kept for the next call. */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    // 1 − u lies in (0, 1], so the logarithm is finite.
    const r = Math.sqrt(-2 * Math.log(1 - this.uniform()));
    const theta = 2 * Math.PI * this.uniform();
    this.spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /**
   * `n` values uniform in [low, high): the numbers of `uniform()` drawn n times, with sfc32's state in local
   * variables (a ResNet-50 draws 25.6 million of them for its first result; the method calls took 4× as long).
   */
  fillUniform(n: number, low: number, high: number): Float32Array {
    const out = new Float32Array(n);
    this.fillUniformInto(out, 0, low, high);
    return out;
  }

  /** `out` from index `from` on, as fillUniform draws them. */
  private fillUniformInto(out: Float32Array, from: number, low: number, high: number): void {
    const n = out.length;
    const scale = (high - low) / 4294967296;
    let { a, b, c, d } = this;
    for (let i = from; i < n; i++) {
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (c << 21) | (c >>> 11);
      c = (c + t) | 0;
      out[i] = low + scale * (t >>> 0);
    }
    Object.assign(this, { a, b, c, d });
  }

  /**
   * Uniform draws for two streams in one loop, each exactly what its own `fillUniform` gives: sfc32 is one chain
   * of dependent steps, and two chains in flight keep the processor busy while each waits (a third less time
   * for a ResNet-50's 25.6 million weights).
   */
  static fillUniformPair(
    x: { random: Random; n: number; low: number; high: number },
    y: { random: Random; n: number; low: number; high: number },
  ): [Float32Array, Float32Array] {
    const [first, second] = x.n <= y.n ? [x, y] : [y, x];
    const shared = first.n;
    const outFirst = new Float32Array(first.n);
    const outSecond = new Float32Array(second.n);
    const scaleFirst = (first.high - first.low) / 4294967296;
    const scaleSecond = (second.high - second.low) / 4294967296;
    const lowFirst = first.low;
    const lowSecond = second.low;
    // sfc32's step written out twice, as in fillUniformInto and next32: with the state in local variables the
    // loop keeps it in registers, where a call per step took 4× as long.
    let { a, b, c, d } = first.random;
    let { a: e, b: f, c: g, d: h } = second.random;
    for (let i = 0; i < shared; i++) {
      const t = (((a + b) | 0) + d) | 0;
      d = (d + 1) | 0;
      a = b ^ (b >>> 9);
      b = (c + (c << 3)) | 0;
      c = (c << 21) | (c >>> 11);
      c = (c + t) | 0;
      const u = (((e + f) | 0) + h) | 0;
      h = (h + 1) | 0;
      e = f ^ (f >>> 9);
      f = (g + (g << 3)) | 0;
      g = (g << 21) | (g >>> 11);
      g = (g + u) | 0;
      outFirst[i] = lowFirst + scaleFirst * (t >>> 0);
      outSecond[i] = lowSecond + scaleSecond * (u >>> 0);
    }
    Object.assign(first.random, { a, b, c, d });
    Object.assign(second.random, { a: e, b: f, c: g, d: h });
    // The longer stream goes on alone.
    second.random.fillUniformInto(outSecond, shared, second.low, second.high);
    return x.n <= y.n ? [outFirst, outSecond] : [outSecond, outFirst];
  }

  /** `n` standard normal values. */
  fillNormal(n: number): Float32Array {
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) out[i] = this.normal();
    return out;
  }
}

/** cyrb128: four 32-bit words from a string, to seed sfc32. */
function hash(text: string): number[] {
  let h1 = 1779033703,
    h2 = 3144134277,
    h3 = 1013904242,
    h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  return [(h1 ^ h2 ^ h3 ^ h4) >>> 0, (h2 ^ h1) >>> 0, (h3 ^ h1) >>> 0, (h4 ^ h1) >>> 0];
}
