import { expect } from 'chai';
import { expectProblem } from '../core/auth-fixtures';
import { createExtension, grandstreamValues, phoneGet, secretPath, sipPassword, startProvisioningApp, tftpGet, writeFirmware, type ProvisioningApp } from './provisioning-harness';

/** TFTP as a scanner sees it: the bytes, or null when refused. */
const tftpBytes = (port: number, file: string) => tftpGet(port, file).then((r) => r.body, () => null);

/** The filter regex docs/provisioning.md gives fail2ban (with <HOST> as fail2ban expands it for IPv4). */
const FAIL2BAN_FAILREGEX = /carillon provisioning ban: client=(?<host>\S+) reason=\S+/;

describe('Provisioning security', () => {
  describe('allowed networks', () => {
    let app: ProvisioningApp;
    before(async () => {
      app = await startProvisioningApp({ overrides: { provisioning: { allowedNetworks: ['10.0.0.0/8', '192.168.0.0/16'] } } });
    });
    after(() => app.t.stop());

    it('refuses every provisioning file, over HTTP and TFTP, to a client outside them', async () => {
      const extension = await createExtension(app.admin, '201');
      const created = await app.admin.post('/api/provisioning/devices', { mac: 'c074ad000001', model: 'GRP2614', extensionIds: [extension.id] });
      expect(created.status, created.text).to.equal(201);
      writeFirmware(app.t, 'fw.bin', Buffer.from('firmware'));
      for (const file of ['cfgc074ad000001.xml', 'cfgc074ad000001', 'phonebook/c074ad000001.xml', 'firmware/fw.bin']) {
        const res = await phoneGet(app.t.url, file);
        expect(res.status, file).to.equal(403);
        expect(JSON.parse(res.body.toString())).to.include({ code: 'forbidden' });
      }
      let error: Error | null = null;
      await tftpGet(app.tftpPort, 'cfgc074ad000001.xml').catch((err: Error) => (error = err));
      expect(error, 'TFTP refused').not.to.equal(null);
      const refused = app.t.logs.filter((l) => l.msg === 'provisioning file refused');
      expect(refused.length).to.be.at.least(5);
      expect(refused.every((l) => l.reason === 'network_not_allowed' && l.ip === '127.0.0.1')).to.equal(true);
      // Nothing was recorded about the phone either.
      const device = (await app.admin.get(`/api/provisioning/devices/${created.body.id}`)).body;
      expect(device.lastFetchAt).to.equal(null);
    });

    it('answers a reboot with 503 when Asterisk is not configured', async () => {
      const device = (await app.admin.get('/api/provisioning/devices')).body.items[0];
      expectProblem(await app.admin.post(`/api/provisioning/devices/${device.id}/reboot`), 503, 'telephony_unavailable');
    });
  });

  describe('unknown MACs and bans', () => {
    let app: ProvisioningApp;
    before(async () => {
      app = await startProvisioningApp({ overrides: { provisioning: { ban: { threshold: 4, windowSeconds: 60, durationSeconds: 600 } } } });
      const extension = await createExtension(app.admin, '201');
      const created = await app.admin.post('/api/provisioning/devices', { mac: 'c074ad0000ff', model: 'GRP2614', extensionIds: [extension.id] });
      expect(created.status, created.text).to.equal(201);
    });
    after(() => app.t.stop());

    it('does not count an assigned phone, nor the same unknown phone asking again', async () => {
      for (let i = 0; i < 6; i++) expect((await phoneGet(app.t.url, 'cfgc074ad0000ff.xml')).status).to.equal(200);
      for (let i = 0; i < 6; i++) expect((await phoneGet(app.t.url, 'cfgc074ad000101.xml')).status).to.equal(200);
      expect(app.t.logs.some((l) => typeof l.msg === 'string' && l.msg.startsWith('carillon provisioning ban:'))).to.equal(false);
    });

    it('answers 404 for a MAC of no known vendor, still counting it', async () => {
      const res = await fetch(`${app.t.url}/provisioning/cfg001122334455.xml`, { headers: { 'user-agent': 'curl/8' } });
      expect(res.status).to.equal(404);
      expect((await app.admin.get('/api/provisioning/devices?search=001122334455')).body.items).to.have.length(0);
    });

    it('bans a client that asks for many unknown MACs, for everything, with a line fail2ban reads', async () => {
      // Third and fourth distinct unknown MACs (with the two above): the fourth strike bans.
      expect((await phoneGet(app.t.url, 'cfgc074ad000102.xml')).status).to.equal(200);
      const banned = await phoneGet(app.t.url, 'cfgc074ad000103.xml');
      expect(banned.status).to.equal(403);
      // Everything is refused now, the assigned phone's file and TFTP included.
      expect((await phoneGet(app.t.url, 'cfgc074ad0000ff.xml')).status).to.equal(403);
      let error: Error | null = null;
      await tftpGet(app.tftpPort, 'cfgc074ad0000ff.xml').catch((err: Error) => (error = err));
      expect(error).not.to.equal(null);

      const lines = app.t.logs.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('carillon provisioning ban:'));
      expect(lines).to.have.length(1);
      expect(lines[0]!.msg).to.equal('carillon provisioning ban: client=127.0.0.1 reason=unknown_mac count=4 window=60s duration=600s');
      expect(lines[0]!.level).to.equal('warn');
      // As written to the journal (one JSON line), the documented filter finds the address.
      expect(FAIL2BAN_FAILREGEX.exec(JSON.stringify(lines[0]))?.groups?.host).to.equal('127.0.0.1');
      expect(app.t.logs.filter((l) => l.msg === 'provisioning file refused').some((l) => l.reason === 'client_banned')).to.equal(true);
    });
  });

  describe('a MAC scan from the LAN', () => {
    let app: ProvisioningApp;
    let site: string;
    const OUI = 'c074ad';
    const mac = (n: number) => `${OUI}${n.toString(16).padStart(6, '0')}`;
    const devices: Record<'claimed' | 'waiting' | 'closed', { id: number; mac: string }> = {} as never;
    /** Every secret on the site: SIP passwords, admin and config-server passwords, the secret path's key. */
    const secrets: string[] = [];

    before(async () => {
      // No ban: the scan runs through every MAC, so what protects the secrets is the design, not the ban.
      app = await startProvisioningApp({ overrides: { provisioning: { ban: { threshold: 10_000 } } } });
      site = await secretPath(app.admin);
      for (const [n, state] of [[1, 'claimed'], [2, 'waiting'], [3, 'closed']] as const) {
        const extension = await createExtension(app.admin, `20${n}`);
        secrets.push(await sipPassword(app.admin, extension.id));
        const created = await app.admin.post('/api/provisioning/devices', { mac: mac(n), model: 'GRP2614', extensionIds: [extension.id] });
        expect(created.status, created.text).to.equal(201);
        devices[state] = { id: created.body.id, mac: mac(n) };
      }
      // The real phone claims the first one; the third one's window has run out.
      expect(grandstreamValues((await phoneGet(app.t.url, `${site}/cfg${devices.claimed.mac}.xml`)).body).has('P34')).to.equal(true);
      await app.t.app.cradle.sequelize.query('UPDATE provisioning_devices SET claim_window_until = :past WHERE id = :id', { replacements: { past: new Date(Date.now() - 60_000), id: devices.closed.id } });
      for (const { id } of Object.values(devices)) {
        const shown = (await app.admin.post(`/api/provisioning/devices/${id}/secrets/reveal`)).body;
        secrets.push(shown.adminPassword, shown.httpPassword);
      }
      secrets.push(site.slice(2));
    });
    after(() => app.t.stop());

    it('collects no secret: many MACs, every file name, HTTP and TFTP, off the secret path (and on it for phones claimed or out of their window)', async function () {
      this.timeout(120_000);
      const macs = [...Object.values(devices).map((d) => d.mac), ...Array.from({ length: 40 }, (_, i) => mac(0x100 + i * 7))];
      const names = (m: string) => [`cfg${m}.xml`, `cfg${m}`, `cfg${m.toUpperCase()}.xml`, `phonebook/${m}.xml`, `phonebook/${m}/phonebook.xml`];
      const wrongKey = `s/${'A'.repeat(32)}`;
      const requests: Array<{ how: string; fetch: () => Promise<Buffer | null> }> = [];
      for (const m of macs) {
        for (const name of names(m)) {
          for (const prefix of ['', `${wrongKey}/`]) {
            requests.push({ how: `HTTP ${prefix}${name}`, fetch: async () => (await phoneGet(app.t.url, `${prefix}${name}`)).body });
            requests.push({ how: `HTTP (curl) ${prefix}${name}`, fetch: async () => Buffer.from(await (await fetch(`${app.t.url}/provisioning/${prefix}${name}`, { headers: { 'user-agent': 'curl/8' } })).arrayBuffer()) });
            requests.push({ how: `TFTP ${prefix}${name}`, fetch: () => tftpBytes(app.tftpPort, `${prefix}${name}`) });
          }
        }
      }
      // A scanner that learnt the secret path (it is in DHCP answers): phones already claimed, or out of their window, give nothing either.
      for (const m of [devices.claimed.mac, devices.closed.mac]) {
        for (const name of names(m)) {
          requests.push({ how: `HTTP ${site}/${name}`, fetch: async () => (await phoneGet(app.t.url, `${site}/${name}`)).body });
          requests.push({ how: `TFTP ${site}/${name}`, fetch: () => tftpBytes(app.tftpPort, `${site}/${name}`) });
        }
      }
      let answered = 0;
      for (let i = 0; i < requests.length; i += 40) {
        const batch = requests.slice(i, i + 40);
        const bodies = await Promise.all(batch.map((r) => r.fetch()));
        bodies.forEach((body, n) => {
          if (!body) return;
          answered++;
          const text = body.toString();
          // A request that showed the secret path may see it again (its file's config path); nothing else.
          const hidden = batch[n]!.how.includes(site) ? secrets.filter((secret) => !site.includes(secret)) : secrets;
          for (const secret of hidden) expect(text.includes(secret), `${batch[n]!.how} leaked a secret`).to.equal(false);
        });
      }
      expect(answered, 'the scan got answers (files without secrets)').to.be.greaterThan(macs.length);
      // Nothing secret went out: the logs agree, and the phone in its window is still waiting for its own first fetch.
      expect(app.t.logs.filter((l) => l.msg === 'provisioning file served' && l.withSecrets === true)).to.have.length(1);
      expect((await app.admin.get(`/api/provisioning/devices/${devices.waiting.id}`)).body.claim.state).to.equal('waiting_for_phone');
      expect((await app.admin.get(`/api/provisioning/devices/${devices.closed.id}`)).body.claim.state).to.equal('window_closed');
      expect(app.t.logs.some((l) => l.withheld === 'claim_window_closed')).to.equal(true);
    });

    it('lets exactly one of many simultaneous first fetches on the secret path claim a phone, over HTTP and TFTP alike', async () => {
      const attempts = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          i % 3 === 0 ? tftpBytes(app.tftpPort, `${site}/cfg${devices.waiting.mac}.xml`) : phoneGet(app.t.url, `${site}/cfg${devices.waiting.mac}.xml`).then((r) => (r.status === 200 ? r.body : null)),
        ),
      );
      const withSecrets = attempts.filter((body) => body && grandstreamValues(body).has('P34'));
      expect(withSecrets).to.have.length(1);
      expect((await app.admin.get(`/api/provisioning/devices/${devices.waiting.id}`)).body.claim.state).to.equal('claimed');
    });
  });

  describe('bans across a restart', () => {
    it('still refuses a banned client after Carillon restarts, and counts guesses of the secret path', async () => {
      const overrides = { provisioning: { ban: { threshold: 3, windowSeconds: 60, durationSeconds: 600 } } };
      const first = await startProvisioningApp({ overrides });
      let stopped = false;
      try {
        expect((await phoneGet(first.t.url, `s/${'B'.repeat(32)}/cfgc074ad000201.xml`)).status).to.equal(404);
        expect((await phoneGet(first.t.url, `s/${'C'.repeat(32)}/cfgc074ad000201.xml`)).status).to.equal(404);
        expect((await phoneGet(first.t.url, 'cfgc074ad000202.xml')).status).to.equal(403);
        expect(first.t.logs.some((l) => typeof l.msg === 'string' && l.msg.startsWith('carillon provisioning ban: client=127.0.0.1 reason=unknown_mac count=3'))).to.equal(true);
        await first.t.stop({ keepDatabase: true });
        stopped = true;
        const second = await startProvisioningApp({ overrides, database: first.t.database, dataDir: first.t.dataDir });
        try {
          const refused = await phoneGet(second.t.url, 'cfgc074ad000203.xml');
          expect(refused.status).to.equal(403);
          expect(second.t.logs.some((l) => l.msg === 'provisioning file refused' && l.reason === 'client_banned')).to.equal(true);
          let error: Error | null = null;
          await tftpGet(second.tftpPort, 'cfgc074ad000203.xml').catch((err: Error) => (error = err));
          expect(error, 'TFTP refused too').not.to.equal(null);
        } finally {
          await second.t.stop();
        }
      } finally {
        if (!stopped) await first.t.stop();
      }
    });
  });
});
