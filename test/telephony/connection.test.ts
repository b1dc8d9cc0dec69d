import { expect } from 'chai';
import { AriRequestError } from '../../core/telephony/ari/errors';
import { AriSimulator } from '../ari-simulator/ari-simulator';
import { freePort, startSimulator, startTelephony, until, type TelephonyUnderTest } from './telephony-harness';

describe('ARI connection (ari-client against the simulator)', () => {
  let sim: AriSimulator;
  let t: TelephonyUnderTest;

  afterEach(async () => {
    await t?.stop();
    await sim?.stop();
  });

  /** 60 requests at once, each answered (404 here) or failed. */
  const burstOf60 = () => Promise.all(Array.from({ length: 60 }, (_, i) => t.telephony.rest().getChannel(`c${i}`).catch((err: AriRequestError) => err)));

  it('connects, registers the Stasis application and reports connected', async () => {
    sim = await startSimulator();
    t = startTelephony(sim.url);
    await until('connected', () => t.status.snapshot.state === 'connected');
    expect(sim.registeredApps()).to.deep.equal(['carillon']);
    expect(t.states.map((s) => s.state)).to.deep.equal(['connecting', 'connected']);
    expect(sim.requests.map((r) => r.path)).to.include.members(['/ari/api-docs/resources.json', '/ari/api-docs/channels.json', '/ari/api-docs/events.json']);
  });

  it('keeps retrying with back-off while Asterisk is unreachable, then connects', async () => {
    const port = await freePort();
    t = startTelephony(`http://127.0.0.1:${port}`);
    await until('a failed attempt', () => t.states.some((s) => s.state === 'disconnected'));
    expect(t.status.snapshot).to.include({ connected: false, state: 'disconnected' });
    expect(t.status.snapshot.lastError).to.match(/ECONNREFUSED/);
    sim = new AriSimulator();
    await sim.start(port);
    await until('connected', () => t.status.snapshot.connected);
    expect(t.status.snapshot.lastError).to.equal(null);
    expect(sim.registeredApps()).to.deep.equal(['carillon']);
  });

  it('reports wrong credentials as the last error and does not connect', async () => {
    sim = await startSimulator({ password: 'right' });
    t = startTelephony(sim.url, { password: 'wrong' });
    await until('a failed attempt', () => t.states.some((s) => s.state === 'disconnected'));
    expect(t.status.snapshot.connected).to.equal(false);
    expect(t.status.snapshot.lastError).to.equal('Asterisk refused the ARI credentials of user "carillon" (401)');
    expect(sim.registeredApps()).to.deep.equal([]);
  });

  it('treats a request whose socket is closed without an answer as a timed-out failure', async () => {
    sim = await startSimulator();
    sim.addLocalExtension('s', 'sim-local');
    t = startTelephony(sim.url, { requestTimeoutMs: 300 });
    await until('connected', () => t.telephony.connected);
    sim.closeWithoutAnswering((r) => r.method === 'GET' && r.path.startsWith('/ari/channels/'));
    const failure = await t.telephony
      .rest()
      .getChannel('any')
      .then(
        () => null,
        (err: unknown) => err,
      );
    expect(failure).to.be.instanceOf(AriRequestError);
    expect(failure).to.include({ kind: 'timeout', operation: 'channels.get' });
    // The connection stays usable: the next request gets Asterisk's answer.
    const next = await t.telephony.rest().getChannel('any').catch((err: AriRequestError) => err);
    expect(next).to.include({ kind: 'rejected', reason: 'Channel not found' });
    expect(t.telephony.requestStats.active).to.equal(0);
  });

  it('hangs up a call whose originate timed out but that Asterisk created anyway', async () => {
    sim = await startSimulator();
    sim.addEndpoint('2001', { behaviour: { kind: 'answer', answerAfterMs: 20 } });
    t = startTelephony(sim.url, { requestTimeoutMs: 300 });
    await until('connected', () => t.telephony.connected);
    sim.closeWithoutAnswering((r) => r.method === 'POST' && r.path === '/ari/channels', { afterDoing: true });
    const failure = await t.telephony.originate({ endpoint: 'PJSIP/2001' }).catch((err: AriRequestError) => err);
    expect(failure).to.include({ kind: 'timeout', operation: 'channels.originate' });
    await until('the stray call hung up', () => sim.model.channels.size === 0);
    const originated = sim.requests.find((r) => r.method === 'POST' && r.path === '/ari/channels')!;
    expect(sim.requests.filter((r) => r.method === 'DELETE').map((r) => r.path)).to.include(`/ari/channels/${originated.query.channelId}`);
    await until('its end reported', () => t.calls.some((e) => e.type === 'ended'));
    expect(t.calls.find((e) => e.type === 'ended')).to.include({ callId: originated.query.channelId, cause: 16 });
  });

  it('on WebSocket loss reports disconnected, reconnects, re-registers the app and re-runs the ready hooks', async () => {
    sim = await startSimulator();
    t = startTelephony(sim.url);
    let readyRuns = 0;
    t.telephony.onReady(() => void readyRuns++);
    await until('connected', () => t.telephony.connected);
    await until('the first ready hook', () => readyRuns === 1);
    sim.refuseWebSockets = true;
    sim.dropWebSockets();
    await until('disconnected', () => t.status.snapshot.state === 'disconnected');
    expect(t.status.snapshot.lastError).to.match(/WebSocket/);
    expect(sim.registeredApps()).to.deep.equal([]);
    sim.refuseWebSockets = false;
    await until('reconnected', () => t.status.snapshot.connected);
    expect(sim.registeredApps()).to.deep.equal(['carillon']);
    await until('the ready hook after reconnecting', () => readyRuns === 2);
    const states = t.states.map((s) => s.state);
    expect(states.slice(0, 2)).to.deep.equal(['connecting', 'connected']);
    expect(states.slice(2)).to.include('disconnected');
    expect(states.at(-1)).to.equal('connected');
  });

  it('after a reconnection, reports as ended the calls that ended while the socket was down', async () => {
    sim = await startSimulator();
    sim.addEndpoint('2001', { behaviour: { kind: 'answer', answerAfterMs: 10 } });
    t = startTelephony(sim.url);
    await until('connected', () => t.telephony.connected);
    const call = await t.telephony.originate({ endpoint: 'PJSIP/2001' });
    const channel = await call.answered;
    sim.refuseWebSockets = true;
    sim.dropWebSockets();
    await until('disconnected', () => !t.telephony.connected);
    sim.hangupFromRemote(channel.id);
    expect(sim.stats.droppedEvents).to.be.greaterThan(0);
    sim.refuseWebSockets = false;
    await until('reconnected', () => t.telephony.connected);
    expect(await call.ended).to.include({ cause: 0, outcome: 'answered', causeText: 'Unknown (ended while disconnected from Asterisk)' });
    expect(t.telephony.channelsInApplication()).to.deep.equal([]);
  });

  it('stops at once while still connecting (the WebSocket refused), without waiting for retries', async function () {
    this.timeout(3000);
    sim = await startSimulator();
    sim.refuseWebSockets = true;
    t = startTelephony(sim.url);
    await until('the WebSocket refused', () => t.states.some((s) => s.state === 'disconnected' && /WebSocket/.test(s.lastError ?? '')));
    await t.stop();
    expect(t.telephony.connected).to.equal(false);
    expect(sim.registeredApps()).to.deep.equal([]);
  });

  it('keeps at most maxSockets requests in flight and queues the rest, so Asterisk drops no session', async () => {
    sim = await startSimulator({ sessionLimit: 20 });
    sim.responseDelayMs = 5;
    t = startTelephony(sim.url, { maxSockets: 8, requestTimeoutMs: 5000 });
    await until('connected', () => t.telephony.connected);
    const answers = await burstOf60();
    expect(answers.every((a) => a instanceof AriRequestError && a.kind === 'rejected' && a.reason === 'Channel not found')).to.equal(true);
    expect(sim.stats.peakInFlight).to.be.at.most(8);
    expect(t.telephony.requestStats.peakActive).to.equal(8);
    expect(sim.stats.droppedConnections).to.equal(0);
    expect(sim.stats.peakConnections).to.be.at.most(20);
  });

  it('without maxSockets, bounds requests in flight from sessionLimit (four fifths of it)', async () => {
    sim = await startSimulator({ sessionLimit: 20 });
    sim.responseDelayMs = 5;
    t = startTelephony(sim.url, { sessionLimit: 20, requestTimeoutMs: 5000 });
    await until('connected', () => t.telephony.connected);
    const answers = await burstOf60();
    expect(answers.every((a) => a instanceof AriRequestError && a.kind === 'rejected')).to.equal(true);
    expect(t.telephony.requestStats.peakActive).to.equal(16);
    expect(sim.stats.droppedConnections).to.equal(0);
  });

  it('a sessionLimit set above Asterisk\'s: dropped sessions time out, the window halves until no session is dropped', async () => {
    sim = await startSimulator({ sessionLimit: 20 });
    sim.responseDelayMs = 5;
    t = startTelephony(sim.url, { sessionLimit: 100, requestTimeoutMs: 300 });
    await until('connected', () => t.telephony.connected);
    expect(t.telephony.requestStats.window).to.equal(80);
    const burst = async () => {
      const dropped = sim.stats.droppedConnections;
      const answers = await burstOf60();
      return { dropped: sim.stats.droppedConnections - dropped, timeouts: answers.filter((a) => a instanceof AriRequestError && a.kind === 'timeout').length };
    };
    const first = await burst();
    expect(first.dropped).to.be.greaterThan(0);
    expect(first.timeouts).to.be.greaterThan(0);
    let last = first;
    for (let round = 0; round < 5 && (last.dropped > 0 || last.timeouts > 0); round++) last = await burst();
    expect(last).to.deep.equal({ dropped: 0, timeouts: 0 });
    expect(t.telephony.requestStats.window).to.be.within(4, 20);
  });

  it('without the bound, the same burst overflows the session limit (the simulator enforces it)', async () => {
    sim = await startSimulator({ sessionLimit: 20 });
    sim.responseDelayMs = 5;
    t = startTelephony(sim.url, { maxSockets: 60, requestTimeoutMs: 500 });
    await until('connected', () => t.telephony.connected);
    const answers = await burstOf60();
    expect(sim.stats.droppedConnections).to.be.greaterThan(0);
    expect(answers.some((a) => a instanceof AriRequestError && a.kind === 'timeout')).to.equal(true);
  });
});
