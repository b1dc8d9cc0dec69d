import { expect } from 'chai';
import { z } from 'zod';
import { diffChanges, isSecretName, MASK, secretField, secretFieldsOf, secretValuesIn, type AuditChanges } from '../../core/audit/changes';
import type { ApiClient } from '../support/api-client';
import { startTestApp, type TestApp } from '../support/test-app';
import { strongPassword } from './auth-fixtures';

interface AuditItem {
  action: string;
  target: string | null;
  status: number | null;
  changes: AuditChanges | null;
}

describe('Audit changes: masking rules', () => {
  it('knows secret field names in camelCase and snake_case, and leaves ordinary ones alone', () => {
    for (const name of ['password', 'sipPassword', 'admin_password', 'secret', 'totpSecret', 'token', 'tokenHash', 'apiKey', 'api_key', 'privateKey', 'pin', 'voicemailPin', 'credentials', 'passwordSealed', 'sippassword']) {
      expect(isSecretName(name), name).to.equal(true);
    }
    for (const name of ['name', 'number', 'displayName', 'roles', 'codecs', 'key', 'keys', 'spinner', 'keyboardLayout', 'host']) {
      expect(isSecretName(name), name).to.equal(false);
    }
  });

  it('finds fields a schema marks secret, through optional, nullable, default and nested objects', () => {
    const schema = z.strictObject({
      label: z.string(),
      code: secretField(z.string()).optional(),
      nested: z.object({ passphrase2: secretField(z.string()).nullable(), plain: z.string() }),
      other: z.string().meta({ secret: true }).default('x'),
    });
    expect([...secretFieldsOf(schema)].sort()).to.deep.equal(['code', 'other', 'passphrase2']);
  });

  it('diffs field by field, masks secrets by name, declaration and value, and ignores bookkeeping columns', () => {
    const before = { id: 1, name: 'Accueil', code: 'A1B2C3', sipPassword: 'old-secret-value', options: { codecs: ['alaw'], note: 'x' }, updatedAt: '2026-01-01' };
    const after = { id: 1, name: 'Accueil 2', code: 'Z9Y8X7', sipPassword: 'new-secret-value', options: { codecs: ['alaw', 'g722'], note: 'see new-secret-value' }, updatedAt: '2026-01-02' };
    const changes = diffChanges(before, after, { secretFields: ['code'], secretValues: ['new-secret-value'] })!;
    expect(changes.kind).to.equal('updated');
    expect(changes.fields).to.deep.equal([
      { field: 'name', before: 'Accueil', after: 'Accueil 2' },
      { field: 'code', secret: true },
      { field: 'sipPassword', secret: true },
      { field: 'options.codecs', before: ['alaw'], after: ['alaw', 'g722'] },
      { field: 'options.note', before: 'x', after: MASK },
    ]);
    expect(JSON.stringify(changes)).not.to.match(/secret-value|A1B2C3|Z9Y8X7/);
  });

  it('says created and deleted, and nothing when nothing changed', () => {
    expect(diffChanges(null, { id: 3, name: 'Nouveau', secret: 'abcd1234' })).to.deep.equal({ kind: 'created', fields: [{ field: 'id', after: 3 }, { field: 'name', after: 'Nouveau' }, { field: 'secret', secret: true }] });
    expect(diffChanges({ id: 3, name: 'Nouveau' }, null)!.kind).to.equal('deleted');
    expect(diffChanges({ id: 3, name: 'Same' }, { id: 3, name: 'Same' })).to.equal(null);
    expect(diffChanges(null, null)).to.equal(null);
  });

  it('shows whether a secret exists (a yes/no), never the secret', () => {
    expect(diffChanges({ passwordSet: false, password: null }, { passwordSet: true, password: 'hunter22' })!.fields).to.deep.equal([
      { field: 'passwordSet', before: false, after: true },
      { field: 'password', secret: true },
    ]);
  });

  it('masks secrets inside lists of objects', () => {
    const changes = diffChanges({ accounts: [] }, { accounts: [{ user: '201', password: 'p4ssw0rd!' }] })!;
    expect(changes.fields).to.deep.equal([{ field: 'accounts', before: [], after: [{ user: '201', password: MASK }] }]);
  });
});

describe('Audit changes over HTTP', () => {
  let t: TestApp;
  let admin: ApiClient;
  /** Every secret value sent or received during these tests: none may reach the audit table. */
  const secrets: string[] = [];

  before(async () => {
    t = await startTestApp();
    admin = await t.adminClient();
  });
  after(() => t.stop());

  const latest = async (action: string): Promise<AuditItem> => {
    const res = await admin.get(`/api/audit?action=${encodeURIComponent(action)}&limit=1`);
    expect(res.status, res.text).to.equal(200);
    const [row] = res.body.items as AuditItem[];
    expect(row, action).to.not.equal(undefined);
    expect(row.action).to.equal(action);
    return row;
  };
  /** The values a response holds under secret-named fields (passwords, secrets), at any depth. */
  const secretsOf = (body: unknown): string[] => [...secretValuesIn(body, new Set())];
  const field = (row: AuditItem, name: string) => row.changes?.fields.find((f) => f.field === name);

  it('keeps what a user update changed, and lists a new password as changed without its value', async () => {
    const password = strongPassword();
    secrets.push(password);
    const created = await admin.post('/api/users', { email: 'diff@example.test', displayName: 'Before Name', password, roles: ['agent'] });
    expect(created.status, created.text).to.equal(201);
    const creation = await latest('users.create');
    expect(creation.changes!.kind).to.equal('created');
    expect(field(creation, 'displayName')).to.deep.equal({ field: 'displayName', after: 'Before Name' });
    expect(field(creation, 'password')).to.deep.equal({ field: 'password', secret: true });

    const newPassword = strongPassword();
    secrets.push(newPassword);
    const updated = await admin.patch(`/api/users/${created.body.id}`, { displayName: 'After Name', roles: ['agent', 'supervisor'], password: newPassword });
    expect(updated.status, updated.text).to.equal(200);
    const row = await latest('users.update');
    expect(row.changes!.kind).to.equal('updated');
    expect(field(row, 'displayName')).to.deep.equal({ field: 'displayName', before: 'Before Name', after: 'After Name' });
    expect(field(row, 'password')).to.deep.equal({ field: 'password', secret: true });
    expect(row.changes!.fields.map((f) => f.field)).to.include('roles');

    expect((await admin.delete(`/api/users/${created.body.id}`)).status).to.equal(204);
    const deletion = await latest('users.delete');
    expect(deletion.changes!.kind).to.equal('deleted');
    expect(field(deletion, 'displayName')).to.deep.equal({ field: 'displayName', before: 'After Name' });
  });

  it('keeps a role rename and its permission changes', async () => {
    expect((await admin.post('/api/roles', { name: 'night-shift', description: 'Nuit', permissions: ['users.read'] })).status).to.equal(201);
    const res = await admin.patch('/api/roles/night-shift', { name: 'late-shift', permissions: ['users.read', 'audit.read'] });
    expect(res.status, res.text).to.equal(200);
    const row = await latest('roles.update');
    expect(field(row, 'name')).to.deep.equal({ field: 'name', before: 'night-shift', after: 'late-shift' });
    expect(row.changes!.fields.some((f) => f.field.startsWith('permissions'))).to.equal(true);
  });

  it('keeps extension changes and never a SIP password, even revealed or regenerated', async () => {
    const created = await admin.post('/api/telephony/extensions', { number: '401', name: 'Accueil' });
    expect(created.status, created.text).to.equal(201);
    const id = created.body.id as number;
    const creation = await latest('telephony.extensions.create');
    expect(field(creation, 'number')).to.deep.equal({ field: 'number', after: '401' });

    expect((await admin.patch(`/api/telephony/extensions/${id}`, { name: 'Standard', doNotDisturb: true })).status).to.equal(200);
    const row = await latest('telephony.extensions.update');
    expect(field(row, 'name')).to.deep.equal({ field: 'name', before: 'Accueil', after: 'Standard' });
    expect(field(row, 'doNotDisturb')).to.deep.equal({ field: 'doNotDisturb', before: false, after: true });

    const revealed = await admin.post(`/api/telephony/extensions/${id}/sip-secret/reveal`, {});
    expect(revealed.status, revealed.text).to.equal(200);
    secrets.push(...secretsOf(revealed.body));
    expect(secretsOf(revealed.body), 'the reveal answer holds a password').to.not.deep.equal([]);
    const regenerated = await admin.post(`/api/telephony/extensions/${id}/sip-secret/regenerate`, {});
    expect(regenerated.status, regenerated.text).to.equal(200);
    secrets.push(...secretsOf(regenerated.body));
  });

  it('keeps trunk changes and never the operator password', async () => {
    const password = 'Tr0nk-Pa55-' + Math.random().toString(36).slice(2);
    secrets.push(password);
    const created = await admin.post('/api/telephony/trunks', { kind: 'operator', name: 'Opérateur', host: 'sip.example.net', username: 'acct42', password });
    expect(created.status, created.text).to.equal(201);
    const creation = await latest('telephony.trunks.create');
    expect(field(creation, 'host')).to.deep.equal({ field: 'host', after: 'sip.example.net' });
    const newPassword = 'N3w-Tr0nk-' + Math.random().toString(36).slice(2);
    secrets.push(newPassword);
    expect((await admin.patch(`/api/telephony/trunks/${created.body.id}`, { host: 'sip2.example.net', password: newPassword })).status).to.equal(200);
    const row = await latest('telephony.trunks.update');
    expect(field(row, 'host')).to.deep.equal({ field: 'host', before: 'sip.example.net', after: 'sip2.example.net' });
    expect(field(row, 'password')).to.deep.equal({ field: 'password', secret: true });
  });

  it('keeps system settings changes, masking the mail password', async () => {
    const password = 'M4il-' + Math.random().toString(36).slice(2);
    secrets.push(password);
    const res = await admin.request('PUT', '/api/system/settings', { mail: { host: 'smtp.example.net', port: 587, secure: false, username: 'pbx', from: 'pbx@example.net', password } });
    expect(res.status, res.text).to.equal(200);
    const row = await latest('system.settings.update');
    expect(field(row, 'mail.host')).to.deep.equal({ field: 'mail.host', before: '', after: 'smtp.example.net' });
  });

  it('keeps each difference to its own change when the same resource is changed concurrently', async () => {
    const created = await admin.post('/api/telephony/extensions', { number: '450', name: 'Start' });
    expect(created.status, created.text).to.equal(201);
    const names = ['N1', 'N2', 'N3', 'N4', 'N5', 'N6'];
    const answers = await Promise.all(names.map((name) => admin.patch(`/api/telephony/extensions/${created.body.id}`, { name })));
    expect(answers.map((a) => a.status)).to.deep.equal(names.map(() => 200));
    const res = await admin.get(`/api/audit?action=telephony.extensions.update&limit=50`);
    const rows = (res.body.items as Array<AuditItem & { target: string }>).filter((r) => r.target === `extension:${created.body.id}`);
    expect(rows).to.have.length(names.length);
    const steps = rows.map((r) => r.changes!.fields.find((f) => f.field === 'name')!);
    // One chain from Start to the last name: every before is the after of exactly one earlier change.
    const befores = steps.map((f) => f.before as string).sort();
    const afters = steps.map((f) => f.after as string);
    expect(new Set(befores).size, 'no two changes saw the same state before them').to.equal(names.length);
    expect([...afters].sort()).to.deep.equal([...names].sort());
    const last = (await admin.get(`/api/telephony/extensions/${created.body.id}`)).body.name as string;
    expect(befores).to.deep.equal(['Start', ...names.filter((n) => n !== last)].sort());
  });

  it('keeps ring group and desk phone changes', async () => {
    const a = await admin.post('/api/telephony/extensions', { number: '461', name: 'A' });
    const b = await admin.post('/api/telephony/extensions', { number: '462', name: 'B' });
    const group = await admin.post('/api/telephony/ring-groups', { number: '660', name: 'Ventes', members: [a.body.id] });
    expect(group.status, group.text).to.equal(201);
    expect((await admin.patch(`/api/telephony/ring-groups/${group.body.id}`, { members: [a.body.id, b.body.id], strategy: 'hunt' })).status).to.equal(200);
    const row = await latest('telephony.ringGroups.update');
    expect(row.target).to.equal(`ringGroup:${group.body.id}`);
    expect(row.changes!.fields.map((f) => f.field)).to.include.members(['strategy']);
    expect(row.changes!.fields.some((f) => f.field.startsWith('members'))).to.equal(true);

    const phone = await admin.post('/api/provisioning/devices', { mac: '00:0b:82:aa:bb:cc', label: 'Accueil' });
    expect(phone.status, phone.text).to.equal(201);
    expect((await admin.patch(`/api/provisioning/devices/${phone.body.id}`, { label: 'Réception', lcdDisplay: 'number' })).status).to.equal(200);
    const device = await latest('provisioning.devices.update');
    expect(field(device, 'label')).to.deep.equal({ field: 'label', before: 'Accueil', after: 'Réception' });
    const revealed = await admin.post(`/api/provisioning/devices/${phone.body.id}/secrets/reveal`, {});
    expect(revealed.status, revealed.text).to.equal(200);
    secrets.push(...secretsOf(revealed.body));
  });

  it('keeps what a person changed in their own preferences', async () => {
    expect((await admin.patch('/api/auth/me/preferences', { timeZone: 'America/Montreal' })).status).to.equal(200);
    const row = await latest('auth.updatePreferences');
    expect(field(row, 'timeZone')).to.deep.include({ field: 'timeZone', after: 'America/Montreal' });
  });

  it('keeps only the names of changed fields when their values would make a huge entry', async () => {
    const big = Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`list${i}`, Array.from({ length: 100 }, (_, j) => `${'x'.repeat(400)}${j}`)]));
    await t.app.cradle.auditService.recordChange({ actor: 'system', action: 'system.settings.update', target: 'big', before: { ...big, name: 'a' }, after: { name: 'b' } });
    const row = await latest('system.settings.update');
    expect(row.target).to.equal('big');
    expect(row.changes!.truncated).to.equal(true);
    expect(row.changes!.fields).to.have.length(51);
    expect(row.changes!.fields[0]).to.deep.equal({ field: 'list0' });
  });

  it('records no difference for a refused change', async () => {
    const res = await admin.patch('/api/telephony/extensions/999999', { name: 'Nobody' });
    expect(res.status).to.equal(404);
    const row = await latest('telephony.extensions.update');
    expect(row.status).to.equal(404);
    expect(row.changes).to.equal(null);
  });

  it('never stores a secret value in the audit table, whatever the column', async () => {
    expect(secrets.length).to.be.at.least(6);
    const rows = await t.app.cradle.sequelize.query('SELECT * FROM audit_log', { type: 'SELECT' });
    const stored = JSON.stringify(rows);
    for (const secret of secrets) expect(stored.includes(secret), `a secret reached the audit table: ${secret}`).to.equal(false);
  });

  it('declares every action it recorded', () => {
    expect(t.logs.filter((line) => line.msg === 'audit action not declared: the audit page cannot describe it')).to.deep.equal([]);
  });
});
