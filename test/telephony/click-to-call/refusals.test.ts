import { expect } from 'chai';
import { cradle, eventually } from '../../calls/calls-harness';
import { expectProblem } from '../../core/auth-fixtures';
import { CLICK_TO_CALL, endedView, NUMBERS, nothingLeft, originates, startClickToCallWorld, type ClickToCallWorld } from './click-to-call-harness';

describe('Click-to-call: refusals, permissions and caller ID', () => {
  let world: ClickToCallWorld;

  before(async () => {
    world = await startClickToCallWorld();
  });
  after(() => world.stop());
  afterEach(() => nothingLeft(world));

  it('invalid numbers: 422 number_invalid pointing at the number, nothing originated', async () => {
    const before = originates(world).length;
    for (const number of ['abc', '06 12', '0612345601x', '+', '06 12 34 56 01 99 99']) {
      const res = await world.agent.client.post(CLICK_TO_CALL, { number });
      expectProblem(res, 422, 'number_invalid');
      expect(res.body.errors).to.deep.equal([{ field: 'body.number', code: 'number_invalid', message: res.body.detail }]);
    }
    expect(originates(world).length).to.equal(before);
  });

  it("numbers the extension's restriction class denies are refused before any call (403 number_restricted)", async () => {
    const before = originates(world).length;
    // 201 has the default class "national": no international, no surcharged numbers.
    const international = await world.agent.client.post(CLICK_TO_CALL, { number: NUMBERS.international });
    expectProblem(international, 403, 'number_restricted');
    expect(international.body.detail).to.match(/00442079460958.*"national" denies _00\[0-24-9\]\./);
    expectProblem(await world.agent.client.post(CLICK_TO_CALL, { number: NUMBERS.premium }), 403, 'number_restricted');
    expect(originates(world).length).to.equal(before);
  });

  it('an API token places calls only when granted account.calls (issue 12: a token acts within its permissions)', async () => {
    const before = originates(world).length;
    const mint = async (permissions: string[]) => {
      const created = await world.agent.client.post('/api/auth/tokens', { name: `c2c ${permissions.join(' ')}`, permissions });
      expect(created.status, created.text).to.equal(201);
      const script = world.t.client();
      script.bearer = created.body.token as string;
      return script;
    };
    const profileOnly = await mint(['account.profile']);
    expectProblem(await profileOnly.post(CLICK_TO_CALL, { number: NUMBERS.busy }), 403, 'forbidden');
    expect(originates(world).length).to.equal(before);
    const caller = await mint(['account.calls']);
    const res = await caller.post(CLICK_TO_CALL, { number: NUMBERS.busy });
    expect(res.status, res.text).to.equal(201);
    await endedView(world, res.body.id);
  });

  it('a user without an extension: 409 no_extension', async () => {
    expectProblem(await world.noExtension.client.post(CLICK_TO_CALL, { number: NUMBERS.answers }), 409, 'no_extension');
  });

  it("an unregistered phone (Asterisk's 500 Allocation failed): 409 extension_unregistered, no call kept", async () => {
    const res = await world.unregistered.client.post(CLICK_TO_CALL, { number: NUMBERS.answers });
    expectProblem(res, 409, 'extension_unregistered');
    expect(res.body.detail).to.match(/extension 204/);
    expect(world.events.filter((e) => e.extension === '204')).to.deep.equal([]);
  });

  it('Asterisk unreachable: 503 telephony_unavailable, then calls work again once reconnected', async () => {
    world.sim.refuseWebSockets = true;
    world.sim.dropWebSockets();
    await eventually('ARI disconnected', async () => !cradle(world.t).telephony.connected);
    try {
      expectProblem(await world.agent.client.post(CLICK_TO_CALL, { number: NUMBERS.answers }), 503, 'telephony_unavailable');
    } finally {
      world.sim.refuseWebSockets = false;
    }
    await eventually('ARI reconnected', async () => cradle(world.t).telephony.connected);
    const res = await world.agent.client.post(CLICK_TO_CALL, { number: NUMBERS.busy });
    expect(res.status, res.text).to.equal(201);
    expect((await endedView(world, res.body.id)).outcome).to.equal('callee_busy');
  });

  it('caller ID override: refused without telephony.callerid.override, sent to the callee and to the dialplan with it', async () => {
    const dialsBefore = world.dialling.dials.length;
    const refused = await world.agent.client.post(CLICK_TO_CALL, { number: NUMBERS.answers, callerId: '+33140000000' });
    expectProblem(refused, 403, 'callerid_forbidden');
    expectProblem(await world.manager.client.post(CLICK_TO_CALL, { number: NUMBERS.answers, callerId: 'abc' }), 422, 'callerid_invalid');
    // Refused before anything rang: no leg ever carried the override.
    expect(world.dialling.dials.slice(dialsBefore)).to.deep.equal([]);

    const res = await world.manager.client.post(CLICK_TO_CALL, { number: NUMBERS.answers, callerId: '+33140000000' });
    expect(res.status, res.text).to.equal(201);
    expect(res.body).to.include({ extension: '205', callerIdOverride: '+33140000000' });
    const call = cradle(world.t).clickToCall.get(res.body.id)!;
    await eventually('connected', async () => call.current.status === 'connected');
    const dial = world.dialling.dials.find((d) => d.channelId === call.current.calleeChannelId)!;
    // The caller ID is what an internal callee sees; towards a trunk the dialplan would put the
    // extension's outbound caller ID over it, unless CARILLON_CID_OVERRIDE says otherwise.
    expect(dial).to.deep.include({ callerId: '"" <+33140000000>', variables: { CARILLON_CALLER: '205', CARILLON_CID_OVERRIDE: '+33140000000' } });
    await call.hangup();
    expect((await call.ended).outcome).to.equal('completed');
  });

  it("calling from another user's extension needs telephony.manage; following a call needs to be its user or hold calls.read", async () => {
    expectProblem(await world.agent.client.post(CLICK_TO_CALL, { number: NUMBERS.busy, userId: world.manager.id }), 403, 'forbidden');
    expectProblem(await world.agent.client.post(CLICK_TO_CALL, { number: NUMBERS.busy, extension: '205' }), 403, 'forbidden');

    // The administrator holds telephony.manage: the call rings 201, and its user may follow it.
    const res = await world.admin.post(CLICK_TO_CALL, { number: NUMBERS.busy, extension: '201' });
    expect(res.status, res.text).to.equal(201);
    expect(res.body).to.include({ extension: '201', userId: world.agent.id });
    await endedView(world, res.body.id);
    expect((await world.agent.client.get(`${CLICK_TO_CALL}/${res.body.id}`)).body).to.include({ status: 'ended', outcome: 'callee_busy' });
    expectProblem(await world.busyAgent.client.get(`${CLICK_TO_CALL}/${res.body.id}`), 403, 'forbidden');
    expect((await world.manager.client.get(`${CLICK_TO_CALL}/${res.body.id}`)).status).to.equal(200);
    expectProblem(await world.agent.client.get(`${CLICK_TO_CALL}/00000000-0000-4000-8000-000000000000`), 404, 'not_found');
  });
});
