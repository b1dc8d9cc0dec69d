import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { startTestApp, tempDir } from '../support/test-app';
import { EXAMPLE_PLUGIN } from '../support/plugins';
import { carillonAsync } from '../support/cli';

const NPM_FLAGS = ['--offline', '--no-audit', '--no-fund'];

/**
 * The example plugin's version as a new Carillon process finds it (`carillon plugin list`): a
 * restart is a new process, while this test process keeps every module it loaded once.
 */
async function versionFound(pluginDir: string): Promise<string> {
  const dataDir = tempDir();
  const res = await carillonAsync(['plugin', 'list', '--json'], { env: { ...process.env, CARILLON_DATA_DIR: dataDir, CARILLON_DATABASE_URL: `sqlite:${path.join(dataDir, 'c.sqlite')}`, CARILLON_PLUGIN_DIR: pluginDir, CARILLON_LOG_LEVEL: 'silent', CARILLON_CONFIG: '' } });
  expect(res.code, res.stderr).to.equal(0);
  const example = (JSON.parse(res.stdout) as Array<{ id: string; version: string; error: unknown }>).find((p) => p.id === 'example')!;
  expect(example.error).to.equal(null);
  return example.version;
}

/** Starts Carillon on `pluginDir` and returns the version it serves for the example plugin, started. */
async function versionServed(pluginDir: string): Promise<string> {
  const t = await startTestApp({ pluginDir });
  try {
    const [plugin] = (await t.client().get('/api/health')).body.plugins;
    expect(plugin.state, JSON.stringify(plugin)).to.equal('started');
    return plugin.version;
  } finally {
    await t.stop();
  }
}

function setVersion(folder: string, version: string): void {
  const file = path.join(folder, 'index.js');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/version: '[^']+'/, `version: '${version}'`));
}

/**
 * What docs/plugins.md tells plugin authors about installing the plugin they are writing: a folder
 * installed by npm's default (a link) or with `npm link` is picked up from the working copy at every
 * restart; `--install-links` copies it, so edits need `npm install` again.
 */
describe('Installing a plugin under development', function () {
  this.timeout(120_000);
  let source: string;

  beforeEach(() => {
    source = path.join(tempDir('carillon-plugin-src-'), 'carillon-plugin-example');
    fs.cpSync(EXAMPLE_PLUGIN, source, { recursive: true });
  });

  it('`npm install --prefix <plugins> <folder>` links the working copy: an edit shows at the next restart', async () => {
    const prefix = tempDir('carillon-plugins-');
    execFileSync('npm', ['install', '--prefix', prefix, ...NPM_FLAGS, source], { stdio: 'pipe' });
    const installed = path.join(prefix, 'node_modules', 'carillon-plugin-example');
    expect(fs.lstatSync(installed).isSymbolicLink()).to.equal(true);
    expect(await versionServed(path.join(prefix, 'node_modules'))).to.equal('1.2.0');
    setVersion(source, '1.2.1');
    expect(await versionFound(path.join(prefix, 'node_modules'))).to.equal('1.2.1');
  });

  it('`npm link` works the same way (the plugins folder needs a package.json, as npm install --prefix leaves)', async () => {
    const globalPrefix = tempDir('npm-global-');
    const plugins = tempDir('carillon-plugins-');
    fs.writeFileSync(path.join(plugins, 'package.json'), '{}\n');
    const env = { ...process.env, NPM_CONFIG_PREFIX: globalPrefix };
    execFileSync('npm', ['link', ...NPM_FLAGS], { cwd: source, env, stdio: 'pipe' });
    execFileSync('npm', ['link', 'carillon-plugin-example', ...NPM_FLAGS], { cwd: plugins, env, stdio: 'pipe' });
    setVersion(source, '1.3.0');
    expect(await versionServed(path.join(plugins, 'node_modules'))).to.equal('1.3.0');
  });

  it('`--install-links` copies the folder: an edit needs `npm uninstall` then `npm install` (npm keeps a copy of the same version)', async () => {
    const prefix = tempDir('carillon-plugins-');
    const install = () => execFileSync('npm', ['install', '--prefix', prefix, '--install-links', ...NPM_FLAGS, source], { stdio: 'pipe' });
    install();
    expect(fs.lstatSync(path.join(prefix, 'node_modules', 'carillon-plugin-example')).isSymbolicLink()).to.equal(false);
    setVersion(source, '1.2.1');
    expect(await versionFound(path.join(prefix, 'node_modules'))).to.equal('1.2.0');
    // Installing again is "up to date": the package.json version did not change.
    install();
    expect(await versionFound(path.join(prefix, 'node_modules'))).to.equal('1.2.0');
    execFileSync('npm', ['uninstall', '--prefix', prefix, ...NPM_FLAGS, 'carillon-plugin-example'], { stdio: 'pipe' });
    install();
    expect(await versionFound(path.join(prefix, 'node_modules'))).to.equal('1.2.1');
  });
});
