import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { EventBus } from '../../../core/events/bus';
import { createLogger } from '../../../core/logging/logger';
import { ConfigPush, CONFIG_CHANGED_EVENT } from '../../../core/telephony/config/config-push';
import { TelephonyConfigWriter } from '../../../core/telephony/config/config-writer';
import { emptySnapshot } from '../../../core/telephony/config/empty-snapshot';
import { ConfigValueError } from '../../../core/telephony/config/conf-values';
import type { TelephonyConfigSnapshot } from '../../../core/telephony/config/snapshot';
import { TransportRestartTracker } from '../../../core/telephony/config/transport-restart';
import type { AriSimulator } from '../../ari-simulator/ari-simulator';
import { startSimulator, startTelephony, until, type TelephonyUnderTest } from '../telephony-harness';
import { representativeSnapshot } from './representative-snapshot';

describe('Asterisk configuration: writing and reloading through ARI (simulator)', () => {
  let sim: AriSimulator;
  let t: TelephonyUnderTest;
  let dir: string;
  let snapshot: TelephonyConfigSnapshot;
  let writer: TelephonyConfigWriter;
  let restart: TransportRestartTracker;
  const logger = createLogger('silent');

  const makeWriter = (options: { source?: boolean } = {}) =>
    new TelephonyConfigWriter({
      configDir: dir,
      recordingsSpool: '/var/lib/carillon/recordings-spool',
      source: () => (options.source === false ? null : { snapshot: async () => structuredClone(snapshot) }),
      emptySnapshot: () => emptySnapshot('carillon'),
      telephony: t.telephony,
      logger,
      transportRestart: restart,
    });

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'carillon-asterisk-'));
    snapshot = representativeSnapshot();
    sim = await startSimulator();
    t = startTelephony(sim.url);
    await until('connected', () => t.telephony.connected);
    restart = new TransportRestartTracker(dir, async () => (await t.telephony.rest().asteriskInfo()).status?.startup_time ?? null);
    writer = makeWriter();
  });

  afterEach(async () => {
    await t?.stop();
    await sim?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('reloads every module at the first generation, none when nothing changed, only the one concerned after a change', async () => {
    const first = await writer.regenerate();
    expect(first.changed).to.have.length(5);
    expect(first.reloaded).to.deep.equal(['res_pjsip.so', 'app_voicemail.so', 'pbx_config.so']);
    expect(sim.model.moduleReloads).to.deep.equal(['res_pjsip.so', 'app_voicemail.so', 'pbx_config.so']);
    expect(sim.requests.filter((r) => r.method === 'PUT').map((r) => r.path)).to.deep.equal([
      '/ari/asterisk/modules/res_pjsip.so',
      '/ari/asterisk/modules/app_voicemail.so',
      '/ari/asterisk/modules/pbx_config.so',
    ]);

    expect(await writer.regenerate()).to.deep.equal({ changed: [], reloaded: [] });
    expect(sim.model.moduleReloads).to.have.length(3);

    snapshot.extensions[1].sipPassword = 'An0ther-Passw0rd';
    expect(await writer.regenerate()).to.deep.equal({ changed: ['pjsip-extensions.conf'], reloaded: ['res_pjsip.so'] });

    snapshot.ringGroups[0].strategy = 'hunt';
    expect(await writer.regenerate()).to.deep.equal({ changed: ['extensions-carillon.conf'], reloaded: ['pbx_config.so'] });

    snapshot.extensions[0].voicemail.email = 'alice.martin@example.com';
    expect(await writer.regenerate()).to.deep.equal({ changed: ['voicemail-carillon.conf'], reloaded: ['app_voicemail.so'] });
    expect(sim.model.moduleReloads).to.deep.equal(['res_pjsip.so', 'app_voicemail.so', 'pbx_config.so', 'res_pjsip.so', 'pbx_config.so', 'app_voicemail.so']);
    expect(fs.readdirSync(dir).sort()).to.deep.equal(['extensions-carillon.conf', 'pjsip-extensions.conf', 'pjsip-transports.conf', 'pjsip-trunks.conf', 'voicemail-carillon.conf']);
  });

  it('writes no SIP transport until the administrator chose a bind address; the first one is created by the reload, no restart needed', async () => {
    snapshot.transports.bindAddress = null;
    await writer.regenerate();
    const transports = () => fs.readFileSync(path.join(dir, 'pjsip-transports.conf'), 'utf8');
    expect(transports()).not.to.match(/^\[transport-/m);
    expect(transports()).to.include('No SIP transport yet');
    snapshot.transports.bindAddress = '192.0.2.10';
    expect(await writer.regenerate()).to.deep.equal({ changed: ['pjsip-transports.conf'], reloaded: ['res_pjsip.so'] });
    expect(transports()).to.include('[transport-udp]\ntype=transport\nprotocol=udp\nbind=192.0.2.10:5060\n');
    expect(await restart.status()).to.include({ pending: false, since: null });
  });

  it('keeps the transports an earlier version wrote (0.0.0.0 was the default) while no address is chosen', async () => {
    await writer.regenerate();
    const before = fs.readFileSync(path.join(dir, 'pjsip-transports.conf'), 'utf8');
    expect(before).to.include('bind=0.0.0.0:5060');
    snapshot.transports.bindAddress = null;
    expect((await writer.regenerate()).changed).to.deep.equal([]);
    expect(fs.readFileSync(path.join(dir, 'pjsip-transports.conf'), 'utf8')).to.equal(before);
  });

  it('a changed bind address or port waits for an Asterisk restart (ARI startup_time), a new transport does not', async () => {
    await writer.regenerate();
    // A TLS trunk adds transport-tls: a reload creates it.
    snapshot.trunks[1] = { ...(snapshot.trunks[1] as Extract<TelephonyConfigSnapshot['trunks'][number], { kind: 'operator' }>), transport: 'tls' };
    await writer.regenerate();
    expect(await restart.status()).to.include({ pending: false });
    snapshot.transports.bindAddress = '192.0.2.10';
    await writer.regenerate();
    const pending = await restart.status();
    expect(pending).to.include({ pending: true });
    expect(Date.parse(pending.since!)).to.be.greaterThan(Date.parse(pending.asteriskStartedAt!));
    // Back to what Asterisk runs with before any restart: nothing waits any more.
    snapshot.transports.bindAddress = '0.0.0.0';
    await writer.regenerate();
    expect(await restart.status()).to.include({ pending: false });
    snapshot.transports.udpPort = 5070;
    await writer.regenerate();
    expect(await restart.status()).to.include({ pending: true });
    // Still pending across a Carillon restart (the state is on disk), until Asterisk has restarted.
    restart = new TransportRestartTracker(dir, async () => (await t.telephony.rest().asteriskInfo()).status?.startup_time ?? null);
    expect(await restart.status()).to.include({ pending: true });
    await new Promise((resolve) => setTimeout(resolve, 5));
    sim.restartAsterisk();
    await until('reconnected', () => t.telephony.connected);
    expect(await restart.status()).to.include({ pending: false, since: null });
    expect(fs.readdirSync(dir).filter((f) => f.startsWith('.transports'))).to.deep.equal([]);
  });

  it('leaves files and Asterisk untouched when the snapshot holds a value it cannot write safely', async () => {
    await writer.regenerate();
    const before = fs.readFileSync(path.join(dir, 'pjsip-extensions.conf'), 'utf8');
    snapshot.extensions[0].name = 'Alice\n[evil]';
    snapshot.extensions[1].sipPassword = 'changed-too';
    const failure = await writer.regenerate().catch((err: unknown) => err);
    expect(failure).to.be.instanceOf(ConfigValueError);
    expect(fs.readFileSync(path.join(dir, 'pjsip-extensions.conf'), 'utf8')).to.equal(before);
    expect(sim.model.moduleReloads).to.have.length(3);
    // The writer is not stuck: the next valid snapshot goes through.
    snapshot.extensions[0].name = 'Alice Martin';
    expect(await writer.regenerate()).to.deep.equal({ changed: ['pjsip-extensions.conf'], reloaded: ['res_pjsip.so'] });
  });

  it('keeps the reload pending while Asterisk is unreachable and does it once ARI is back (onReady re-push)', async () => {
    const events = new EventBus(logger);
    const push = new ConfigPush(writer, events, t.telephony, logger, 20);
    push.start();
    await until('first push', () => sim.model.moduleReloads.length === 3);

    sim.refuseWebSockets = true;
    sim.dropWebSockets();
    await until('disconnected', () => !t.telephony.connected);
    snapshot.extensions[0].maxContacts = 5;
    const offline = await writer.regenerate();
    expect(offline).to.deep.equal({ changed: ['pjsip-extensions.conf'], reloaded: [] });
    expect(fs.readFileSync(path.join(dir, 'pjsip-extensions.conf'), 'utf8')).to.include('max_contacts=5');
    expect(JSON.parse(fs.readFileSync(path.join(dir, '.pending-reloads.json'), 'utf8'))).to.deep.equal(['res_pjsip.so']);

    sim.refuseWebSockets = false;
    // The simulator sees the reload before Carillon has its answer and clears the pending list.
    await until('reconnected, re-pushed and cleared', () => sim.model.moduleReloads.length === 4 && !fs.existsSync(path.join(dir, '.pending-reloads.json')));
    expect(sim.model.moduleReloads[3]).to.equal('res_pjsip.so');

    // A reconnection with nothing new regenerates but reloads nothing.
    sim.dropWebSockets();
    await until('disconnected', () => !t.telephony.connected);
    await until('reconnected', () => t.telephony.connected);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sim.model.moduleReloads).to.have.length(4);
    await push.stop();
  });

  it('remembers a pending reload across a restart of Carillon (files written, reload never done)', async () => {
    sim.refuseWebSockets = true;
    sim.dropWebSockets();
    await until('disconnected', () => !t.telephony.connected);
    await writer.regenerate();
    expect(sim.model.moduleReloads).to.deep.equal([]);
    sim.refuseWebSockets = false;
    await until('reconnected', () => t.telephony.connected);
    // A new process: same files on disk, so nothing "changed", but the reloads are still owed.
    const restarted = makeWriter();
    expect(await restarted.regenerate()).to.deep.equal({ changed: [], reloaded: ['res_pjsip.so', 'app_voicemail.so', 'pbx_config.so'] });
  });

  it('retries a reload that failed (Asterisk closed the socket without answering) at the next run', async () => {
    sim.closeWithoutAnswering((r) => r.method === 'PUT' && r.path === '/ari/asterisk/modules/pbx_config.so');
    const first = await writer.regenerate();
    expect(first.reloaded).to.deep.equal(['res_pjsip.so', 'app_voicemail.so']);
    expect(JSON.parse(fs.readFileSync(path.join(dir, '.pending-reloads.json'), 'utf8'))).to.deep.equal(['pbx_config.so']);
    expect(await writer.regenerate()).to.deep.equal({ changed: [], reloaded: ['pbx_config.so'] });
    expect(await writer.regenerate()).to.deep.equal({ changed: [], reloaded: [] });
  });

  it('regenerates once for a burst of configChanged events', async () => {
    const events = new EventBus(logger);
    events.define(CONFIG_CHANGED_EVENT, { permission: null, owner: 'core' });
    let runs = 0;
    const counting = { regenerate: () => (runs++, writer.regenerate()) };
    const push = new ConfigPush(counting, events, t.telephony, logger, 50);
    push.start();
    await until('start push', () => runs === 1 && sim.model.moduleReloads.length === 3);
    for (let i = 0; i < 10; i++) {
      snapshot.extensions[3].forwarding.unconditional = i % 2 ? '202' : '201';
      events.publish(CONFIG_CHANGED_EVENT, { resource: 'extension', action: 'updated', id: 4 });
    }
    await until('debounced push', () => runs === 2);
    await until('its reload', () => sim.model.moduleReloads.length === 4);
    expect(sim.model.moduleReloads[3]).to.equal('pbx_config.so');
    expect(fs.readFileSync(path.join(dir, 'extensions-carillon.conf'), 'utf8')).to.include('Goto(carillon-ext,202,1)');
    await push.stop();
  });

  it('writes an empty but valid configuration when no snapshot source is registered', async () => {
    const result = await makeWriter({ source: false }).regenerate();
    expect(result.changed).to.have.length(5);
    // No wildcard bind guessed for a fresh Asterisk: no transport until an address is chosen.
    expect(fs.readFileSync(path.join(dir, 'pjsip-transports.conf'), 'utf8')).not.to.include('type=transport');
    expect(fs.readFileSync(path.join(dir, 'pjsip-extensions.conf'), 'utf8')).not.to.include('type=endpoint');
  });
});
