import fs from 'node:fs';
import Module from 'node:module';
import path from 'node:path';
import { PluginError } from './errors';
import { validateManifest, type ValidManifest } from './manifest';

export interface DiscoveredPlugin {
  source: 'bundled' | 'package';
  /** The plugin's folder: its migrations and UI files are looked up there. */
  root: string;
  /** Folder or package name, to name a plugin whose manifest could not be read. */
  name: string;
  manifest?: ValidManifest;
  error?: PluginError;
}

const PACKAGE_NAME = /^(@[a-z0-9-~][a-z0-9-._~]*\/)?carillon-plugin-[a-z0-9-._~]+$/;
const API_MODULE = '@carillon/plugin-api';

let apiModuleInstalled = false;

/** Lets plugin packages `require('@carillon/plugin-api')` from wherever they are installed, as VS Code does for `vscode`. */
function provideApiModule(): void {
  if (apiModuleInstalled) return;
  apiModuleInstalled = true;
  const apiPath = require.resolve('../plugin-api');
  const moduleWithResolver = Module as unknown as { _resolveFilename: (request: string, ...rest: unknown[]) => string };
  const original = moduleWithResolver._resolveFilename;
  moduleWithResolver._resolveFilename = function resolveFilename(this: unknown, request: string, ...rest: unknown[]) {
    return request === API_MODULE ? apiPath : original.call(this, request, ...rest);
  };
}

function load(source: DiscoveredPlugin['source'], root: string, name: string, entry: string): DiscoveredPlugin {
  let exported: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(entry) as { default?: unknown };
    exported = mod && typeof mod === 'object' && 'default' in mod ? mod.default : mod;
  } catch (err) {
    return { source, root, name, error: new PluginError('plugin_load_failed', `Cannot load ${entry}: ${(err as Error).message}`) };
  }
  try {
    return { source, root, name, manifest: validateManifest(exported) };
  } catch (err) {
    return { source, root, name, error: err as PluginError };
  }
}

function bundledEntry(folder: string): string | null {
  for (const file of ['index.ts', 'index.js']) {
    if (fs.existsSync(path.join(folder, file))) return path.join(folder, file);
  }
  return null;
}

/** Bundled plugins: every folder of `dir` that has an index (folders without one are libraries, not plugins). */
export function discoverBundled(dir: string): DiscoveredPlugin[] {
  if (!fs.existsSync(dir)) return [];
  provideApiModule();
  return fs
    .readdirSync(dir)
    .map((name) => ({ name, root: path.join(dir, name) }))
    // statSync follows symbolic links, so a plugin folder linked into place is found too.
    .filter(({ root }) => fs.statSync(root, { throwIfNoEntry: false })?.isDirectory())
    .flatMap(({ name, root }) => {
      const entry = bundledEntry(root);
      return entry ? [load('bundled', root, name, entry)] : [];
    });
}

/** Third-party plugins: `carillon-plugin-*` and `@scope/carillon-plugin-*` packages in a node_modules folder. */
export function discoverPackages(nodeModules: string): DiscoveredPlugin[] {
  if (!fs.existsSync(nodeModules)) return [];
  provideApiModule();
  const candidates: string[] = [];
  for (const entry of fs.readdirSync(nodeModules)) {
    if (entry.startsWith('@')) {
      for (const inner of fs.readdirSync(path.join(nodeModules, entry))) candidates.push(`${entry}/${inner}`);
    } else candidates.push(entry);
  }
  return candidates
    .filter((name) => PACKAGE_NAME.test(name))
    .map((name) => {
      const root = fs.realpathSync(path.join(nodeModules, name));
      let main: string;
      try {
        const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { main?: string };
        main = require.resolve(path.join(root, pkg.main ?? 'index.js'));
      } catch (err) {
        return { source: 'package' as const, root, name, error: new PluginError('plugin_load_failed', `Cannot read package ${name}: ${(err as Error).message}`) };
      }
      return load('package', root, name, main);
    });
}
