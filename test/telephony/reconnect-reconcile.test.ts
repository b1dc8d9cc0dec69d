import { expect } from 'chai';
import type { CallChannel, RecordingResult } from '../../core/telephony/call-channel';
import { LOST_CAUSE_TEXT } from '../../core/telephony/reconciliation';
import type { AriSimulator } from '../ari-simulator/ari-simulator';
import { startSimulator, startTelephony, until, type TelephonyUnderTest } from './telephony-harness';

/** What became of a step: its value, or the code of its error. */
type Outcome<T> = { value: T } | { error: string };
function outcomeOf<T>(promise: Promise<T>): { settled: () => Outcome<T> | null } {
  let outcome: Outcome<T> | null = null;
  promise.then(
    (value) => (outcome = { value }),
    (err: unknown) => (outcome = { error: (err as { code?: string }).code ?? String(err) }),
  );
  return { settled: () => outcome };
}

/**
 * ARI replays nothing sent while the event WebSocket is down. These cut the socket (Asterisk
 * alive: a network blip) or kill the simulated Asterisk (its calls are lost, like `kill -9`) and
 * check that every wait on the event hub ends after the reconnection.
 */
describe('Reconnection: state re-read over ARI settles what was waited on', () => {
  let sim: AriSimulator;
  let t: TelephonyUnderTest;

  beforeEach(async () => {
    sim = await startSimulator();
    sim.addEndpoint('7101', { callerId: { name: 'Alice', number: '7101' } });
    sim.addEndpoint('2001', { behaviour: { kind: 'answer', answerAfterMs: 150 } });
    t = startTelephony(sim.url);
    await until('connected', () => t.telephony.connected);
  });

  afterEach(async () => {
    await t.stop();
    await sim.stop();
  });

  const inbound = (route: string) => sim.inboundCall({ from: '7101', exten: '7001', context: 'from-internal', app: 'carillon', args: [route] });

  /** Cuts the event WebSocket and keeps it refused until `reopenWhen` holds. */
  async function blackout(reopenWhen: () => boolean, what: string): Promise<void> {
    sim.refuseWebSockets = true;
    sim.dropWebSockets();
    await until('disconnected', () => !t.telephony.connected);
    await until(what, reopenWhen);
    sim.refuseWebSockets = false;
    await until('reconnected', () => t.telephony.connected);
  }

  it('a playback that finished while the socket was down ends play() after the reconnection, not at the hang-up', async () => {
    let played = false;
    t.telephony.handle('prompt', async (call) => {
      await call.channel.answer();
      await call.channel.play('sound:short');
      played = true;
      await call.channel.hangup();
    });
    sim.setSound('sound:short', 150);
    const { channelId } = inbound('prompt');
    await until('the prompt playing', () => sim.model.media.playbacks.size === 1);
    const playbackId = [...sim.model.media.playbacks.keys()][0]!;
    await blackout(() => sim.model.media.playbacks.size === 0, 'the prompt finished, unseen');
    expect(sim.stats.droppedEvents, 'PlaybackFinished was lost').to.be.greaterThan(0);
    await until('play() resolved and the handler went on', () => played);
    expect(sim.requests.some((r) => r.method === 'GET' && r.path === `/ari/playbacks/${playbackId}`)).to.equal(true);
    await until('the call ended', () => !sim.model.channels.has(channelId!));
  });

  it('an originate answered during a network cut (StasisStart lost) resolves `answered` and runs its route', async () => {
    const routed: string[] = [];
    t.telephony.handle('greet', async (call) => {
      routed.push(call.channel.id);
      await call.channel.hangup();
    });
    const call = await t.telephony.originate({ endpoint: 'PJSIP/2001', route: 'greet' });
    const answered = outcomeOf(call.answered);
    await sim.cutNetwork({ forMs: 300 });
    expect(sim.channelsInStasis(), 'answered and in Stasis, unseen').to.include(call.channel.id);
    expect(answered.settled()).to.equal(null);
    await until('reconnected', () => t.telephony.connected);
    await until('answered', () => answered.settled() !== null);
    expect(answered.settled()).to.have.property('value');
    await until('its route ran', () => routed.includes(call.channel.id));
    expect((await call.ended).outcome).to.equal('answered');
  });

  it('a recording that finished while the socket was down resolves record() with the stored recording', async () => {
    let recorded: RecordingResult | null = null;
    t.telephony.handle('record', async (call) => {
      await call.channel.answer();
      recorded = await call.channel.record({ name: 'blackout-message', maxDurationSeconds: 1 });
      await call.channel.hangup();
    });
    inbound('record');
    await until('recording', () => sim.model.media.liveRecordings.has('blackout-message'));
    await blackout(() => sim.model.media.storedRecordings.has('blackout-message'), 'the recording stored, unseen');
    await until('record() resolved', () => recorded !== null);
    expect(recorded).to.deep.equal({ name: 'blackout-message', format: 'wav', durationSeconds: null });
  });

  it('the bridged phone hung up while the socket was down: it leaves the bridge, its call ends, the handler goes on', async () => {
    let phoneId = '';
    let finished = false;
    t.telephony.handle('connect', async (call) => {
      await call.channel.answer();
      const phone = await (await call.telephony.originate({ endpoint: 'PJSIP/2001' })).answered;
      phoneId = phone.id;
      const bridge = await call.telephony.createBridge();
      await bridge.add(call.channel, phone);
      await Promise.race([call.channel.left(), phone.left()]);
      await Promise.all([call.channel.hangup(), phone.hangup()]);
      finished = true;
    });
    inbound('connect');
    await until('both bridged', () => [...sim.model.bridges.values()].some((b) => b.channels.length === 2));
    await blackout(() => {
      if (sim.model.channels.has(phoneId)) sim.hangupFromRemote(phoneId);
      return !sim.model.channels.has(phoneId);
    }, 'the phone hung up, unseen');
    await until('the handler went on', () => finished);
    expect(t.calls.find((e) => e.type === 'ended' && e.callId === phoneId)).to.include({ cause: 0, causeText: LOST_CAUSE_TEXT });
    await until('nothing left', () => sim.model.channels.size === 0 && sim.model.bridges.size === 0 && t.telephony.channelsInApplication().length === 0);
  });

  it('Asterisk killed: a playback, a digit collection and a wait for the end all end; calls end, nothing is left', async () => {
    const steps: Record<string, ReturnType<typeof outcomeOf<unknown>>> = {};
    t.telephony.handle('hold', async (call) => {
      await call.channel.answer();
      const playing = call.channel.play('sound:hold-music');
      steps.play = outcomeOf(playing);
      await playing;
    });
    t.telephony.handle('menu', async (call) => {
      await call.channel.answer();
      const collecting = call.channel.collectDigits({ max: 4, timeoutMs: 60_000 });
      steps.digits = outcomeOf(collecting);
      await collecting;
    });
    sim.setSound('sound:hold-music', 60_000);
    inbound('hold');
    inbound('menu');
    const outbound = await t.telephony.originate({ endpoint: 'PJSIP/2001' });
    const channel: CallChannel = await outbound.answered;
    steps.left = outcomeOf(channel.left());
    await until('both inbound steps waiting', () => !!steps.play && !!steps.digits && sim.model.media.playbacks.size === 1);
    expect(t.telephony.channelsInApplication()).to.have.length(3);

    await sim.crash({ downMs: 150 });
    await until('reconnected to the new Asterisk', () => t.telephony.connected);
    await until('every wait ended', () => Object.values(steps).every((s) => s.settled() !== null));
    expect(steps.play!.settled()).to.deep.equal({ error: 'channel_gone' });
    expect(steps.digits!.settled()).to.deep.equal({ error: 'channel_gone' });
    expect(steps.left!.settled()).to.deep.equal({ value: undefined });
    expect(await outbound.ended).to.include({ cause: 0, causeText: LOST_CAUSE_TEXT, outcome: 'answered' });
    await until('three calls ended', () => t.calls.filter((e) => e.type === 'ended').length === 3);
    expect(t.telephony.channelsInApplication()).to.deep.equal([]);
    expect(t.telephony.hub.waitedOn()).to.deep.equal({ channels: new Set(), watched: [] });
  });
});
