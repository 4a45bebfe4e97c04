// Feature statistics as LeRobot keeps them in meta/stats.json and, per episode, in the episodes table
// (stats/<feature>/<stat>): min, max, mean, std, count and the quantiles q01, q10, q50, q90, q99
// (LeRobot's DEFAULT_QUANTILES) per dimension; for a camera, per colour channel over every pixel of every
// frame, scaled to 0..1 and shaped [3][1][1] like LeRobot's image stats. Ours are exact (LeRobot samples
// frames and estimates quantiles from histograms): std is the population std, quantiles interpolate
// linearly between order statistics (NumPy's default).

export const QUANTILES = [
  ['q01', 0.01],
  ['q10', 0.1],
  ['q50', 0.5],
  ['q90', 0.9],
  ['q99', 0.99],
] as const;

export type StatName = 'min' | 'max' | 'mean' | 'std' | 'count' | (typeof QUANTILES)[number][0];
export const STAT_NAMES: StatName[] = ['min', 'max', 'mean', 'std', 'count', ...QUANTILES.map(([k]) => k)];

/** One feature's stats: a number per dimension ([D]), or per channel ([C][1][1]) for images; count is [n]. */
export type FeatureStats = Record<StatName, number[] | number[][][]>;

/** The value at fraction q of `n` sorted values, read through `at(k)` (the k-th smallest). */
function quantile(n: number, q: number, at: (k: number) => number): number {
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  const a = at(lo);
  return a + (at(hi) - a) * (pos - lo);
}

/** Stats of rows of `dims` numbers (a vector feature, or a scalar one with dims = 1). */
export class VectorStats {
  private blocks: Float64Array[] = [];
  private rows = 0;

  constructor(readonly dims: number) {}

  /** Append `values` (rows x dims, row-major). */
  add(values: ArrayLike<number>): void {
    if (values.length % this.dims) throw new Error(`stats: ${values.length} values are not rows of ${this.dims}`);
    this.blocks.push(Float64Array.from(values));
    this.rows += values.length / this.dims;
  }

  get count(): number {
    return this.rows;
  }

  result(): FeatureStats {
    const n = this.rows;
    if (!n) throw new Error('stats of no rows');
    const out = Object.fromEntries(STAT_NAMES.map((s) => [s, [] as number[]])) as Record<StatName, number[]>;
    const column = new Float64Array(n);
    for (let d = 0; d < this.dims; d++) {
      let r = 0;
      for (const b of this.blocks) for (let i = d; i < b.length; i += this.dims) column[r++] = b[i];
      column.sort();
      let sum = 0;
      for (let i = 0; i < n; i++) sum += column[i];
      const mean = sum / n;
      let sq = 0;
      for (let i = 0; i < n; i++) sq += (column[i] - mean) ** 2;
      out.min.push(column[0]);
      out.max.push(column[n - 1]);
      out.mean.push(mean);
      out.std.push(Math.sqrt(sq / n));
      for (const [key, q] of QUANTILES) out[key].push(quantile(n, q, (k) => column[k]));
    }
    out.count = [n];
    return out;
  }
}

/** Stats of RGB frames (uint8 [frames, H, W, 3]) per channel, in 0..1, kept as exact histograms. */
export class ImageStats {
  private hist = [new Float64Array(256), new Float64Array(256), new Float64Array(256)];
  private frames = 0;

  /** Append `frames` frames of `pixels` (RGB, interleaved). */
  add(pixels: Uint8Array, frames: number): void {
    if (pixels.length % 3) throw new Error('image stats: RGB bytes expected');
    const [r, g, b] = this.hist;
    for (let i = 0; i < pixels.length; i += 3) {
      r[pixels[i]]++;
      g[pixels[i + 1]]++;
      b[pixels[i + 2]]++;
    }
    this.frames += frames;
  }

  /** Add another accumulator's counts (a dataset's stats from its episodes'). */
  merge(other: ImageStats): void {
    for (let c = 0; c < 3; c++) for (let v = 0; v < 256; v++) this.hist[c][v] += other.hist[c][v];
    this.frames += other.frames;
  }

  result(): FeatureStats {
    if (!this.frames) throw new Error('stats of no frames');
    const per = Object.fromEntries(STAT_NAMES.map((s) => [s, [] as number[]])) as Record<StatName, number[]>;
    for (const h of this.hist) {
      let n = 0;
      let sum = 0;
      for (let v = 0; v < 256; v++) {
        n += h[v];
        sum += v * h[v];
      }
      const mean = sum / n;
      let sq = 0;
      for (let v = 0; v < 256; v++) sq += h[v] * (v - mean) ** 2;
      // The k-th smallest pixel value: walk the cumulative counts.
      const cumulative = new Float64Array(256);
      let acc = 0;
      for (let v = 0; v < 256; v++) cumulative[v] = acc += h[v];
      const at = (k: number) => {
        let v = 0;
        while (cumulative[v] <= k) v++;
        return v;
      };
      per.min.push(at(0) / 255);
      per.max.push(at(n - 1) / 255);
      per.mean.push(mean / 255);
      per.std.push(Math.sqrt(sq / n) / 255);
      for (const [key, q] of QUANTILES) per[key].push(quantile(n, q, at) / 255);
    }
    const out = {} as FeatureStats;
    for (const s of STAT_NAMES) out[s] = s === 'count' ? [this.frames] : per[s].map((v) => [[v]]);
    return out;
  }
}
