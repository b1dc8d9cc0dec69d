import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import semver from 'semver';

/**
 * `npm audit` needs the registry's advisory service, which an appliance build or this CI may not
 * reach: the advisories Carillon has acted on are checked here against package-lock.json instead
 * (see docs/security.md, "Dependency advisories"). Add an entry when an advisory is fixed by an
 * override or an upgrade, so that the fix cannot silently come undone.
 */
const ADVISORIES: Array<{ id: string; pkg: string; vulnerable: string; why: string }> = [
  {
    id: 'CVE-2025-7783 (GHSA-fjxv-7rqg-78g4)',
    pkg: 'form-data',
    vulnerable: '<2.5.4 || >=3.0.0 <3.0.4 || >=4.0.0 <4.0.4',
    why: 'multipart boundaries drawn from Math.random are predictable',
  },
];

interface LockFile {
  packages: Record<string, { version?: string }>;
}

describe('Dependency advisories (package-lock.json)', () => {
  const lock = JSON.parse(fs.readFileSync(path.resolve(__dirname, '..', '..', 'package-lock.json'), 'utf8')) as LockFile;

  for (const advisory of ADVISORIES) {
    it(`installs no ${advisory.pkg} affected by ${advisory.id}`, () => {
      const installed = Object.entries(lock.packages).filter(([where]) => where === `node_modules/${advisory.pkg}` || where.endsWith(`/node_modules/${advisory.pkg}`));
      expect(installed, `${advisory.pkg} is no longer installed: drop or update this entry`).not.to.be.empty;
      const affected = installed.filter(([, entry]) => semver.satisfies(entry.version ?? '0.0.0', advisory.vulnerable)).map(([where, entry]) => `${where}@${entry.version}`);
      expect(affected, `${advisory.id}: ${advisory.why}`).to.deep.equal([]);
    });
  }
});
