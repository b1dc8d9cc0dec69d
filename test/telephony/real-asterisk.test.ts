import { expect } from 'chai';
import { AriRequestError } from '../../core/telephony/ari/errors';
import { startTelephony, until, type TelephonyUnderTest } from './telephony-harness';

// Opt-in: the same connection and originate scenarios against a real Asterisk 22.
//   CARILLON_TEST_ARI_URL=http://127.0.0.1:8088 CARILLON_TEST_ARI_USER=carillon CARILLON_TEST_ARI_PASSWORD=…
//   CARILLON_TEST_ARI_LOCAL (default Local/s@trace-local): a Local/ endpoint whose dialplan answers,
//   like the extensions.d/ari-traces.conf the trace capture left in place.
const url = process.env.CARILLON_TEST_ARI_URL;
const username = process.env.CARILLON_TEST_ARI_USER;
const password = process.env.CARILLON_TEST_ARI_PASSWORD;
const localEndpoint = process.env.CARILLON_TEST_ARI_LOCAL ?? 'Local/s@trace-local';

describe('Real Asterisk (opt-in)', function () {
  this.timeout(30_000);
  let t: TelephonyUnderTest;

  before(function () {
    if (!url || !username || !password) {
      process.stdout.write('  real-asterisk suite skipped: set CARILLON_TEST_ARI_URL, CARILLON_TEST_ARI_USER and CARILLON_TEST_ARI_PASSWORD to run it\n');
      this.skip();
    }
  });

  beforeEach(async () => {
    t = startTelephony(url!, { username, password, requestTimeoutMs: 5000 });
    await until('connected', () => t.telephony.connected, 15_000);
  });

  afterEach(async () => {
    await t?.stop();
  });

  it('connects and registers the Stasis application', async () => {
    const app = await t.telephony.rest().getApplication('carillon');
    expect(app.name).to.equal('carillon');
    expect(t.status.snapshot).to.include({ connected: true, state: 'connected', lastError: null });
  });

  it('an endpoint that does not exist: 500 Allocation failed', async () => {
    const failure = await t.telephony.originate({ endpoint: 'PJSIP/carillon-test-nosuch' }).catch((err: unknown) => err);
    expect(failure).to.be.instanceOf(AriRequestError);
    expect((failure as AriRequestError).allocationFailed).to.equal(true);
  });

  it('a Local/ call is answered, hung up by the app and ends 16 Normal Clearing', async () => {
    const call = await t.telephony.originate({ endpoint: localEndpoint });
    const channel = await call.answered;
    await channel.hangup();
    expect(await call.ended).to.include({ cause: 16, outcome: 'answered' });
    expect(t.calls.filter((e) => e.callId === channel.id).map((e) => e.type)).to.deep.equal(['started', 'answered', 'ended']);
  });

  it('a handler that throws leaves no channel in the application', async () => {
    t.telephony.handle('carillon-test-broken', async () => {
      throw new Error('deliberate');
    });
    const call = await t.telephony.originate({ endpoint: localEndpoint, route: 'carillon-test-broken' });
    await call.ended;
    await until('no channel in the application', () => t.telephony.channelsInApplication().length === 0);
    const app = await t.telephony.rest().getApplication('carillon');
    expect(app.channel_ids.filter((id) => id === call.channel.id)).to.deep.equal([]);
  });
});
