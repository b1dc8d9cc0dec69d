import path from 'node:path';
import { expect } from 'chai';
import { SettingRecord } from '../../core/settings/model';
import type { ApiClient } from '../support/api-client';
import { tempDir, type TestApp } from '../support/test-app';
import { AriSimulator } from '../ari-simulator/ari-simulator';
import { SimRegistrar } from '../ari-simulator/registrar';
import { contributeExtensions, cradle, eventually, startCallsApp } from '../calls/calls-harness';
import { expectProblem } from './auth-fixtures';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text exposition format (0.0.4): `# HELP`, `# TYPE`, then `name{label="v",…} value`. */
function parseExposition(text: string): { samples: Sample[]; types: Map<string, string> } {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line) continue;
    const type = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (type) {
      types.set(type[1], type[2]);
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \d+)?$/.exec(line);
    if (!m) throw new Error(`not an exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const pair of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]] = pair[2].replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    samples.push({ name: m[1], labels, value: m[3] === 'NaN' ? Number.NaN : Number(m[3]) });
  }
  return { samples, types };
}

function value(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  return samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

describe('Prometheus metrics at GET /metrics', () => {
  let sim: AriSimulator;
  let t: TestApp;
  let admin: ApiClient;

  const scrape = (headers: Record<string, string> = {}) => fetch(`${t.url}/metrics`, { headers });
  const scrapeParsed = async (headers: Record<string, string> = {}) => {
    const res = await scrape(headers);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^text\/plain; version=0\.0\.4/);
    return parseExposition(await res.text());
  };

  before(async () => {
    sim = new AriSimulator({ defaultSoundMs: 20 });
    await sim.start();
    const registrar = new SimRegistrar(sim);
    sim.addEndpoint('201', { registered: false, behaviour: { kind: 'answer', answerAfterMs: 10 } });
    sim.addEndpoint('202', { registered: false });
    registrar.register('201', { uri: 'sip:201@192.0.2.10:5062', userAgent: 'Yealink T54W', viaAddr: '192.0.2.10', viaPort: 5062, expiresInSeconds: 600 });
    const dir = tempDir('carillon-metrics-');
    t = await startCallsApp({ ariUrl: sim.url, cdrFile: path.join(dir, 'Master.csv'), dataDir: dir });
    admin = await t.adminClient();
    contributeExtensions(t, [
      { number: '201', name: 'Reception' },
      { number: '202', name: 'Back office' },
    ]);
    await eventually('ARI connected', async () => cradle(t).telephony.connected);
  });
  after(async () => {
    await t.stop();
    await sim.stop();
  });

  it('serves a loopback scraper by default, in the exposition format, with every family', async () => {
    const { samples, types } = await scrapeParsed();
    expect(types.get('carillon_calls_in_progress')).to.equal('gauge');
    expect(types.get('carillon_http_request_duration_seconds')).to.equal('histogram');
    expect(types.get('carillon_ari_request_duration_seconds')).to.equal('histogram');
    expect(types.get('carillon_job_runs_total')).to.equal('counter');
    expect(types.get('carillon_job_failures_total')).to.equal('counter');
    expect(types.get('carillon_job_last_success_timestamp_seconds')).to.equal('gauge');
    expect(types.get('carillon_plugin_state')).to.equal('gauge');
    expect(types.get('carillon_process_resident_memory_bytes')).to.equal('gauge');
    expect(value(samples, 'carillon_ari_connected')).to.equal(1);
    expect(value(samples, 'carillon_ari_state', { state: 'connected' })).to.equal(1);
    expect(value(samples, 'carillon_ari_state', { state: 'disconnected' })).to.equal(0);
    expect(value(samples, 'carillon_calls_in_progress')).to.equal(0);
    expect(value(samples, 'carillon_sip_endpoints_registered', { kind: 'extension' })).to.equal(1);
    expect(value(samples, 'carillon_sip_endpoints', { kind: 'extension' })).to.equal(2);
    expect(value(samples, 'carillon_job_runs_total', { owner: 'core', job: 'calls-read-cdr' })).to.be.a('number');
  });

  it('moves after a call on the simulator: calls in progress, ARI requests, HTTP by route template', async () => {
    const before = (await scrapeParsed()).samples;
    const ariBefore = value(before, 'carillon_ari_request_duration_seconds_count', { operation: 'channels.originate', outcome: 'ok' }) ?? 0;
    // Two reads of one templated route with different ids: one series, labelled with the template.
    expect((await admin.get('/api/telephony/extensions/999999')).status).to.equal(404);
    expect((await admin.get('/api/telephony/extensions/999998')).status).to.equal(404);

    const call = await cradle(t).telephony.originate({ endpoint: 'PJSIP/201', callerId: { name: 'Carillon', number: '0100000001' } });
    const answered = await call.answered;
    const during = (await scrapeParsed()).samples;
    expect(value(during, 'carillon_calls_in_progress')).to.equal(1);
    expect(value(during, 'carillon_ari_request_duration_seconds_count', { operation: 'channels.originate', outcome: 'ok' })).to.equal(ariBefore + 1);
    const byTemplate = during.filter((s) => s.name === 'carillon_http_request_duration_seconds_count' && s.labels.route === '/api/telephony/extensions/:id');
    expect(byTemplate).to.have.length(1);
    expect(byTemplate[0]).to.deep.include({ labels: { method: 'GET', route: '/api/telephony/extensions/:id', status_class: '4xx' }, value: 2 });
    expect(during.some((s) => s.labels.route?.includes('999999'))).to.equal(false);

    await answered.hangup();
    await call.ended;
    const after = (await scrapeParsed()).samples;
    expect(value(after, 'carillon_calls_in_progress')).to.equal(0);
    expect(value(after, 'carillon_http_request_duration_seconds_count', { method: 'GET', route: '/metrics', status_class: '2xx' })).to.be.greaterThan(0);
  });

  it('refuses other clients with no data: 403 outside allowed networks, 401 without or with a wrong token', async () => {
    const networks = await admin.request('PUT', '/api/system/metrics-access', { allowedNetworks: [] });
    expect(networks.status, networks.text).to.equal(200);
    expect(networks.body).to.deep.equal({ tokenSet: false, allowedNetworks: [] });
    const forbidden = await scrape();
    expect(forbidden.status).to.equal(403);
    const forbiddenText = await forbidden.text();
    expect(JSON.parse(forbiddenText).code).to.equal('metrics_network_forbidden');
    expect(forbiddenText).not.to.include('carillon_');

    const made = await admin.post('/api/system/metrics-access/token', {});
    expect(made.status, made.text).to.equal(201);
    const token = made.body.token as string;
    expect(token).to.match(/^cm_[A-Za-z0-9_-]{40,}$/);
    expect((await admin.get('/api/system/metrics-access')).body).to.deep.equal({ tokenSet: true, allowedNetworks: [] });
    expect((await admin.get('/api/system/metrics-access')).text).not.to.include(token);

    const missing = await scrape();
    expect(missing.status).to.equal(401);
    expect(missing.headers.get('www-authenticate')).to.match(/^Bearer/);
    expect(await missing.text()).not.to.include('carillon_');
    const wrong = await scrape({ authorization: `Bearer ${token}x` });
    expect(wrong.status).to.equal(401);
    expect(JSON.parse(await wrong.text()).code).to.equal('metrics_token_invalid');
    // A session cookie is no metrics credential.
    expect((await scrape({ cookie: admin.cookie! })).status).to.equal(401);

    const { samples } = await scrapeParsed({ authorization: `Bearer ${token}` });
    expect(value(samples, 'carillon_ari_connected')).to.equal(1);

    // A new token replaces the old one.
    const second = (await admin.post('/api/system/metrics-access/token', {})).body.token as string;
    expect((await scrape({ authorization: `Bearer ${token}` })).status).to.equal(401);
    expect((await scrape({ authorization: `Bearer ${second}` })).status).to.equal(200);
    const stored = await SettingRecord.findByPk('metrics.access');
    expect(stored!.value).not.to.include(second);
  });

  it('lets only settings managers change the access, and checks networks', async () => {
    expectProblem(await admin.request('PUT', '/api/system/metrics-access', { allowedNetworks: ['10.0.0.0/33'] }), 422, 'validation_failed');
    const back = await admin.request('PUT', '/api/system/metrics-access', { allowedNetworks: ['127.0.0.0/8', '::1/128'] });
    expect(back.body.allowedNetworks).to.deep.equal(['127.0.0.0/8', '::1/128']);
    expect((await scrape()).status).to.equal(200);
    expectProblem(await t.client().post('/api/system/metrics-access/token', {}), 401, 'unauthenticated');
  });
});
