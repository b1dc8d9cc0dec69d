import { expect } from 'chai';
import { io } from 'socket.io-client';
import { ADMIN, startTestApp, type TestApp } from '../support/test-app';
import type { ApiClient } from '../support/api-client';
import { EXAMPLE_PLUGIN, eventually, installPluginPackage } from '../support/plugins';
import { PHONEBOOK_SOURCES, type PhonebookSource } from '../../core/plugin-api';

describe('Plugin host: a third-party package end to end', () => {
  let t: TestApp;
  let admin: ApiClient;
  let pluginDir: string;

  before(async () => {
    pluginDir = installPluginPackage(EXAMPLE_PLUGIN);
    t = await startTestApp({ pluginDir });
    admin = await t.adminClient();
  });
  after(() => t?.stop());

  it('loads, migrates and starts the package, visible in health', async () => {
    const health = await t.client().get('/api/health');
    const [plugin] = health.body.plugins;
    expect(plugin).to.include({ id: 'example', version: '1.2.0', state: 'started' });
    // Its own health() check, with a message per locale.
    expect(plugin.health).to.deep.include({ status: 'ok', message: { en: '0 of 1000 notes used.', fr: '0 note utilisée sur 1000.' } });
    const [rows] = await t.app.cradle.sequelize.query("SELECT name FROM carillon_migrations WHERE namespace = 'plugin:example' ORDER BY name");
    expect(rows).to.deep.equal([{ name: '0001-create-notes' }, { name: '0002-notes-updated-at' }]);
  });

  it('shows its name in each language', async () => {
    const listed = (await admin.get('/api/system/plugins')).body.items[0];
    expect(listed.displayName).to.deep.equal({ en: 'Example notes', fr: 'Notes d’exemple' });
  });

  it('adds its permissions to the catalogue and grants its defaults to built-in roles', async () => {
    const permissions = await admin.get('/api/permissions');
    // A plain-string description is English only: no translations to show (descriptions null).
    expect(permissions.body.items).to.deep.include({ key: 'example.write', owner: 'example', description: 'Write example notes', descriptions: null });
    const roles = await admin.get('/api/roles');
    const agent = roles.body.items.find((r: { name: string }) => r.name === 'agent');
    expect(agent.permissions).to.include('example.read');
    expect(agent.permissions).not.to.include('example.write');
  });

  it('serves its authenticated routes with schema validation and permission checks', async () => {
    const created = await admin.post('/api/plugins/example/notes', { text: '  call back Mrs Martin  ' });
    expect(created.status).to.equal(201);
    expect(created.body).to.include({ text: 'call back Mrs Martin' });
    // Timestamps as Sequelize users expect, set without the plugin writing them.
    expect(Date.parse(created.body.createdAt)).to.be.closeTo(Date.now(), 60_000);
    expect(created.body.updatedAt).to.equal(created.body.createdAt);

    const invalid = await admin.post('/api/plugins/example/notes', { text: '' });
    expect(invalid.status).to.equal(422);
    expect(invalid.body.errors[0].field).to.equal('body.text');

    const refused = await admin.get('/api/plugins/example/refuse');
    expect(refused.status).to.equal(409);
    expect(refused.body.code).to.equal('example_refused');

    expect((await t.client().get('/api/plugins/example/notes')).status).to.equal(401);

    await admin.post('/api/users', { email: 'agent@example.test', displayName: 'Agent', password: ADMIN.password, roles: ['agent'] });
    const agent = t.client();
    await agent.login('agent@example.test', ADMIN.password);
    expect((await agent.get('/api/plugins/example/notes')).body.items).to.have.length(1);
    const forbidden = await agent.post('/api/plugins/example/notes', { text: 'not allowed' });
    expect(forbidden.status).to.equal(403);
    expect(forbidden.body.code).to.equal('forbidden');
  });

  it('serves its public routes without a login', async () => {
    const res = await t.client().get('/p/example/ping');
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ pong: true, plugin: 'example' });
  });

  it('runs its subscriber and its scheduled job', async () => {
    const stats = await eventually(async () => {
      const res = await admin.get('/api/plugins/example/stats');
      return res.body.notesSeen >= 1 && res.body.ticks >= 2 && res.body;
    }, 'subscriber and job');
    expect(stats.starts).to.equal(1);
    expect(stats.telephonyState).to.equal('not_configured');
    // start() wrote in the plugin's data folder; register() read its configuration defaults.
    expect(stats).to.include({ startedFile: true, maxNotes: 1000 });
  });

  it('adds a phonebook source and a call destination whose route it handles while running', async () => {
    const sources = t.app.cradle.collections.list<PhonebookSource>(PHONEBOOK_SOURCES);
    const source = sources.find((s) => s.id === 'example')!;
    expect((await source.entries()).map((e) => [e.lastName, e.numbers[0]!.dial])).to.deep.equal([['Helpdesk', '+33100000000']]);
    const destinations = await admin.get('/api/telephony/call-destinations');
    expect(destinations.body.items).to.deep.include({ route: 'example-notes-line', label: 'Example: notes line' });
    // The route is taken while the plugin runs: a second handler for it is refused.
    expect(() => t.app.cradle.telephony.handle('example-notes-line', async () => undefined)).to.throw('already exists');
  });

  it('delivers its events over socket.io to users holding the permission', async () => {
    const socket = io(t.url, { path: '/socket.io', transports: ['websocket'], extraHeaders: { cookie: admin.cookie! } });
    try {
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      });
      const received = new Promise<{ text: string }>((resolve) => socket.once('example.noteAdded', resolve));
      await admin.post('/api/plugins/example/notes', { text: 'live' });
      expect((await received).text).to.equal('live');
    } finally {
      socket.disconnect();
    }
  });

  it('contributes an admin page, serving only its ui/ folder', async () => {
    const nav = await admin.get('/api/ui/navigation');
    expect(nav.body.pages).to.deep.equal([
      { id: 'notes', plugin: 'example', title: { en: 'Example notes', fr: 'Notes d’exemple' }, path: '/example', module: '/ui/plugins/example/notes.js', permission: 'example.read', section: 'tools' },
    ]);
    expect(nav.body.cards).to.deep.equal([
      { id: 'notes-count', plugin: 'example', title: { en: 'Team notes', fr: 'Notes de l’équipe' }, module: '/ui/plugins/example/card.js', permission: 'example.read' },
    ]);
    const module = await admin.get('/ui/plugins/example/notes.js');
    expect(module.status).to.equal(200);
    expect(module.headers.get('content-type')).to.match(/^text\/javascript/);
    expect(module.text).to.include('export default function mount');
    expect((await admin.get('/ui/plugins/example/index.js')).status).to.equal(404);
    expect((await admin.get('/ui/plugins/example/..%2Fpackage.json')).status).to.equal(404);
  });

  it('documents its routes in the OpenAPI document', async () => {
    const doc = (await t.client().get('/api/openapi.json')).body;
    expect(doc.paths['/api/plugins/example/notes'].post).to.include({ operationId: 'example.notes.create', 'x-permission': 'example.write' });
    expect(doc.paths['/p/example/ping'].get.security).to.deep.equal([]);
  });

  it('gets a settings form generated from its schema, saved all or nothing with its configure permission', async () => {
    const form = await admin.get('/api/plugins/example/settings');
    expect(form.status).to.equal(200);
    expect(form.body.plugin).to.deep.include({ id: 'example', displayName: { en: 'Example notes', fr: 'Notes d’exemple' } });
    expect(form.body.fields.map((f: { key: string; type: string; required: boolean }) => [f.key, f.type, f.required])).to.deep.equal([
      ['maxNotes', 'integer', false], ['helpdeskNumber', 'string', false], ['order', 'enum', false], ['announce', 'boolean', false], ['crmToken', 'secret', false],
    ]);
    const quota = form.body.fields[0];
    expect(quota).to.deep.include({ label: { en: 'Notes quota', fr: 'Quota de notes' }, minimum: 1, maximum: 100000, default: 1000 });
    expect(form.body.fields[2].options[1]).to.deep.equal({ value: 'newest', label: { en: 'Newest first', fr: 'Plus récentes d’abord' } });
    expect(form.body.values).to.deep.equal({ maxNotes: 1000, helpdeskNumber: '+33100000000', order: 'oldest', announce: true, crmToken: { set: false } });

    // Every invalid field is reported on its own field, and nothing is saved.
    const invalid = await admin.put('/api/plugins/example/settings', { maxNotes: 0, helpdeskNumber: '01 23', order: 'random', crmToken: 'short' });
    expect(invalid.status).to.equal(422);
    expect(invalid.body.errors.map((e: { field: string; code: string }) => [e.field, e.code])).to.have.deep.members([
      ['body.maxNotes', 'too_small'], ['body.helpdeskNumber', 'invalid_format'], ['body.order', 'invalid_value'], ['body.crmToken', 'too_small'],
    ]);
    expect(invalid.body.errors.find((e: { field: string }) => e.field === 'body.crmToken').message).to.equal('At least 8 characters.');
    expect((await admin.put('/api/plugins/example/settings', { colour: 'red' })).body.errors[0]).to.include({ field: 'body.colour', code: 'unrecognized_keys' });
    expect((await admin.get('/api/plugins/example/settings')).body.values.maxNotes).to.equal(1000);

    const saved = await admin.put('/api/plugins/example/settings', { maxNotes: 2, helpdeskNumber: '+33987654321', order: 'newest', announce: true, crmToken: 'crm-secret-123' });
    expect(saved.status, JSON.stringify(saved.body)).to.equal(200);
    expect(saved.body.values).to.deep.equal({ maxNotes: 2, helpdeskNumber: '+33987654321', order: 'newest', announce: true, crmToken: { set: true } });
    // The running plugin sees them at once: its change handler ran, its list order, phonebook and health follow.
    const stats = (await admin.get('/api/plugins/example/stats')).body;
    expect(stats).to.include({ maxNotes: 2, crmConfigured: true, settingsChanges: 1 });
    const notes = (await admin.get('/api/plugins/example/notes')).body.items.map((n: { id: number }) => n.id);
    expect(notes).to.deep.equal([...notes].sort((a, b) => b - a));
    const source = t.app.cradle.collections.list<PhonebookSource>(PHONEBOOK_SOURCES).find((s) => s.id === 'example')!;
    expect((await source.entries())[0]!.numbers[0]!.dial).to.equal('+33987654321');
    await new Promise((resolve) => setTimeout(resolve, 1100)); // health results are reused for a second
    const health = (await t.client().get('/api/health')).body;
    expect(health.plugins[0].health).to.deep.include({ status: 'degraded', message: { en: 'The notes quota is reached (2 of 2).', fr: 'Le quota de notes est atteint (2 sur 2).' } });
    expect(health.status).to.equal('degraded');

    // The secret is sealed in the database; left out it is kept, null clears it.
    const [rows] = await t.app.cradle.sequelize.query("SELECT value FROM settings WHERE `key` = 'plugin-settings:example'");
    expect((rows as Array<{ value: string }>)[0]!.value).to.not.include('crm-secret-123');
    expect((await admin.put('/api/plugins/example/settings', { maxNotes: 1000 })).body.values.crmToken).to.deep.equal({ set: true });
    expect((await admin.put('/api/plugins/example/settings', { maxNotes: 1000, crmToken: null })).body.values).to.deep.include({ crmToken: { set: false }, order: 'oldest' });

    // Agents read notes but may not change settings.
    const agent = t.client();
    await agent.login('agent@example.test', ADMIN.password);
    const refused = await agent.put('/api/plugins/example/settings', { maxNotes: 5 });
    expect(refused.status).to.equal(403);
    expect(refused.body.detail).to.include('example.configure');
  });

  it('disables at once (routes, jobs) and enables again without a restart', async () => {
    const disabled = await admin.post('/api/system/plugins/example/disable');
    expect(disabled.status).to.equal(200);
    expect(disabled.body).to.include({ state: 'disabled', enabled: false, restartRequired: false });
    const gone = await admin.get('/api/plugins/example/notes');
    expect(gone.status).to.equal(404);
    expect(gone.body.code).to.equal('plugin_unavailable');
    expect((await t.client().get('/api/health')).body.plugins[0].state).to.equal('disabled');
    // stop() gave its call route back and its list items are gone.
    t.app.cradle.telephony.handle('example-notes-line', async () => undefined)();
    expect((await admin.get('/api/telephony/call-destinations')).body.items.map((d: { route: string }) => d.route)).to.not.include('example-notes-line');

    const enabled = await admin.post('/api/system/plugins/example/enable');
    expect(enabled.body).to.include({ state: 'started', enabled: true });
    expect((await admin.get('/api/plugins/example/notes')).status).to.equal(200);
    const stats = (await admin.get('/api/plugins/example/stats')).body;
    expect(stats).to.include({ starts: 2, stops: 1 });

    const audit = await admin.get('/api/audit?action=plugins.');
    expect(audit.body.items.map((e: { action: string }) => e.action)).to.include.members(['plugins.disable', 'plugins.enable']);
  });

  it('keeps a plugin disabled across restarts', async () => {
    await admin.post('/api/system/plugins/example/disable');
    await t.stop({ keepDatabase: true });
    t = await startTestApp({ pluginDir, database: t.database, dataDir: t.dataDir });
    const health = await t.client().get('/api/health');
    expect(health.body.plugins).to.deep.equal([{ id: 'example', version: '1.2.0', state: 'disabled' }]);  // no health check while disabled
    const client = t.client();
    await client.login(ADMIN.email, ADMIN.password);
    expect((await client.get('/api/plugins/example/notes')).status).to.equal(404);
    const enabled = await client.post('/api/system/plugins/example/enable');
    expect(enabled.body, JSON.stringify(enabled.body)).to.include({ state: "started", restartRequired: false });
    expect((await client.get('/api/plugins/example/notes')).body.items.length).to.be.greaterThan(0);
  });

  it('lets in-flight requests finish on shutdown', async () => {
    const client = t.client();
    await client.login(ADMIN.email, ADMIN.password);
    const slow = client.get('/api/plugins/example/slow?ms=400');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await t.stop({ keepDatabase: true });
    const res = await slow;
    expect(res.status).to.equal(200);
    expect(res.body).to.deep.equal({ waited: 400 });
    t = await startTestApp({ pluginDir, database: t.database, dataDir: t.dataDir });
  });
});

describe('Plugin host: settings that do not validate', () => {
  let t: TestApp;

  before(async () => {
    // carillon.json gives a value the plugin's schema refuses.
    t = await startTestApp({ pluginDir: installPluginPackage(EXAMPLE_PLUGIN), overrides: { plugins: { config: { example: { maxNotes: 'lots' } } } } });
  });
  after(() => t?.stop());

  it('fails the plugin with plugin_settings_invalid naming the field, and starts it once an admin corrects them', async () => {
    const admin = await t.adminClient();
    const [plugin] = (await t.client().get('/api/health')).body.plugins;
    expect(plugin.state).to.equal('failed');
    expect(plugin.error.code).to.equal('plugin_settings_invalid');
    expect(plugin.error.message).to.match(/^Invalid settings: maxNotes: .*settings page/);
    // The settings page still answers for a plugin that failed on its settings.
    const form = await admin.get('/api/plugins/example/settings');
    expect(form.body.values.maxNotes).to.equal('lots');
    const saved = await admin.put('/api/plugins/example/settings', { maxNotes: 50 });
    expect(saved.status, JSON.stringify(saved.body)).to.equal(200);
    expect(saved.body.plugin.state).to.equal('started');
    expect((await admin.get('/api/plugins/example/notes')).status).to.equal(200);
  });
});
