import { expect } from 'chai';
import { CallRecord } from '../../../core/calls/call-models';
import { cradle, eventually } from '../../calls/calls-harness';
import { CLICK_TO_CALL, endedView, NUMBERS, nothingLeft, originates, startClickToCallWorld, statusesOf, type ClickToCallWorld } from './click-to-call-harness';

/**
 * Click-to-call through the real server and telephony engine (ari-client over real sockets) on
 * the ARI simulator, whose `Local/…@from-internal` channels stand for the generated dialplan.
 */
describe('Click-to-call: ring the extension, dial the number, bridge, end both', () => {
  let world: ClickToCallWorld;

  before(async () => {
    world = await startClickToCallWorld();
  });
  after(() => world.stop());
  afterEach(() => nothingLeft(world));

  async function connectedCall(): Promise<{ id: string; agentChannelId: string; calleeChannelId: string }> {
    const res = await world.agent.client.post(CLICK_TO_CALL, { number: '06 12 34 56 01' });
    expect(res.status, res.text).to.equal(201);
    expect(res.body).to.include({ status: 'ringing_agent', extension: '201', number: NUMBERS.answers, userId: world.agent.id, outcome: null });
    const connected = await eventually('connected', async () => world.events.find((e) => e.id === res.body.id && e.status === 'connected'));
    return { id: res.body.id, agentChannelId: connected.agentChannelId, calleeChannelId: connected.calleeChannelId! };
  }

  it('the callee hangs up: both legs end, statuses in order, one answered call-log row', async () => {
    const before = originates(world).length;
    const call = await connectedCall();
    const [agentLeg, calleeLeg] = originates(world).slice(before);
    // The phone shows whom the user will reach; then the number goes through the dialplan as 201 dialled it.
    expect(agentLeg).to.include({ endpoint: 'PJSIP/201', callerId: `"Claire Client" <${NUMBERS.answers}>`, app: 'carillon', channelId: call.agentChannelId });
    expect(calleeLeg).to.include({ endpoint: `Local/${NUMBERS.answers}@from-internal`, formats: 'ulaw', callerId: '"Poste 201" <201>', channelId: call.calleeChannelId });
    // No override asked: no CARILLON_CID_OVERRIDE, the dialplan sends 201's outbound caller ID.
    expect(world.dialling.dials.find((d) => d.channelId === call.calleeChannelId)?.variables).to.deep.equal({ CARILLON_CALLER: '201' });
    const bridge = [...world.sim.model.bridges.values()][0]!;
    expect(bridge.channels).to.have.members([call.agentChannelId, call.calleeChannelId]);

    world.sim.hangupFromRemote(call.calleeChannelId);
    const ended = await endedView(world, call.id);
    expect(ended).to.include({ outcome: 'completed', reason: null });
    expect(statusesOf(world, call.id)).to.deep.equal(['ringing_agent', 'agent_answered', 'dialing', 'connected', 'ended:completed']);
    await nothingLeft(world);

    const seen = await world.agent.client.get(`${CLICK_TO_CALL}/${call.id}`);
    expect(seen.status, seen.text).to.equal(200);
    expect(seen.body).to.include({ status: 'ended', outcome: 'completed' });
    await cradle(world.t).liveCallCollector.settled();
    const row = await eventually('call-log row', () => CallRecord.findOne({ where: { callKey: call.agentChannelId } }));
    // From the extension to the number, not as the phone leg displayed it (the number as caller).
    expect(row).to.include({ status: 'answered', direction: 'outbound', seenLive: true, callerNumber: '201', destination: NUMBERS.answers });
  });

  it('the user hangs up: the callee is hung up too', async () => {
    const call = await connectedCall();
    world.sim.hangupFromRemote(call.agentChannelId);
    expect(await endedView(world, call.id)).to.include({ outcome: 'completed' });
    const calleeEnd = world.sim.eventsFor('carillon').find((e) => e.type === 'ChannelDestroyed' && (e.channel as { id: string }).id === call.calleeChannelId);
    expect(calleeEnd, 'the callee leg was destroyed').to.exist;
  });

  it("a plugin's handle: status stream in order and hangup() ends a connected call", async () => {
    const seen: string[] = [];
    const call = await cradle(world.t).clickToCall.call({ userId: world.agent.id, number: '+33 6 12 34 56 01' });
    call.onStatus((view) => seen.push(view.status));
    expect(call.current.number).to.equal(NUMBERS.answers);
    await eventually('connected', async () => call.current.status === 'connected');
    await call.hangup();
    const ended = await call.ended;
    expect(ended.outcome).to.equal('completed');
    expect(call.history.map((v) => v.status)).to.deep.equal(['ringing_agent', 'agent_answered', 'dialing', 'connected', 'ended']);
    // Listening began after call() resolved: the later statuses, in the same order.
    expect(seen).to.include.members(['connected', 'ended']);
    expect(seen).to.deep.equal(call.history.map((v) => v.status).slice(-seen.length));
  });

  it("the user's phone does not answer: agent_no_answer, the number is never dialled", async () => {
    const before = world.dialling.dials.length;
    const call = await cradle(world.t).clickToCall.call({ userId: world.ringsOut.id, number: NUMBERS.answers, ringSeconds: { agent: 1 } });
    expect((await call.ended).outcome).to.equal('agent_no_answer');
    await endedView(world, call.id);
    expect(statusesOf(world, call.id)).to.deep.equal(['ringing_agent', 'ended:agent_no_answer']);
    expect(world.dialling.dials.length).to.equal(before);
  });

  it("the user's phone is busy: agent_busy", async () => {
    const res = await world.busyAgent.client.post(CLICK_TO_CALL, { number: NUMBERS.answers });
    expect(res.status, res.text).to.equal(201);
    const ended = await endedView(world, res.body.id);
    expect(ended.outcome).to.equal('agent_busy');
    expect(ended.reason).to.match(/User busy/);
  });

  it('the number is busy: callee_busy, the user is hung up', async () => {
    const res = await world.agent.client.post(CLICK_TO_CALL, { number: NUMBERS.busy });
    expect(res.status, res.text).to.equal(201);
    const ended = await endedView(world, res.body.id);
    expect(ended).to.include({ outcome: 'callee_busy' });
    expect(statusesOf(world, res.body.id)).to.deep.equal(['ringing_agent', 'agent_answered', 'dialing', 'ended:callee_busy']);
    const agentEnd = world.sim.eventsFor('carillon').find((e) => e.type === 'ChannelDestroyed' && (e.channel as { id: string }).id === ended.agentChannelId);
    expect(agentEnd, "the user's leg was hung up").to.exist;
  });

  it('the number does not answer: callee_no_answer at the ring timeout', async () => {
    const call = await cradle(world.t).clickToCall.call({ userId: world.agent.id, number: NUMBERS.neverAnswers, ringSeconds: { callee: 1 } });
    const ended = await call.ended;
    expect(ended.outcome).to.equal('callee_no_answer');
    expect(call.history.map((v) => v.status)).to.deep.equal(['ringing_agent', 'agent_answered', 'dialing', 'ended']);
  });

  it('the user hangs up while the number rings: cancelled, the ringing leg is hung up', async () => {
    const call = await cradle(world.t).clickToCall.call({ userId: world.agent.id, number: NUMBERS.neverAnswers });
    await eventually('dialing', async () => call.current.status === 'dialing');
    world.sim.hangupFromRemote(call.current.agentChannelId);
    expect((await call.ended).outcome).to.equal('cancelled');
  });

  it("hangup() while the user's phone rings: cancelled, nothing dialled", async () => {
    const before = world.dialling.dials.length;
    const call = await cradle(world.t).clickToCall.call({ userId: world.ringsOut.id, number: NUMBERS.answers });
    await call.hangup();
    expect((await call.ended).outcome).to.equal('cancelled');
    expect(world.dialling.dials.length).to.equal(before);
  });

  it("Asterisk loses the answer to the number's originate: failed, and the telephony's handler rules hang up every leg", async () => {
    world.sim.closeWithoutAnswering((r) => r.method === 'POST' && r.path === '/ari/channels' && (r.query.endpoint ?? '').startsWith('Local/'), { afterDoing: true });
    const call = await cradle(world.t).clickToCall.call({ userId: world.agent.id, number: NUMBERS.neverAnswers });
    const ended = await call.ended;
    expect(ended.outcome).to.equal('failed');
    expect(ended.reason).to.match(/timeout/);
    // afterEach: the ringing Local leg Asterisk created anyway and the answered user's leg are gone.
  });
});
