import { expect } from 'chai';
import { expectProblem } from '../core/auth-fixtures';
import { createExtension, phoneGet, startProvisioningApp, tftpGet, writeFirmware, type ProvisioningApp } from './provisioning-harness';

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
});
