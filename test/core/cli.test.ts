import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { createTestDatabase, type TestDatabase } from '../support/database';
import { EXAMPLE_PLUGIN, installPluginPackage } from '../support/plugins';
import { tempDir } from '../support/test-app';
import { carillonSync, spawnCarillon } from '../support/cli';

function carillon(args: string[], env: Record<string, string>, input?: string) {
  return carillonSync(args, { env: { ...process.env, ...env, CARILLON_LOG_LEVEL: 'silent' }, input });
}

describe('CLI', function () {
  // Each case spawns the CLI several times (tsx compiles on start): seconds apiece on a busy machine.
  this.timeout(90_000);
  let database: TestDatabase;
  let env: Record<string, string>;

  before(async () => {
    const dataDir = tempDir();
    database = await createTestDatabase(dataDir);
    env = { CARILLON_DATA_DIR: dataDir, CARILLON_DATABASE_URL: database.url, CARILLON_PLUGIN_DIR: installPluginPackage(EXAMPLE_PLUGIN) };
  });
  after(() => database?.drop());

  it('refuses a bad configuration value, naming the key and the expected form', () => {
    const res = carillon(['migrate', 'status'], { ...env, CARILLON_HTTP_PORT: 'eighty' });
    expect(res.code).to.equal(78);
    expect(res.stderr).to.include('http.port (from environment variable CARILLON_HTTP_PORT): expected an integer from 0 to 65535; got "eighty"');
  });

  it('migrates core then plugins, and reports status per namespace', () => {
    const coreMigrations = fs.readdirSync(path.resolve(__dirname, '..', '..', 'migrations')).filter((f) => f.endsWith('.ts')).length;
    expect(carillon(['migrate', 'status'], env).stdout).to.include(`core: 0 executed, ${coreMigrations} pending`);
    const up = carillon(['migrate', 'up'], env);
    expect(up.code, up.stderr).to.equal(0);
    expect(up.stdout).to.include('example: applied 0001-create-notes, 0002-notes-updated-at');
    const status = carillon(['migrate', 'status'], env).stdout;
    expect(status).to.match(/core: \d+ executed, 0 pending/);
    expect(status).to.include('example: 2 executed, 0 pending');
  });

  it('reverts a plugin migration by id and step count, then re-applies it', () => {
    const down = carillon(['migrate', 'down', 'example', '1'], env);
    expect(down.code, down.stderr).to.equal(0);
    expect(down.stdout).to.include('example: reverted 0002-notes-updated-at');
    expect(carillon(['migrate', 'status'], env).stdout).to.include('example: 1 executed, 1 pending');
    expect(carillon(['migrate', 'down', 'nope', '1'], env).stderr).to.include('Unknown namespace "nope"');
    expect(carillon(['migrate', 'down', 'example', 'two'], env).stderr).to.include('steps must be a whole number');
    expect(carillon(['migrate', 'up'], env).code).to.equal(0);
  });

  it('lists, disables and enables plugins', () => {
    expect(carillon(['plugin', 'list'], env).stdout).to.match(/example\s+1\.2\.0\s+package\s+enabled/);
    expect(carillon(['plugin', 'disable', 'example'], env).code).to.equal(0);
    const listed = JSON.parse(carillon(['plugin', 'list', '--json'], env).stdout) as Array<{ id: string; enabled: boolean; source: string }>;
    expect(listed.find((p) => p.id === 'example')).to.include({ enabled: false, source: 'package' });
    expect(carillon(['plugin', 'enable', 'example'], env).code).to.equal(0);
    expect(carillon(['plugin', 'enable', 'nope'], env).stderr).to.include('No plugin with id "nope"');
  });

  it('creates a user from a piped password and refuses a weak one', () => {
    const weak = carillon(['user', 'add', '--email', 'ops@example.test', '--role', 'admin'], env, 'short\n');
    expect(weak.code).to.equal(1);
    expect(weak.stderr).to.include('at least 10 characters');
    const ok = carillon(['user', 'add', '--email', 'ops@example.test', '--role', 'admin'], env, 'a long enough passphrase\n');
    expect(ok.code, ok.stderr).to.equal(0);
    expect(ok.stdout).to.include('User ops@example.test created with role(s) admin');
  });

  it('starts on the embedded SQLite default, prints the setup link and stops cleanly on SIGTERM', async function () {
    this.timeout(60_000);
    const dataDir = tempDir();
    const startEnv = { ...process.env, CARILLON_DATA_DIR: dataDir, CARILLON_HTTP_PORT: '0', CARILLON_DATABASE_URL: '', CARILLON_LOG_LEVEL: 'info', CARILLON_CONFIG: '' };
    const { child, stop } = spawnCarillon(['start'], startEnv);
    try {
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
      const link = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no setup link in:\n${stdout}`)), 25_000);
        child.stdout.on('data', () => {
          const match = /(http:\/\/127\.0\.0\.1:\d+)\/setup\?token=[\w-]+/.exec(stdout);
          if (match) {
            clearTimeout(timer);
            resolve(match[1]);
          }
        });
      });
      const health = (await (await fetch(`${link}/api/health`)).json()) as { database: { dialect: string } };
      expect(health.database.dialect).to.equal('sqlite');

      // The appliance's console shows the link with `setup-link`: the same link, so the one in the
      // journal keeps working; `--new` voids it.
      const printed = /token=([\w-]+)/.exec(stdout)![1]!;
      const cliEnv = { ...startEnv, CARILLON_LOG_LEVEL: 'silent' };
      expect(carillonSync(['setup-link', '--base', 'https://pbx.example.test'], { env: cliEnv }).stdout).to.equal(`https://pbx.example.test/setup?token=${printed}\n`);
      const fresh = /token=([\w-]+)/.exec(carillonSync(['setup-link', '--new'], { env: cliEnv }).stdout)![1]!;
      expect(fresh).to.not.equal(printed);
      const setup = (token: string) =>
        fetch(`${link}/api/setup`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token, email: 'first@example.test', displayName: 'First', password: 'a long enough passphrase' }) });
      expect((await setup(printed)).status).to.equal(403);
      expect((await setup(fresh)).status).to.equal(201);
      expect(carillonSync(['setup-link'], { env: cliEnv }).stdout).to.include('An administrator already exists');
      const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
      stop('SIGTERM');
      // npm exec ends itself by the signal it got; Carillon, signalled with it, stops cleanly, and
      // 'close' waits for its output too.
      const { code, signal } = await exited;
      expect(code === 0 || signal === 'SIGTERM', `exit ${code} ${signal}`).to.equal(true);
      expect(stdout).to.include('Carillon stopped');
      // The setup token is printed for a person, never written to the JSON logs.
      const token = /token=([\w-]+)/.exec(stdout)![1];
      expect(stdout.split('\n').filter((line) => line.startsWith('{') && line.includes(token))).to.deep.equal([]);
    } finally {
      // Whatever failed above, no Carillon is left running (npx's child outlives npx).
      try {
        stop('SIGKILL');
      } catch {
        // Already stopped: nothing left in the process group.
      }
    }
  });
});
