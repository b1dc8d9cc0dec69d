import assert from 'node:assert/strict';
import { LognormalFit } from './lognormal-fit';
import { normalCdf } from './normal';
import { PoissonBinomial } from './poisson-binomial';
import { SampleWindow } from './sample-window';

describe('distributions used by the pacer', () => {
  it('Poisson-binomial matches enumeration of every outcome', () => {
    const ps = [0.1, 0.5, 1, 0.3, 0, 0.8];
    const qs = [0.6, 1, 0.25];
    const x = new PoissonBinomial();
    ps.forEach((p) => x.add(p));
    const y = new PoissonBinomial();
    qs.forEach((q) => y.add(q));
    const exact = (probabilities: number[]) => {
      const pmf = new Map<number, number>();
      for (let mask = 0; mask < 1 << probabilities.length; mask++) {
        let weight = 1;
        let sum = 0;
        probabilities.forEach((p, i) => {
          const on = (mask >> i) & 1;
          weight *= on ? p : 1 - p;
          sum += on;
        });
        pmf.set(sum, (pmf.get(sum) ?? 0) + weight);
      }
      return pmf;
    };
    const px = exact(ps);
    const py = exact(qs);
    for (let k = -1; k <= ps.length; k++) {
      const expected = [...px].filter(([v]) => v <= k).reduce((s, [, w]) => s + w, 0);
      assert.ok(Math.abs(x.cdf(k) - expected) < 1e-12, `cdf(${k})`);
    }
    let exceeds = 0;
    for (const [vx, wx] of px) for (const [vy, wy] of py) if (vx > vy) exceeds += wx * wy;
    assert.ok(Math.abs(x.probabilityExceeds(y) - exceeds) < 1e-12);
    assert.ok(Math.abs(x.mean - ps.reduce((a, b) => a + b, 0)) < 1e-12);
  });

  it('sample window answers conditional probabilities and forgets old samples', () => {
    const w = new SampleWindow(4);
    [10, 20, 30, 40].forEach((v) => w.add(v));
    assert.equal(w.cdf(25), 0.5);
    assert.equal(w.conditionalCdf(15, 30), 2 / 3);
    assert.equal(w.conditionalCdf(45, 50), 1);
    w.add(50);
    assert.equal(w.count, 4);
    assert.equal(w.cdf(10), 0);
    assert.equal(w.mean, 35);
  });

  it('lognormal fit converges from its prior to the data', () => {
    const fit = new LognormalFit(300, 150, 10);
    assert.ok(Math.abs(fit.mean - 300) < 1e-6);
    for (let i = 0; i < 5000; i++) fit.add(i % 2 === 0 ? 100 : 200);
    assert.ok(Math.abs(fit.mu - (Math.log(100) + Math.log(200)) / 2) < 0.01);
    assert.ok(Math.abs(fit.conditionalCdf(150, 1e9) - 1) < 1e-9);
  });

  it('normal CDF is accurate to 1e-7', () => {
    assert.ok(Math.abs(normalCdf(0) - 0.5) < 1e-7);
    assert.ok(Math.abs(normalCdf(1.959964) - 0.975) < 1e-6);
    assert.ok(Math.abs(normalCdf(-3) - 0.0013498980) < 1e-7);
  });
});
