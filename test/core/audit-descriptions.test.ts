import path from 'node:path';
import { expect } from 'chai';
import { auditActionOf } from '../../core/audit/audit-actions';
import { ACCOUNT_PERMISSIONS } from '../../core/auth/permissions';
import type { ApiClient } from '../support/api-client';
import { startTestApp, type TestApp } from '../support/test-app';

type Described = Record<string, { en: string; fr: string } | null>;

function undescribed(map: Described): string[] {
  return Object.entries(map)
    .filter(([, d]) => !d || !d.en?.trim() || !d.fr?.trim() || d.en === d.fr)
    .map(([key]) => key);
}

describe('Descriptions of permissions and audit actions (core and bundled plugins)', () => {
  let t: TestApp;
  let admin: ApiClient;
  let descriptions: { permissions: Described; auditActions: Described };

  before(async () => {
    t = await startTestApp({ bundledDir: path.resolve(__dirname, '../../plugins') });
    admin = await t.adminClient();
    const res = await admin.get('/api/ui/descriptions');
    expect(res.status, res.text).to.equal(200);
    descriptions = res.body;
  });
  after(() => t.stop());

  it('runs the bundled plugins, so their permissions and actions are checked too', () => {
    const states = t.app.cradle.pluginHost.list().map((p) => `${p.id}:${p.state}`);
    expect(states).to.include('directory:started');
  });

  it('describes every permission in English and French, account permissions included', () => {
    const keys = [...t.app.cradle.permissionCatalogue.keys(), ...ACCOUNT_PERMISSIONS];
    expect(Object.keys(descriptions.permissions).sort()).to.deep.equal([...new Set(keys)].sort());
    expect(undescribed(descriptions.permissions)).to.deep.equal([]);
  });

  it('declares the action of every audited route, and describes every declared action in English and French', () => {
    const catalogue = t.app.cradle.auditActions;
    const routeActions = t.app.cradle.routeTable
      .list()
      .map((route) => auditActionOf(route.def))
      .filter((action): action is string => action !== null);
    expect(routeActions.length).to.be.greaterThan(50);
    expect(routeActions.filter((action) => !catalogue.has(action))).to.deep.equal([]);
    expect(Object.keys(descriptions.auditActions).sort()).to.deep.equal(catalogue.list().map((a) => a.key).sort());
    expect(undescribed(descriptions.auditActions)).to.deep.equal([]);
  });

  it('describes the actions core records outside routes (logins, setup, command line)', () => {
    for (const action of ['setup.complete', 'auth.login', 'auth.login.failed', 'auth.login.locked', 'auth.login.throttled', 'auth.login.refused_locked', 'users.resetPassword', 'users.unlock', 'plugins.enable']) {
      expect(descriptions.auditActions[action], action).to.have.keys(['en', 'fr']);
    }
    expect(descriptions.auditActions['telephony.extensions.create']).to.deep.equal({ en: 'Extension created', fr: 'Poste créé' });
  });

  it('gives the descriptions to any logged-in user, and the permission list carries both languages', async () => {
    expect((await t.client().get('/api/ui/descriptions')).status).to.equal(401);
    const list = await admin.get('/api/permissions');
    const read = (list.body.items as Array<{ key: string; description: string; descriptions: unknown }>).find((p) => p.key === 'directory.read');
    expect(read).to.deep.include({ description: 'Look up the company directory', descriptions: { en: 'Look up the company directory', fr: 'Consulter l’annuaire de l’entreprise' } });
  });
});

describe('Audit API for plugins (ctx.audit)', () => {
  let t: TestApp;
  let admin: ApiClient;
  before(async () => {
    t = await startTestApp({ bundledDir: path.resolve(__dirname, '../fixtures/audit-plugin') });
    admin = await t.adminClient();
  });
  after(() => t.stop());

  it('records a declared plugin action with its masked difference and its description', async () => {
    const res = await admin.post('/api/plugins/notes/archive', { title: 'Minutes', apiKey: 'sk-live-123456' });
    expect(res.status, res.text).to.equal(200);
    const audit = await admin.get('/api/audit?action=notes.noteArchived');
    const [row] = audit.body.items;
    expect(row).to.deep.include({ action: 'notes.noteArchived', target: 'note:1' });
    expect(row.changes).to.deep.equal({ kind: 'updated', fields: [{ field: 'archived', before: false, after: true }, { field: 'apiKey', secret: true }] });
    expect(JSON.stringify(audit.body)).not.to.include('sk-live-123456');
    const descriptions = (await admin.get('/api/ui/descriptions')).body;
    expect(descriptions.auditActions['notes.noteArchived']).to.deep.equal({ en: 'Note archived', fr: 'Note archivée' });
    expect(descriptions.permissions['notes.write']).to.deep.equal({ en: 'Write notes', fr: 'Écrire des notes' });
  });

  it('keeps the state of a plugin before and after it is disabled', async () => {
    expect((await admin.post('/api/system/plugins/notes/disable', {})).status).to.equal(200);
    const [row] = (await admin.get('/api/audit?action=plugins.disable')).body.items;
    expect(row.changes.kind).to.equal('updated');
    expect(row.changes.fields).to.deep.include({ field: 'state', before: 'started', after: 'disabled' });
  });
});
