import { expect } from 'chai';
import { startTestApp, type TestApp } from '../support/test-app';

// An appliance built without Asterisk sets CARILLON_TELEPHONY_ENGINE=none (postinst): health must
// say the engine is not installed, not merely not configured, and nothing tries to reach ARI.
describe('telephony engine "none" (appliance without Asterisk)', () => {
  let app: TestApp;

  before(async () => {
    app = await startTestApp({ overrides: { telephony: { engine: 'none', ari: { url: 'http://127.0.0.1:9' } } } });
  });
  after(() => app?.stop());

  it('reports telephony as not_installed in /api/health and never connects', async () => {
    const res = await app.client().get('/api/health');
    expect(res.status).to.equal(200);
    const telephony = (res.body as { telephony: { state: string; connected: boolean; lastError: string } }).telephony;
    expect(telephony).to.include({ state: 'not_installed', connected: false });
    expect(telephony.lastError).to.include('No telephony engine is installed');
    expect(app.logs.filter((line) => line.component === 'ari'), 'no ARI connection attempt').to.deep.equal([]);
  });
});
