#!/usr/bin/env node
// Builds the @carillon/plugin-api package: declarations emitted by tsc from core/plugin-api.ts
// (the module the host gives plugins at run time), packed with `npm pack`.
//   node core/plugin-api-package/build.mjs [destination folder]   (default: dist/plugin-api)
// Prints the tarball's path.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
const destination = path.resolve(process.argv[2] ?? path.join(root, 'dist', 'plugin-api'));
const hostPackage = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
const typesSource = fs.readFileSync(path.join(root, 'core', 'plugins', 'types.ts'), 'utf8');
const version = /PLUGIN_API_VERSION = '([^']+)'/.exec(typesSource)?.[1];
if (!version) throw new Error('PLUGIN_API_VERSION not found in core/plugins/types.ts');

const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'carillon-plugin-api-'));
try {
  execFileSync(path.join(root, 'node_modules', '.bin', 'tsc'), ['-p', path.join(here, 'tsconfig.json'), '--outDir', path.join(stage, 'types')], { stdio: 'inherit' });
  // The ambient declaration of ari-client (untyped upstream) travels with the types that use it.
  fs.copyFileSync(path.join(root, 'core', 'telephony', 'ari', 'ari-client.d.ts'), path.join(stage, 'types', 'ari-client.d.ts'));
  fs.writeFileSync(path.join(stage, 'index.d.ts'), "/// <reference path=\"./types/ari-client.d.ts\" />\nexport * from './types/core/plugin-api';\n");
  fs.copyFileSync(path.join(here, 'index.js'), path.join(stage, 'index.js'));
  fs.copyFileSync(path.join(here, 'README.md'), path.join(stage, 'README.md'));
  // The libraries the declarations import, at the host's versions (their types are part of the API).
  const typed = ['zod', 'sequelize', 'awilix', 'pino', 'umzug', 'libphonenumber-js', '@types/koa', '@types/node'];
  const all = { ...hostPackage.dependencies, ...hostPackage.devDependencies };
  const dependencies = Object.fromEntries(typed.map((name) => {
    if (!all[name]) throw new Error(`${name} is not a dependency of Carillon: update the list in build.mjs`);
    return [name, all[name]];
  }));
  fs.writeFileSync(path.join(stage, 'package.json'), `${JSON.stringify({
    name: '@carillon/plugin-api',
    version,
    description: 'Types of the Carillon plugin API (the host provides the module at run time)',
    license: hostPackage.license,
    main: 'index.js',
    types: 'index.d.ts',
    files: ['index.js', 'index.d.ts', 'types/', 'README.md'],
    dependencies,
  }, null, 2)}\n`);
  fs.mkdirSync(destination, { recursive: true });
  const out = execFileSync('npm', ['pack', '--silent', '--pack-destination', destination], { cwd: stage, encoding: 'utf8' }).trim().split('\n').pop();
  process.stdout.write(`${path.join(destination, out)}\n`);
} finally {
  fs.rmSync(stage, { recursive: true, force: true });
}
