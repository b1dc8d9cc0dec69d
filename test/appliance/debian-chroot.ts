import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * A fresh Debian 12 system in a folder, for installing the .deb as on a new appliance. The
 * debootstrap result is cached as a tarball outside the repository (CARILLON_CI_CACHE, default
 * /var/cache/carillon-ci), keyed by the package list, so only the first run downloads.
 *
 * Each chroot gets its own network namespace: the MariaDB started inside listens on
 * 127.0.0.1:3306 like an appliance's, without meeting the build machine's own MariaDB there.
 */

export const CACHE_DIR = process.env.CARILLON_CI_CACHE ?? '/var/cache/carillon-ci';
/** The build machine's own Debian mirror (or CARILLON_DEBIAN_MIRROR), as the image builder uses. */
function debianMirror(): string {
  return execFileSync('sh', [path.resolve(__dirname, '..', '..', 'appliance', 'debian-mirror.sh')], { encoding: 'utf8' }).trim();
}

/** Why this machine cannot run the chroot tests, or null when it can. */
export function chrootUnavailableReason(): string | null {
  if (process.getuid?.() !== 0) return 'not running as root (debootstrap, chroot and network namespaces need root)';
  for (const tool of ['debootstrap', 'dpkg-deb', 'chroot', 'ip', 'mount']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is not installed`;
  }
  return null;
}

/** The packages the base system holds: the .deb's dependencies (no network during the install) and MariaDB. */
export function basePackages(controlTemplate: string): string[] {
  const depends = /^Depends: (.*)$/m.exec(fs.readFileSync(controlTemplate, 'utf8'))?.[1] ?? '';
  const fromDepends = depends.split(',').map((alt) => alt.split('|')[0].replace(/\(.*\)/, '').trim()).filter(Boolean);
  return [...new Set([...fromDepends, 'mariadb-server', 'fail2ban', 'systemd', 'ca-certificates', 'procps', 'util-linux'])].sort();
}

/** The cached base tarball for these packages; builds it with debootstrap (a few minutes) when missing. */
export function baseTarball(packages: string[], log: (line: string) => void): string {
  const key = crypto.createHash('sha256').update(`bookworm ${packages.join(',')}`).digest('hex').slice(0, 12);
  const tarball = path.join(CACHE_DIR, `bookworm-minbase-${key}.tar`);
  if (fs.existsSync(tarball)) return tarball;
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const work = fs.mkdtempSync(path.join(CACHE_DIR, 'debootstrap-'));
  const started = Date.now();
  const mirror = debianMirror();
  log(`building the Debian 12 base (${packages.length} packages) with debootstrap from ${mirror}…`);
  try {
    execFileSync('debootstrap', ['--variant=minbase', `--include=${packages.join(',')}`, 'bookworm', path.join(work, 'root'), mirror], { stdio: ['ignore', 'ignore', 'pipe'] });
    execFileSync('chroot', [path.join(work, 'root'), 'apt-get', 'clean']);
    execFileSync('tar', ['-C', path.join(work, 'root'), '-cf', `${tarball}.partial`, '.']);
    fs.renameSync(`${tarball}.partial`, tarball);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
  log(`debootstrap took ${Math.round((Date.now() - started) / 1000)} s; cached as ${tarball}`);
  return tarball;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** A Debian root unpacked from the base tarball, with /proc, /sys, /dev and its own network. */
export class DebianChroot {
  readonly root: string;
  readonly netns: string;
  private mounts: string[] = [];

  constructor(tarball: string) {
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'carillon-chroot-'));
    this.netns = `carillon-ci-${process.pid}`;
    execFileSync('tar', ['-C', this.root, '-xf', tarball]);
    for (const [type, source, target] of [['proc', 'proc', 'proc'], ['sysfs', 'sys', 'sys'], ['bind', '/dev', 'dev'], ['devpts', 'devpts', 'dev/pts']] as const) {
      const where = path.join(this.root, target);
      fs.mkdirSync(where, { recursive: true });
      execFileSync('mount', type === 'bind' ? ['--bind', source, where] : ['-t', type, source, where]);
      this.mounts.push(where);
    }
    fs.writeFileSync(path.join(this.root, 'etc', 'hostname'), 'carillon-ci\n');
    execFileSync('ip', ['netns', 'add', this.netns]);
    execFileSync('ip', ['netns', 'exec', this.netns, 'ip', 'link', 'set', 'lo', 'up']);
  }

  /** Runs a shell script inside the chroot (as root, in its network namespace). */
  sh(script: string, options: { timeoutMs?: number } = {}): RunResult {
    const result = spawnSync('ip', ['netns', 'exec', this.netns, 'chroot', this.root, '/bin/sh', '-c', script], {
      encoding: 'utf8',
      timeout: options.timeoutMs ?? 300_000,
      env: { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8', DEBIAN_FRONTEND: 'noninteractive', HOME: '/root' },
    });
    return { code: result.status ?? -1, stdout: result.stdout ?? '', stderr: (result.stderr ?? '') + (result.error ? String(result.error) : '') };
  }

  /** Like sh, but throws with the output when the script fails. */
  must(script: string, options: { timeoutMs?: number } = {}): string {
    const result = this.sh(script, options);
    if (result.code !== 0) throw new Error(`chroot command failed (exit ${result.code}): ${script}\n${result.stdout}\n${result.stderr}`);
    return result.stdout;
  }

  copyIn(file: string, target: string): void {
    fs.copyFileSync(file, path.join(this.root, target));
  }

  /** Stops what runs inside, unmounts and deletes everything. */
  destroy(): void {
    // Only the processes of this chroot's network namespace (the PID namespace is the host's).
    this.sh('mariadb-admin --protocol=socket -u root shutdown 2>/dev/null; true', { timeoutMs: 30_000 });
    for (const signal of ['SIGTERM', 'SIGKILL'] as const) {
      const pids = spawnSync('ip', ['netns', 'pids', this.netns], { encoding: 'utf8' }).stdout.split(/\s+/).filter(Boolean).map(Number);
      for (const pid of pids) {
        try {
          process.kill(pid, signal);
        } catch {
          // already gone
        }
      }
      if (pids.length && signal === 'SIGTERM') spawnSync('sleep', ['2']);
    }
    for (const where of this.mounts.reverse()) spawnSync('umount', ['-l', where]);
    spawnSync('ip', ['netns', 'delete', this.netns]);
    const stillMounted = fs.readFileSync('/proc/mounts', 'utf8').includes(this.root);
    if (!stillMounted) fs.rmSync(this.root, { recursive: true, force: true });
  }
}
