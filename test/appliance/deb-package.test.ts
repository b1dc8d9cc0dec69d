import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { basePackages, baseTarball, chrootUnavailableReason, DebianChroot } from './debian-chroot';

/**
 * The appliance package end to end: `npm run package` builds the .deb, dpkg-deb and lintian check
 * it, and it is installed into a fresh Debian 12 (debootstrap, cached) with MariaDB started
 * inside, to prove postinst from nothing, reinstall, upgrade, downgrade refusal and a failed
 * migration. Needs root and debootstrap; otherwise skipped with the reason printed.
 */

const REPO = path.resolve(__dirname, '..', '..');
const VERSION = (JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
const log = (line: string) => console.log(`      ${line}`);

function run(program: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): string {
  const result = spawnSync(program, args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, cwd: options.cwd, env: options.env ?? process.env });
  if (result.status !== 0) throw new Error(`${program} ${args.join(' ')} failed (exit ${result.status}):\n${result.stdout?.slice(-4000)}\n${result.stderr?.slice(-4000)}`);
  return result.stdout;
}

/**
 * Another version of the same package, as a later (or failing) release would be: the release
 * folder, control file, maintainer scripts and package.json carry the new version.
 */
function repackAs(deb: string, version: string, outDir: string, options: { failingMigration?: boolean } = {}): string {
  const dir = fs.mkdtempSync(path.join(outDir, 'repack-'));
  run('dpkg-deb', ['-R', deb, dir]);
  const releases = path.join(dir, 'opt', 'carillon', 'releases');
  fs.renameSync(path.join(releases, VERSION), path.join(releases, version));
  const pkgJson = path.join(releases, version, 'package.json');
  fs.writeFileSync(pkgJson, fs.readFileSync(pkgJson, 'utf8').replace(`"version": "${VERSION}"`, `"version": "${version}"`));
  if (options.failingMigration) {
    fs.writeFileSync(
      path.join(releases, version, 'dist', 'migrations', '9999-broken.js'),
      "exports.up = async () => { throw new Error('this migration is broken on purpose'); };\nexports.down = async () => {};\n",
    );
  }
  const control = path.join(dir, 'DEBIAN', 'control');
  fs.writeFileSync(control, fs.readFileSync(control, 'utf8').replace(/^Version: .*$/m, `Version: ${version}`));
  for (const script of ['preinst', 'postinst']) {
    const file = path.join(dir, 'DEBIAN', script);
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(`VERSION="${VERSION}"`, `VERSION="${version}"`));
  }
  const md5 = run('sh', ['-c', "find . -path ./DEBIAN -prune -o -type f -print0 | sort -z | xargs -0 md5sum | sed 's#  \\./#  #'"], { cwd: dir });
  fs.writeFileSync(path.join(dir, 'DEBIAN', 'md5sums'), md5);
  const out = path.join(outDir, `carillon_${version}_amd64.deb`);
  run('dpkg-deb', ['--root-owner-group', '-Znone', '--build', dir, out]);
  fs.rmSync(dir, { recursive: true, force: true });
  return out;
}

describe('appliance .deb package (build, lintian, install in a fresh Debian 12 chroot)', function () {
  this.timeout(15 * 60_000);
  let work: string;
  let deb: string;
  let chroot: DebianChroot | undefined;

  before(function () {
    const reason = chrootUnavailableReason();
    if (reason) {
      log(`skipped: ${reason}`);
      this.skip();
    }
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'carillon-deb-test-'));
    const started = Date.now();
    // The base first: on a cold cache debootstrap runs while nothing else needs the CPU.
    const tarball = baseTarball(basePackages(path.join(REPO, 'appliance', 'deb', 'control.in')), log);
    const output = run('bash', [path.join(REPO, 'appliance', 'deb', 'build.sh')], { env: { ...process.env, CARILLON_DEB_OUT: work } });
    deb = path.join(work, `carillon_${VERSION}_amd64.deb`);
    log(output.trim().split('\n').pop() ?? '');
    log(`base and package ready in ${Math.round((Date.now() - started) / 1000)} s`);
    chroot = new DebianChroot(tarball);
  });

  after(() => {
    chroot?.destroy();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('is a well-formed package: control fields, conffiles, the bundled Node and native modules, no dev dependencies', () => {
    const info = run('dpkg-deb', ['--info', deb]);
    expect(info).to.match(/Package: carillon\n/);
    expect(info).to.include(`Version: ${VERSION}\n`);
    expect(info).to.include('Architecture: amd64');
    expect(info).to.match(/Depends: [^\n]*mariadb-client/);
    expect(info, 'Node.js is bundled, not a dependency').not.to.match(/Depends: [^\n]*nodejs/);
    const conffiles = run('dpkg-deb', ['-I', deb, 'conffiles']);
    expect(conffiles.split('\n')).to.include.members(['/etc/carillon/carillon.json', '/etc/fail2ban/filter.d/carillon.conf', '/etc/fail2ban/jail.d/carillon.conf']);
    const contents = run('dpkg-deb', ['--contents', deb]);
    const rel = `./opt/carillon/releases/${VERSION}`;
    for (const file of [
      `${rel}/node/bin/node`,
      `${rel}/dist/core/cli/main.js`,
      `${rel}/dist/migrations/0001-users-roles-sessions.js`,
      `${rel}/node_modules/sqlite3/build/Release/node_sqlite3.node`,
      `${rel}/node_modules/argon2/prebuilds/linux-x64/`,
      './usr/bin/carillon',
      './lib/systemd/system/carillon.service',
      './usr/share/carillon/asterisk/pjsip.conf',
      './usr/share/doc/carillon/appliance.md',
    ]) {
      expect(contents, file).to.include(file);
    }
    if (fs.existsSync(path.join(REPO, 'ui', 'dist', 'index.html'))) expect(contents).to.include(`${rel}/ui/dist/index.html`);
    for (const devOnly of ['typescript', 'mocha', 'vite', 'tsx', 'node-gyp', 'prebuild-install', 'node-addon-api', 'uglify-js']) {
      expect(contents, devOnly).not.to.include(`${rel}/node_modules/${devOnly}/package.json`);
    }
    // Development leftovers: another libc's build, lint and CI configuration, tests, pages that load scripts from a CDN.
    expect(contents).not.to.include('argon2.musl.node');
    expect(contents).not.to.match(/node_modules\/(@[^/\s]+\/)?[^/\s]+\/(\.eslintrc[^/\s]*|eslint\.config\.[a-z]+|\.jshintrc|\.travis\.yml|\.github\/|test\/|[^/\s]+\.html)\n/);
    expect(contents, 'no TypeScript sources').not.to.match(/releases\/[^/]+\/core\/.*\.ts\n/);
  });

  it('passes lintian on its Debian parts (maintainer scripts, units, conffiles, copyright)', function () {
    if (spawnSync('sh', ['-c', 'command -v lintian']).status !== 0) {
      log('skipped: lintian is not installed');
      this.skip();
    }
    // The bundled JavaScript under /opt would only drown the report (thousands of third-party files): checked without it.
    const dir = fs.mkdtempSync(path.join(work, 'lintian-'));
    run('dpkg-deb', ['-R', deb, dir]);
    const rel = path.join(dir, 'opt', 'carillon', 'releases', VERSION);
    for (const bulky of ['node_modules', 'dist', 'ui']) fs.rmSync(path.join(rel, bulky), { recursive: true, force: true });
    fs.writeFileSync(path.join(dir, 'DEBIAN', 'md5sums'), run('sh', ['-c', "find . -path ./DEBIAN -prune -o -type f -print0 | sort -z | xargs -0 md5sum | sed 's#  \\./#  #'"], { cwd: dir }));
    const slim = path.join(work, 'slim.deb');
    run('dpkg-deb', ['--root-owner-group', '-Zgzip', '-z1', '--build', dir, slim]);
    const report = spawnSync('lintian', ['--tag-display-limit', '0', slim], { encoding: 'utf8' }).stdout;
    // Accepted by design: the appliance lives in /opt (the layout), and the bundled Node.js embeds its own zlib.
    const accepted = ['dir-or-file-in-opt', 'embedded-library'];
    const errors = report.split('\n').filter((line) => line.startsWith('E:') && !accepted.some((tag) => line.includes(` ${tag} `)));
    expect(errors, report).to.deep.equal([]);
  });

  it('installs into a fresh Debian 12 with MariaDB: database and user, migrations, certificate, services enabled', () => {
    const c = chroot!;
    // Not start-stop-daemon: it would see the build machine's own mariadbd (one PID namespace) and do nothing.
    c.must('mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld && (setsid /usr/sbin/mariadbd --user=mysql </dev/null >/var/log/mariadbd-test.log 2>&1 &) && for i in $(seq 1 60); do mariadb-admin --protocol=socket -u root ping >/dev/null 2>&1 && exit 0; sleep 1; done; exit 1', { timeoutMs: 90_000 });
    c.copyIn(deb, 'tmp/carillon.deb');
    const install = c.must('dpkg -i /tmp/carillon.deb 2>&1');
    expect(install).to.include('Asterisk is not installed: Carillon runs and shows the telephony engine as not installed.');
    expect(install).to.include('created a self-signed certificate');
    expect(c.must('id carillon')).to.match(/groups=.*carillon-tls/);
    const env = c.must('cat /etc/carillon/carillon.env');
    expect(env).to.match(/^CARILLON_DATABASE_URL=mariadb:\/\/carillon:[0-9a-f]{48}@127\.0\.0\.1:3306\/carillon$/m);
    expect(c.must('stat -c "%a %U %G" /etc/carillon/carillon.env /etc/carillon/tls/carillon.key').trim().split('\n')).to.deep.equal(['640 root carillon', '640 root carillon-tls']);
    const migrated = Number(c.must('mariadb -N -u root -e "SELECT COUNT(*) FROM carillon.carillon_migrations"').trim());
    expect(migrated).to.be.greaterThan(0);
    expect(c.must('readlink /opt/carillon/current').trim()).to.equal(`releases/${VERSION}`);
    expect(c.must('ls /etc/systemd/system/multi-user.target.wants/')).to.include('carillon.service');
    expect(c.must('ls -ld /var/lib/carillon /var/lib/carillon/recordings | cut -c1-10,15-40')).to.include('carillon');
  });

  it('keeps MariaDB on loopback: bind-address, and the socket unit (which would override it) limited to 127.0.0.1', () => {
    const c = chroot!;
    // Restarted as the appliance's next boot would start it, with the package's configuration.
    c.must('mariadb-admin --protocol=socket -u root shutdown && (setsid /usr/sbin/mariadbd --user=mysql </dev/null >>/var/log/mariadbd-test.log 2>&1 &) && for i in $(seq 1 60); do mariadb-admin --protocol=socket -u root ping >/dev/null 2>&1 && exit 0; sleep 1; done; exit 1', { timeoutMs: 90_000 });
    expect(c.must('mariadb -N -u root -e "SELECT @@bind_address"').trim()).to.equal('127.0.0.1');
    const streams = c.must('grep ^ListenStream= /lib/systemd/system/mariadb.socket.d/carillon-loopback.conf').trim().split('\n');
    expect(streams[0], 'the drop-in first clears Debian\'s list').to.equal('ListenStream=');
    expect(streams.filter((line) => /:?\d+$/.test(line))).to.deep.equal(['ListenStream=127.0.0.1:3306']);
  });

  it('its systemd units pass systemd-analyze verify', function () {
    if (spawnSync('sh', ['-c', 'command -v systemd-analyze']).status !== 0) {
      log('skipped: systemd-analyze is not installed');
      this.skip();
    }
    const result = spawnSync('systemd-analyze', ['verify', `--root=${chroot!.root}`, 'carillon.service', 'carillon-console.service'], { encoding: 'utf8' });
    const problems = `${result.stdout}${result.stderr}`
      .split('\n')
      // Units of the base system that a minimal chroot lacks are not ours to judge.
      .filter((line) => line.trim() && /carillon/.test(line) && !/mariadb\.service|asterisk\.service|getty@/.test(line));
    expect(problems, `${result.stdout}${result.stderr}`).to.deep.equal([]);
  });

  it('runs as its unit does: HTTPS on 443, plain HTTP on 80, health says telephony is not installed, setup link', () => {
    const c = chroot!;
    c.must(
      'set -a; . /etc/carillon/carillon.env; set +a; export CARILLON_CONFIG=/etc/carillon/carillon.json; cd /var/lib/carillon; ' +
        'setsid setpriv --reuid=carillon --regid=carillon --init-groups --inh-caps=+net_bind_service --ambient-caps=+net_bind_service ' +
        '/opt/carillon/current/node/bin/node /opt/carillon/current/bin/carillon.js start </dev/null >/var/log/carillon-test.log 2>&1 & ' +
        'for i in $(seq 1 90); do curl -s -o /dev/null http://127.0.0.1/api/health && exit 0; sleep 1; done; cat /var/log/carillon-test.log; exit 1',
      { timeoutMs: 120_000 },
    );
    const health = JSON.parse(c.must('curl -s http://127.0.0.1/api/health')) as { database: { dialect: string; reachable: boolean }; telephony: { state: string } };
    expect(health.database).to.include({ dialect: 'mariadb', reachable: true });
    expect(health.telephony.state).to.equal('not_installed');
    const link = c.must('carillon setup-link --base https://127.0.0.1').trim();
    expect(link).to.match(/^https:\/\/127\.0\.0\.1\/setup\?token=[A-Za-z0-9_-]+$/);
    expect(c.must(`curl -sk -o /dev/null -w '%{http_code}' '${link}'`)).to.equal('200');
    expect(c.must("curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1/")).to.match(/^30[178]$/);
  });

  it('reinstalls idempotently: same database password, data kept', () => {
    const c = chroot!;
    const envBefore = c.must('cat /etc/carillon/carillon.env');
    c.must('echo kept > /var/lib/carillon/recordings/marker && chown carillon: /var/lib/carillon/recordings/marker');
    const again = c.must('dpkg -i /tmp/carillon.deb 2>&1');
    expect(again).not.to.include('created a self-signed certificate');
    expect(c.must('cat /etc/carillon/carillon.env')).to.equal(envBefore);
    expect(c.must('cat /var/lib/carillon/recordings/marker').trim()).to.equal('kept');
    expect(c.must('readlink /opt/carillon/current').trim()).to.equal(`releases/${VERSION}`);
  });

  it('upgrades keeping data and configuration (with a backup first), and refuses a downgrade', () => {
    const c = chroot!;
    c.must("sed -i 's/\"dataDir\"/\"log\": { \"level\": \"warn\" },\\n  \"dataDir\"/' /etc/carillon/carillon.json");
    const localConfig = c.must('cat /etc/carillon/carillon.json');
    const next = repackAs(deb, '99.0.0', work);
    c.copyIn(next, 'tmp/carillon-next.deb');
    const upgrade = c.must('dpkg -i --force-confold /tmp/carillon-next.deb 2>&1');
    expect(upgrade).to.include(`backing up before the upgrade from ${VERSION}`);
    expect(c.must('readlink /opt/carillon/current').trim()).to.equal('releases/99.0.0');
    expect(c.sh(`test -e /opt/carillon/releases/${VERSION}`).code, 'the old release is gone').to.equal(1);
    expect(c.must('cat /etc/carillon/carillon.json')).to.equal(localConfig);
    expect(c.must('cat /var/lib/carillon/recordings/marker').trim()).to.equal('kept');
    expect(c.must('ls /var/backups/carillon')).to.include(`before-99.0.0-from-${VERSION}.tar.gz`);

    const downgrade = c.sh('dpkg -i /tmp/carillon.deb 2>&1');
    expect(downgrade.code).to.not.equal(0);
    expect(downgrade.stdout).to.include(`Carillon 99.0.0 is installed and this package is the older ${VERSION}`);
    expect(downgrade.stdout).to.include('Downgrading is refused');
    expect(c.must("dpkg-query -W -f='${Version} ${Status}' carillon")).to.equal('99.0.0 install ok installed');
  });

  it('keeps the previous release running when a migration of the new one fails', () => {
    const c = chroot!;
    const broken = repackAs(deb, '99.1.0', work, { failingMigration: true });
    c.copyIn(broken, 'tmp/carillon-broken.deb');
    const result = c.sh('dpkg -i --force-confold /tmp/carillon-broken.deb 2>&1');
    expect(result.code).to.not.equal(0);
    expect(result.stdout).to.include('this migration is broken on purpose');
    expect(result.stdout).to.include('the database migration of 99.1.0 FAILED. Carillon keeps running the previous release (rollback/99.0.0)');
    expect(c.must('readlink /opt/carillon/current').trim()).to.equal('rollback/99.0.0');
    expect(c.must('/opt/carillon/current/node/bin/node -p "require(\'/opt/carillon/current/package.json\').version"').trim()).to.equal('99.0.0');
    expect(c.must("curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1/api/health")).to.equal('200');
    expect(c.must("mariadb -N -u root -e \"SELECT COUNT(*) FROM carillon.users\"").trim(), 'the database still serves').to.match(/^\d+$/);

    // The way out the message gives: fix the cause, then dpkg --configure -a finishes the upgrade.
    c.must('rm /opt/carillon/releases/99.1.0/dist/migrations/9999-broken.js');
    c.must('dpkg --configure -a 2>&1');
    expect(c.must('readlink /opt/carillon/current').trim()).to.equal('releases/99.1.0');
    expect(c.sh('test -e /opt/carillon/rollback').code, 'the kept release is gone').to.equal(1);
  });

  it('lays down the Asterisk skeleton and an ARI user once Asterisk is installed (dpkg-reconfigure)', () => {
    const c = chroot!;
    // Stands in for the Asterisk package: its user and group, and its binary on the PATH.
    c.must('addgroup --system asterisk >/dev/null && adduser --system --ingroup asterisk --no-create-home asterisk >/dev/null && printf "#!/bin/sh\\nexit 0\\n" > /usr/sbin/asterisk && chmod 755 /usr/sbin/asterisk');
    const out = c.must('dpkg-reconfigure carillon 2>&1');
    expect(out).not.to.include('Asterisk is not installed');
    for (const file of fs.readdirSync(path.join(REPO, 'appliance', 'asterisk')).filter((f) => f.endsWith('.conf'))) {
      expect(c.must(`cat /etc/asterisk/${file}`), file).to.equal(fs.readFileSync(path.join(REPO, 'appliance', 'asterisk', file), 'utf8'));
    }
    const ari = c.must('cat /etc/asterisk/ari_carillon.conf');
    const password = /^password=([0-9a-f]{48})$/m.exec(ari)?.[1];
    expect(password, ari).to.be.a('string');
    expect(c.must('stat -c "%a %U %G" /etc/asterisk/ari_carillon.conf').trim()).to.equal('640 root asterisk');
    const env = c.must('cat /etc/carillon/carillon.env');
    expect(env).to.include(`CARILLON_ARI_PASSWORD=${password}`);
    expect(env).to.include('CARILLON_ARI_URL=http://127.0.0.1:8088');
    expect(env).to.match(/^CARILLON_TELEPHONY_ENGINE=asterisk$/m);
    expect(c.must('id asterisk')).to.include('carillon-tls');
    expect(c.must('stat -c "%G %a" /var/lib/carillon/recordings-spool').trim()).to.equal('asterisk 2770');
    expect(c.must('cat /etc/fail2ban/jail.d/carillon-asterisk.local')).to.include('enabled = true');
  });

  it('ships a fail2ban filter that catches refused logins and provisioning bans', () => {
    const c = chroot!;
    const sample = [
      '{"level":"info","time":"2026-11-21T10:00:00.000Z","service":"carillon","requestId":"r1","method":"POST","path":"/api/auth/login","status":401,"ms":12.5,"ip":"203.0.113.7","msg":"http request"}',
      '{"level":"info","time":"2026-11-21T10:00:01.000Z","service":"carillon","requestId":"r2","method":"POST","path":"/api/auth/login","status":200,"ms":12.5,"ip":"203.0.113.8","userId":1,"msg":"http request"}',
      '{"level":"warn","time":"2026-11-21T10:00:02.000Z","service":"carillon","component":"provisioning","client":"198.51.100.9","reason":"unknown_mac","count":10,"msg":"carillon provisioning ban: client=198.51.100.9 reason=unknown_mac count=10 window=300s duration=3600s"}',
    ];
    fs.writeFileSync(path.join(c.root, 'tmp', 'carillon-sample.log'), `${sample.join('\n')}\n`);
    const out = c.must('fail2ban-regex --print-all-matched /tmp/carillon-sample.log /etc/fail2ban/filter.d/carillon.conf 2>&1');
    expect(out).to.match(/Lines: 3 lines, 0 ignored, 2 matched, 1 missed/);
    const matched = out.slice(out.indexOf('Matched line(s):'), out.indexOf('Missed line(s):'));
    expect(matched).to.include('"ip":"203.0.113.7"');
    expect(matched).to.include('client=198.51.100.9');
    expect(matched, 'a successful login is no failure').not.to.include('203.0.113.8');
  });
});
