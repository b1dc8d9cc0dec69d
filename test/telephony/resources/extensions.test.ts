import { expect } from 'chai';
import type { ApiClient } from '../../support/api-client';
import type { TestApp } from '../../support/test-app';
import { API, clientWithRole, createExtension, fieldErrors, ok, startResourcesApp } from './resources-app';

describe('Telephony resources: extensions', () => {
  let t: TestApp;
  let admin: ApiClient;
  before(async () => {
    ({ t, admin } = await startResourcesApp());
  });
  after(() => t.stop());

  it('creates, reads, lists with search and pagination, updates and deletes an extension', async () => {
    const created = await createExtension(admin, '301', {
      name: 'Accueil',
      codecs: ['alaw', 'g722', 'alaw'],
      webrtc: true,
      voicemail: { enabled: true, email: 'accueil@example.test' },
      recording: 'on_demand',
      restrictionClass: 'no_premium',
      outboundCallerId: '+33123456789',
      forwarding: { noAnswer: '0611223344', noAnswerSeconds: 25 },
    });
    expect(created).to.deep.include({ number: '301', name: 'Accueil', sipUsername: '301', webrtc: true, recording: 'on_demand', restrictionClass: 'no_premium', outboundCallerId: '+33123456789', doNotDisturb: false, maxContacts: 3 });
    expect(created.codecs).to.deep.equal(['alaw', 'g722']);
    expect(created.voicemail).to.deep.equal({ enabled: true, email: 'accueil@example.test' });
    expect(created.forwarding).to.deep.equal({ unconditional: null, busy: null, noAnswer: '0611223344', noAnswerSeconds: 25 });

    await createExtension(admin, '302', { name: 'Comptabilité' });
    await createExtension(admin, '303', { name: 'Atelier' });
    const page = ok(await admin.get(`${API}/extensions?limit=2&offset=0`));
    expect(page.total).to.be.at.least(3);
    expect(page.items).to.have.length(2);
    const found = ok(await admin.get(`${API}/extensions?search=compta`));
    expect(found.items.map((e: { number: string }) => e.number)).to.deep.equal(['302']);

    const updated = ok(await admin.patch(`${API}/extensions/${created.id}`, { number: '310', doNotDisturb: true, forwarding: { unconditional: '302' }, outboundCallerId: null }));
    expect(updated).to.deep.include({ number: '310', doNotDisturb: true, outboundCallerId: null });
    expect(updated.forwarding).to.deep.include({ unconditional: '302', noAnswer: '0611223344' });
    expect(ok(await admin.get(`${API}/extensions/${created.id}`)).number).to.equal('310');
    // The old number is free again (its SIP user name stays, so the phone keeps working), the new one is taken.
    await createExtension(admin, '301', { sipUsername: 'accueil-bis' });
    expect(fieldErrors(await admin.post(`${API}/extensions`, { number: '310', name: 'x' }))).to.deep.include({ 'body.number': 'duplicate' });

    expect((await admin.delete(`${API}/extensions/${created.id}`)).status).to.equal(204);
    expect((await admin.get(`${API}/extensions/${created.id}`)).status).to.equal(404);
  });

  it('gives a number to one of several simultaneous requests and a 422 to the others', async () => {
    const attempts = await Promise.all(Array.from({ length: 5 }, (_, i) => admin.post(`${API}/extensions`, { number: '399', name: `Race ${i}`, sipUsername: `race-${i}` })));
    expect(attempts.map((r) => r.status).sort()).to.deep.equal([201, 422, 422, 422, 422]);
    for (const refused of attempts.filter((r) => r.status === 422)) expect(refused.body.errors[0]).to.include({ field: 'body.number', code: 'duplicate' });
    const dids = await Promise.all(Array.from({ length: 5 }, () => admin.post(`${API}/inbound-routes`, { did: '+33199999999', destination: { type: 'hangup' } })));
    expect(dids.map((r) => r.status).sort()).to.deep.equal([201, 422, 422, 422, 422]);
  });

  it('links an extension to at most one existing user', async () => {
    const me = ok(await admin.get('/api/auth/me'));
    const linked = await createExtension(admin, '320', { userId: me.user?.id ?? me.id });
    expect(linked.userId).to.be.a('number');
    expect(fieldErrors(await admin.post(`${API}/extensions`, { number: '321', name: 'x', userId: linked.userId }))).to.deep.equal({ 'body.userId': 'duplicate' });
    expect(fieldErrors(await admin.post(`${API}/extensions`, { number: '321', name: 'x', userId: 99999 }))).to.deep.equal({ 'body.userId': 'not_found' });
  });

  it('refuses bad input field by field', async () => {
    const errors = fieldErrors(
      await admin.post(`${API}/extensions`, {
        number: '0123',
        name: '',
        codecs: ['alaw', 'gsm'],
        recording: 'sometimes',
        maxContacts: 0,
        voicemail: { enabled: true, email: 'not-an-email' },
        forwarding: { busy: '06 11' },
      }),
    );
    expect(errors).to.include.keys('body.number', 'body.name', 'body.codecs.1', 'body.recording', 'body.maxContacts', 'body.voicemail.email', 'body.forwarding.busy');
    const unknownCodec = await admin.post(`${API}/extensions`, { number: '330', name: 'x', codecs: ['opus', 'speex'] });
    expect(unknownCodec.body.errors[0]).to.include({ field: 'body.codecs.1' });
    expect(unknownCodec.body.errors[0].message).to.match(/unknown codec/);
    expect(fieldErrors(await admin.post(`${API}/extensions`, { number: '112', name: 'x' }))).to.have.key('body.number');
    expect(fieldErrors(await admin.post(`${API}/extensions`, { number: '330', name: 'x', restrictionClass: 'nowhere' }))).to.deep.equal({ 'body.restrictionClass': 'not_found' });
    expect(fieldErrors(await admin.post(`${API}/extensions`, { number: '330', name: 'x', unknownField: 1 }))).to.have.key('body');
  });

  it('offers G.729 only when the appliance has it', async () => {
    expect(fieldErrors(await admin.post(`${API}/extensions`, { number: '340', name: 'x', codecs: ['alaw', 'g729'] }))).to.deep.equal({ 'body.codecs.1': 'codec_unavailable' });
    ok(await admin.patch(`${API}/settings`, { g729Available: true }));
    const withG729 = await createExtension(admin, '340', { codecs: ['g729', 'alaw'] });
    expect(withG729.codecs).to.deep.equal(['g729', 'alaw']);
    const refused = await admin.patch(`${API}/settings`, { g729Available: false });
    expect(refused.status).to.equal(409);
    expect(refused.body.detail).to.include('extension 340');
    ok(await admin.patch(`${API}/extensions/${withG729.id}`, { codecs: ['alaw'] }));
    ok(await admin.patch(`${API}/settings`, { g729Available: false }));
  });

  it('generates a strong, unique SIP secret, stores it encrypted and never shows it outside the reveal route', async () => {
    const a = await createExtension(admin, '350');
    const b = await createExtension(admin, '351');
    expect(a).not.to.have.any.keys('sipPassword', 'sipPasswordSealed', 'password');
    const secretA = ok(await admin.post(`${API}/extensions/${a.id}/sip-secret/reveal`));
    const secretB = ok(await admin.post(`${API}/extensions/${b.id}/sip-secret/reveal`));
    expect(secretA.sipUsername).to.equal('350');
    expect(secretA.sipPassword).to.match(/^[A-Za-z0-9]{32}$/);
    expect(new Set(secretA.sipPassword).size, 'varied characters').to.be.greaterThan(12);
    expect(secretA.sipPassword).not.to.equal(secretB.sipPassword);

    const [rows] = await t.app.cradle.sequelize.query('SELECT sip_password_sealed FROM telephony_extensions WHERE id = ?', { replacements: [a.id] });
    const stored = (rows as Array<{ sip_password_sealed: string }>)[0]!.sip_password_sealed;
    expect(stored).not.to.include(secretA.sipPassword);
    expect(t.app.cradle.secretBox.decrypt(stored)).to.equal(secretA.sipPassword);

    const listed = await admin.get(`${API}/extensions?limit=500`);
    const got = await admin.get(`${API}/extensions/${a.id}`);
    for (const text of [listed.text, got.text, JSON.stringify(t.logs)]) expect(text).not.to.include(secretA.sipPassword);

    const regenerated = ok(await admin.post(`${API}/extensions/${a.id}/sip-secret/regenerate`));
    expect(regenerated).not.to.have.any.keys('sipPassword');
    const fresh = ok(await admin.post(`${API}/extensions/${a.id}/sip-secret/reveal`));
    expect(fresh.sipPassword).to.match(/^[A-Za-z0-9]{32}$/).and.not.equal(secretA.sipPassword);
  });

  it('reveals secrets only with telephony.secrets, and audits every reveal', async () => {
    const ext = await createExtension(admin, '360');
    const manager = await clientWithRole(t, admin, 'manager');
    expect((await manager.get(`${API}/extensions/${ext.id}`)).status).to.equal(200);
    expect((await manager.post(`${API}/extensions/${ext.id}/sip-secret/reveal`)).status).to.equal(403);
    expect((await manager.post(`${API}/extensions`, { number: '361', name: 'x' })).status).to.equal(403);
    const technician = await clientWithRole(t, admin, 'technician');
    expect(ok(await technician.post(`${API}/extensions/${ext.id}/sip-secret/reveal`)).sipPassword).to.have.length(32);
    const agent = await clientWithRole(t, admin, 'agent');
    expect((await agent.get(`${API}/extensions`)).status).to.equal(403);

    const audit = ok(await admin.get('/api/audit?limit=100'));
    const reveals = audit.items.filter((e: { action: string; path: string }) => e.action === 'telephony.extensions.revealSecret' && e.path === `${API}/extensions/${ext.id}/sip-secret/reveal`);
    expect(reveals.map((e: { status: number }) => e.status).sort()).to.deep.equal([200, 403]);
    expect(reveals.find((e: { status: number }) => e.status === 200).target).to.equal(`extension:${ext.id}`);
    expect(JSON.stringify(audit)).not.to.match(/[A-Za-z0-9]{32}"/);
    const created = audit.items.find((e: { action: string; target: string }) => e.action === 'telephony.extensions.create' && e.target === `extension:${ext.id}`);
    expect(created).to.include({ status: 201 });
  });

  it('shares the SIP user name space with peer trunks', async () => {
    const peer = ok(await admin.post(`${API}/trunks`, { kind: 'peer', name: 'Siège', username: 'siege-ipbx' }), 201);
    expect(peer.username).to.equal('siege-ipbx');
    expect(fieldErrors(await admin.post(`${API}/extensions`, { number: '370', name: 'x', sipUsername: 'siege-ipbx' }))).to.deep.equal({ 'body.sipUsername': 'duplicate' });
    await createExtension(admin, '371', { sipUsername: 'poste-371' });
    expect(fieldErrors(await admin.post(`${API}/trunks`, { kind: 'peer', name: 'Agence', username: 'poste-371' }))).to.deep.equal({ 'body.username': 'duplicate' });
  });
});
