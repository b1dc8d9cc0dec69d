#!/usr/bin/env node
// Builds the admin UI (ui/dist), with .br and .gz variants of its files, when it is missing or
// older than its sources. Run by `npm ci` (prepare), `npm start` and the browser tests, so the
// README's two commands give a working UI.
// Without Vite (a production install with --omit=dev) it says so and leaves things as they are.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const uiDir = path.dirname(fileURLToPath(import.meta.url));
const root = path.dirname(uiDir);
const builtIndex = path.join(uiDir, 'dist', 'index.html');
const sources = [path.join(uiDir, 'src'), path.join(uiDir, 'index.html'), path.join(uiDir, 'vite.config.mts'), path.join(root, 'package-lock.json')];

function newestMtime(entry) {
  if (!fs.existsSync(entry)) return 0;
  const stat = fs.statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of fs.readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, child)));
  return newest;
}

const builtAt = fs.existsSync(builtIndex) ? fs.statSync(builtIndex).mtimeMs : 0;
const changedAt = Math.max(...sources.map(newestMtime));
// A build from before the compressed variants existed is rebuilt once to get them.
const precompressed = fs.existsSync(`${builtIndex}.gz`);
if (builtAt && builtAt >= changedAt && precompressed && !process.argv.includes('--force')) process.exit(0);

const viteBin = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
if (!fs.existsSync(viteBin)) {
  console.warn(builtAt ? 'ui: Vite is not installed; serving the existing (older) build of ui/dist.' : 'ui: Vite is not installed (dev dependencies omitted): the admin UI is not built.');
  process.exit(0);
}
console.log(builtAt ? 'ui: sources changed, rebuilding ui/dist…' : 'ui: building ui/dist…');
const result = spawnSync(process.execPath, [viteBin, 'build', '--config', path.join(uiDir, 'vite.config.mts'), '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' });
process.exit(result.status ?? 1);
