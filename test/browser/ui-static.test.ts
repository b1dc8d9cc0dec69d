import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { expect } from 'chai';
import Koa from 'koa';
import { uiStatic } from '../../core/http/ui-static';
import { tempDir } from '../support/test-app';

/** The static serving of the built UI, on a bare Koa app with a fake build: what reaches the routes behind it. */
describe('Admin UI static serving', () => {
  let server: http.Server;
  let base: string;
  let dist: string | null;

  async function serve(distDir: string | null): Promise<void> {
    dist = distDir;
    const app = new Koa();
    app.use(uiStatic({ distDir }));
    // Stands for the router: anything the UI layer lets through ends here.
    app.use((ctx) => {
      ctx.body = { reached: 'routes', path: ctx.path };
    });
    server = http.createServer(app.callback());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  afterEach(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (dist) fs.rmSync(path.dirname(dist), { recursive: true, force: true });
  });

  function fakeBuild(): string {
    const dir = path.join(tempDir('carillon-ui-'), 'dist');
    fs.mkdirSync(path.join(dir, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>shell</title>');
    fs.writeFileSync(path.join(dir, 'assets', 'index-abc123.js'), 'export {};');
    fs.writeFileSync(path.join(path.dirname(dir), 'secret.txt'), 'outside the build');
    return dir;
  }

  const html = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };

  it('answers page navigations with index.html (no-cache) and hashed assets with an immutable cache', async () => {
    await serve(fakeBuild());
    for (const p of ['/', '/admin/users', '/telephony/extensions/12', '/plugins/example']) {
      const res = await fetch(`${base}${p}`, { headers: html });
      expect(res.status, p).to.equal(200);
      expect(await res.text(), p).to.contain('<title>shell</title>');
      expect(res.headers.get('cache-control'), p).to.equal('no-cache');
    }
    const asset = await fetch(`${base}/assets/index-abc123.js`);
    expect(asset.status).to.equal(200);
    expect(asset.headers.get('content-type')).to.match(/javascript/);
    expect(asset.headers.get('cache-control')).to.equal('public, max-age=31536000, immutable');
  });

  it("never answers for the server's own paths, for API clients, or outside the build", async () => {
    await serve(fakeBuild());
    for (const p of ['/api/users', '/api', '/provisioning/0004f2aabbcc.cfg', '/socket.io/', '/ui/plugins/example/notes.js', '/setup', '/setup/setup.js', '/p/example/ping']) {
      const body = (await (await fetch(`${base}${p}`, { headers: html })).json()) as { reached: string };
      expect(body.reached, p).to.equal('routes');
    }
    // A script or an API client asking for JSON at / gets the API's root.
    expect(((await (await fetch(`${base}/`, { headers: { accept: 'application/json' } })).json()) as { reached: string }).reached).to.equal('routes');
    // Writes are never the UI's.
    expect(((await (await fetch(`${base}/admin/users`, { method: 'POST', headers: html })).json()) as { reached: string }).reached).to.equal('routes');
    // A missing asset is a 404 from the routes, not the shell (a stale tab must not run HTML as a script).
    expect(((await (await fetch(`${base}/assets/index-gone.js`)).json()) as { reached: string }).reached).to.equal('routes');
    const traversal = await fetch(`${base}/assets/..%2f..%2fsecret.txt`);
    expect(await traversal.text()).not.to.contain('outside the build');
  });

  it('says how to build the UI when it is not built, and still lets the API through', async () => {
    await serve(null);
    const root = await fetch(`${base}/`, { headers: html });
    expect(root.status).to.equal(200);
    expect(await root.text()).to.contain('npm run build:ui');
    expect(((await (await fetch(`${base}/admin/users`, { headers: html })).json()) as { reached: string }).reached).to.equal('routes');
    expect(((await (await fetch(`${base}/api/health`)).json()) as { reached: string }).reached).to.equal('routes');
  });
});
