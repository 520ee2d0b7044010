// Level 7 · exercise of phase 7: yours to write on its branch; later branches hold the reference.
/**
 * A latency histogram with logarithmic buckets and a stated relative error: every percentile it
 * reports is within `relativeError` (default 1%) of the exact value at the same rank, for values in
 * [minValue, maxValue]. Memory is fixed (~1,100 counters at the defaults) whatever the traffic.
 * See docs/phase-7-production.md#exercise-73-latency-histograms.
 *
 * Bucket i holds the values in (minValue * gamma^(i-1), minValue * gamma^i], gamma = (1+a)/(1-a)
 * for a relative error a; bucket 0 holds everything <= minValue. Reporting 2*upper/(gamma+1) for a
 * bucket is at most a away, relatively, from any value inside it.
 */
export interface HistogramOptions {
  /** Largest relative error of a reported percentile, 0 < a < 1. Default 0.01 (1%). */
  relativeError?: number;
  /** Smallest value kept with the stated error (ms). Default 0.001 (1 µs). */
  minValue?: number;
  /** Largest value kept with the stated error (ms); larger ones land in the last bucket. Default 1 h. */
  maxValue?: number;
}

export interface HistogramSnapshot {
  count: number;
  min: number;
  max: number;
  mean: number;
  p50: number;
  p95: number;
  p99: number;
}

export class LatencyHistogram {
  readonly relativeError: number;
  readonly minValue: number;
  readonly maxValue: number;
  private readonly gamma: number;
  private readonly logGamma: number;
  private readonly counts: Float64Array;
  private total = 0;
  private sum = 0;
  private lowest = Infinity;
  private highest = -Infinity;

  constructor(opts: HistogramOptions = {}) {
    this.relativeError = opts.relativeError ?? 0.01;
    this.minValue = opts.minValue ?? 0.001;
    this.maxValue = opts.maxValue ?? 3_600_000;
    if (!(this.relativeError > 0 && this.relativeError < 1))
      throw new RangeError(`options.relativeError must be in (0, 1), got ${this.relativeError}`);
    if (!(this.minValue > 0 && this.maxValue > this.minValue))
      throw new RangeError('options.minValue must be > 0 and options.maxValue must be greater than it');
    this.gamma = (1 + this.relativeError) / (1 - this.relativeError);
    this.logGamma = Math.log(this.gamma);
    this.counts = new Float64Array(Math.ceil(Math.log(this.maxValue / this.minValue) / this.logGamma) + 2);
  }

  get count(): number {
    return this.total;
  }

  /** The bucket holding `value`: the smallest i with value <= minValue * gamma^i, clamped to the table. */
  bucketIndex(value: number): number {
    if (value <= this.minValue) return 0;
    const i = Math.ceil(Math.log(value / this.minValue) / this.logGamma);
    return Math.min(i, this.counts.length - 1);
  }

  /** The value reported for bucket `index`: within relativeError of every value the bucket holds. */
  bucketValue(index: number): number {
    const upper = this.minValue * Math.pow(this.gamma, index);
    return (2 * upper) / (this.gamma + 1);
  }

  /** Count one observation (ms). Non-finite or negative values are a caller bug: refuse them. */
  record(value: number): void {
    if (!Number.isFinite(value) || value < 0) throw new RangeError(`latency must be a finite number >= 0, got ${value}`);
    this.counts[this.bucketIndex(value)]! += 1;
    this.total += 1;
    this.sum += value;
    if (value < this.lowest) this.lowest = value;
    if (value > this.highest) this.highest = value;
  }

  /**
   * The p-th percentile (0 < p <= 100), nearest rank: the value at rank ceil(p/100 * count).
   * NaN when empty. Clamped to the exact min/max seen, which can only bring it closer.
   */
  percentile(p: number): number {
    if (!(p > 0 && p <= 100)) throw new RangeError(`percentile must be in (0, 100], got ${p}`);
    if (this.total === 0) return NaN;
    const rank = Math.max(1, Math.ceil((p / 100) * this.total));
    let seen = 0;
    for (let i = 0; i < this.counts.length; i++) {
      seen += this.counts[i]!;
      if (seen >= rank) return Math.min(this.highest, Math.max(this.lowest, this.bucketValue(i)));
    }
    return this.highest;
  }

  snapshot(): HistogramSnapshot {
    const empty = this.total === 0;
    return {
      count: this.total,
      min: empty ? 0 : this.lowest,
      max: empty ? 0 : this.highest,
      mean: empty ? 0 : this.sum / this.total,
      p50: empty ? 0 : this.percentile(50),
      p95: empty ? 0 : this.percentile(95),
      p99: empty ? 0 : this.percentile(99),
    };
  }
}
