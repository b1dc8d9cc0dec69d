import { normalCdf } from './normal';

/**
 * Running maximum-likelihood lognormal fit (mean and variance of log x), started from prior
 * pseudo-observations so the first decisions use a deliberately cautious guess.
 */
export class LognormalFit {
  private n: number;
  private sumLog: number;
  private sumLog2: number;

  constructor(priorMean: number, priorSd: number, priorWeight: number) {
    const sigma2 = Math.log(1 + (priorSd * priorSd) / (priorMean * priorMean));
    const mu = Math.log(priorMean) - sigma2 / 2;
    this.n = priorWeight;
    this.sumLog = mu * priorWeight;
    this.sumLog2 = (sigma2 + mu * mu) * priorWeight;
  }

  add(x: number): void {
    const l = Math.log(Math.max(x, 1e-3));
    this.n++;
    this.sumLog += l;
    this.sumLog2 += l * l;
  }

  get mu(): number {
    return this.sumLog / this.n;
  }

  get sigma(): number {
    const mu = this.mu;
    return Math.sqrt(Math.max(1e-6, this.sumLog2 / this.n - mu * mu));
  }

  get mean(): number {
    return Math.exp(this.mu + (this.sigma * this.sigma) / 2);
  }

  cdf(x: number): number {
    if (x <= 0) return 0;
    return normalCdf((Math.log(x) - this.mu) / this.sigma);
  }

  /** P(X ≤ b | X > a). */
  conditionalCdf(a: number, b: number): number {
    if (b <= a) return 0;
    const fa = this.cdf(a);
    const survival = 1 - fa;
    if (survival < 1e-9) return 1;
    return (this.cdf(b) - fa) / survival;
  }
}
