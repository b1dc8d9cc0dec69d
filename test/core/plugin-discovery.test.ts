import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { discoverPackages } from '../../core/plugins/discovery';
import { tempDir } from '../support/test-app';

function writePackage(nodeModules: string, name: string, id: string): void {
  const dir = path.join(nodeModules, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', main: 'main.js' }));
  fs.writeFileSync(
    path.join(dir, 'main.js'),
    `const { definePlugin } = require('@carillon/plugin-api');\nmodule.exports = definePlugin({ id: '${id}', version: '1.0.0', apiVersion: '^1' });\n`,
  );
}

describe('Plugin discovery in the plugin folder', () => {
  it('finds carillon-plugin-* and @scope/carillon-plugin-* packages and nothing else', () => {
    const nodeModules = tempDir('carillon-discovery-');
    writePackage(nodeModules, 'carillon-plugin-hello', 'hello');
    writePackage(nodeModules, '@acme/carillon-plugin-crm', 'acme-crm');
    writePackage(nodeModules, 'left-pad', 'not-a-plugin');
    writePackage(nodeModules, '@acme/helpers', 'not-a-plugin-either');
    const found = discoverPackages(nodeModules).map((p) => ({ name: p.name, id: p.manifest?.id, error: p.error?.code }));
    expect(found).to.have.deep.members([
      { name: 'carillon-plugin-hello', id: 'hello', error: undefined },
      { name: '@acme/carillon-plugin-crm', id: 'acme-crm', error: undefined },
    ]);
  });

  it('reports a package whose main module is missing as plugin_load_failed', () => {
    const nodeModules = tempDir('carillon-discovery-');
    const dir = path.join(nodeModules, 'carillon-plugin-broken');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'carillon-plugin-broken', main: 'nope.js' }));
    const [plugin] = discoverPackages(nodeModules);
    expect(plugin.error?.code).to.equal('plugin_load_failed');
  });
});
