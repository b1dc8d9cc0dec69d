import { expect } from 'chai';
import { startTestApp, type TestApp } from '../support/test-app';
import type { ApiClient } from '../support/api-client';
import { FAILURE_PLUGINS } from '../support/plugins';
import { tableNames } from '../support/database';

describe('Plugin host: failures are coded and contained', () => {
  let t: TestApp;
  let admin: ApiClient;
  let plugins: Array<{ id: string; version: string | null; state: string; error?: { code: string; message: string } }>;

  before(async () => {
    t = await startTestApp({ bundledDir: FAILURE_PLUGINS });
    admin = await t.adminClient();
    plugins = (await t.client().get('/api/health')).body.plugins;
  });
  after(() => t?.stop());

  const stateOf = (id: string) => plugins.filter((p) => p.id === id);

  const expectations: Array<[string, string, RegExp]> = [
    ['bad-manifest', 'plugin_manifest_invalid', /version: a semver version.*Unrecognized key.*colour/],
    ['api-mismatch', 'plugin_api_incompatible', /\^2 is required but this Carillon provides 1\.1\.0/],
    ['missing-dep', 'plugin_dependency_missing', /needs the plugin "not-installed", which is not installed/],
    ['throws-register', 'plugin_register_failed', /register\(\) threw: register exploded/],
    ['needs-broken', 'plugin_dependency_unavailable', /needs the plugin "throws-register", which failed \(plugin_register_failed\)/],
    ['throws-start', 'plugin_start_failed', /start\(\) threw: start exploded/],
    ['bad-migration', 'plugin_migration_failed', /0001-half-done.*migration exploded half way.*left as it was/],
    ['cycle-a', 'plugin_dependency_cycle', /cycle-a → cycle-b → cycle-a|cycle-b → cycle-a → cycle-b/],
    ['cycle-b', 'plugin_dependency_cycle', /cycle/],
    ['load-error', 'plugin_load_failed', /cannot even load/],
    // Timestamps are on by default, as in Sequelize: the error names the model, the column and the way out.
    ['model-mismatch', 'plugin_model_mismatch', /model Thing needs the column updated_at in table model_mismatch_things, which is missing \(timestamps are on.*\{ timestamps: false \}/],
  ];
  for (const [id, code, message] of expectations) {
    it(`marks ${id} failed with ${code}`, () => {
      const [plugin] = stateOf(id);
      expect(plugin, id).to.exist;
      expect(plugin.state).to.equal('failed');
      expect(plugin.error!.code).to.equal(code);
      expect(plugin.error!.message).to.match(message);
    });
  }

  it('keeps the first of two plugins with the same id and fails the second', () => {
    const duplicates = stateOf('duplicate');
    expect(duplicates.map((p) => [p.version, p.state, p.error?.code ?? null])).to.deep.equal([
      ['1.0.0', 'started', null],
      ['2.0.0', 'failed', 'plugin_duplicate_id'],
    ]);
  });

  it('skips folders without an index, and reports overall health as degraded', async () => {
    expect(stateOf('not-a-plugin')).to.deep.equal([]);
    expect((await t.client().get('/api/health')).body.status).to.equal('degraded');
  });

  it('keeps core and the healthy plugin running', async () => {
    expect(stateOf('healthy')[0].state).to.equal('started');
    const res = await admin.get('/api/plugins/healthy/hello');
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ hello: 'world' });
    expect((await admin.get('/api/users')).status).to.equal(200);
  });

  it('answers the routes of a plugin that failed to start with plugin_unavailable', async () => {
    const res = await admin.get('/api/plugins/throws-start/hello');
    expect(res.status).to.equal(404);
    expect(res.body.code).to.equal('plugin_unavailable');
  });

  it('leaves the database as it was before a failed migration', async () => {
    const tables = await tableNames(t.app.cradle.sequelize);
    expect(tables).to.include('users');
    expect(tables).not.to.include('bad_migration_things');
    const [rows] = await t.app.cradle.sequelize.query("SELECT name FROM carillon_migrations WHERE namespace = 'plugin:bad-migration'");
    expect(rows).to.deep.equal([]);
  });

  it('refuses to disable a plugin others depend on, naming them', async () => {
    const res = await admin.post('/api/system/plugins/throws-register/disable');
    expect(res.status).to.equal(409);
    expect(res.body.code).to.equal('plugin_has_dependents');
    expect(res.body.detail).to.include('needs-broken');
  });

  it('shows plugin health checks in /api/health, a check that hangs or throws counting as down', async function () {
    this.timeout(20_000);
    const health = (await t.client().get('/api/health')).body;
    const slow = health.plugins.find((p: { id: string }) => p.id === 'slow-health');
    expect(slow.state).to.equal('started');
    expect(slow.health).to.include({ status: 'down' });
    expect(slow.health.message).to.deep.equal({ en: 'The health check did not answer within 2 s.', fr: 'Le contrôle de santé n’a pas répondu en 2 s.' });
    const bad = health.plugins.find((p: { id: string }) => p.id === 'bad-health');
    expect(bad.health.status).to.equal('down');
    expect(bad.health.message.en).to.equal('The health check failed: cannot reach the CRM');
    expect(bad.health.message.fr).to.equal('Le contrôle de santé a échoué : cannot reach the CRM');
    // Plugins without a check have no health entry; the whole is degraded.
    expect(health.plugins.find((p: { id: string }) => p.id === 'healthy')).to.not.have.property('health');
    expect(health.status).to.equal('degraded');
    // The plugins page gets the same reports and the localised names.
    const listed = (await admin.get('/api/system/plugins')).body.items.find((p: { id: string }) => p.id === 'slow-health');
    expect(listed.health.status).to.equal('down');
    expect(listed.displayName).to.deep.equal({ en: 'Slow health', fr: 'Santé lente' });
  });

  it('lists plugins with their errors for admins', async () => {
    const res = await admin.get('/api/system/plugins');
    const failed = res.body.items.filter((p: { state: string }) => p.state === 'failed').map((p: { id: string }) => p.id);
    expect(failed).to.include.members(['throws-start', 'bad-migration', 'needs-broken']);
  });
});
