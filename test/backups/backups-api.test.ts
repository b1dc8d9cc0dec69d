import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import * as tar from 'tar';
import sinon from 'sinon';
import type { Carillon } from '../../core/app';
import { BackupRun } from '../../core/backups/backup-run-model';
import { ADMIN, startTestApp, tempDir, type TestApp } from '../support/test-app';
import type { ApiClient } from '../support/api-client';
import { createUser, expectProblem } from '../core/auth-fixtures';

const API = '/api/system/backups';

/** GET of a binary body (the test client reads text). */
async function download(t: TestApp, client: ApiClient, urlPath: string, into: string): Promise<Response> {
  const res = await fetch(`${t.url}${urlPath}`, { headers: { cookie: client.cookie ?? '' } });
  if (res.ok) fs.writeFileSync(into, Buffer.from(await res.arrayBuffer()));
  return res;
}

/** The raw upload the UI's http.upload sends. */
async function upload(t: TestApp, client: ApiClient, body: Buffer): Promise<{ status: number; body: any }> {
  const res = await fetch(`${t.url}${API}/uploads`, {
    method: 'POST',
    headers: { cookie: client.cookie ?? '', 'x-csrf-token': client.csrfToken ?? '', 'content-type': 'application/gzip' },
    body,
  });
  return { status: res.status, body: await res.json() };
}

/** Waits until the runner has replaced `before` with a started Carillon. */
async function restarted(t: TestApp, before: Carillon): Promise<void> {
  // A restart loads the database and runs the start again: on a loaded machine it takes a while.
  for (let i = 0; i < 4000 && t.app === before; i++) await new Promise((r) => setTimeout(r, 25));
  await t.runner.settled();
  expect(t.app, 'Carillon restarted').to.not.equal(before);
}

function recordingsOf(dataDir: string): Record<string, string> {
  const root = path.join(dataDir, 'recordings');
  const out: Record<string, string> = {};
  const walk = (dir: string) => {
    if (!fs.existsSync(dir)) return;
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else out[path.relative(root, full)] = fs.readFileSync(full, 'utf8');
    }
  };
  walk(root);
  return out;
}

function putRecording(dataDir: string, relative: string, content: string): void {
  const file = path.join(dataDir, 'recordings', relative);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

async function emails(client: ApiClient): Promise<string[]> {
  const res = await client.get('/api/users?limit=100');
  expect(res.status, res.text).to.equal(200);
  return (res.body.items as Array<{ email: string }>).map((u) => u.email).sort();
}

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

describe('backups from the web UI', function () {
  this.timeout(120_000);
  let t: TestApp;
  let admin: ApiClient;
  let work: string;

  before(async () => {
    t = await startTestApp({ overrides: { backups: { maxUploadBytes: '3mb' } } });
    admin = await t.adminClient();
    work = tempDir('carillon-backups-test-');
  });

  after(async () => {
    await t?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  async function relogin(): Promise<void> {
    admin = t.client();
    const res = await admin.login(ADMIN.email, ADMIN.password);
    expect(res.status, res.text).to.equal(200);
  }

  it('round trip: a download now, restored by upload, brings back the same data and restarts Carillon', async () => {
    const kept = await createUser(t, admin, ['supervisor'], 'kept');
    putRecording(t.dataDir, '2026/12/a.mp3', 'recording A');
    expect((await admin.request('PUT', '/api/system/settings', { timeZone: 'Europe/Brussels' })).status).to.equal(200);
    const before = await emails(admin);
    const settingsBefore = (await admin.get('/api/system/settings')).body;
    const secretKey = fs.readFileSync(path.join(t.dataDir, 'secret.key'));
    const archive = path.join(work, 'download.tar.gz');
    const res = await download(t, admin, `${API}/download`, archive);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.equal('application/gzip');
    expect(res.headers.get('content-disposition')).to.match(/^attachment; filename="carillon-backup-.*\.tar\.gz"$/);
    const entries: string[] = [];
    await tar.t({ file: archive, onReadEntry: (e) => void entries.push(e.path) });
    expect(entries).to.include.members(['manifest.json', 'config/secret.key', 'recordings/2026/12/a.mp3']);

    // Changes after the backup, which the restore must undo.
    await createUser(t, admin, ['supervisor'], 'later');
    putRecording(t.dataDir, '2026/12/b.mp3', 'recording B');
    expect((await admin.request('PUT', '/api/system/settings', { timeZone: 'UTC' })).status).to.equal(200);
    expect(await emails(admin)).to.have.length(before.length + 1);

    const uploaded = await upload(t, admin, fs.readFileSync(archive));
    expect(uploaded.status, JSON.stringify(uploaded.body)).to.equal(201);
    expect(uploaded.body).to.include({ database: t.database.dialect, usesRecordingsSets: false, recordings: 1 });
    expect(fs.statSync(path.join(t.dataDir, 'backups', 'uploads', `${uploaded.body.id}.tar.gz`)).mode & 0o777).to.equal(0o600);

    const unconfirmed = await admin.post(`${API}/restore`, { upload: uploaded.body.id });
    expectProblem(unconfirmed, 422, 'validation_failed');

    const old = t.app;
    const restore = await admin.post(`${API}/restore`, { upload: uploaded.body.id, confirm: true });
    expect(restore.status, restore.text).to.equal(202);
    expect(restore.body.restarting).to.equal(true);
    await restarted(t, old);

    await relogin();
    expect(await emails(admin)).to.deep.equal(before);
    expect(await emails(admin)).to.include(kept.email);
    expect(recordingsOf(t.dataDir)).to.deep.equal({ [path.join('2026', '12', 'a.mp3')]: 'recording A' });
    expect((await admin.get('/api/system/settings')).body).to.deep.equal(settingsBefore);
    expect(fs.readFileSync(path.join(t.dataDir, 'secret.key')).equals(secretKey)).to.equal(true);
    const overview = await admin.get(API);
    expect(overview.body.lastRestore).to.include({ ok: true, by: ADMIN.email, reported: true });
    const audit = await admin.get('/api/audit?action=system.backups.restored');
    expect(audit.body.items, 'the restarted Carillon audits the restore').to.have.length(1);
    expect(fs.existsSync(path.join(t.dataDir, 'backups', 'uploads', `${uploaded.body.id}.tar.gz`)), 'the upload is removed once restored').to.equal(false);
  });

  it('refuses a bad upload with a coded reason and changes nothing', async () => {
    const before = await emails(admin);
    putRecording(t.dataDir, 'marker.txt', 'untouched');
    const app = t.app;
    const expectRefused = async (body: Buffer, status: number, code: string) => {
      const res = await upload(t, admin, body);
      expect(res.status, JSON.stringify(res.body)).to.equal(status);
      expect(res.body.code).to.equal(code);
      expect(res.body.detail).to.match(/nothing was changed/i);
    };
    await expectRefused(Buffer.from('hello, not a backup'), 422, 'backup_not_archive');

    const good = path.join(work, 'good.tar.gz');
    expect((await download(t, admin, `${API}/download`, good)).status).to.equal(200);
    const damaged = path.join(work, 'damaged.tar.gz');
    await repack(good, damaged, (dir) => fs.appendFileSync(path.join(dir, 'recordings', 'marker.txt'), 'x'));
    await expectRefused(fs.readFileSync(damaged), 422, 'backup_damaged');
    const newer = path.join(work, 'newer.tar.gz');
    await repack(good, newer, (dir) => {
      const manifest = JSON.parse(fs.readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { carillonVersion: string };
      manifest.carillonVersion = '99.0.0';
      fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify(manifest));
    });
    await expectRefused(fs.readFileSync(newer), 422, 'backup_newer_version');
    await expectRefused(Buffer.alloc(4 * 1024 * 1024, 1), 413, 'upload_too_large');

    expect(fs.readdirSync(path.join(t.dataDir, 'backups', 'uploads')), 'no refused upload is kept').to.deep.equal([]);
    expect(t.app, 'no restart').to.equal(app);
    expect(await emails(admin)).to.deep.equal(before);
    expect(recordingsOf(t.dataDir)['marker.txt']).to.equal('untouched');
    const missing = await admin.post(`${API}/restore`, { upload: '0'.repeat(32), confirm: true });
    expectProblem(missing, 404, 'not_found');
    fs.rmSync(path.join(t.dataDir, 'recordings', 'marker.txt'));
  });

  it('scheduled backups run at their time in the system time zone and keep the newest N', async () => {
    const service = () => t.app.cradle.backupService;
    expect((await admin.request('PUT', '/api/system/settings', { timeZone: 'Europe/Paris' })).status).to.equal(200);
    const put = await admin.request('PUT', `${API}/schedule`, { enabled: true, frequency: 'daily', time: '02:30', keep: 2 });
    expect(put.status, put.text).to.equal(200);
    // Set "before" the first slot: 02:30 in Europe/Paris (the system zone) is 01:30 UTC in winter.
    await service().setSchedule({ enabled: true, frequency: 'daily', weekday: 'sunday', time: '02:30', keep: 2 }, new Date('2026-01-01T00:00:00Z'));
    expect(await service().runIfDue(new Date('2026-01-01T01:29:00Z')), 'not yet 02:30 in Paris').to.equal(null);
    const first = await service().runIfDue(new Date('2026-01-01T01:31:00Z'));
    expect(first?.kind).to.equal('scheduled');
    expect(await service().runIfDue(new Date('2026-01-01T12:00:00Z')), 'once per slot').to.equal(null);
    const second = await service().runIfDue(new Date('2026-01-02T01:31:00Z'));
    const third = await service().runIfDue(new Date('2026-01-03T09:00:00Z'));
    expect(second && third).to.not.equal(null);

    const overview = await admin.get(API);
    const scheduled = (overview.body.items as Array<{ name: string; kind: string }>).filter((b) => b.kind === 'scheduled').map((b) => b.name);
    expect(scheduled, 'the oldest went').to.deep.equal([third!.name, second!.name]);
    expect(fs.existsSync(path.join(t.dataDir, 'backups', `${first!.name}.tar.gz`))).to.equal(false);
    expect(fs.statSync(path.join(t.dataDir, 'backups', `${third!.name}.tar.gz`)).mode & 0o777).to.equal(0o600);
    expect(fs.statSync(path.join(t.dataDir, 'backups')).mode & 0o777).to.equal(0o700);
    expect(overview.body.lastRun).to.include({ kind: 'scheduled', status: 'succeeded', name: third!.name, pruned: 1 });
    expect(overview.body.lastRun.size).to.be.greaterThan(0);
    expect(overview.body.nextRunAt).to.be.a('string');
    expect(await BackupRun.count({ where: { kind: 'scheduled', status: 'succeeded' } })).to.equal(3);

    const bad = await admin.request('PUT', `${API}/schedule`, { enabled: true, frequency: 'daily', time: '25:00', keep: 0 });
    expectProblem(bad, 422, 'validation_failed');
    expect(await admin.request('PUT', `${API}/schedule`, { enabled: false, frequency: 'daily', time: '02:30', keep: 2 })).to.have.property('status', 200);
    for (const name of scheduled) expect((await admin.delete(`${API}/${name}`)).status).to.equal(204);
  });

  it('a backup adds only recordings no earlier backup holds; restoring it brings all back from its chain', async () => {
    putRecording(t.dataDir, '2026/12/one.mp3', 'one');
    putRecording(t.dataDir, '2026/12/two.mp3', 'two');
    const first = await admin.post(API, {});
    expect(first.status, first.text).to.equal(201);
    expect(first.body.recordingsSet).to.include({ recordings: 3 }); // a.mp3 from the round trip, one, two
    putRecording(t.dataDir, '2026/12/three.mp3', 'three');
    const second = await admin.post(API, {});
    expect(second.status, second.text).to.equal(201);
    expect(second.body.recordingsSet).to.include({ recordings: 1 });
    expect(second.body.recordingsTotal).to.equal(4);
    const inSet: string[] = [];
    await tar.t({ file: path.join(t.dataDir, 'backups', second.body.recordingsSet.name), onReadEntry: (e) => void inSet.push(e.path) });
    expect(inSet).to.deep.equal(['2026/12/three.mp3']);
    const archiveEntries: string[] = [];
    await tar.t({ file: path.join(t.dataDir, 'backups', `${second.body.name}.tar.gz`), onReadEntry: (e) => void archiveEntries.push(e.path) });
    expect(archiveEntries.some((e) => e.startsWith('recordings/')), 'the archive holds no recording').to.equal(false);
    const wanted = recordingsOf(t.dataDir);

    // The first backup goes; its set stays, the second needs it.
    expect((await admin.delete(`${API}/${first.body.name}`)).status).to.equal(204);
    expect(fs.existsSync(path.join(t.dataDir, 'backups', first.body.recordingsSet.name))).to.equal(true);
    const recDownload = await download(t, admin, `${API}/${second.body.name}/recordings`, path.join(work, 'set.tar.gz'));
    expect(recDownload.status).to.equal(200);

    // A chain with a set missing is refused before anything changes.
    const setFile = path.join(t.dataDir, 'backups', first.body.recordingsSet.name);
    fs.renameSync(setFile, `${setFile}.aside`);
    const app = t.app;
    const refused = await admin.post(`${API}/restore`, { backup: second.body.name, confirm: true });
    expectProblem(refused, 422, 'backup_chain_missing');
    expect(t.app).to.equal(app);
    fs.renameSync(`${setFile}.aside`, setFile);

    fs.rmSync(path.join(t.dataDir, 'recordings'), { recursive: true });
    putRecording(t.dataDir, 'stray.mp3', 'after the backup');
    const restore = await admin.post(`${API}/restore`, { backup: second.body.name, confirm: true });
    expect(restore.status, restore.text).to.equal(202);
    await restarted(t, app);
    await relogin();
    expect(recordingsOf(t.dataDir)).to.deep.equal(wanted);
    expect((await admin.get(API)).body.items.map((b: { name: string }) => b.name), 'kept backups survive a restore').to.include(second.body.name);
  });

  it('takes one backup at a time, and records a failed run with its reason', async () => {
    const [one, two] = await Promise.all([admin.post(API, {}), admin.post(API, {})]);
    expect([one.status, two.status].sort()).to.deep.equal([201, 409]);
    expect([one, two].find((r) => r.status === 409)!.body.code).to.equal('backup_busy');
    expect((await admin.delete(`${API}/${[one, two].find((r) => r.status === 201)!.body.name}`)).status).to.equal(204);

    const service = t.app.cradle.backupService;
    const stub = sinon.stub(service as unknown as { write: () => Promise<never> }, 'write').rejects(new Error('No space left on device'));
    try {
      const failed = await admin.post(API, {});
      expect(failed.status).to.equal(500);
    } finally {
      stub.restore();
    }
    const overview = (await admin.get(API)).body;
    expect(overview.lastRun).to.include({ kind: 'manual', status: 'failed', error: 'No space left on device' });
    expect(overview.lastFailure.error).to.equal('No space left on device');
    // Nothing left by the failed run: every file belongs to a listed backup or is a set one of them needs.
    const items = overview.items as Array<{ name: string; sets: Record<string, unknown> }>;
    const strays = fs.readdirSync(path.join(t.dataDir, 'backups')).filter((f) => f.startsWith('carillon-backup-') && !items.some((b) => f.startsWith(`${b.name}.`) || f in b.sets));
    expect(strays, strays.join(", ")).to.deep.equal([]);
  });

  it('is for admins only: 403 for a manager on every backup route', async () => {
    const manager = await createUser(t, admin, ['manager'], 'manager');
    const m = manager.client;
    expectProblem(await m.get(API), 403, 'forbidden');
    expectProblem(await m.get(`${API}/download`), 403, 'forbidden');
    expectProblem(await m.post(API, {}), 403, 'forbidden');
    expectProblem(await m.request('PUT', `${API}/schedule`, { enabled: true, frequency: 'daily', time: '02:30', keep: 2 }), 403, 'forbidden');
    expectProblem(await m.post(`${API}/restore`, { upload: '0'.repeat(32), confirm: true }), 403, 'forbidden');
    const res = await upload(t, m, Buffer.from('x'));
    expect(res.status).to.equal(403);
  });
});
