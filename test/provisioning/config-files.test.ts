import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { create } from 'xmlbuilder2';
import { allLogs } from '../core/auth-fixtures';
import {
  createExtension,
  digestAuthorization,
  grandstreamValues,
  phoneCredentials,
  phoneGet,
  phoneGetChallenged,
  secretPath,
  sipPassword,
  startProvisioningApp,
  tftpGet,
  UA_GRP2614,
  writeFirmware,
  type ProvisioningApp,
} from './provisioning-harness';

const MAC = 'c074ad000001';
const execFileAsync = promisify(execFile);

describe('Provisioning files over HTTP and TFTP', () => {
  let app: ProvisioningApp;
  let extension: { id: number; number: string; sipUsername: string };
  let password: string;
  let deviceId: number;
  let site: string;
  let credentials: { username: string; password: string };

  before(async () => {
    app = await startProvisioningApp();
    extension = await createExtension(app.admin, '201', 'Accueil <Rez-de-chaussée> & "Hall"');
    password = await sipPassword(app.admin, extension.id);
    site = await secretPath(app.admin);
  });
  after(() => app.t.stop());

  it('records an unknown phone as unassigned from its User-Agent and file name, and serves it nothing secret', async () => {
    const res = await phoneGet(app.t.url, `cfg${MAC}.xml`);
    expect(res.status).to.equal(200);
    const values = grandstreamValues(res.body);
    expect(values.get('P271')).to.equal('0');
    expect(values.get('P34')).to.equal('');
    expect(values.get('P2'), 'no admin password').to.equal(undefined);
    expect(values.get('P1361')).to.equal(undefined);
    // Outside the secret path, the phone keeps the path DHCP gave it, and the secret path is not told.
    expect(values.has('P237')).to.equal(false);
    expect(res.body.toString()).not.to.include(site);
    const list = await app.admin.get('/api/provisioning/devices?status=unassigned');
    expect(list.status, list.text).to.equal(200);
    expect(list.body.items).to.have.length(1);
    expect(list.body.items[0]).to.deep.include({ mac: MAC, macAddress: 'c0:74:ad:00:00:01', vendor: 'grandstream', model: 'GRP2614', firmware: '1.0.9.103', status: 'unassigned', lastIp: '127.0.0.1', lastFile: `cfg${MAC}.xml` });
    deviceId = list.body.items[0].id;
  });

  it("gives an assigned phone nothing secret outside the secret path, and its whole file to the first fetch on it (the claim)", async () => {
    const assigned = await app.admin.post(`/api/provisioning/devices/${deviceId}/assign`, { extensionIds: [extension.id], timeZone: 'Europe/Paris', language: 'fr', label: 'Accueil' });
    expect(assigned.status, assigned.text).to.equal(200);
    expect(assigned.body.claim).to.include({ state: 'waiting_for_phone', claimedAt: null });
    const outside = await phoneGet(app.t.url, `cfg${MAC}.xml`);
    expect(outside.status).to.equal(200);
    const outsideValues = grandstreamValues(outside.body);
    // Only where to fetch (here nothing, the path being DHCP's): no account setting is overwritten, no secret.
    for (const name of ['P34', 'P271', 'P2', 'P1360', 'P1361', 'P237']) expect(outsideValues.has(name), name).to.equal(false);

    const res = await phoneGet(app.t.url, `${site}/cfg${MAC}.xml`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^application\/xml/);
    expect(res.headers.get('cache-control')).to.equal('no-store');
    const text = res.body.toString();
    expect(text).to.include('Accueil &lt;Rez-de-chauss\u00e9e&gt; &amp; &quot;Hall&quot;');
    const values = grandstreamValues(res.body);
    const host = new URL(app.t.url).host;
    expect(Object.fromEntries(['P271', 'P47', 'P35', 'P36', 'P34', 'P3', 'P270', 'P237', 'P212', 'P145', 'P64', 'P246', 'P1362', 'P330'].map((p) => [p, values.get(p)]))).to.deep.equal({
      P271: '1',
      P47: '127.0.0.1',
      P35: extension.sipUsername,
      P36: extension.sipUsername,
      P34: password,
      P3: 'Accueil <Rez-de-chaussée> & "Hall"',
      P270: 'Accueil <Rez-de-chaussée> & "Hall"',
      P237: `${host}/provisioning/${site}`,
      P212: '1',
      P145: '0',
      P64: 'customize',
      P246: 'CET-1CEST,M3.5.0,M10.5.0/3',
      P1362: 'fr',
      P330: '0',
    });
    // The generated admin password and the config-server credentials are in the file, and shown on demand.
    const secrets = await app.admin.post(`/api/provisioning/devices/${deviceId}/secrets/reveal`);
    expect(secrets.status, secrets.text).to.equal(200);
    expect(values.get('P2')).to.equal(secrets.body.adminPassword);
    expect(values.get('P1360')).to.equal(secrets.body.httpUsername);
    expect(values.get('P1361')).to.equal(secrets.body.httpPassword);
    expect(secrets.body.adminPassword).to.match(/^[A-Za-z0-9]{16}$/);
    credentials = { username: secrets.body.httpUsername, password: secrets.body.httpPassword };
    const device = (await app.admin.get(`/api/provisioning/devices/${deviceId}`)).body;
    expect(device.claim).to.include({ state: 'claimed', claimedFromIp: '127.0.0.1' });
  });

  it('challenges every later fetch, even on the secret path, and serves it to the Digest answer only', async () => {
    const again = await phoneGet(app.t.url, `${site}/cfg${MAC}.xml`);
    expect(again.status).to.equal(401);
    const challenge = again.headers.get('www-authenticate') ?? '';
    expect(challenge).to.match(/^Digest realm="Carillon provisioning", qop="auth", algorithm=MD5, nonce="/);
    expect(challenge, 'no Basic').not.to.match(/Basic/);
    const uri = `/provisioning/${site}/cfg${MAC}.xml`;
    const authorization = digestAuthorization(challenge, credentials.username, credentials.password, uri);
    const authenticated = await phoneGet(app.t.url, `${site}/cfg${MAC}.xml`, { authorization });
    expect(authenticated.status).to.equal(200);
    expect(grandstreamValues(authenticated.body).get('P34')).to.equal(password);
    // The same answer replayed: refused, with a fresh challenge marked stale.
    const replayed = await phoneGet(app.t.url, `${site}/cfg${MAC}.xml`, { authorization });
    expect(replayed.status).to.equal(401);
    expect(replayed.headers.get('www-authenticate')).to.match(/stale=true/);
    // An answer computed for another file does not open this one.
    const fresh = (await phoneGet(app.t.url, `cfg${MAC}.xml`)).headers.get('www-authenticate') ?? '';
    const elsewhere = await phoneGet(app.t.url, `cfg${MAC}.xml`, { authorization: digestAuthorization(fresh, credentials.username, credentials.password, `/provisioning/phonebook/${MAC}.xml`) });
    expect(elsewhere.status).to.equal(401);
    // Basic, even with the right password, is not accepted.
    const basic = await phoneGet(app.t.url, `cfg${MAC}.xml`, { authorization: `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`).toString('base64')}` });
    expect(basic.status).to.equal(401);
    const wrong = await phoneGetChallenged(app.t.url, `cfg${MAC}.xml`, { ...credentials, password: 'wrong' });
    expect(wrong.status).to.equal(401);
    // A proven phone gets its whole file wherever it asks (after a rotation, it learns the new path from it).
    const publicPath = await phoneGetChallenged(app.t.url, `cfg${MAC}.xml`, credentials);
    expect(publicPath.status).to.equal(200);
    expect(grandstreamValues(publicPath.body).get('P237')).to.equal(`${new URL(app.t.url).host}/provisioning/${site}`);
    expect((await app.admin.get(`/api/provisioning/devices/${deviceId}`)).body.credentialsConfirmed).to.equal(true);
  });

  it('answers cfg<mac>, cfg<mac>.xml and the upper-case forms with the same file', async () => {
    const forms = [`cfg${MAC}.xml`, `cfg${MAC}`, `cfg${MAC.toUpperCase()}.xml`, `cfg${MAC.toUpperCase()}`];
    const bodies = await Promise.all(forms.map((f) => phoneGetChallenged(app.t.url, `${site}/${f}`, credentials)));
    for (const res of bodies) expect(res.status).to.equal(200);
    // Same settings (comments carry nothing variable either).
    for (const res of bodies.slice(1)) expect(res.body.equals(bodies[0]!.body)).to.equal(true);
    expect((await phoneGet(app.t.url, 'cfg.xml')).status).to.equal(404);
  });

  it('binds an ephemeral TFTP port when configured with port 0 (never 69)', () => {
    expect(app.tftpPort).to.be.greaterThan(1023);
  });

  it('serves the same bytes over TFTP to a claim on the secret path within the window, negotiating the block size; after the claim, only the way to HTTP', async () => {
    const other = await createExtension(app.admin, '202');
    const created = await app.admin.post('/api/provisioning/devices', { mac: 'c074ad000002', model: 'GRP2614', extensionIds: [other.id] });
    expect(created.status, created.text).to.equal(201);
    const otherPassword = await sipPassword(app.admin, other.id);
    // Outside the secret path, TFTP gives nothing secret even within the window.
    const outside = grandstreamValues((await tftpGet(app.tftpPort, 'cfgc074ad000002.xml')).body);
    expect(outside.has('P34')).to.equal(false);

    const small = await tftpGet(app.tftpPort, `${site}/cfgc074ad000002.xml`, 512);
    expect(small.blockSize).to.equal(512);
    const values = grandstreamValues(small.body);
    // The SIP host is this machine's address on the phone's network (loopback here), HTTP the way back.
    expect(values.get('P212')).to.equal('1');
    expect(values.get('P34')).to.equal(otherPassword);
    expect(small.body.length).to.be.greaterThan(1428);
    // Over HTTP the Host header names the server; over TFTP, the local address and HTTP port: the same bytes here.
    const http = await phoneGetChallenged(app.t.url, `${site}/cfgc074ad000002.xml`, await phoneCredentials(app.admin, created.body.id));
    expect(http.challenged).to.equal(true);
    expect(small.body.equals(http.body)).to.equal(true);

    const large = await tftpGet(app.tftpPort, `${site}/cfgc074ad000002.xml`, 1428);
    expect(large.blockSize).to.equal(1428);
    const redirect = grandstreamValues(large.body);
    expect(redirect.get('P212')).to.equal('1');
    expect(redirect.get('P237')).to.equal(`${new URL(app.t.url).host}/provisioning/${site}`);
    for (const secret of ['P34', 'P2', 'P1360', 'P1361', 'P271']) expect(redirect.has(secret), secret).to.equal(false);
  });

  it("serves the same file to Debian's tftp-hpa client (plain RFC 1350, 512-byte blocks)", async function () {
    if (!fs.existsSync('/usr/bin/tftp')) this.skip();
    const target = path.join(app.t.dataDir, 'tftp-hpa.xml');
    await execFileAsync('/usr/bin/tftp', ['-m', 'binary', '127.0.0.1', String(app.tftpPort), '-c', 'get', `${site}/cfg${MAC}.xml`, target], { timeout: 10_000 });
    const ours = await tftpGet(app.tftpPort, `${site}/cfg${MAC}.xml`);
    expect(fs.readFileSync(target).equals(ours.body)).to.equal(true);
    expect(grandstreamValues(ours.body).has('P34')).to.equal(false);
  });

  it('serves firmware files from the firmware folder, and nothing outside it', async () => {
    const bytes = Buffer.alloc(5000, 7);
    writeFirmware(app.t, 'grp2614fw.bin', bytes);
    const res = await phoneGet(app.t.url, 'firmware/grp2614fw.bin');
    expect(res.status).to.equal(200);
    expect(res.body.equals(bytes)).to.equal(true);
    expect((await tftpGet(app.tftpPort, 'firmware/grp2614fw.bin')).body.equals(bytes)).to.equal(true);
    expect((await phoneGet(app.t.url, 'firmware/..%2Fsecret.key')).status).to.equal(404);
    expect((await phoneGet(app.t.url, 'firmware/missing.bin')).status).to.equal(404);
  });

  it('logs every file served without its secrets, nor the secret path', async () => {
    // Its own TFTP fetch: the tests before it may be skipped (tftp-hpa missing).
    await tftpGet(app.tftpPort, `${site}/cfg${MAC}.xml`);
    const served = app.t.logs.filter((l) => l.msg === 'provisioning file served');
    expect(served.length).to.be.greaterThan(5);
    expect(served.some((l) => l.protocol === 'tftp' && l.file === `s/…/cfg${MAC}.xml`)).to.equal(true);
    expect(served.some((l) => l.withheld === 'outside_secret_path')).to.equal(true);
    const { body: secrets } = await app.admin.post(`/api/provisioning/devices/${deviceId}/secrets/reveal`);
    const logs = allLogs(app.t);
    for (const secret of [password, secrets.adminPassword, secrets.httpPassword, site.slice(2)]) expect(logs).not.to.include(secret);
  });

  it('produces well-formed XML for a phone whose keys and overrides carry awkward text', async () => {
    const res = await app.admin.patch(`/api/provisioning/devices/${deviceId}`, {
      keys: [{ where: 'phone', index: 2, type: 'speed_dial', value: '0612345678', label: 'Mère & <fils> "--"', account: 1 }],
      extraValues: { P1376: '0', 'pks.vpk.settings.mode': 'Account & <Mode>' },
    });
    expect(res.status, res.text).to.equal(200);
    const file = await phoneGetChallenged(app.t.url, `cfg${MAC}.xml`, credentials);
    expect(() => create(file.body.toString())).not.to.throw();
    const values = grandstreamValues(file.body);
    expect(values.get('P1365')).to.equal('speeddial');
    expect(values.get('P1467')).to.equal('Mère & <fils> "--"');
    expect(values.get('P1468')).to.equal('0612345678');
    expect(values.get('P1376')).to.equal('0');
    expect(values.get('pks.vpk.settings.mode')).to.equal('Account & <Mode>');
    expect(UA_GRP2614).to.include('GRP2614');
  });
});
