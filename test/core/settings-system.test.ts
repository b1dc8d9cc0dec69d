import fs from 'node:fs/promises';
import path from 'node:path';
import { expect } from 'chai';
import { CallRecording } from '../../core/calls/call-models';
import { SettingRecord } from '../../core/settings/model';
import { SYSTEM_SETTINGS_KEY } from '../../core/system/system-settings-service';
import { startTestApp, type TestApp } from '../support/test-app';
import type { ApiClient } from '../support/api-client';
import { createUser, expectProblem } from './auth-fixtures';

const MAIL = { host: 'smtp.example.com', port: 465, secure: true, username: 'pbx', from: 'pbx@example.com' };
const MAIL_PASSWORD = 'Smtp-secret-4f9c1e';

describe('System settings: time zone, number display, mail, recordings retention', () => {
  let t: TestApp;
  let admin: ApiClient;

  before(async () => {
    t = await startTestApp();
    admin = await t.adminClient();
  });
  after(() => t?.stop());

  const put = (client: ApiClient, body: unknown) => client.request('PUT', '/api/system/settings', body);

  it('starts from defaults a French appliance expects', async () => {
    const res = await admin.get('/api/system/settings');
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({
      companyName: '',
      regionConfirmed: false,
      timeZone: 'Europe/Paris',
      numberDisplay: 'national',
      defaultRegion: 'FR',
      mail: { host: '', port: 587, secure: false, username: '', from: '', passwordSet: false },
      recordings: { retentionDays: 0 },
    });
  });

  it('saves every section, keeps the mail password write-only and encrypted at rest', async () => {
    const res = await put(admin, {
      companyName: '  Acme Plomberie ',
      timeZone: 'America/Montreal',
      numberDisplay: 'international',
      defaultRegion: 'ca',
      mail: { ...MAIL, password: MAIL_PASSWORD },
      recordings: { retentionDays: 90 },
    });
    expect(res.status, res.text).to.equal(200);
    const expected = { companyName: 'Acme Plomberie', regionConfirmed: true, timeZone: 'America/Montreal', numberDisplay: 'international', defaultRegion: 'CA', mail: { ...MAIL, passwordSet: true }, recordings: { retentionDays: 90 } };
    expect(res.body).to.deep.equal(expected);
    expect((await admin.get('/api/system/settings')).body).to.deep.equal(expected);
    expect(res.text).not.to.include(MAIL_PASSWORD);

    const row = await SettingRecord.findByPk(SYSTEM_SETTINGS_KEY);
    expect(row!.value).not.to.include(MAIL_PASSWORD);
    expect(JSON.parse(row!.value).mail.passwordSealed).to.match(/^v1\./);
    expect(await t.app.cradle.systemSettingsService.mailServer()).to.deep.equal({ ...MAIL, password: MAIL_PASSWORD });
    const audit = await admin.get('/api/audit?action=system.settings.update');
    expect(audit.body.items[0]).to.include({ action: 'system.settings.update', target: 'system:settings', status: 200 });
    expect(JSON.stringify(audit.body)).not.to.include(MAIL_PASSWORD);
    expect(t.logs.map((l) => JSON.stringify(l)).join('\n')).not.to.include(MAIL_PASSWORD);
  });

  it('keeps sections left out and the password when it is not sent; null removes it', async () => {
    expect((await put(admin, { numberDisplay: 'national' })).body).to.include({ numberDisplay: 'national', timeZone: 'America/Montreal' });
    const kept = await put(admin, { mail: { ...MAIL, host: 'mail.example.com' } });
    expect(kept.body.mail).to.deep.equal({ ...MAIL, host: 'mail.example.com', passwordSet: true });
    expect((await t.app.cradle.systemSettingsService.mailServer())!.password).to.equal(MAIL_PASSWORD);
    const removed = await put(admin, { mail: { ...MAIL, password: null } });
    expect(removed.body.mail.passwordSet).to.equal(false);
    expect((await t.app.cradle.systemSettingsService.mailServer())!.password).to.equal(null);
  });

  it('gives users created without preferences the system time zone and number display', async () => {
    await put(admin, { timeZone: 'America/Montreal', numberDisplay: 'international' });
    const created = await admin.post('/api/users', { email: 'new@example.test', displayName: 'New', password: 'violet kettle on the hill', roles: ['agent'] });
    expect(created.body).to.include({ timeZone: 'America/Montreal', numberDisplay: 'international' });
    const chosen = await admin.post('/api/users', { email: 'own@example.test', displayName: 'Own', password: 'violet kettle on the hill', roles: ['agent'], timeZone: 'Europe/Brussels', numberDisplay: 'national' });
    expect(chosen.body).to.include({ timeZone: 'Europe/Brussels', numberDisplay: 'national' });
  });

  it('reports every invalid field with its path and changes nothing', async () => {
    const before = (await admin.get('/api/system/settings')).body;
    const res = await put(admin, {
      timeZone: 'Mars/Olympus',
      numberDisplay: 'decimal',
      defaultRegion: 'XX',
      mail: { host: 'bad host!', port: 70000, secure: true, username: 'pbx', from: 'not-an-address' },
      recordings: { retentionDays: -1 },
    });
    expectProblem(res, 422, 'validation_failed');
    const fields = res.body.errors.map((e: { field: string }) => e.field).sort();
    expect(fields).to.deep.equal(['body.defaultRegion', 'body.mail.from', 'body.mail.host', 'body.mail.port', 'body.numberDisplay', 'body.recordings.retentionDays', 'body.timeZone']);
    expect(res.body.errors.find((e: { field: string }) => e.field === 'body.timeZone').message).to.include('IANA time zone');
    expectProblem(await put(admin, { mail: { ...MAIL, from: '' } }), 422, 'validation_failed');
    expectProblem(await put(admin, { surprise: true }), 422, 'validation_failed');
    expect((await admin.get('/api/system/settings')).body).to.deep.equal(before);
  });

  it('needs system.settings.read to see and system.settings.manage to change', async () => {
    const manager = await createUser(t, admin, ['manager'], 'manager');
    expect((await manager.client.get('/api/system/settings')).status).to.equal(200);
    expectProblem(await put(manager.client, { numberDisplay: 'international' }), 403, 'forbidden');
    const agent = await createUser(t, admin, ['agent'], 'agent');
    expectProblem(await agent.client.get('/api/system/settings'), 403, 'forbidden');
    expectProblem(await t.client().get('/api/system/settings'), 401, 'unauthenticated');
    const permissions = (await admin.get('/api/permissions')).body.items.map((p: { key: string }) => p.key);
    expect(permissions).to.include.members(['system.settings.read', 'system.settings.manage']);
    expect(permissions).not.to.include('settings.manage');
  });

  it('drives the recordings retention the daily purge applies', async () => {
    await put(admin, { recordings: { retentionDays: 7 } });
    expect((await admin.get('/api/calls/recording-settings')).body).to.deep.equal({ retentionDays: 7 });
    const store = path.join(t.dataDir, 'recordings', '2026', '01');
    await fs.mkdir(store, { recursive: true });
    const old = new Date(Date.now() - 8 * 86_400_000);
    const fresh = new Date(Date.now() - 6 * 86_400_000);
    for (const [name, at] of [['old', old], ['fresh', fresh]] as const) {
      await fs.writeFile(path.join(store, `${name}.mp3`), 'mp3');
      await CallRecording.create({ callKey: `k-${name}`, uniqueid: `u-${name}`, file: `2026/01/${name}.mp3`, bytes: 3, recordedAt: at });
    }
    expect(await t.app.cradle.recordingService.purgeExpired()).to.equal(1);
    expect((await CallRecording.findAll()).map((r) => r.uniqueid)).to.deep.equal(['u-fresh']);
    // And the other way round: the recordings page's own setting shows here.
    await admin.request('PUT', '/api/calls/recording-settings', { retentionDays: 30 });
    expect((await admin.get('/api/system/settings')).body.recordings).to.deep.equal({ retentionDays: 30 });
  });
});
