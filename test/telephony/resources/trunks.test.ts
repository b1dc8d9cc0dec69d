import { expect } from 'chai';
import type { ApiClient } from '../../support/api-client';
import type { TestApp } from '../../support/test-app';
import { API, clientWithRole, fieldErrors, ok, startResourcesApp } from './resources-app';

const OPERATOR = { kind: 'operator', name: 'Opérateur SIP', host: 'sip.operator.example', username: '0033972101010', password: 'operator-given-Secret-42', fromDomain: 'sip.operator.example', codecs: ['alaw', 'g722'], maxChannels: 10 };

describe('Telephony resources: trunks', () => {
  let t: TestApp;
  let admin: ApiClient;
  before(async () => {
    ({ t, admin } = await startResourcesApp());
  });
  after(() => t.stop());

  it('creates an operator trunk with defaults, keeps its password encrypted and out of every answer', async () => {
    const trunk = ok(await admin.post(`${API}/trunks`, OPERATOR), 201);
    expect(trunk).to.deep.include({ kind: 'operator', host: 'sip.operator.example', port: 5060, transport: 'udp', register: true, username: '0033972101010', passwordSet: true, fromUser: null, maxChannels: 10 });
    expect(trunk).not.to.have.any.keys('password', 'passwordSealed');
    const [rows] = await t.app.cradle.sequelize.query('SELECT password_sealed FROM telephony_trunks WHERE id = ?', { replacements: [trunk.id] });
    expect((rows as Array<{ password_sealed: string }>)[0]!.password_sealed).not.to.include(OPERATOR.password);
    for (const res of [await admin.get(`${API}/trunks`), await admin.get(`${API}/trunks/${trunk.id}`)]) expect(res.text).not.to.include(OPERATOR.password);
    expect(JSON.stringify(t.logs)).not.to.include(OPERATOR.password);
    expect(ok(await admin.post(`${API}/trunks/${trunk.id}/secret/reveal`))).to.deep.equal({ username: '0033972101010', password: OPERATOR.password });

    const changed = ok(await admin.patch(`${API}/trunks/${trunk.id}`, { transport: 'tls', port: 5061, password: 'new-Operator-Secret-43', register: false }));
    expect(changed).to.deep.include({ transport: 'tls', port: 5061, register: false });
    expect(ok(await admin.post(`${API}/trunks/${trunk.id}/secret/reveal`)).password).to.equal('new-Operator-Secret-43');
    expect((await admin.post(`${API}/trunks/${trunk.id}/secret/regenerate`)).status).to.equal(409);
  });

  it('issues credentials to a peer IPBX and shows them on demand only', async () => {
    const peer = ok(await admin.post(`${API}/trunks`, { kind: 'peer', name: 'IPBX agence Lyon', allowedAddresses: ['192.0.2.0/24', '2001:db8::1'], maxChannels: 4 }), 201);
    expect(peer.username).to.match(/^peer-[a-z0-9]{10}$/);
    expect(peer.allowedAddresses).to.deep.equal(['192.0.2.0/24', '2001:db8::1']);
    expect(peer).not.to.have.any.keys('password', 'host');
    const credentials = ok(await admin.post(`${API}/trunks/${peer.id}/secret/reveal`));
    expect(credentials.username).to.equal(peer.username);
    expect(credentials.password).to.match(/^[A-Za-z0-9]{32}$/);
    ok(await admin.post(`${API}/trunks/${peer.id}/secret/regenerate`));
    const renewed = ok(await admin.post(`${API}/trunks/${peer.id}/secret/reveal`));
    expect(renewed.password).to.have.length(32).and.not.equal(credentials.password);
    const manager = await clientWithRole(t, admin, 'manager');
    expect((await manager.post(`${API}/trunks/${peer.id}/secret/reveal`)).status).to.equal(403);
    expect(ok(await admin.get(`${API}/trunks?kind=peer`)).items.map((x: { id: number }) => x.id)).to.deep.equal([peer.id]);
  });

  it('refuses bad trunk input field by field', async () => {
    expect(fieldErrors(await admin.post(`${API}/trunks`, { kind: 'operator', name: 'x', host: 'bad host!', username: 'u', password: 'p', port: 70000, transport: 'sctp' }))).to.include.keys(
      'body.host',
      'body.port',
      'body.transport',
    );
    expect(fieldErrors(await admin.post(`${API}/trunks`, { kind: 'operator', name: 'x', host: 'h.example' }))).to.include.keys('body.username', 'body.password');
    expect(fieldErrors(await admin.post(`${API}/trunks`, { kind: 'peer', name: 'x', allowedAddresses: ['10.0.0.0/8', '10.0.0.300', '10.0.0.0/33'] }))).to.have.keys(
      'body.allowedAddresses.1',
      'body.allowedAddresses.2',
    );
    expect(fieldErrors(await admin.post(`${API}/trunks`, { kind: 'fax', name: 'x' }))).to.have.key('body.kind');
    expect(fieldErrors(await admin.post(`${API}/trunks`, { ...OPERATOR, codecs: ['alaw', 'amr'] }))).to.have.key('body.codecs.1');
    expect(fieldErrors(await admin.post(`${API}/trunks`, { ...OPERATOR }))).to.deep.equal({ 'body.name': 'duplicate' });
    const peer = ok(await admin.get(`${API}/trunks?kind=peer`)).items[0];
    expect(fieldErrors(await admin.patch(`${API}/trunks/${peer.id}`, { host: 'h.example', kind: 'operator' }))).to.deep.equal({ 'body.host': 'not_applicable', 'body.kind': 'immutable' });
  });

  it('refuses to delete a trunk an outbound route uses, naming the route', async () => {
    const spare = ok(await admin.post(`${API}/trunks`, { ...OPERATOR, name: 'Secours' }), 201);
    const route = ok(await admin.post(`${API}/outbound-routes`, { name: 'France', patterns: ['_0[1-9]XXXXXXXX'], trunkIds: [spare.id] }), 201);
    const refused = await admin.delete(`${API}/trunks/${spare.id}`);
    expect(refused.status).to.equal(409);
    expect(refused.body.code).to.equal('in_use');
    expect(refused.body.detail).to.include('outbound route "France"');
    ok(await admin.delete(`${API}/outbound-routes/${route.id}`), 204);
    expect((await admin.delete(`${API}/trunks/${spare.id}`)).status).to.equal(204);
  });
});
