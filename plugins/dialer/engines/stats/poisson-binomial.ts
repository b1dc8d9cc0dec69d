/**
 * Distribution of a sum of independent Bernoulli variables (a Poisson-binomial), built one term
 * at a time. Terms with probability 0 or 1 only shift the distribution, which keeps the work
 * proportional to the genuinely uncertain terms.
 */
export class PoissonBinomial {
  private pmf: number[] = [1];
  private certain = 0;

  clone(): PoissonBinomial {
    const copy = new PoissonBinomial();
    copy.pmf = this.pmf.slice();
    copy.certain = this.certain;
    return copy;
  }

  add(p: number): void {
    if (p <= 1e-9) return;
    if (p >= 1 - 1e-9) {
      this.certain++;
      return;
    }
    const pmf = this.pmf;
    pmf.push(pmf[pmf.length - 1] * p);
    for (let i = pmf.length - 2; i > 0; i--) pmf[i] = pmf[i] * (1 - p) + pmf[i - 1] * p;
    pmf[0] *= 1 - p;
  }

  get mean(): number {
    let m = this.certain;
    for (let i = 1; i < this.pmf.length; i++) m += i * this.pmf[i];
    return m;
  }

  /** P(X ≤ x). */
  cdf(x: number): number {
    const shifted = Math.floor(x) - this.certain;
    if (shifted < 0) return 0;
    let total = 0;
    for (let i = 0; i <= shifted && i < this.pmf.length; i++) total += this.pmf[i];
    return Math.min(1, total);
  }

  /** P(X > Y) for an independent Y. */
  probabilityExceeds(other: PoissonBinomial): number {
    let total = 0;
    let below = 0; // P(Y ≤ x − 1), grown as x increases
    let next = 0; // next value of Y to fold into `below`
    for (let i = 0; i < this.pmf.length; i++) {
      const x = i + this.certain;
      while (next <= x - 1) {
        const j = next - other.certain;
        if (j >= 0 && j < other.pmf.length) below += other.pmf[j];
        next++;
        if (j >= other.pmf.length) break;
      }
      total += this.pmf[i] * Math.min(1, below);
    }
    return total;
  }
}
