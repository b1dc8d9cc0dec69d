import { expect } from 'chai';
import { cradle, eventually } from '../../calls/calls-harness';
import { CLICK_TO_CALL, endedView, statusesOf, startClickToCallWorld, type ClickToCallWorld } from './click-to-call-harness';

/**
 * Asterisk killed (`kill -9`, OOM) and restarted while a click-to-call is connected: it sends no
 * event for the calls it lost, so only the reconciliation after the reconnection can end them.
 */
describe('Click-to-call: Asterisk crashes while the call is connected', () => {
  let world: ClickToCallWorld;

  before(async () => {
    world = await startClickToCallWorld();
  });
  after(() => world.stop());

  it('the call ends once Carillon is back on the restarted Asterisk, and no wait is left behind', async () => {
    const res = await world.agent.client.post(CLICK_TO_CALL, { number: '06 12 34 56 01' });
    expect(res.status, res.text).to.equal(201);
    await eventually('connected', async () => world.events.find((e) => e.id === res.body.id && e.status === 'connected'));
    const telephony = cradle(world.t).telephony;
    expect(telephony.channelsInApplication()).to.have.length(2);

    await world.sim.crash({ downMs: 200 });
    const ended = await endedView(world, res.body.id);
    expect(ended.status).to.equal('ended');
    expect(statusesOf(world, res.body.id)).to.deep.equal(['ringing_agent', 'agent_answered', 'dialing', 'connected', `ended:${ended.outcome}`]);
    expect(telephony.connected).to.equal(true);
    expect(telephony.channelsInApplication()).to.deep.equal([]);
    expect(telephony.hub.waitedOn().channels.size, 'waits still on a channel').to.equal(0);

    // A new call goes through on the restarted Asterisk.
    const next = await world.agent.client.post(CLICK_TO_CALL, { number: '06 12 34 56 01' });
    expect(next.status, next.text).to.equal(201);
    await eventually('the next call connected', async () => world.events.find((e) => e.id === next.body.id && e.status === 'connected'));
    world.sim.hangupFromRemote(world.events.find((e) => e.id === next.body.id && e.status === 'connected')!.calleeChannelId!);
    expect(await endedView(world, next.body.id)).to.include({ outcome: 'completed' });
  });
});
