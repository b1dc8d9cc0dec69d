import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { REPO_ROOT } from '../support/cli';
import { startTestApp, tempDir, type TestApp } from '../support/test-app';
import { installPluginPackage } from '../support/plugins';
import { PLUGIN_API_VERSION } from '../../core/plugin-api';

const TYPED_PLUGIN = path.resolve(__dirname, '..', 'fixtures', 'carillon-plugin-typed');
const TSC = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsc');

/**
 * `@carillon/plugin-api` as a plugin author gets it: built from core/plugin-api.ts into an npm
 * tarball, installed in a plugin's own folder with only the dependencies it declares, and a
 * TypeScript plugin compiled against it with tsc; the compiled plugin then runs in Carillon.
 */
describe('The @carillon/plugin-api types package', function () {
  this.timeout(180_000);
  let project: string;
  let manifest: { name: string; version: string; types: string; dependencies: Record<string, string> };

  before(() => {
    const out = tempDir('carillon-plugin-api-');
    const tarball = execFileSync('node', [path.join(REPO_ROOT, 'core', 'plugin-api-package', 'build.mjs'), out], { encoding: 'utf8' }).trim();
    expect(path.basename(tarball)).to.match(/^carillon-plugin-api-\d+\.\d+\.\d+\.tgz$/);

    // The plugin author's checkout: their sources, and node_modules as npm would fill it.
    project = path.join(tempDir('carillon-plugin-typed-'), 'carillon-plugin-typed');
    fs.cpSync(TYPED_PLUGIN, project, { recursive: true, filter: (src) => !src.includes(`${path.sep}dist`) });
    const installed = path.join(project, 'node_modules', '@carillon', 'plugin-api');
    fs.mkdirSync(installed, { recursive: true });
    execFileSync('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
    manifest = JSON.parse(fs.readFileSync(path.join(installed, 'package.json'), 'utf8'));
    // Offline here: the package's declared dependencies come from Carillon's own node_modules
    // (same versions), and nothing else is there, so a missing declaration fails the compile.
    for (const dep of Object.keys(manifest.dependencies)) {
      const target = path.join(project, 'node_modules', dep);
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.symlinkSync(path.join(REPO_ROOT, 'node_modules', dep), target);
    }
  });

  it('is named, versioned and typed from the plugin API it is built from', () => {
    expect(manifest).to.include({ name: '@carillon/plugin-api', version: PLUGIN_API_VERSION, types: 'index.d.ts' });
  });

  it('compiles a TypeScript plugin with tsc in strict mode', () => {
    const result = spawnSync(TSC, ['-p', project], { encoding: 'utf8' });
    expect(result.status, result.stdout + result.stderr).to.equal(0);
    expect(fs.existsSync(path.join(project, 'dist', 'index.js'))).to.equal(true);
  });

  it('refuses what the plugin API does not allow', () => {
    fs.copyFileSync(path.join(project, 'src', 'wrong.ts.txt'), path.join(project, 'src', 'wrong.ts'));
    try {
      const result = spawnSync(TSC, ['-p', project, '--noEmit'], { encoding: 'utf8' });
      expect(result.status).to.not.equal(0);
      expect(result.stdout).to.include(`Type '"fine"' is not assignable`);
      expect(result.stdout).to.include(`Type '"FETCH"' is not assignable`);
      // The libraries' types come through too (not silently any): zod's min() takes a number.
      expect(result.stdout).to.include(`Argument of type 'string' is not assignable to parameter of type 'number`);
    } finally {
      fs.rmSync(path.join(project, 'src', 'wrong.ts'));
    }
  });

  describe('the compiled plugin in Carillon', () => {
    let t: TestApp;
    after(() => t?.stop());

    it('runs, getting the host’s module for @carillon/plugin-api rather than the types package', async () => {
      // Installed as an admin would: without its devDependencies (the types package).
      fs.rmSync(path.join(project, 'node_modules'), { recursive: true, force: true });
      t = await startTestApp({ pluginDir: installPluginPackage(project) });
      const [plugin] = (await t.client().get('/api/health')).body.plugins;
      expect(plugin, JSON.stringify(plugin)).to.include({ id: 'typed', state: 'started' });
      expect(plugin.health).to.deep.include({ status: 'ok', message: { en: 'Greets with hello', fr: 'Salue par hello' } });
      const admin = await t.adminClient();
      expect((await admin.get('/api/plugins/typed/greet?name=Ada')).body).to.deep.equal({ text: 'hello Ada' });
    });
  });
});
