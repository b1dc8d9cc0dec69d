import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { ADMIN, startTestApp, tempDir, type TestApp } from '../support/test-app';
import type { ApiClient } from '../support/api-client';

/** Writes a bundled plugin folder: `index.js` declaring `pages` (and `strings`), plus the given files. */
function writePlugin(root: string, id: string, options: { pages: unknown[]; strings?: unknown; permissions?: unknown[]; files?: Record<string, string> }): string {
  const dir = path.join(root, id);
  fs.mkdirSync(path.join(dir, 'ui'), { recursive: true });
  const calls = [
    ...options.pages.map((page) => `ctx.ui.page(${JSON.stringify(page)});`),
    ...(options.strings ? [`ctx.ui.strings(${JSON.stringify(options.strings)});`] : []),
  ];
  fs.writeFileSync(
    path.join(dir, 'index.js'),
    `const { definePlugin } = require('@carillon/plugin-api');
module.exports = definePlugin({ id: ${JSON.stringify(id)}, version: '1.0.0', apiVersion: '^1', permissions: ${JSON.stringify(options.permissions ?? [])},
  register(ctx) { ${calls.join('\n')} } });\n`,
  );
  for (const [file, content] of Object.entries(options.files ?? {})) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

const MODULE = 'export default function mount(el) { el.textContent = "hello"; return () => el.replaceChildren(); }\n';

describe('Admin UI: pages contributed by plugins', () => {
  let t: TestApp;
  let admin: ApiClient;
  let agent: ApiClient;

  before(async () => {
    const bundledDir = tempDir('carillon-ui-plugins-');
    const shop = writePlugin(bundledDir, 'shop', {
      permissions: [{ key: 'shop.read', description: 'See the shop', defaultRoles: [] }],
      pages: [
        { id: 'orders', title: { en: 'Orders', fr: 'Commandes' }, path: '/shop/orders', module: 'ui/orders.js', permission: 'shop.read', section: 'tools' },
        { id: 'help', title: { en: 'Shop help', fr: 'Aide boutique' }, path: '/shop', module: 'ui/help/index.mjs' },
      ],
      strings: { en: { 'shop.hello': 'Hello' }, fr: { 'shop.hello': 'Bonjour' } },
      files: {
        'ui/orders.js': `import { helper } from './lib/helper.js';\n${MODULE}`,
        'ui/lib/helper.js': 'export const helper = 1;\n',
        'ui/help/index.mjs': MODULE,
        'ui/style.css': '.shop { color: red; }\n',
        'ui/notes.txt': 'not served\n',
        'secret.js': 'module.exports = "database password";\n',
      },
    });
    fs.symlinkSync(path.join(shop, 'secret.js'), path.join(shop, 'ui', 'escape.js'));
    writePlugin(bundledDir, 'vault', {
      permissions: [{ key: 'vault.read', description: 'See the vault', defaultRoles: [] }],
      pages: [{ id: 'vault', title: { en: 'Vault', fr: 'Coffre' }, path: '/vault', module: 'ui/vault.js', permission: 'vault.read' }],
      strings: { en: { 'vault.secret': 'x' }, fr: { 'vault.secret': 'x' } },
      files: { 'ui/vault.js': MODULE },
    });
    // Each of these is refused at register(): the plugin is marked failed, the others run.
    writePlugin(bundledDir, 'outside', { pages: [{ id: 'p', title: { en: 'P', fr: 'P' }, path: '/outside', module: 'index.js' }] });
    writePlugin(bundledDir, 'dotdot', { pages: [{ id: 'p', title: { en: 'P', fr: 'P' }, path: '/dotdot', module: 'ui/../index.js' }] });
    const linked = writePlugin(bundledDir, 'linked', { pages: [{ id: 'p', title: { en: 'P', fr: 'P' }, path: '/linked', module: 'ui/link.js' }] });
    fs.symlinkSync(path.join(linked, 'index.js'), path.join(linked, 'ui', 'link.js'));
    writePlugin(bundledDir, 'missing', { pages: [{ id: 'p', title: { en: 'P', fr: 'P' }, path: '/missing', module: 'ui/none.js' }] });
    writePlugin(bundledDir, 'squatter', { pages: [{ id: 'p', title: { en: 'P', fr: 'P' }, path: '/calls', module: 'ui/p.js' }], files: { 'ui/p.js': MODULE } });
    writePlugin(bundledDir, 'unknownperm', { pages: [{ id: 'p', title: { en: 'P', fr: 'P' }, path: '/unknownperm', module: 'ui/p.js', permission: 'nobody.read' }], files: { 'ui/p.js': MODULE } });
    writePlugin(bundledDir, 'untitled', { pages: [{ id: 'p', title: { en: 'P' }, path: '/untitled', module: 'ui/p.js' }], files: { 'ui/p.js': MODULE } });

    t = await startTestApp({ bundledDir });
    admin = await t.adminClient();
    await admin.post('/api/users', { email: 'agent@example.test', displayName: 'Agent', password: ADMIN.password, roles: ['agent'] });
    agent = t.client();
    await agent.login('agent@example.test', ADMIN.password);
  });
  after(() => t?.stop());

  it('lists every page for a user holding the permissions, with module URLs and strings', async () => {
    const nav = await admin.get('/api/ui/navigation');
    expect(nav.status).to.equal(200);
    expect(nav.body.pages).to.deep.equal([
      { id: 'orders', plugin: 'shop', title: { en: 'Orders', fr: 'Commandes' }, path: '/shop/orders', module: '/ui/plugins/shop/orders.js', permission: 'shop.read', section: 'tools' },
      { id: 'help', plugin: 'shop', title: { en: 'Shop help', fr: 'Aide boutique' }, path: '/shop', module: '/ui/plugins/shop/help/index.mjs', permission: null, section: 'plugins' },
      { id: 'vault', plugin: 'vault', title: { en: 'Vault', fr: 'Coffre' }, path: '/vault', module: '/ui/plugins/vault/vault.js', permission: 'vault.read', section: 'plugins' },
    ]);
    expect(nav.body.strings).to.deep.equal({
      shop: { en: { 'shop.hello': 'Hello' }, fr: { 'shop.hello': 'Bonjour' } },
      vault: { en: { 'vault.secret': 'x' }, fr: { 'vault.secret': 'x' } },
    });
  });

  it('hides pages (and their plugin strings) from users without the permission', async () => {
    const nav = await agent.get('/api/ui/navigation');
    expect(nav.body.pages.map((p: { id: string }) => p.id)).to.deep.equal(['help']);
    expect(Object.keys(nav.body.strings)).to.deep.equal(['shop']);
    expect((await t.client().get('/api/ui/navigation')).status).to.equal(401);
  });

  it('refuses pages whose module is outside ui/, missing, on a foreign path, with an unknown permission or an incomplete title', async () => {
    const plugins = (await admin.get('/api/system/plugins')).body.items as Array<{ id: string; state: string; error: { code: string; message: string } | null }>;
    const failed = Object.fromEntries(plugins.filter((p) => p.state === 'failed').map((p) => [p.id, p.error!]));
    expect(Object.keys(failed).sort()).to.deep.equal(['dotdot', 'linked', 'missing', 'outside', 'squatter', 'unknownperm', 'untitled']);
    for (const error of Object.values(failed)) expect(error.code).to.equal('plugin_register_failed');
    expect(failed.outside.message).to.include("must be inside the plugin's ui/ folder");
    expect(failed.dotdot.message).to.include("must be inside the plugin's ui/ folder");
    expect(failed.linked.message).to.include("must be inside the plugin's ui/ folder");
    expect(failed.missing.message).to.include('does not exist');
    expect(failed.squatter.message).to.include('must be /squatter or start with /squatter/');
    expect(failed.unknownperm.message).to.include('unknown permission "nobody.read"');
    expect(failed.untitled.message).to.match(/title\.fr/);
  });

  it('serves modules and their sibling files as the right types, to logged-in users only', async () => {
    const page = await agent.get('/ui/plugins/shop/orders.js');
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-type')).to.equal('text/javascript; charset=utf-8');
    expect(page.headers.get('cache-control')).to.equal('no-cache');
    expect(page.headers.get('x-content-type-options')).to.equal('nosniff');
    expect(page.text).to.include('export default function mount');
    expect((await agent.get('/ui/plugins/shop/lib/helper.js')).text).to.include('helper');
    expect((await agent.get('/ui/plugins/shop/help/index.mjs')).headers.get('content-type')).to.match(/^text\/javascript/);
    expect((await agent.get('/ui/plugins/shop/style.css')).headers.get('content-type')).to.match(/^text\/css/);
    expect((await t.client().get('/ui/plugins/shop/orders.js')).status).to.equal(401);
  });

  it('never serves anything outside the ui/ folder, nor a failed plugin', async () => {
    for (const url of [
      '/ui/plugins/shop/secret.js',
      '/ui/plugins/shop/..%2Fsecret.js',
      '/ui/plugins/shop/%2e%2e/secret.js',
      '/ui/plugins/shop/escape.js',
      '/ui/plugins/shop/notes.txt',
      '/ui/plugins/shop/lib',
      '/ui/plugins/shop/nothing.js',
      '/ui/plugins/outside/index.js',
      '/ui/plugins/squatter/p.js',
    ]) {
      const res = await admin.get(url);
      expect(res.status, url).to.equal(404);
      expect(res.text, url).not.to.include('database password');
    }
  });

  it('stops serving and listing the pages of a disabled plugin at once', async () => {
    expect((await admin.post('/api/system/plugins/shop/disable')).status).to.equal(200);
    expect((await admin.get('/api/ui/navigation')).body.pages.map((p: { plugin: string }) => p.plugin)).to.deep.equal(['vault']);
    expect((await admin.get('/ui/plugins/shop/orders.js')).status).to.equal(404);
    await admin.post('/api/system/plugins/shop/enable');
    expect((await admin.get('/ui/plugins/shop/orders.js')).status).to.equal(200);
  });
});
