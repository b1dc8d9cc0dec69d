import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { ClickToCallView } from '../../../core/telephony/click-to-call/click-to-call-session';
import { AriSimulator } from '../../ari-simulator/ari-simulator';
import { OutboundDialling } from '../../ari-simulator/outbound-dialling';
import { cradle, eventually, startCallsApp } from '../../calls/calls-harness';
import { createUser, type CreatedUser } from '../../core/auth-fixtures';
import type { ApiClient } from '../../support/api-client';
import { tempDir, type TestApp } from '../../support/test-app';

export const CLICK_TO_CALL = '/api/telephony/click-to-call';

/** Numbers the simulated trunk answers: each one scripts the far end. */
export const NUMBERS = {
  answers: '0612345601',
  busy: '0612345602',
  neverAnswers: '0612345603',
  international: '0044 20 7946 0958',
  premium: '0899123456',
};

export interface ClickToCallWorld {
  sim: AriSimulator;
  dialling: OutboundDialling;
  t: TestApp;
  admin: ApiClient;
  /** Each with its extension: 201 answers, 202 never answers, 203 is busy, 204 is not registered. */
  agent: CreatedUser;
  ringsOut: CreatedUser;
  busyAgent: CreatedUser;
  unregistered: CreatedUser;
  /** A manager (holds `telephony.callerid.override`) on 205, which answers. */
  manager: CreatedUser;
  /** An agent without an extension. */
  noExtension: CreatedUser;
  /** Every `telephony.clickToCall` event, in publication order. */
  events: ClickToCallView[];
  stop(): Promise<void>;
}

/** A real Carillon on the ARI simulator, with users, their extensions and a scripted trunk. */
export async function startClickToCallWorld(): Promise<ClickToCallWorld> {
  const dir = tempDir('carillon-c2c-');
  const cdrFile = path.join(dir, 'Master.csv');
  fs.writeFileSync(cdrFile, '');
  const sim = new AriSimulator({ cdrUnanswered: true, defaultSoundMs: 20 });
  await sim.start();
  for (const [number, behaviour] of [
    ['201', { kind: 'answer', answerAfterMs: 30 }],
    ['202', { kind: 'noAnswer' }],
    ['203', { kind: 'busy', afterMs: 10 }],
    ['205', { kind: 'answer', answerAfterMs: 30 }],
  ] as const) {
    sim.addEndpoint(number, { callerId: { name: `Poste ${number}`, number }, behaviour });
  }
  sim.addEndpoint('204', { registered: false });
  const dialling = new OutboundDialling(sim, (number) =>
    number === NUMBERS.busy ? { kind: 'busy', afterMs: 10 } : number === NUMBERS.neverAnswers ? { kind: 'noAnswer' } : { kind: 'answer', answerAfterMs: 30 },
  );
  const t = await startCallsApp({ ariUrl: sim.url, cdrFile, dataDir: dir });
  const admin = await t.adminClient();
  await eventually('ARI connected', async () => cradle(t).telephony.connected);
  const events: ClickToCallView[] = [];
  cradle(t).events.subscribe('telephony.clickToCall', (view) => void events.push(view));
  // The directory plugin's part: the user's phone shows whom they are about to reach.
  cradle(t).collections.contribute('telephony.callerNameResolvers', 'core', { id: 'test-directory', resolve: async (n: string) => (n === NUMBERS.answers ? 'Claire Client' : null) });

  const withExtension = async (roles: string[], number: string | null): Promise<CreatedUser> => {
    const user = await createUser(t, admin, roles, `c2c-${number ?? 'none'}`);
    if (number) {
      const res = await admin.post('/api/telephony/extensions', { number, name: `Poste ${number}`, userId: user.id });
      expect(res.status, res.text).to.equal(201);
    }
    return user;
  };
  return {
    sim,
    dialling,
    t,
    admin,
    agent: await withExtension(['agent'], '201'),
    ringsOut: await withExtension(['agent'], '202'),
    busyAgent: await withExtension(['agent'], '203'),
    unregistered: await withExtension(['agent'], '204'),
    manager: await withExtension(['manager'], '205'),
    noExtension: await withExtension(['agent'], null),
    events,
    async stop() {
      await t.stop();
      await sim.stop();
    },
  };
}

/** The statuses one call went through, as the event bus published them. */
export function statusesOf(world: ClickToCallWorld, id: string): string[] {
  return world.events.filter((e) => e.id === id).map((e) => (e.status === 'ended' ? `ended:${e.outcome}` : e.status));
}

export async function endedView(world: ClickToCallWorld, id: string): Promise<ClickToCallView> {
  return eventually(`click-to-call ${id} ended`, async () => world.events.find((e) => e.id === id && e.status === 'ended'));
}

/** Nothing in Stasis, no channel, no bridge: on the simulated Asterisk and in Carillon's view. */
export async function nothingLeft(world: ClickToCallWorld): Promise<void> {
  await eventually('every channel and bridge gone', async () => {
    const { sim } = world;
    return sim.channelsInStasis().length === 0 && sim.model.channels.size === 0 && sim.model.bridges.size === 0 && cradle(world.t).telephony.channelsInApplication().length === 0;
  });
}

/** POST /channels requests the simulator received so far. */
export function originates(world: ClickToCallWorld): Array<Record<string, string>> {
  return world.sim.requests.filter((r) => r.method === 'POST' && r.path === '/ari/channels').map((r) => r.query);
}
