import assert from 'node:assert/strict';
import { pacingPolicyFor, predictiveSettingsFor, type DialMode } from './dial-modes';
import { PredictivePolicy } from './predictive';
import type { PacingSnapshot } from './types';

const limits = { abandonCeiling: 0.03, windowSeconds: 86_400 };
const busySnapshot: PacingSnapshot = {
  now: 0,
  agents: [{ state: 'ready', idleSeconds: 5 }, { state: 'ready', idleSeconds: 1 }, { state: 'talking', elapsedSeconds: 40 }],
  calls: [{ state: 'ringing', elapsedSeconds: 3 }],
  linesAvailable: 10,
};

describe('seed dial modes → pacing policies', () => {
  const agentDriven: readonly [DialMode, string][] = [
    ['MANUEL', 'manual'],
    ['PREVIEW', 'preview'],
    ['RECEPTION', 'inbound'],
  ];
  for (const [mode, name] of agentDriven) {
    it(`${mode} never dials on its own`, () => {
      const policy = pacingPolicyFor({ mode, speed: 10, ...limits });
      assert.equal(policy.name, name);
      assert.equal(policy.callsToPlace(busySnapshot), 0);
    });
  }

  it('TURBO is progressive: one call in flight per ready agent', () => {
    const policy = pacingPolicyFor({ mode: 'TURBO', speed: 3, ...limits });
    assert.equal(policy.name, 'progressive');
    assert.equal(policy.callsToPlace(busySnapshot), 1);
  });

  it('AUTOMATIQUE1 < 2 < 3 in aim, and speed scales each', () => {
    const aim = (mode: DialMode, speed: number) => {
      const s = predictiveSettingsFor({ mode, speed, ...limits });
      return s.abandonTarget! - s.margin!;
    };
    assert.ok(aim('AUTOMATIQUE1', 10) < aim('AUTOMATIQUE2', 10));
    assert.ok(aim('AUTOMATIQUE2', 10) < aim('AUTOMATIQUE3', 10));
    assert.ok(Math.abs(aim('AUTOMATIQUE3', 10) - 0.027) < 1e-12);
    assert.ok(Math.abs(aim('AUTOMATIQUE2', 0) - 0.03 * 0.7 * 0.4) < 1e-12);
    for (let speed = 1; speed <= 10; speed++) assert.ok(aim('AUTOMATIQUE1', speed) > aim('AUTOMATIQUE1', speed - 1));
    assert.ok(aim('AUTOMATIQUE3', 42) === aim('AUTOMATIQUE3', 10));
    assert.ok(aim('AUTOMATIQUE3', 10) < 0.03);
  });

  it('AUTOMATIQUE modes build a predictive policy on the pack window', () => {
    const policy = pacingPolicyFor({ mode: 'AUTOMATIQUE2', speed: 5, abandonCeiling: 0.03, windowSeconds: 30 * 86_400 });
    assert.ok(policy instanceof PredictivePolicy);
    assert.equal(policy.settings.windowSeconds, 30 * 86_400);
    assert.throws(() => predictiveSettingsFor({ mode: 'TURBO', speed: 5, ...limits }), /not a predictive mode/);
  });
});
