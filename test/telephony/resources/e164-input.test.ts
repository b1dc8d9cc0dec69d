import { expect } from 'chai';
import { phoneExample, toE164 } from '../../../core/http/phone-number';
import type { ApiClient } from '../../support/api-client';
import type { TestApp } from '../../support/test-app';
import { API, createExtension, fieldErrors, ok, startResourcesApp } from './resources-app';

describe('E.164 input: national numbers normalised with the system country', () => {
  describe('toE164', () => {
    it('reads national, spaced, dotted and 00-prefixed numbers with the given country', () => {
      expect(toE164('09 72 10 10 10', 'FR')).to.equal('+33972101010');
      expect(toE164('09.72.10.10.10', 'FR')).to.equal('+33972101010');
      expect(toE164('0033 9 72 10 10 10', 'FR')).to.equal('+33972101010');
      expect(toE164('+33 (0)9 72 10 10 10', 'FR')).to.equal('+33972101010');
      expect(toE164('02 555 12 12', 'BE')).to.equal('+3225551212');
      expect(toE164('(201) 555-0123', 'US')).to.equal('+12015550123');
    });

    it('keeps numbers already in E.164 even in ranges the metadata does not know', () => {
      expect(toE164('+33100000001', 'FR')).to.equal('+33100000001');
      expect(toE164('+44 20 7946 0000', 'FR')).to.equal('+442079460000');
    });

    it('refuses what cannot be a number of the country', () => {
      for (const typed of ['', 'abc', '09 72 10 10', '12', '+0123', '09 72 10 10 10 ext 2', '=cmd()']) expect(toE164(typed, 'FR'), typed).to.equal(null);
    });

    it('gives examples of the country in both forms', () => {
      expect(phoneExample('FR')).to.deep.equal({ international: '+33612345678', national: '06 12 34 56 78' });
    });
  });

  describe('through the API', () => {
    let t: TestApp;
    let admin: ApiClient;
    before(async () => {
      ({ t, admin } = await startResourcesApp());
    });
    after(async () => {
      await admin.request('PUT', '/api/system/settings', { defaultRegion: 'FR' });
      await t.stop();
    });

    it('inbound routes: a national DID is stored in E.164, on create and on update', async () => {
      const route = ok(await admin.post(`${API}/inbound-routes`, { did: '09 72 10 10 10', destination: { type: 'hangup' } }), 201);
      expect(route.did).to.equal('+33972101010');
      const changed = ok(await admin.patch(`${API}/inbound-routes/${route.id}`, { did: '09.72.10.10.11' }));
      expect(changed.did).to.equal('+33972101011');
      expect(ok(await admin.get(`${API}/inbound-routes/${route.id}`)).did).to.equal('+33972101011');
    });

    it('inbound routes: what cannot be normalised is refused with a stable code, an example and its parameters', async () => {
      const res = await admin.post(`${API}/inbound-routes`, { did: '09 72 10', destination: { type: 'hangup' } });
      expect(fieldErrors(res)).to.deep.equal({ 'body.did': 'invalid_phone_number' });
      const [error] = res.body.errors;
      expect(error.message).to.equal('a phone number in international form such as +33612345678, or national such as 06 12 34 56 78');
      expect(error.params).to.deep.equal({ example: '+33612345678', national: '06 12 34 56 78' });
    });

    it("extensions: the outbound caller ID is stored in E.164, on create and on update", async () => {
      const extension = await createExtension(admin, '401', { outboundCallerId: '01 23 45 67 89' });
      expect(extension.outboundCallerId).to.equal('+33123456789');
      const changed = ok(await admin.patch(`${API}/extensions/${extension.id}`, { outboundCallerId: '0033 9 72 10 10 10' }));
      expect(changed.outboundCallerId).to.equal('+33972101010');
      expect(fieldErrors(await admin.patch(`${API}/extensions/${extension.id}`, { outboundCallerId: '0800' }))).to.deep.equal({ 'body.outboundCallerId': 'invalid_phone_number' });
      expect(ok(await admin.patch(`${API}/extensions/${extension.id}`, { outboundCallerId: null })).outboundCallerId).to.equal(null);
    });

    it("follows the system's country when it changes, and says so in the example", async () => {
      ok(await admin.request('PUT', '/api/system/settings', { defaultRegion: 'BE' }));
      const route = ok(await admin.post(`${API}/inbound-routes`, { did: '02 555 12 12', destination: { type: 'hangup' } }), 201);
      expect(route.did).to.equal('+3225551212');
      const res = await admin.post(`${API}/inbound-routes`, { did: '1', destination: { type: 'hangup' } });
      expect(res.body.errors[0].params.example).to.match(/^\+32/);
      ok(await admin.request('PUT', '/api/system/settings', { defaultRegion: 'FR' }));
      expect(ok(await admin.post(`${API}/inbound-routes`, { did: '02 55 51 21 20', destination: { type: 'hangup' } }), 201).did).to.equal('+33255512120');
    });

    it('documents the E.164 fields as text in the OpenAPI document', async () => {
      const doc = ok(await admin.get('/api/openapi.json'));
      expect(JSON.stringify(doc.paths['/api/telephony/inbound-routes'].post.requestBody)).to.include('"did"');
    });
  });
});
