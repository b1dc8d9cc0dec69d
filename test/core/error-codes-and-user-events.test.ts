import { expect } from 'chai';
import type { ApiClient } from '../support/api-client';
import { startTestApp, type TestApp } from '../support/test-app';

/**
 * What the UI needs to speak the reader's language and stay current (issue #13): field errors
 * carry a stable code and the values to word them (a custom check's own code, zod's limits), and
 * every committed change to users is announced to those who may read them.
 */
describe('Field error codes and the users-changed event', () => {
  let t: TestApp;
  let admin: ApiClient;

  before(async () => {
    t = await startTestApp();
    admin = await t.adminClient();
  });
  after(() => t.stop());

  it('gives a custom check its own code and values (invalid_phone_number with its examples, invalid_dial_pattern at a character)', async () => {
    const res = await admin.post('/api/telephony/inbound-routes', { did: 'abc', destination: { type: 'hangup' } });
    expect(res.status).to.equal(422);
    const did = (res.body.errors as Array<{ field: string; code: string; params?: Record<string, unknown> }>).find((e) => e.field === 'body.did');
    expect(did).to.deep.include({ code: 'invalid_phone_number' });
    expect(did!.params).to.have.all.keys('example', 'national');
    const pattern = await admin.post('/api/telephony/outbound-routes', { name: 'Broken', patterns: ['_0[1-'], trunkIds: [] });
    const problem = (pattern.body.errors as Array<{ code: string; params?: Record<string, unknown> }>).find((e) => e.code === 'invalid_dial_pattern');
    expect(problem?.params?.at).to.be.a('number');
  });

  it('gives a coded pattern its code (internal_number), an emergency number its own', async () => {
    const codeOf = async (number: string) => {
      const res = await admin.post('/api/telephony/extensions', { number, name: 'Test' });
      expect(res.status).to.equal(422);
      return (res.body.errors as Array<{ field: string; code: string }>).find((e) => e.field === 'body.number')?.code;
    };
    expect(await codeOf('0123')).to.equal('internal_number');
    expect(await codeOf('112')).to.equal('emergency_number');
    // The OpenAPI document keeps the pattern.
    const doc = (await admin.get('/api/openapi.json')).body;
    expect(JSON.stringify(doc.paths['/api/telephony/extensions'].post.requestBody)).to.include('[1-9][0-9]{1,7}');
  });

  it("gives zod's checks their limits (too_small with minimum and origin)", async () => {
    const res = await admin.post('/api/users', { email: 'a@example.test', displayName: '', roles: [] });
    expect(res.status).to.equal(422);
    const name = (res.body.errors as Array<{ field: string; code: string; params?: Record<string, unknown> }>).find((e) => e.field === 'body.displayName');
    expect(name).to.deep.include({ code: 'too_small' });
    expect(name!.params).to.include({ origin: 'string', minimum: 1 });
  });

  it('announces each committed change to users (auth.usersChanged, for users.read)', async () => {
    const events = t.app.cradle.events;
    expect(events.definition('auth.usersChanged')?.permission).to.equal('users.read');
    const seen: number[][] = [];
    const off = events.subscribe('auth.usersChanged', (payload) => void seen.push(payload.userIds));
    try {
      const created = await admin.post('/api/users', { email: 'announced@example.test', displayName: 'Announced', password: 'a long enough passphrase 42', roles: [] });
      expect(created.status).to.equal(201);
      const id = created.body.id as number;
      expect((await admin.patch(`/api/users/${id}`, { displayName: 'Renamed' })).status).to.equal(200);
      expect((await admin.post(`/api/users/${id}/unlock`)).status).to.equal(200);
      expect((await admin.delete(`/api/users/${id}`)).status).to.equal(204);
      // Handlers run after the publisher's turn.
      await new Promise((resolve) => setImmediate(resolve));
      expect(seen).to.deep.equal([[id], [id], [id], [id]]);
      // A refused change announces nothing.
      expect((await admin.post('/api/users', { email: 'bad', displayName: 'Bad', roles: [] })).status).to.equal(422);
      await new Promise((resolve) => setImmediate(resolve));
      expect(seen).to.have.length(4);
    } finally {
      off();
    }
  });
});
