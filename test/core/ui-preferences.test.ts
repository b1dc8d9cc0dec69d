import { expect } from 'chai';
import type { ApiClient } from '../support/api-client';
import { startTestApp, type TestApp } from '../support/test-app';
import { createUser, expectProblem } from './auth-fixtures';

describe('Preferences: each user’s locale, time zone and number display', () => {
  let t: TestApp;
  let admin: ApiClient;

  before(async () => {
    t = await startTestApp();
    admin = await t.adminClient();
  });
  after(() => t?.stop());

  it('changes them for the caller only and shows them in /me', async () => {
    const agent = await createUser(t, admin, ['agent'], 'agent');
    const res = await agent.client.patch('/api/auth/me/preferences', { locale: 'en', timeZone: 'America/Montreal', numberDisplay: 'international' });
    expect(res.status, res.text).to.equal(200);
    expect(res.body.user).to.include({ locale: 'en', timeZone: 'America/Montreal', numberDisplay: 'international' });
    expect((await agent.client.get('/api/auth/me')).body.user).to.include({ locale: 'en', timeZone: 'America/Montreal', numberDisplay: 'international' });
    expect((await admin.get('/api/auth/me')).body.user).to.include({ locale: 'fr', timeZone: 'Europe/Paris' });
    expect((await agent.client.patch('/api/auth/me/preferences', { locale: 'fr' })).body.user).to.include({ locale: 'fr', timeZone: 'America/Montreal' });
  });

  it('gives every user the system’s default region in /me, even without system.settings.read', async () => {
    const agent = await createUser(t, admin, ['agent'], 'agent-region');
    expectProblem(await agent.client.get('/api/system/settings'), 403, 'forbidden');
    expect((await agent.client.get('/api/auth/me')).body.region).to.equal('FR');
    const saved = await admin.request('PUT', '/api/system/settings', { defaultRegion: 'be' });
    expect(saved.status, saved.text).to.equal(200);
    expect((await agent.client.get('/api/auth/me')).body.region).to.equal('BE');
    expect((await admin.get('/api/auth/me')).body.region).to.equal('BE');
  });

  it('refuses unknown values with field errors, and other fields', async () => {
    const res = await admin.patch('/api/auth/me/preferences', { locale: 'de', timeZone: 'Paris', numberDisplay: 'roman' });
    expectProblem(res, 422, 'validation_failed');
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).to.deep.equal(['body.locale', 'body.numberDisplay', 'body.timeZone']);
    expectProblem(await admin.patch('/api/auth/me/preferences', { displayName: 'Someone else' }), 422, 'validation_failed');
    expectProblem(await t.client().patch('/api/auth/me/preferences', { locale: 'en' }), 401, 'unauthenticated');
  });
});
