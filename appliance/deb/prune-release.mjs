// Prunes a release's production node_modules (after `npm prune --omit=dev`) to what runs:
//  - packages only needed to build or install native modules (node-gyp, prebuild-install, the
//    node-addon-api headers) or to minify at build time (uglify-js, handlebars' optional
//    dependency), with whatever only they pulled in;
//  - the musl build of argon2 (the appliance is Debian: glibc);
//  - each package's development leftovers: tests, examples, benchmarks, coverage reports, CI and
//    lint configuration, and documentation pages (pino's loads its script from a CDN).
// Usage: node prune-release.mjs <release dir>. Prints what it removed, in numbers.
import fs from 'node:fs';
import path from 'node:path';

const BUILD_ONLY = new Set(['node-gyp', 'prebuild-install', 'node-addon-api', 'uglify-js']);
const LEFTOVER_DIRS = new Set(['.github', 'test', 'tests', '__tests__', 'example', 'examples', 'benchmark', 'benchmarks', 'bench', 'coverage', 'docs', 'doc', 'demo', '.nyc_output']);
const LEFTOVER_FILE = /^(\.eslintrc.*|eslint\.config\..*|\.jshintrc|\.jscsrc|\.editorconfig|\.travis\.yml|\.npmignore|\.gitattributes|\.prettierrc.*|\.nycrc.*|\.taprc|tsconfig(\..*)?\.json|.*\.html|Makefile|\.airtap\.yml|\.zuul\.yml|appveyor\.yml)$/;

const release = path.resolve(process.argv[2] ?? '.');
const modules = path.join(release, 'node_modules');

/** Node's resolution: the package `name` as seen from the folder `from` (a package or the release). */
function resolve(name, from) {
  for (let dir = from; dir.startsWith(release); dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'node_modules', name);
    if (fs.existsSync(path.join(candidate, 'package.json'))) return candidate;
    if (dir === release) break;
  }
  return null;
}

function runtimeDependencies(dir) {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  // Peers count: npm installs them, and the package requires them at run time (koa-helmet's helmet).
  return Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies, ...manifest.peerDependencies }).filter((name) => !BUILD_ONLY.has(name));
}

// Every package the release reaches from its own dependencies.
const kept = new Set();
const queue = [release];
while (queue.length) {
  const dir = queue.pop();
  for (const name of runtimeDependencies(dir)) {
    const found = resolve(name, dir);
    if (found && !kept.has(found)) {
      kept.add(found);
      queue.push(found);
    }
  }
}

/** Every installed package folder, nested ones included. */
function installed(root) {
  const out = [];
  if (!fs.existsSync(root)) return out;
  for (const entry of fs.readdirSync(root)) {
    if (entry.startsWith('.')) continue;
    const full = path.join(root, entry);
    if (entry.startsWith('@')) {
      for (const scoped of fs.readdirSync(full)) out.push(path.join(full, scoped));
    } else {
      out.push(full);
    }
  }
  return out.flatMap((dir) => [dir, ...installed(path.join(dir, 'node_modules'))]);
}

let packages = 0;
for (const dir of installed(modules)) {
  if (!fs.existsSync(dir) || kept.has(dir)) continue;
  fs.rmSync(dir, { recursive: true, force: true });
  packages += 1;
}

/** The top-level entries a package's manifest points at (main, exports, bin): never leftovers. */
function entryPoints(dir) {
  const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
  const targets = JSON.stringify([manifest.main, manifest.exports, manifest.bin, manifest.browser]).match(/"\.?\/?[^"]+"/g) ?? [];
  return new Set(targets.map((target) => target.replace(/^"(\.\/)?|"$/g, '').split('/')[0]));
}

let leftovers = 0;
for (const dir of kept) {
  const used = entryPoints(dir);
  for (const entry of fs.readdirSync(dir)) {
    const full = path.join(dir, entry);
    const isDir = fs.statSync(full).isDirectory();
    if (!used.has(entry) && (isDir ? LEFTOVER_DIRS.has(entry) : LEFTOVER_FILE.test(entry))) {
      fs.rmSync(full, { recursive: true, force: true });
      leftovers += 1;
    }
  }
}
const musl = path.join(modules, 'argon2', 'prebuilds', 'linux-x64', 'argon2.musl.node');
if (fs.existsSync(musl)) fs.rmSync(musl);

console.log(`pruned ${packages} build-only packages and ${leftovers} development leftovers`);
