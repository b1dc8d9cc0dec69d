import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { io, type Socket } from 'socket.io-client';
import { AriSimulator } from '../ari-simulator/ari-simulator';
import { eventually } from '../calls/calls-harness';
import { createUser, expectProblem } from '../core/auth-fixtures';
import { NotifyDialplanSim } from './notify-dialplan-sim';
import { createExtension, grandstreamValues, phoneGet, phoneGetChallenged, secretPath, startProvisioningApp, type ProvisioningApp } from './provisioning-harness';

const API = '/api/provisioning';
const UA_GRP2615 = 'Grandstream Model HW GRP2615 SW 1.0.9.103 DevId c074ad000010';

describe('Provisioning admin API', () => {
  let sim: AriSimulator;
  let notify: NotifyDialplanSim;
  let app: ProvisioningApp;
  let reception: { id: number; number: string; sipUsername: string };
  let sales: { id: number; number: string; sipUsername: string };
  let site: string;
  const sockets: Socket[] = [];

  before(async () => {
    sim = new AriSimulator();
    await sim.start();
    notify = new NotifyDialplanSim(sim);
    app = await startProvisioningApp({ ariUrl: sim.url });
    reception = await createExtension(app.admin, '201', 'Accueil');
    sales = await createExtension(app.admin, '202', 'Ventes');
    sim.addEndpoint(reception.sipUsername, { registered: true });
    site = await secretPath(app.admin);
    await eventually('ARI connected', async () => app.t.app.cradle.telephony.connected);
  });
  after(async () => {
    for (const socket of sockets) socket.disconnect();
    await app.t.stop();
    await sim.stop();
  });

  it('pre-registers a phone by MAC and assigns it in one step, with its settings and keys', async () => {
    const created = await app.admin.post(`${API}/devices`, {
      mac: 'C0-74-AD-00-00-10',
      model: 'GRP2615',
      extensionIds: [reception.id, sales.id],
      label: 'Accueil',
      vlan: { id: 20, priority: 5 },
      expansionModules: 1,
      audio: { handsetMicGainDb: 6, headsetMicGainDb: -6 },
      lcdDisplay: 'number',
      keys: [
        { where: 'phone', index: 1, type: 'line', account: 1 },
        { where: 'phone', index: 3, type: 'blf', value: '202', label: 'Ventes' },
        { where: 'phone', index: 7, type: 'park', value: '701', label: 'Parking 1' },
        { where: 'module', module: 1, index: 1, type: 'speed_dial', value: '+33123456789', label: 'Siège' },
      ],
    });
    expect(created.status, created.text).to.equal(201);
    expect(created.body).to.deep.include({ mac: 'c074ad000010', status: 'assigned', model: 'GRP2615', vlan: { id: 20, priority: 5 }, expansionModules: 1 });
    expect(created.body.accounts.map((a: { number: string }) => a.number)).to.deep.equal(['201', '202']);
    expect(created.body.capabilities).to.deep.include({ accounts: 5, phoneKeys: 40, maxModules: 4, keysPerModule: 40 });
    const file = grandstreamValues((await phoneGet(app.t.url, `${site}/cfgc074ad000010.xml`, { 'user-agent': UA_GRP2615 })).body);
    expect(file.get('P404')).to.equal(sales.sipUsername);
    expect(file.get('P270')).to.equal('201');
    expect(file.get('P51')).to.equal('20');
    expect(file.get('P87')).to.equal('5');
    expect([file.get('P1464'), file.get('P1301')]).to.deep.equal(['2', '1']);
    expect([file.get('P1363'), file.get('P1364')]).to.deep.equal(['line', '0']);
    expect([file.get('P1367'), file.get('P1469'), file.get('P1470')]).to.deep.equal(['blf', 'Ventes', '202']);
    expect([file.get('P23800'), file.get('P23803')]).to.deep.equal(['monitoredcp', '701']);
    expect([file.get('pks.ext.1.keyMode'), file.get('pks.ext.1.value')]).to.deep.equal(['SpeedDial', '+33123456789']);
    // Accounts the phone has but that are not assigned are switched off.
    expect([file.get('P501'), file.get('P601'), file.get('P701')]).to.deep.equal(['0', '0', '0']);
  });

  it('refuses keys that do not fit the model, with one coded error per field', async () => {
    const list = await app.admin.get(`${API}/devices?search=c0:74:ad:00:00:10`);
    const id = list.body.items[0].id;
    const res = await app.admin.request('PUT', `${API}/devices/${id}/keys`, {
      keys: [
        { where: 'phone', index: 41, type: 'blf', value: '202' },
        { where: 'module', module: 2, index: 1, type: 'blf', value: '202' },
        { where: 'phone', index: 2, type: 'blf', value: 'not a number' },
        { where: 'phone', index: 4, type: 'blf', value: '203', account: 3 },
        { where: 'module', module: 1, index: 2, type: 'line' },
      ],
    });
    expectProblem(res, 422, 'validation_failed');
    const fields = Object.fromEntries((res.body.errors as Array<{ field: string; code: string }>).map((e) => [e.field, e.code]));
    expect(fields).to.deep.include({
      'body.keys.0.index': 'no_such_key',
      'body.keys.1.module': 'no_such_module',
      'body.keys.2.value': 'not_diallable',
      'body.keys.3.account': 'no_such_account',
      'body.keys.4.type': 'line_on_module',
    });
    const unknownModel = await app.admin.patch(`${API}/devices/${id}`, { model: 'GRP9999' });
    expectProblem(unknownModel, 422, 'validation_failed');
    const badExtension = await app.admin.post(`${API}/devices/${id}/assign`, { extensionIds: [999999] });
    expectProblem(badExtension, 422, 'validation_failed');
    const duplicate = await app.admin.post(`${API}/devices`, { mac: 'c074ad000010' });
    expectProblem(duplicate, 409, 'device_exists');
    const badMac = await app.admin.post(`${API}/devices`, { mac: 'zz:zz:zz:zz:zz:zz' });
    expectProblem(badMac, 422, 'validation_failed');
  });

  it('reboots a phone with a SIP NOTIFY check-sync that Asterisk sends from the generated dialplan', async () => {
    const configDir = path.join(app.t.dataDir, 'asterisk');
    const dialplan = fs.readFileSync(path.join(configDir, 'extensions-carillon-notify.conf'), 'utf8');
    expect(dialplan).to.include('[carillon-provisioning-notify]').and.to.include('PJSIPNotify(<${URI}>,carillon-check-sync)');
    expect(fs.readFileSync(path.join(configDir, 'pjsip-notify-carillon.conf'), 'utf8')).to.include('[carillon-check-sync]\nEvent=>check-sync');
    expect(fs.readFileSync(path.join(configDir, 'pjsip-notify-endpoint.conf'), 'utf8')).to.include('[default_outbound_endpoint]');
    await eventually('notify modules reloaded', async () => ['pbx_config.so', 'res_pjsip_notify.so'].every((m) => sim.model.moduleReloads.includes(m)));

    const list = await app.admin.get(`${API}/devices?search=c074ad000010`);
    const device = list.body.items[0];
    const res = await app.admin.post(`${API}/devices/${device.id}/reboot`);
    expect(res.status, res.text).to.equal(202);
    expect(res.body).to.deep.include({ endpoint: reception.sipUsername, host: '127.0.0.1' });
    await eventually('the NOTIFY sent', async () => notify.sent.length === 1);
    expect(notify.sent[0]).to.deep.include({ endpoint: reception.sipUsername, host: '127.0.0.1', delivered: true });
    expect(notify.sent[0]!.variables['CDR_PROP(disable)']).to.equal('1');
    expect((await app.admin.get(`${API}/devices/${device.id}`)).body.lastRebootAt).to.be.a('string');
    // No call is left in the application or logged.
    await eventually('channels gone', async () => sim.channelsInStasis().length === 0 && sim.model.channels.size === 0);
    const calls = await app.admin.get('/api/calls');
    expect(calls.status, calls.text).to.equal(200);
    expect(calls.body.items).to.have.length(0);
  });

  it('refuses to reboot an unassigned phone', async () => {
    await phoneGet(app.t.url, 'cfgc074ad0000aa.xml');
    const unassigned = (await app.admin.get(`${API}/devices?status=unassigned`)).body.items.find((d: { mac: string }) => d.mac === 'c074ad0000aa');
    expectProblem(await app.admin.post(`${API}/devices/${unassigned.id}/reboot`), 409, 'device_not_assigned');
  });

  it('resets a phone to defaults with new credentials, and dissociates it (its next file disables the accounts)', async () => {
    const device = (await app.admin.get(`${API}/devices?search=c074ad000010`)).body.items[0];
    const before = (await app.admin.post(`${API}/devices/${device.id}/secrets/reveal`)).body;
    const reset = await app.admin.post(`${API}/devices/${device.id}/reset`);
    expect(reset.status, reset.text).to.equal(200);
    expect(reset.body).to.deep.include({ keys: [], vlan: null, expansionModules: 0, language: 'auto', credentialsConfirmed: false, status: 'assigned' });
    // New credentials wait for the phone's next claim on the secret path.
    expect(reset.body.claim).to.include({ state: 'waiting_for_phone', claimedAt: null });
    const after = (await app.admin.post(`${API}/devices/${device.id}/secrets/reveal`)).body;
    expect(after.adminPassword).not.to.equal(before.adminPassword);
    expect(after.httpPassword).not.to.equal(before.httpPassword);

    const sent = notify.sent.length;
    const dissociated = await app.admin.post(`${API}/devices/${device.id}/dissociate`);
    expect(dissociated.status, dissociated.text).to.equal(200);
    expect(dissociated.body).to.deep.include({ status: 'unassigned', accounts: [], claim: null });
    await eventually('the phone told to fetch its file', async () => notify.sent.length === sent + 1);
    const file = grandstreamValues((await phoneGet(app.t.url, 'cfgc074ad000010.xml', { 'user-agent': UA_GRP2615 })).body);
    expect([file.get('P271'), file.get('P401'), file.get('P34'), file.get('P406')]).to.deep.equal(['0', '0', '', '']);
  });

  it('keeps per-model overrides, merged under the phone’s own', async () => {
    const put = await app.admin.request('PUT', `${API}/models/grandstream/GRP2614/override`, { extraValues: { P1376: '0', P122: '1' } });
    expect(put.status, put.text).to.equal(200);
    const bad = await app.admin.request('PUT', `${API}/models/grandstream/GRP2614/override`, { extraValues: { 'not valid!': '1' } });
    expectProblem(bad, 422, 'validation_failed');
    const created = await app.admin.post(`${API}/devices`, { mac: 'c074ad000020', model: 'GRP2614', extensionIds: [sales.id], extraValues: { P122: '0' } });
    expect(created.status, created.text).to.equal(201);
    const file = grandstreamValues((await phoneGet(app.t.url, `${site}/cfgc074ad000020.xml`)).body);
    expect([file.get('P1376'), file.get('P122')]).to.deep.equal(['0', '0']);
    const models = await app.admin.get(`${API}/models`);
    expect(models.body.items[0].models.map((m: { model: string }) => m.model)).to.include.members(['GRP2601', 'GRP2612', 'GRP2614', 'GRP2616', 'GRP2624', 'GRP2634', 'GRP2636', 'GRP2650', 'GRP2670']);
  });

  it('reopens a claim window with new credentials: what the previous claimer holds opens nothing, the next fetch on the secret path claims', async () => {
    const created = await app.admin.post(`${API}/devices`, { mac: 'c074ad000040', model: 'GRP2614', extensionIds: [reception.id] });
    expect(created.status, created.text).to.equal(201);
    const id = created.body.id as number;
    // Someone else claimed it first (a scanner that learnt the path from DHCP): the admin sees from where.
    expect(grandstreamValues((await phoneGet(app.t.url, `${site}/cfgc074ad000040.xml`)).body).has('P34')).to.equal(true);
    const claimed = (await app.admin.get(`${API}/devices/${id}`)).body;
    expect(claimed.claim).to.include({ state: 'claimed', claimedFromIp: '127.0.0.1' });
    const stolen = (await app.admin.post(`${API}/devices/${id}/secrets/reveal`)).body;

    const reopened = await app.admin.post(`${API}/devices/${id}/claim-window`);
    expect(reopened.status, reopened.text).to.equal(200);
    expect(reopened.body.claim).to.include({ state: 'waiting_for_phone', claimedAt: null, claimedFromIp: null });
    expect(Date.parse(reopened.body.claim.windowUntil) - Date.now()).to.be.within(29 * 60_000, 30 * 60_000);
    const stale = await phoneGetChallenged(app.t.url, `cfgc074ad000040.xml`, { username: stolen.httpUsername, password: stolen.httpPassword });
    expect(grandstreamValues(stale.body).has('P34'), 'old credentials open nothing').to.equal(false);
    const fresh = (await app.admin.post(`${API}/devices/${id}/secrets/reveal`)).body;
    expect(fresh.httpPassword).not.to.equal(stolen.httpPassword);
    const reclaimed = grandstreamValues((await phoneGet(app.t.url, `${site}/cfgc074ad000040.xml`)).body);
    expect(reclaimed.get('P1361')).to.equal(fresh.httpPassword);

    const unassigned = (await app.admin.get(`${API}/devices?status=unassigned`)).body.items[0];
    expectProblem(await app.admin.post(`${API}/devices/${unassigned.id}/claim-window`), 409, 'device_not_assigned');
    expectProblem(await app.admin.post(`${API}/devices/999999/claim-window`), 404, 'not_found');
  });

  it('shows the secret path with the DHCP option 66 values, and rotates it: the old path then serves nothing, claimed phones move with their credentials', async () => {
    const shown = await app.admin.post(`${API}/secret-path/reveal`);
    expect(shown.status, shown.text).to.equal(200);
    const host = new URL(app.t.url).host;
    expect(shown.body.path).to.match(/^\/provisioning\/s\/[A-Za-z0-9_-]{32}$/);
    expect(shown.body.option66).to.equal(`http://${host}${shown.body.path}`);
    expect(shown.body.option66Tftp).to.equal(`tftp://127.0.0.1${shown.body.path}`);
    expect(shown.body.url).to.equal(shown.body.option66);
    expect(shown.body.option160).to.equal(shown.body.option66);

    const created = await app.admin.post(`${API}/devices`, { mac: 'c074ad000050', model: 'GRP2614', extensionIds: [sales.id] });
    expect(created.status, created.text).to.equal(201);
    expect((await phoneGet(app.t.url, `${site}/cfgc074ad000050.xml`)).status).to.equal(200);
    const credentials = (await app.admin.post(`${API}/devices/${created.body.id}/secrets/reveal`)).body;

    const rotated = await app.admin.post(`${API}/secret-path/rotate`);
    expect(rotated.status, rotated.text).to.equal(200);
    expect(rotated.body.path).not.to.equal(shown.body.path);
    const newSite = (rotated.body.path as string).replace('/provisioning/', '');
    expect((await phoneGet(app.t.url, `${site}/cfgc074ad000050.xml`)).status).to.equal(404);
    const moved = await phoneGetChallenged(app.t.url, 'cfgc074ad000050.xml', { username: credentials.httpUsername, password: credentials.httpPassword });
    expect(moved.status).to.equal(200);
    expect(grandstreamValues(moved.body).get('P237')).to.equal(`${host}/provisioning/${newSite}`);
    expect((await app.admin.post(`${API}/secret-path/reveal`)).body.path).to.equal(rotated.body.path);
    site = newSite;
  });

  it('checks permissions: technicians manage, managers read, agents see nothing, secrets need provisioning.secrets', async () => {
    const technician = await createUser(app.t, app.admin, ['technician'], 'tech');
    const manager = await createUser(app.t, app.admin, ['manager'], 'manager');
    const agent = await createUser(app.t, app.admin, ['agent'], 'agent');
    const device = (await app.admin.get(`${API}/devices?search=c074ad000020`)).body.items[0];
    expect((await technician.client.get(`${API}/devices`)).status).to.equal(200);
    expect((await technician.client.patch(`${API}/devices/${device.id}`, { label: 'Bureau 2' })).status).to.equal(200);
    expect((await technician.client.post(`${API}/devices/${device.id}/secrets/reveal`)).status).to.equal(200);
    expect((await manager.client.get(`${API}/devices/${device.id}`)).status).to.equal(200);
    expectProblem(await manager.client.patch(`${API}/devices/${device.id}`, { label: 'x' }), 403, 'forbidden');
    expectProblem(await manager.client.post(`${API}/devices/${device.id}/secrets/reveal`), 403, 'forbidden');
    expectProblem(await manager.client.post(`${API}/secret-path/reveal`), 403, 'forbidden');
    expectProblem(await manager.client.post(`${API}/devices/${device.id}/claim-window`), 403, 'forbidden');
    expect((await technician.client.post(`${API}/secret-path/reveal`)).status).to.equal(200);
    expectProblem(await agent.client.get(`${API}/devices`), 403, 'forbidden');
    expectProblem(await app.t.client().get(`${API}/devices`), 401, 'unauthenticated');
    // The listing never carries secrets.
    const listed = JSON.stringify((await technician.client.get(`${API}/devices`)).body);
    const secrets = (await app.admin.post(`${API}/devices/${device.id}/secrets/reveal`)).body;
    expect(listed).not.to.include(secrets.adminPassword).and.not.to.include(secrets.httpPassword);
  });

  it('audits changes and publishes phones seen and assigned over socket.io to provisioning.read holders', async () => {
    const technician = await createUser(app.t, app.admin, ['technician'], 'tech2');
    const agent = await createUser(app.t, app.admin, ['agent'], 'agent2');
    const received = { technician: [] as Array<[string, Record<string, unknown>]>, agent: [] as Array<[string, Record<string, unknown>]> };
    for (const [who, user] of [['technician', technician], ['agent', agent]] as const) {
      const socket = io(app.t.url, { path: '/socket.io', transports: ['websocket'], reconnection: false, forceNew: true, extraHeaders: { cookie: user.client.cookie! } });
      sockets.push(socket);
      socket.onAny((name: string, payload: Record<string, unknown>) => received[who].push([name, payload]));
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
    }
    await phoneGet(app.t.url, 'cfgc074ad000030.xml');
    const seen = await eventually('device seen', async () => received.technician.find(([name, p]) => name === 'provisioning.deviceSeen' && p.mac === 'c074ad000030'));
    expect(seen[1]).to.deep.include({ status: 'unassigned', model: 'GRP2614', ip: '127.0.0.1' });
    const id = seen[1].id as number;
    expect((await app.admin.post(`${API}/devices/${id}/assign`, { extensionIds: [sales.id] })).status).to.equal(200);
    const assigned = await eventually('device assigned', async () => received.technician.find(([name]) => name === 'provisioning.deviceAssigned'));
    expect(assigned[1]).to.deep.include({ id, mac: 'c074ad000030', extensions: ['202'] });
    expect(received.agent.filter(([name]) => name.startsWith('provisioning.'))).to.have.length(0);
    const audit = await app.admin.get('/api/audit?limit=200');
    expect(audit.status, audit.text).to.equal(200);
    const actions = (audit.body.items as Array<{ action: string; target: string }>).map((a) => `${a.action} ${a.target}`);
    expect(actions).to.include(`provisioning.devices.assign device:${id}`);
    expect(actions.some((a) => a.startsWith('provisioning.devices.reboot device:'))).to.equal(true);
    expect(actions.some((a) => a.startsWith('provisioning.devices.revealSecrets device:'))).to.equal(true);
  });
});
