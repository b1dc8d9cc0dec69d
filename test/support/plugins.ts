import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { tempDir } from './test-app';

export const EXAMPLE_PLUGIN = path.resolve(__dirname, '..', 'fixtures', 'carillon-plugin-example');
export const FAILURE_PLUGINS = path.resolve(__dirname, '..', 'fixtures', 'plugin-failures');

/** Installs a plugin package the way an admin does (`npm install` into the plugin folder); returns its node_modules. */
export function installPluginPackage(packageDir: string): string {
  const prefix = tempDir('carillon-plugins-');
  execFileSync('npm', ['install', '--prefix', prefix, '--install-links', '--no-audit', '--no-fund', '--offline', packageDir], { stdio: 'pipe' });
  return path.join(prefix, 'node_modules');
}

export async function eventually<T>(probe: () => Promise<T | undefined | false>, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
