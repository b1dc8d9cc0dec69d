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
    expect(plugin.health).to.deep.include({ status: 'ok', message: { en: '0 of 1000 notes used.', fr: '0 notes utilisées sur 1000.' } });
    const [rows] = await t.app.cradle.sequelize.query("SELECT name FROM carillon_migrations WHERE namespace = 'plugin:example' ORDER BY name");
    expect(rows).to.deep.equal([{ name: '0001-create-notes' }, { name: '0002-notes-updated-at' }]);
  });

  it('shows its name in each language', async () => {
    const listed = (await admin.get('/api/system/plugins')).body.items[0];
    expect(listed.displayName).to.deep.equal({ en: 'Example notes', fr: 'Notes d’exemple' });
  });

  it('adds its permissions to the catalogue and grants its defaults to built-in roles', async () => {
    const permissions = await admin.get('/api/permissions');
    expect(permissions.body.items).to.deep.include({ key: 'example.write', owner: 'example', description: 'Write example notes' });
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
