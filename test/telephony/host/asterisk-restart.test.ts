import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { TransportRestartTracker } from '../../../core/telephony/config/transport-restart';
import { AsteriskRestart } from '../../../core/telephony/host/asterisk-restart';
import { PrivilegedHelper } from '../../../core/telephony/host/privileged-helper';
import type { AriSimulator } from '../../ari-simulator/ari-simulator';
import { tempDir } from '../../support/test-app';
import { startSimulator, startTelephony, until, type TelephonyUnderTest } from '../telephony-harness';

const UDP_5060 = '[transport-udp]\ntype=transport\nprotocol=udp\nbind=0.0.0.0:5060\n';
const UDP_5070 = '[transport-udp]\ntype=transport\nprotocol=udp\nbind=0.0.0.0:5070\n';

describe('Asterisk restart for a transport change (simulator)', () => {
  let sim: AriSimulator;
  let t: TelephonyUnderTest;
  let dir: string;

  beforeEach(async () => {
    dir = tempDir('carillon-restart-');
    sim = await startSimulator();
    t = startTelephony(sim.url);
    await until('connected', () => t.telephony.connected);
  });
  afterEach(async () => {
    await t?.stop();
    await sim?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers once ARI reports the new start, and the change no longer waits', async () => {
    const tracker = new TransportRestartTracker(dir, async () => (t.telephony.connected ? ((await t.telephony.rest().asteriskInfo()).status?.startup_time ?? null) : null));
    await tracker.written(UDP_5060, UDP_5070);
    const before = await tracker.status();
    expect(before.pending).to.equal(true);
    // The helper's systemctl restart: Asterisk goes away, comes back with a new start time.
    const helper = new PrivilegedHelper(path.join(dir, 'helper.sock'));
    helper.request = async (words) => {
      expect(words).to.deep.equal(['restart-asterisk']);
      setTimeout(() => sim.restartAsterisk(), 20);
      return [];
    };
    const view = await new AsteriskRestart(tracker, helper).restart(10_000);
    expect(view.pending).to.equal(false);
    expect(Date.parse(view.asteriskStartedAt!)).to.be.greaterThan(Date.parse(before.asteriskStartedAt!));
  });

  it('a transport that did not exist is created by a reload: nothing waits; a removed one does', async () => {
    const tracker = new TransportRestartTracker(dir, async () => null);
    await tracker.written(null, UDP_5060);
    expect((await tracker.status()).pending).to.equal(false);
    await tracker.written(UDP_5060, `${UDP_5060}[transport-tcp]\ntype=transport\nprotocol=tcp\nbind=0.0.0.0:5060\n`);
    expect((await tracker.status()).pending).to.equal(false);
    await tracker.written(UDP_5060, '; no transport\n');
    expect((await tracker.status()).pending).to.equal(true);
  });
});
