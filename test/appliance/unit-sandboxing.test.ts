import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { tempDir } from '../support/test-app';

const APPLIANCE = path.resolve(__dirname, '..', '..', 'appliance');
/** Every unit the appliance ships, with where it comes from. Root ones included: they matter most. */
const UNITS = ['deb/carillon.service', 'deb/carillon-console.service', 'image/carillon-firstboot.service', 'image/carillon-grow-root.service'];
/** systemd-analyze's "OK" band ends at 4.9; every unit of ours stays well inside it. */
const MAX_EXPOSURE = 4;

describe('appliance: systemd units are sandboxed', () => {
  before(function () {
    if (spawnSync('sh', ['-c', 'command -v systemd-analyze']).status !== 0) {
      process.stdout.write('    skipped: systemd-analyze is not installed\n');
      this.skip();
    }
  });

  for (const unit of UNITS) {
    it(`${path.basename(unit)} has an exposure of at most ${MAX_EXPOSURE} (systemd-analyze security)`, () => {
      const root = tempDir('units-');
      const dir = path.join(root, 'etc', 'systemd', 'system');
      fs.mkdirSync(dir, { recursive: true });
      fs.copyFileSync(path.join(APPLIANCE, unit), path.join(dir, path.basename(unit)));
      const result = spawnSync('systemd-analyze', ['security', '--offline=true', `--root=${root}`, '--no-pager', path.basename(unit)], { encoding: 'utf8' });
      const level = /Overall exposure level for \S+: ([\d.]+)/.exec(result.stdout)?.[1];
      expect(level, `${result.stdout}${result.stderr}`).to.be.a('string');
      expect(Number(level), result.stdout).to.be.at.most(MAX_EXPOSURE);
    });
  }
});
