import { expect } from 'chai';
import type { TelephonyService } from '../../core/telephony/telephony-service';
import { startTestApp, type TestApp } from '../support/test-app';
import type { AriSimulator } from '../ari-simulator/ari-simulator';
import { freePort, startSimulator, until } from './telephony-harness';

describe('Carillon with telephony configured', () => {
  let app: TestApp | null = null;
  let sim: AriSimulator | null = null;

  afterEach(async () => {
    await app?.stop();
    await sim?.stop();
    app = null;
    sim = null;
  });

  it('starts and serves while Asterisk is unreachable; health shows telephony not connected with the last error', async () => {
    const port = await freePort();
    app = await startTestApp({ overrides: { telephony: { ari: { url: `http://127.0.0.1:${port}`, reconnect: { initialDelayMs: 20, maxDelayMs: 100 } } } } });
    await until('a failed attempt', () => app!.app.cradle.telephonyStatus.snapshot.lastError !== null);
    const res = await app.client().get('/api/health');
    expect(res.status).to.equal(200);
    expect(res.body.status).to.equal('degraded');
    expect(res.body.telephony.connected).to.equal(false);
    expect(res.body.telephony.state).to.be.oneOf(['connecting', 'disconnected']);
    expect(res.body.telephony.lastError).to.equal(`cannot reach http://127.0.0.1:${port}: ECONNREFUSED`);
  });

  it('connects to the simulator, shows it in health, and offers the telephony service by name', async () => {
    sim = await startSimulator();
    app = await startTestApp({ overrides: { telephony: { ari: { url: sim.url, username: 'carillon', password: 'carillon' } } } });
    await until('connected', () => app!.app.cradle.telephonyStatus.snapshot.connected);
    const res = await app.client().get('/api/health');
    expect(res.body.telephony).to.include({ connected: true, state: 'connected', lastError: null });
    const telephony = app.app.container.resolve<TelephonyService>('telephony');
    expect(telephony.connected).to.equal(true);
    await app.stop();
    app = null;
    // Stopping Carillon closes its socket: Asterisk no longer lists the application.
    await until('the application unregistered', () => sim!.registeredApps().length === 0);
  });

  it('stays not_configured without a URL, and telephony commands say why they cannot run', async () => {
    app = await startTestApp();
    const telephony = app.app.container.resolve<TelephonyService>('telephony');
    expect(app.app.cradle.telephonyStatus.snapshot.state).to.equal('not_configured');
    const failure = await telephony.originate({ endpoint: 'PJSIP/2001' }).catch((err: unknown) => err);
    expect(failure).to.include({ code: 'telephony_unavailable', message: 'Telephony is unavailable: no ARI URL is configured' });
  });
});
