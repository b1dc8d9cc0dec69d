import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Client } from 'ldapts';
import { tempDir } from '../../support/test-app';

export const SLAPD = '/usr/sbin/slapd';
const SCHEMAS = ['core', 'cosine', 'inetorgperson'].map((name) => `/etc/ldap/schema/${name}.schema`);

export const SUFFIX = 'dc=example,dc=test';
export const ROOT_DN = `cn=admin,${SUFFIX}`;
export const ROOT_PASSWORD = 'not-a-real-secret';

/** Debian's slapd and its schemas (apt packages slapd; ldap-utils is not needed). */
export function slapdInstalled(): boolean {
  return fs.existsSync(SLAPD) && SCHEMAS.every((file) => fs.existsSync(file)) && fs.existsSync('/usr/lib/ldap/back_mdb.so');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RunningSlapd {
  url: string;
  /** A client bound as the root DN, to add, change and remove entries. */
  admin(): Promise<Client>;
  stop(): Promise<void>;
}

/** Starts a throw-away OpenLDAP in a temp folder on a loopback port, with an empty suffix entry and ou=people. */
export async function startSlapd(): Promise<RunningSlapd> {
  const dir = tempDir('carillon-slapd-');
  fs.mkdirSync(path.join(dir, 'data'));
  const conf = path.join(dir, 'slapd.conf');
  fs.writeFileSync(
    conf,
    [
      ...SCHEMAS.map((file) => `include ${file}`),
      `pidfile ${path.join(dir, 'slapd.pid')}`,
      'modulepath /usr/lib/ldap',
      'moduleload back_mdb',
      'database mdb',
      'maxsize 67108864',
      `suffix "${SUFFIX}"`,
      `rootdn "${ROOT_DN}"`,
      `rootpw ${ROOT_PASSWORD}`,
      `directory ${path.join(dir, 'data')}`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const url = `ldap://127.0.0.1:${port}`;
  // -d keeps slapd in the foreground, so it is ours to stop and dies with the test run.
  const child: ChildProcess = spawn(SLAPD, ['-f', conf, '-h', `${url}/`, '-d', '0'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const admin = async () => {
    const client = new Client({ url, connectTimeout: 2000 });
    await client.bind(ROOT_DN, ROOT_PASSWORD);
    return client;
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const client = await admin();
      await client.unbind();
      break;
    } catch (err) {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill();
        throw new Error(`slapd did not start: ${(err as Error).message}\n${stderr}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  const client = await admin();
  await client.add(SUFFIX, { objectClass: ['dcObject', 'organization'], dc: 'example', o: 'Example' });
  await client.add(`ou=people,${SUFFIX}`, { objectClass: ['organizationalUnit'], ou: 'people' });
  await client.unbind();
  return {
    url,
    admin,
    async stop() {
      child.kill('SIGTERM');
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
