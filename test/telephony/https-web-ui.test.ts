import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { expect } from 'chai';
import { loadConfig, ConfigError } from '../../core/config/load';
import { ConfigRenderer } from '../../core/telephony/config/renderer';
import { representativeSnapshot } from './config/representative-snapshot';
import { createTestDatabase } from '../support/database';
import { startTestApp, tempDir, type TestApp } from '../support/test-app';

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  secure: boolean;
}

/** One request with node's own clients: fetch cannot trust a single self-signed certificate. */
function request(url: string, options: { ca?: Buffer; method?: string; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const secure = target.protocol === 'https:';
    const req = (secure ? https : http).request(target, { method: options.method ?? 'GET', headers: options.headers, ...(secure ? { ca: options.ca, servername: 'localhost' } : {}) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), secure }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** A self-signed certificate for localhost and 127.0.0.1, made with the openssl CLI for this run only. */
function selfSignedCertificate(dir: string): { certFile: string; keyFile: string } {
  const certFile = path.join(dir, 'carillon.crt');
  const keyFile = path.join(dir, 'carillon.key');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', keyFile, '-out', certFile], { stdio: 'ignore' });
  return { certFile, keyFile };
}

describe('HTTPS for the web UI (http.tls, http.plainPort)', function () {
  this.timeout(30_000);
  let app: TestApp;
  let ca: Buffer;
  let plainUrl: string;

  before(async () => {
    const certDir = tempDir('carillon-tls-');
    const tls = selfSignedCertificate(certDir);
    ca = fs.readFileSync(tls.certFile);
    app = await startTestApp({ overrides: { http: { tls, plainPort: 0 } } });
    plainUrl = app.app.plainUrl()!;
  });
  after(async () => {
    await app?.stop();
  });

  it('serves the API over HTTPS on http.port with the configured certificate', async () => {
    expect(app.url).to.match(/^https:\/\/127\.0\.0\.1:\d+$/);
    const reply = await request(`${app.url}/api/health`, { ca });
    expect(reply.status).to.equal(200);
    expect(JSON.parse(reply.body)).to.have.property('status');
    const root = await request(`${app.url}/`, { ca });
    expect(JSON.parse(root.body)).to.include({ name: 'Carillon' });
  });

  it('refuses clients that do not trust the certificate (it is really TLS, not plain HTTP)', async () => {
    let error: NodeJS.ErrnoException | null = null;
    await request(`${app.url}/api/health`).catch((err: NodeJS.ErrnoException) => (error = err));
    expect(error, 'an untrusted self-signed certificate must fail').to.not.equal(null);
    expect(error!.code).to.equal('DEPTH_ZERO_SELF_SIGNED_CERT');
    const plainToTls = await request(`${app.url.replace('https:', 'http:')}/api/health`).catch(() => null);
    expect(plainToTls?.status ?? 0).to.not.equal(200);
  });

  it('marks the session cookie Secure when logging in over HTTPS', async () => {
    const token = /setup\?token=([A-Za-z0-9_-]+)/.exec(app.announced.join(''))![1];
    expect(app.announced.join('')).to.include(`${app.url}/setup?token=`);
    const setup = await new Promise<Reply>((resolve, reject) => {
      const body = JSON.stringify({ token, email: 'tls-admin@example.test', displayName: 'TLS', password: 'correct horse battery staple' });
      const req = https.request(`${app.url}/api/setup`, { method: 'POST', ca, servername: 'localhost', headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), secure: true }));
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(setup.status, setup.body).to.equal(201);
    const login = await new Promise<Reply>((resolve, reject) => {
      const body = JSON.stringify({ email: 'tls-admin@example.test', password: 'correct horse battery staple' });
      const req = https.request(`${app.url}/api/auth/login`, { method: 'POST', ca, servername: 'localhost', headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8'), secure: true }));
      });
      req.on('error', reject);
      req.end(body);
    });
    expect(login.status, login.body).to.equal(200);
    const session = (login.headers['set-cookie'] ?? []).find((c) => c.startsWith('carillon_session='));
    expect(session, 'login sets the session cookie').to.be.a('string');
    expect(session!.toLowerCase()).to.include('; secure');
  });

  it('redirects everything else on the plain port to the same path over HTTPS (308, method kept)', async () => {
    const port = new URL(app.url).port;
    const reply = await request(`${plainUrl}/api/calls?status=answered`, { headers: { host: `pbx.example.test:${new URL(plainUrl).port}` } });
    expect(reply.status).to.equal(308);
    expect(reply.headers.location).to.equal(`https://pbx.example.test:${port}/api/calls?status=answered`);
    const post = await request(`${plainUrl}/api/auth/login`, { method: 'POST' });
    expect(post.status).to.equal(308);
    expect(post.headers.location).to.equal(`https://127.0.0.1:${port}/api/auth/login`);
    const ui = await request(`${plainUrl}/`);
    expect(ui.headers.location).to.equal(`https://127.0.0.1:${port}/`);
  });

  it('answers /provisioning/* and /api/health itself on the plain port (phones fetch their configuration without TLS)', async () => {
    const health = await request(`${plainUrl}/api/health`);
    expect(health.status).to.equal(200);
    expect(JSON.parse(health.body)).to.have.property('status');
    // Whatever the provisioning routes answer, it is Carillon's answer, not a redirect.
    const provisioning = await request(`${plainUrl}/provisioning/0004f2aabbcc.cfg`);
    expect(provisioning.status).to.not.equal(308);
    expect(provisioning.headers.location).to.equal(undefined);
    expect(provisioning.headers['content-type'] ?? '').to.not.equal('');
    // A look-alike path is not provisioning.
    const lookAlike = await request(`${plainUrl}/provisioning-admin`);
    expect(lookAlike.status).to.equal(308);
  });
});

describe('HTTPS configuration', () => {
  it('reads the certificate and key paths from the environment', () => {
    const config = loadConfig({ env: { CARILLON_TLS_CERT_FILE: '/etc/carillon/tls/carillon.crt', CARILLON_TLS_KEY_FILE: '/etc/carillon/tls/carillon.key', CARILLON_HTTP_PLAIN_PORT: '80' }, cwd: '/' });
    expect(config.http.tls).to.deep.equal({ certFile: '/etc/carillon/tls/carillon.crt', keyFile: '/etc/carillon/tls/carillon.key' });
    expect(config.http.plainPort).to.equal(80);
  });

  it('refuses a certificate without its key, and a plain port without TLS, saying what to set', () => {
    expect(() => loadConfig({ env: { CARILLON_TLS_CERT_FILE: '/etc/carillon/tls/carillon.crt' }, cwd: '/' }))
      .to.throw(ConfigError)
      .with.property('message')
      .that.includes('http.tls.keyFile');
    expect(() => loadConfig({ env: { CARILLON_HTTP_PLAIN_PORT: '80' }, cwd: '/' }))
      .to.throw(ConfigError)
      .with.property('message')
      .that.includes('http.plainPort: only with http.tls');
  });

  it('fails to start with a readable message when the certificate file is missing', async () => {
    const dir = tempDir('carillon-tls-missing-');
    const database = await createTestDatabase(dir);
    let error: Error | null = null;
    await startTestApp({ dataDir: dir, database, overrides: { http: { tls: { certFile: path.join(dir, 'none.crt'), keyFile: path.join(dir, 'none.key') } } } }).catch((err: Error) => (error = err));
    await database.drop();
    expect(error).to.not.equal(null);
    expect(error!.message).to.include('Cannot read the TLS certificate or key (http.tls)');
  });
});

describe('One certificate for the web UI and for Asterisk (WSS, TLS trunks)', () => {
  const APPLIANCE_CERT = '/etc/carillon/tls/carillon.crt';
  const APPLIANCE_KEY = '/etc/carillon/tls/carillon.key';

  it("the skeleton's http.conf serves WSS on 8089 with the appliance's certificate and key", () => {
    const httpConf = fs.readFileSync(path.join(__dirname, '..', '..', 'appliance', 'asterisk', 'http.conf'), 'utf8');
    const settings = Object.fromEntries(httpConf.split('\n').filter((l) => /^\w+=/.test(l)).map((l) => l.split('=', 2) as [string, string]));
    expect(settings).to.include({ tlsenable: 'yes', tlsbindaddr: '0.0.0.0:8089', tlscertfile: APPLIANCE_CERT, tlsprivatekey: APPLIANCE_KEY, bindaddr: '127.0.0.1' });
  });

  it('the generated transports: wss for browsers, and a TLS transport presenting the same certificate when a trunk uses TLS', () => {
    const snapshot = representativeSnapshot();
    const operator = snapshot.trunks[0]!;
    if (operator.kind !== 'operator') throw new Error('the representative snapshot starts with an operator trunk');
    operator.transport = 'tls';
    const transports = new ConfigRenderer().render(snapshot, { recordingsSpool: '/var/spool/carillon' }).find((f) => f.name === 'pjsip-transports.conf')!.content;
    const section = (name: string) => transports.slice(transports.indexOf(`[${name}]`)).split('\n\n')[0]!.split('\n');
    expect(section('transport-wss')).to.include.members(['protocol=wss']);
    expect(section('transport-tls')).to.include.members(['protocol=tls', `cert_file=${APPLIANCE_CERT}`, `priv_key_file=${APPLIANCE_KEY}`]);
  });
});
