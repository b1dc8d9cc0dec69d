import assert from 'node:assert/strict';
import { FixedRatioPolicy } from './basic-policies';
import { PredictivePolicy } from './predictive';
import type { AgentView, CallView, PacingSnapshot } from './types';
import { VicidialAdaptivePolicy } from './vicidial-adaptive';

const agents = (ready: number, talking: number): AgentView[] => [
  ...Array.from({ length: ready }, () => ({ state: 'ready' as const, idleSeconds: 1 })),
  ...Array.from({ length: talking }, () => ({ state: 'talking' as const, elapsedSeconds: 30 })),
];
const ringing = (n: number): CallView[] => Array.from({ length: n }, () => ({ state: 'ringing' as const, elapsedSeconds: 2 }));
const snapshot = (now: number, a: AgentView[], calls: CallView[], linesAvailable = 100): PacingSnapshot => ({ now, agents: a, calls, linesAvailable });

describe('pacing policies', () => {
  it('progressive keeps one call in flight per ready agent, within the free lines', () => {
    const progressive = new FixedRatioPolicy(1);
    assert.equal(progressive.callsToPlace(snapshot(0, agents(5, 3), ringing(2))), 3);
    assert.equal(progressive.callsToPlace(snapshot(0, agents(5, 3), ringing(7))), 0);
    assert.equal(progressive.callsToPlace(snapshot(0, agents(5, 3), [], 2)), 2);
  });

  it('a 2:1 fixed ratio keeps two calls per ready agent', () => {
    assert.equal(new FixedRatioPolicy(2).callsToPlace(snapshot(0, agents(4, 6), ringing(3))), 5);
  });

  it('predictive behaves as progressive until it has seen enough calls', () => {
    const predictive = new PredictivePolicy();
    assert.equal(predictive.callsToPlace(snapshot(0, agents(4, 6), ringing(1))), 3);
    assert.equal(predictive.callsToPlace(snapshot(0, [], [])), 0);
  });

  it('predictive places fewer calls once its abandon budget is spent', () => {
    const trained = () => {
      const p = new PredictivePolicy();
      for (let i = 0; i < 200; i++) {
        const outcome = i % 4 === 0 ? 'live' : i % 4 === 1 ? 'machine' : 'failed';
        p.observe({ kind: 'ring-ended', outcome, ringSeconds: outcome === 'failed' ? 25 : 4 + (i % 12) });
        if (outcome !== 'failed') p.observe({ kind: 'screening-ended', outcome, screeningSeconds: outcome === 'live' ? 1.5 : 3 });
      }
      for (let i = 0; i < 20; i++) p.observe({ kind: 'talk-ended', talkSeconds: 180 });
      for (let i = 0; i < 20; i++) p.observe({ kind: 'wrap-ended', wrapSeconds: 30 });
      return p;
    };
    const calm = trained();
    const burnt = trained();
    for (let i = 0; i < 100; i++) calm.observe({ kind: 'live-answer', at: i, abandoned: false });
    for (let i = 0; i < 100; i++) burnt.observe({ kind: 'live-answer', at: i, abandoned: i % 10 === 0 });
    const view = snapshot(100, agents(6, 14), ringing(4));
    const calmCalls = calm.callsToPlace(view);
    const burntCalls = burnt.callsToPlace(view);
    assert.ok(calmCalls > burntCalls, `${calmCalls} vs ${burntCalls}`);
    assert.ok(calm.currentRisk > burnt.currentRisk);
  });

  describe('Vicidial adaptive baseline', () => {
    it('raises its dial level while agents wait and keeps level × agents lines up', () => {
      const vicidial = new VicidialAdaptivePolicy();
      for (let t = 0; t <= 15; t++) vicidial.callsToPlace(snapshot(t, agents(5, 5), []));
      // 15 samples of 5 ready out of 10: level × (1 + 5/10).
      assert.equal(vicidial.dialLevel, 1.5);
      // round(1.5 × 10) lines minus 5 connected calls and 2 ringing.
      assert.equal(vicidial.callsToPlace(snapshot(16, agents(5, 5), ringing(2))), 8);
    });

    it('drops back to 1.0 when the day goes over the drop target (hard limit)', () => {
      const vicidial = new VicidialAdaptivePolicy({ method: 'hard-limit' });
      for (let t = 0; t <= 15; t++) vicidial.callsToPlace(snapshot(t, agents(8, 2), []));
      assert.ok(vicidial.dialLevel > 1);
      for (let i = 0; i < 40; i++) vicidial.observe({ kind: 'live-answer', at: 16, abandoned: i < 4 });
      for (let t = 16; t <= 31; t++) vicidial.callsToPlace(snapshot(t, agents(8, 2), []));
      assert.equal(vicidial.dialLevel, 1);
    });
  });
});
