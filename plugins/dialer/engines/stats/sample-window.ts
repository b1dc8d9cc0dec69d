/**
 * The most recent `capacity` observations of a duration, kept sorted so conditional
 * probabilities ("given it has lasted a seconds, will it end within s more?") cost two binary
 * searches. Old observations fall out so the estimate follows a campaign whose behaviour drifts.
 */
export class SampleWindow {
  private readonly arrival: number[] = [];
  private readonly sorted: number[] = [];
  private sum = 0;

  constructor(private readonly capacity = 2000) {}

  get count(): number {
    return this.sorted.length;
  }

  get mean(): number {
    return this.sorted.length === 0 ? Number.NaN : this.sum / this.sorted.length;
  }

  add(value: number): void {
    this.arrival.push(value);
    this.sorted.splice(this.upperBound(value), 0, value);
    this.sum += value;
    if (this.arrival.length > this.capacity) {
      const oldest = this.arrival.shift()!;
      this.sorted.splice(this.lowerBound(oldest), 1);
      this.sum -= oldest;
    }
  }

  get max(): number {
    return this.sorted.length === 0 ? Number.NaN : this.sorted[this.sorted.length - 1];
  }

  /** Share of observations ≤ x. */
  cdf(x: number): number {
    const n = this.sorted.length;
    return n === 0 ? 0 : this.upperBound(x) / n;
  }

  /** P(X ≤ b | X > a); 1 when no observation exceeds a (the thing is overdue). */
  conditionalCdf(a: number, b: number): number {
    const above = this.sorted.length - this.upperBound(a);
    if (above === 0) return 1;
    const within = this.upperBound(b) - this.upperBound(a);
    return Math.max(0, within) / above;
  }

  private lowerBound(x: number): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private upperBound(x: number): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.sorted[mid] <= x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
