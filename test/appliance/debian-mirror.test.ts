import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { tempDir } from '../support/test-app';

const SCRIPT = path.resolve(__dirname, '..', '..', 'appliance', 'debian-mirror.sh');

/** What the builders' mirror look-up prints for a given apt configuration folder. */
function mirrorFor(files: Record<string, string>, env: Record<string, string> = {}): string {
  const dir = tempDir('apt-');
  fs.mkdirSync(path.join(dir, 'sources.list.d'));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  const { CARILLON_DEBIAN_MIRROR: _ignored, ...inherited } = process.env;
  return execFileSync('sh', [SCRIPT], { env: { ...inherited, CARILLON_APT_SOURCES_DIR: dir, ...env }, encoding: 'utf8' }).trim();
}

describe('appliance builds: the Debian mirror comes from the build machine', () => {
  it("takes the bookworm mirror from a one-line sources.list, options and comments aside", () => {
    const list = '# local mirror\ndeb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://mirror.lan/debian bookworm main\ndeb http://mirror.lan/debian-security bookworm-security main\n';
    expect(mirrorFor({ 'sources.list': list })).to.equal('http://mirror.lan/debian');
  });

  it('takes it from a deb822 .sources file (a caching proxy), skipping deb-src and security stanzas', () => {
    const sources = [
      'Types: deb-src\nURIs: http://src.lan/debian\nSuites: bookworm\nComponents: main\n',
      'Types: deb\nURIs: http://proxy.lan:3142/debian-security\nSuites: bookworm-security\nComponents: main\n',
      'Types: deb\n# a comment\nURIs: http://proxy.lan:3142/debian\nSuites: bookworm bookworm-updates\nComponents: main\n',
    ].join('\n');
    expect(mirrorFor({ 'sources.list.d/debian.sources': sources })).to.equal('http://proxy.lan:3142/debian');
  });

  it("falls back to Debian's redirector when no source names bookworm, and CARILLON_DEBIAN_MIRROR wins", () => {
    expect(mirrorFor({ 'sources.list': 'deb http://old.lan/debian bullseye main\n' })).to.equal('http://deb.debian.org/debian');
    expect(mirrorFor({ 'sources.list': 'deb http://mirror.lan/debian bookworm main\n' }, { CARILLON_DEBIAN_MIRROR: 'http://chosen.lan/debian' })).to.equal('http://chosen.lan/debian');
  });
});
