import { expect } from 'chai';
import type { ApiClient } from '../../support/api-client';
import type { TestApp } from '../../support/test-app';
import { API, createExtension, fieldErrors, ok, startResourcesApp } from './resources-app';

describe('Telephony resources: routes, restriction classes and ring groups', () => {
  let t: TestApp;
  let admin: ApiClient;
  let reception: any;
  let sales: any;
  let trunk: any;
  before(async () => {
    ({ t, admin } = await startResourcesApp());
    reception = await createExtension(admin, '201', { voicemail: { enabled: true } });
    sales = await createExtension(admin, '202');
    trunk = ok(await admin.post(`${API}/trunks`, { kind: 'operator', name: 'Opérateur', host: 'sip.example', username: 'u1', password: 'operator-pass' }), 201);
  });
  after(() => t.stop());

  it('documents every telephony route with its permission in the OpenAPI document', async () => {
    const doc = ok(await admin.get('/api/openapi.json'));
    expect(doc.paths['/api/telephony/inbound-routes'].post['x-permission']).to.equal('telephony.manage');
    expect(doc.paths['/api/telephony/extensions/{id}/sip-secret/reveal'].post['x-permission']).to.equal('telephony.secrets');
    expect(doc.paths['/api/telephony/extensions'].get['x-permission']).to.equal('telephony.read');
    expect(JSON.stringify(doc.paths['/api/telephony/inbound-routes'].post.requestBody)).to.include('scheduleId');
  });

  describe('outbound routes', () => {
    it('creates routes with patterns, strip/prepend and trunk failover order, listed by priority', async () => {
      const backup = ok(await admin.post(`${API}/trunks`, { kind: 'operator', name: 'Secours', host: 'sip2.example', username: 'u2', password: 'p2' }), 201);
      const national = ok(await admin.post(`${API}/outbound-routes`, { name: 'National', priority: 20, patterns: ['_0[1-9]xxxxxxxx', '_+33[1-9]XXXXXXXX'], stripDigits: 0, trunkIds: [trunk.id, backup.id] }), 201);
      expect(national.patterns).to.deep.equal(['_0[1-9]XXXXXXXX', '_+33[1-9]XXXXXXXX']);
      expect(national.trunkIds).to.deep.equal([trunk.id, backup.id]);
      const prefixed = ok(await admin.post(`${API}/outbound-routes`, { name: 'Préfixe 0', priority: 10, patterns: ['_00Z.'], stripDigits: 1, prepend: '+', trunkIds: [backup.id] }), 201);
      expect(ok(await admin.get(`${API}/outbound-routes`)).items.map((r: { id: number }) => r.id)).to.deep.equal([prefixed.id, national.id]);
      const reordered = ok(await admin.patch(`${API}/outbound-routes/${national.id}`, { trunkIds: [backup.id, trunk.id] }));
      expect(reordered.trunkIds).to.deep.equal([backup.id, trunk.id]);
      expect(ok(await admin.get(`${API}/outbound-routes?search=nation`)).total).to.equal(1);
    });

    it('reports invalid dial patterns, unknown trunks and duplicates by field', async () => {
      const errors = fieldErrors(await admin.post(`${API}/outbound-routes`, { name: 'x', patterns: ['_0XXXXXXXXX', '_0[9-1]X', '_0.X', '06-12', '_0[12'], trunkIds: [trunk.id] }));
      expect(errors).to.have.keys('body.patterns.1', 'body.patterns.2', 'body.patterns.3', 'body.patterns.4');
      const res = await admin.post(`${API}/outbound-routes`, { name: 'x', patterns: ['_0XXXXXXXXX', '_0[9-1]X'], trunkIds: [trunk.id] });
      expect(res.body.errors[0].message).to.match(/invalid dial pattern at character 4: the range 9-1 goes backwards/);
      expect(fieldErrors(await admin.post(`${API}/outbound-routes`, { name: 'x', patterns: ['_X.'], trunkIds: [trunk.id, 9999] }))).to.deep.equal({ 'body.trunkIds.1': 'not_found' });
      expect(fieldErrors(await admin.post(`${API}/outbound-routes`, { name: 'x', patterns: [], trunkIds: [] }))).to.have.keys('body.patterns', 'body.trunkIds');
      expect(fieldErrors(await admin.post(`${API}/outbound-routes`, { name: 'National', patterns: ['_X.'], trunkIds: [trunk.id] }))).to.deep.equal({ 'body.name': 'duplicate' });
      expect(fieldErrors(await admin.post(`${API}/outbound-routes`, { name: 'y', patterns: ['_X.'], trunkIds: [trunk.id, trunk.id] }))).to.have.key('body.trunkIds');
    });
  });

  describe('restriction classes', () => {
    it('ships French defaults and never blocks emergency numbers', async () => {
      const classes = ok(await admin.get(`${API}/restriction-classes`)).items;
      expect(classes.map((c: { name: string }) => c.name)).to.deep.equal(['internal', 'national', 'no_premium', 'unrestricted']);
      expect(fieldErrors(await admin.post(`${API}/restriction-classes`, { name: 'strict', deniedPatterns: ['_1X', '_08[9].'] }))).to.deep.equal({ 'body.deniedPatterns.0': 'blocks_emergency' });
      expect(fieldErrors(await admin.post(`${API}/restriction-classes`, { name: 'strict', deniedPatterns: ['_08[9].', '_3[0-9XX'] }))).to.have.key('body.deniedPatterns.1');
      const created = ok(await admin.post(`${API}/restriction-classes`, { name: 'no_mobile', description: 'Pas de mobiles', deniedPatterns: ['_0[67]XXXXXXXX'] }), 201);
      expect(fieldErrors(await admin.post(`${API}/restriction-classes`, { name: 'no_mobile' }))).to.deep.equal({ 'body.name': 'duplicate' });
      expect(fieldErrors(await admin.post(`${API}/restriction-classes`, { name: 'Bad Name' }))).to.have.key('body.name');
      ok(await admin.patch(`${API}/extensions/${sales.id}`, { restrictionClass: 'no_mobile' }));
      const refused = await admin.delete(`${API}/restriction-classes/${created.id}`);
      expect(refused.status).to.equal(409);
      expect(refused.body.detail).to.include('extension 202');
      ok(await admin.patch(`${API}/extensions/${sales.id}`, { restrictionClass: 'national' }));
      expect((await admin.delete(`${API}/restriction-classes/${created.id}`)).status).to.equal(204);
    });
  });

  describe('ring groups', () => {
    it('creates ring-all and hunt groups sharing the numbering plan with extensions', async () => {
      const group = ok(await admin.post(`${API}/ring-groups`, { number: '600', name: 'Accueil', members: [reception.id, sales.id] }), 201);
      expect(group).to.deep.include({ strategy: 'ring_all', ringSeconds: 20, members: [reception.id, sales.id], fallback: { type: 'hangup' } });
      const hunt = ok(await admin.patch(`${API}/ring-groups/${group.id}`, { strategy: 'hunt', members: [sales.id, reception.id], ringSeconds: 15, fallback: { type: 'voicemail', extensionId: reception.id } }));
      expect(hunt).to.deep.include({ strategy: 'hunt', ringSeconds: 15, members: [sales.id, reception.id] });
      expect(fieldErrors(await admin.post(`${API}/ring-groups`, { number: '201', name: 'x', members: [sales.id] }))).to.deep.equal({ 'body.number': 'duplicate' });
      expect(fieldErrors(await admin.post(`${API}/extensions`, { number: '600', name: 'x', sipUsername: 'x600' }))).to.deep.equal({ 'body.number': 'duplicate' });
      expect(fieldErrors(await admin.post(`${API}/ring-groups`, { number: '601', name: 'x', members: [sales.id, 4242] }))).to.deep.equal({ 'body.members.1': 'not_found' });
      expect(fieldErrors(await admin.post(`${API}/ring-groups`, { number: '601', name: 'x', members: [sales.id], fallback: { type: 'voicemail', extensionId: sales.id } }))).to.deep.equal({
        'body.fallback.extensionId': 'voicemail_disabled',
      });
      expect(ok(await admin.get(`${API}/ring-groups?search=accu`)).items).to.have.length(1);
    });

    it('refuses a fallback that loops back to the group', async () => {
      const a = ok(await admin.post(`${API}/ring-groups`, { number: '610', name: 'A', members: [sales.id] }), 201);
      const b = ok(await admin.post(`${API}/ring-groups`, { number: '611', name: 'B', members: [sales.id], fallback: { type: 'ringGroup', ringGroupId: a.id } }), 201);
      expect(fieldErrors(await admin.patch(`${API}/ring-groups/${a.id}`, { fallback: { type: 'ringGroup', ringGroupId: b.id } }))).to.deep.equal({ 'body.fallback': 'loop' });
      expect(fieldErrors(await admin.patch(`${API}/ring-groups/${a.id}`, { fallback: { type: 'ringGroup', ringGroupId: a.id } }))).to.deep.equal({ 'body.fallback': 'loop' });
    });

    it('refuses deleting an extension a ring group rings, or a group a route sends calls to', async () => {
      const lone = await createExtension(admin, '290');
      const group = ok(await admin.post(`${API}/ring-groups`, { number: '620', name: 'Atelier', members: [lone.id] }), 201);
      const refused = await admin.delete(`${API}/extensions/${lone.id}`);
      expect(refused.status).to.equal(409);
      expect(refused.body.code).to.equal('in_use');
      expect(refused.body.detail).to.include('ring group 620 "Atelier"');
      const route = ok(await admin.post(`${API}/inbound-routes`, { did: '+33100000620', destination: { type: 'ringGroup', ringGroupId: group.id } }), 201);
      const groupRefused = await admin.delete(`${API}/ring-groups/${group.id}`);
      expect(groupRefused.status).to.equal(409);
      expect(groupRefused.body.errors[0]).to.include({ code: 'referenced' });
      expect(groupRefused.body.detail).to.include('+33100000620');
      ok(await admin.delete(`${API}/inbound-routes/${route.id}`), 204);
      ok(await admin.delete(`${API}/ring-groups/${group.id}`), 204);
      ok(await admin.delete(`${API}/extensions/${lone.id}`), 204);
      // Its number is free again.
      await createExtension(admin, '620');
    });
  });

  describe('inbound routes', () => {
    it('routes DIDs in E.164 to extensions, voicemail, hang-up or a schedule', async () => {
      const schedule = ok(await admin.post(`${API}/schedules`, { name: 'Bureau', timeZone: 'Europe/Paris', weekly: [{ day: 1, open: '09:00', close: '18:00' }] }), 201);
      const route = ok(
        await admin.post(`${API}/inbound-routes`, {
          name: 'Standard',
          did: '+33123456789',
          destination: { type: 'schedule', scheduleId: schedule.id, open: { type: 'extension', extensionId: reception.id }, closed: { type: 'voicemail', extensionId: reception.id } },
        }),
        201,
      );
      expect(route).to.deep.include({ name: 'Standard', did: '+33123456789', callerPattern: null });
      const catchAll = ok(await admin.post(`${API}/inbound-routes`, { did: null, destination: { type: 'hangup' } }), 201);
      expect(catchAll.name).to.equal('catch-all');
      expect(fieldErrors(await admin.post(`${API}/inbound-routes`, { did: null, destination: { type: 'hangup' } }))).to.deep.equal({ 'body.did': 'duplicate' });
      expect(fieldErrors(await admin.post(`${API}/inbound-routes`, { did: '+33123456789', destination: { type: 'hangup' } }))).to.deep.equal({ 'body.did': 'duplicate' });
      // A national number is read with the system's country (FR), so it is the same DID.
      expect(fieldErrors(await admin.post(`${API}/inbound-routes`, { did: '01 23 45 67 89', destination: { type: 'hangup' } }))).to.deep.equal({ 'body.did': 'duplicate' });
      ok(await admin.patch(`${API}/inbound-routes/${route.id}`, { callerPattern: '_+336.' }));
      expect(fieldErrors(await admin.patch(`${API}/inbound-routes/${route.id}`, { callerPattern: '_+33?' }))).to.have.key('body.callerPattern');
      expect(ok(await admin.get(`${API}/inbound-routes?search=%2B331234`)).items.map((r: { id: number }) => r.id)).to.deep.equal([route.id]);

      // Everything a route points at is protected from deletion.
      expect((await admin.delete(`${API}/schedules/${schedule.id}`)).status).to.equal(409);
      const voicemailOff = await admin.patch(`${API}/extensions/${reception.id}`, { voicemail: { enabled: false } });
      expect(voicemailOff.status).to.equal(409);
      expect(voicemailOff.body.detail).to.include('inbound route +33123456789 "Standard"');
      expect((await admin.delete(`${API}/extensions/${reception.id}`)).status).to.equal(409);
    });

    it('reports destinations that do not exist, with their path', async () => {
      const errors = fieldErrors(
        await admin.post(`${API}/inbound-routes`, {
          did: '+33123450001',
          destination: { type: 'schedule', scheduleId: 777, open: { type: 'extension', extensionId: 888 }, closed: { type: 'ringGroup', ringGroupId: 999 } },
        }),
      );
      expect(errors).to.deep.equal({
        'body.destination.scheduleId': 'not_found',
        'body.destination.open.extensionId': 'not_found',
        'body.destination.closed.ringGroupId': 'not_found',
      });
      expect(fieldErrors(await admin.post(`${API}/inbound-routes`, { did: '+33123450001', destination: { type: 'queue' } }))).to.have.key('body.destination.type');
    });

    it('sends calls to application destinations plugins registered, and only those', async () => {
      const unknown = await admin.post(`${API}/inbound-routes`, { did: '+33123450002', destination: { type: 'application', route: 'callback.menu' } });
      expect(fieldErrors(unknown)).to.deep.equal({ 'body.destination.route': 'not_found' });
      t.app.cradle.callDestinations.register({ route: 'callback.menu', label: 'Rappel automatique' }, 'core');
      // A plugin's contribution counts only while that plugin runs.
      t.app.cradle.collections.contribute('callDestinations', 'not-running-plugin', { route: 'ghost.menu', label: 'Ghost' });
      expect(ok(await admin.get(`${API}/call-destinations`)).items).to.deep.equal([{ route: 'callback.menu', label: 'Rappel automatique' }]);
      const route = ok(await admin.post(`${API}/inbound-routes`, { did: '+33123450002', destination: { type: 'application', route: 'callback.menu', args: ['fr'] } }), 201);
      expect(route.destination).to.deep.equal({ type: 'application', route: 'callback.menu', args: ['fr'] });
      expect(fieldErrors(await admin.post(`${API}/inbound-routes`, { did: '+33123450003', destination: { type: 'application', route: 'ghost.menu' } }))).to.deep.equal({
        'body.destination.route': 'not_found',
      });
      expect(() => t.app.cradle.callDestinations.register({ route: 'callback.menu', label: 'again' })).to.throw(/already registered/);
    });
  });
});
