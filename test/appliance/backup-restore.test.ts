import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import * as tar from 'tar';
import { VERSION } from '../../core/version';
import { createTestDatabase, testDatabaseTarget, type TestDatabase } from '../support/database';
import { ADMIN, startTestApp, tempDir } from '../support/test-app';
import { carillonSync } from '../support/cli';

function carillon(args: string[], configFile: string) {
  return carillonSync(args, { env: { ...process.env, CARILLON_CONFIG: configFile, CARILLON_LOG_LEVEL: 'silent' } });
}

/** One Carillon as an appliance has it: a configuration file, a data folder, a database. */
interface Instance {
  dir: string;
  dataDir: string;
  pluginDir: string;
  configFile: string;
  database: TestDatabase;
}

async function makeInstance(dialect: 'sqlite' | 'mariadb', extra: Record<string, unknown> = {}): Promise<Instance> {
  const dir = tempDir('carillon-backup-');
  const dataDir = path.join(dir, 'data');
  const pluginDir = path.join(dir, 'plugins.d', 'node_modules');
  fs.mkdirSync(pluginDir, { recursive: true });
  const database = await createTestDatabase(dataDir, dialect);
  const configFile = path.join(dir, 'carillon.json');
  fs.writeFileSync(configFile, JSON.stringify({ dataDir, database: { url: database.url }, plugins: { dir: pluginDir }, ...extra }, null, 2));
  return { dir, dataDir, pluginDir, configFile, database };
}

/** Starts a real Carillon on an instance's data (the same way the appliance's service does, minus the port). */
function startOn(instance: Instance) {
  const config = JSON.parse(fs.readFileSync(instance.configFile, 'utf8')) as Record<string, unknown>;
  const emptyBundled = path.join(instance.dir, 'no-bundled');
  fs.mkdirSync(emptyBundled, { recursive: true });
  return startTestApp({ dataDir: instance.dataDir, database: instance.database, pluginDir: instance.pluginDir, bundledDir: emptyBundled, overrides: { auth: config.auth as never } });
}

/** Rewrites an archive after `change` edited its extracted files (to test what a restore refuses). */
async function repack(archive: string, out: string, change: (dir: string) => void): Promise<void> {
  const dir = tempDir('carillon-repack-');
  try {
    await tar.x({ file: archive, cwd: dir });
    change(dir);
    await tar.c({ gzip: true, file: out, cwd: dir }, fs.readdirSync(dir));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

for (const dialect of ['sqlite', 'mariadb'] as const) {
  describe(`carillon backup / restore (${dialect})`, function () {
    this.timeout(120_000);
    let source: Instance;
    let target: Instance;
    let archive: string;

    before(async function () {
      if (dialect === 'mariadb' && (await testDatabaseTarget()).dialect !== 'mariadb') {
        console.log(`      skipped: MariaDB is not reachable (${(await testDatabaseTarget()).description})`);
        this.skip();
      }
      source = await makeInstance(dialect, { auth: { sessionIdleMinutes: 90 } });
      const app = await startOn(source);
      const admin = await app.adminClient();
      const created = await admin.post('/api/users', { email: 'operator@example.test', displayName: 'Operator', password: 'another long passphrase', roles: ['supervisor'] });
      expect(created.status, created.text).to.equal(201);
      await app.stop({ keepDatabase: true });
      fs.mkdirSync(path.join(source.dataDir, 'recordings', '2026', '11'), { recursive: true });
      fs.writeFileSync(path.join(source.dataDir, 'recordings', '2026', '11', 'call-1.mp3'), Buffer.from('ID3 not really an mp3'));
      fs.mkdirSync(path.join(source.dataDir, 'plugins', 'directory', 'backups'), { recursive: true });
      fs.writeFileSync(path.join(source.dataDir, 'plugins', 'directory', 'backups', 'contacts.csv'), 'name;number\nAlice;100\n');
      fs.mkdirSync(path.join(source.pluginDir, 'carillon-plugin-weather'), { recursive: true });
      fs.writeFileSync(path.join(source.pluginDir, 'carillon-plugin-weather', 'package.json'), '{"name":"carillon-plugin-weather","version":"1.0.0"}');
      archive = path.join(source.dir, 'backup.tar.gz');
    });

    after(async () => {
      await source?.database.drop();
      await target?.database.drop();
      for (const instance of [source, target]) if (instance) fs.rmSync(instance.dir, { recursive: true, force: true });
    });

    it('writes one archive holding the database, configuration, secret key, recordings and plugins', async () => {
      const res = carillon(['backup', archive], source.configFile);
      expect(res.code, res.stderr).to.equal(0);
      expect(res.stdout).to.include(`Backup written to ${archive} (Carillon ${VERSION}, ${dialect} database`);
      expect(fs.statSync(archive).mode & 0o777).to.equal(0o600);
      const entries: string[] = [];
      await tar.t({ file: archive, onReadEntry: (entry) => void entries.push(entry.path) });
      expect(entries).to.include.members([
        'manifest.json',
        dialect === 'sqlite' ? 'database/carillon.sqlite' : 'database/carillon.sql',
        'config/carillon.json',
        'config/secret.key',
        'recordings/2026/11/call-1.mp3',
        'plugin-data/directory/backups/contacts.csv',
        'plugin-packages/carillon-plugin-weather/package.json',
      ]);
    });

    it('restores it on a fresh Carillon: users log in, files and settings are back, the database setting stays local', async () => {
      target = await makeInstance(dialect);
      expect(carillon(['migrate', 'up'], target.configFile).code).to.equal(0);
      const targetDatabaseUrl = target.database.url;
      const res = carillon(['restore', archive], target.configFile);
      expect(res.code, res.stderr).to.equal(0);
      expect(res.stdout).to.include(`(Carillon ${VERSION})`);

      expect(fs.readFileSync(path.join(target.dataDir, 'secret.key'), 'utf8')).to.equal(fs.readFileSync(path.join(source.dataDir, 'secret.key'), 'utf8'));
      expect(fs.readFileSync(path.join(target.dataDir, 'recordings', '2026', '11', 'call-1.mp3'), 'utf8')).to.equal('ID3 not really an mp3');
      expect(fs.readFileSync(path.join(target.dataDir, 'plugins', 'directory', 'backups', 'contacts.csv'), 'utf8')).to.include('Alice;100');
      expect(fs.existsSync(path.join(target.pluginDir, 'carillon-plugin-weather', 'package.json'))).to.equal(true);
      const config = JSON.parse(fs.readFileSync(target.configFile, 'utf8')) as { database: { url: string }; auth: { sessionIdleMinutes: number } };
      expect(config.database.url).to.equal(targetDatabaseUrl);
      expect(config.auth.sessionIdleMinutes).to.equal(90);
      expect(fs.readdirSync(target.dataDir).filter((f) => f.includes('restor'))).to.deep.equal([]);

      const app = await startOn(target);
      try {
        expect(app.setupToken(), 'a restored Carillon has its administrator: no setup link').to.equal(null);
        const admin = app.client();
        expect((await admin.login(ADMIN.email, ADMIN.password)).status).to.equal(200);
        const users = await admin.get('/api/users');
        expect(users.status).to.equal(200);
        expect((users.body as { items: Array<{ email: string }> }).items.map((u) => u.email)).to.include.members([ADMIN.email, 'operator@example.test']);
      } finally {
        await app.stop({ keepDatabase: true });
      }
    });

    it('refuses to replace a Carillon that has users unless --force', () => {
      const res = carillon(['restore', archive], target.configFile);
      expect(res.code).to.equal(1);
      expect(res.stderr).to.include('This Carillon already has users');
      const forced = carillon(['restore', '--force', archive], target.configFile);
      expect(forced.code, forced.stderr).to.equal(0);
    });

    it('refuses a backup made by a newer Carillon', async () => {
      const newer = path.join(source.dir, 'newer.tar.gz');
      await repack(archive, newer, (dir) => {
        const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { carillonVersion: string };
        manifest.carillonVersion = '99.0.0';
        fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
      });
      const res = carillon(['restore', '--force', newer], target.configFile);
      expect(res.code).to.equal(1);
      expect(res.stderr, res.stderr).to.include(`This backup was made by Carillon 99.0.0, newer than this one (${VERSION})`);
    });

    it('refuses a damaged or foreign archive before changing anything', async () => {
      const damaged = path.join(source.dir, 'damaged.tar.gz');
      await repack(archive, damaged, (dir) => fs.appendFileSync(path.join(dir, 'recordings', '2026', '11', 'call-1.mp3'), 'x'));
      const res = carillon(['restore', '--force', damaged], target.configFile);
      expect(res.code).to.equal(1);
      expect(res.stderr).to.include('is damaged: recordings/2026/11/call-1.mp3 does not match its checksum');
      const notTar = path.join(source.dir, 'notes.txt');
      fs.writeFileSync(notTar, 'hello');
      expect(carillon(['restore', notTar], target.configFile).stderr).to.include('is not a Carillon backup');
      expect(carillon(['restore', path.join(source.dir, 'missing.tar.gz')], target.configFile).stderr).to.include('No such backup file');
    });

    it('leaves everything as it was when the database in the archive cannot be loaded', async () => {
      fs.writeFileSync(path.join(target.dataDir, 'recordings', 'marker.txt'), 'kept');
      const broken = path.join(source.dir, 'broken.tar.gz');
      await repack(archive, broken, (dir) => {
        const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { database: { file: string }; files: Record<string, { size: number; sha256: string }> };
        const dump = path.join(dir, manifest.database.file);
        fs.writeFileSync(dump, dialect === 'sqlite' ? 'not a database' : 'CREATE TABLE broken (;\n');
        const content = fs.readFileSync(dump);
        manifest.files[manifest.database.file] = { size: content.length, sha256: crypto.createHash('sha256').update(content).digest('hex') };
        fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
      });
      const res = carillon(['restore', '--force', broken], target.configFile);
      expect(res.code).to.equal(1);
      expect(fs.readFileSync(path.join(target.dataDir, 'recordings', 'marker.txt'), 'utf8')).to.equal('kept');
      const app = await startOn(target);
      try {
        expect((await app.client().login(ADMIN.email, ADMIN.password)).status, 'the database is the one before the failed restore').to.equal(200);
      } finally {
        await app.stop({ keepDatabase: true });
      }
    });
  });
}
