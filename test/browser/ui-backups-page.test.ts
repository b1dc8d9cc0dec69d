import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import * as tar from 'tar';
import type { Page } from 'playwright-core';
import type { ApiClient } from '../support/api-client';
import { tempDir, type TestApp } from '../support/test-app';
import { browserSuite, checkPageFits, loaded, openFromMenu, type TestBrowser } from '../support/browser';

/**
 * The backups page in Debian's Chromium against a real Carillon: download now, a backup kept on
 * the server, the schedule, a refused file, and a restore by upload that restarts Carillon and
 * reloads the page.
 */
describe('Admin UI: backups page (browser)', function () {
  this.timeout(120_000);
  let t: TestApp;
  let b: TestBrowser;
  let page: Page;
  let admin: ApiClient;
  let work: string;
  let downloaded: string;

  const ui = browserSuite({
    prepare: async (app) => {
      t = app;
      admin = await t.adminClient();
      await admin.patch('/api/auth/me/preferences', { locale: 'en', timeZone: 'Europe/Paris' });
      fs.mkdirSync(path.join(t.dataDir, 'recordings', '2026', '12'), { recursive: true });
      fs.writeFileSync(path.join(t.dataDir, 'recordings', '2026', '12', 'call.mp3'), 'a recording');
    },
  });
  before(() => {
    ({ browser: b, page } = ui);
    work = tempDir('carillon-ui-backups-');
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it('opens from the menu and downloads a full backup', async () => {
    await openFromMenu(page, 'backups', 'Backups', '/admin/backups');
    await loaded(page);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('backup-download').click()]);
    expect(download.suggestedFilename()).to.match(/^carillon-backup-.*\.tar\.gz$/);
    downloaded = path.join(work, download.suggestedFilename());
    await download.saveAs(downloaded);
    const entries: string[] = [];
    await tar.t({ file: downloaded, onReadEntry: (e) => void entries.push(e.path) });
    expect(entries).to.include.members(['manifest.json', 'config/secret.key', 'recordings/2026/12/call.mp3']);
  });

  it('keeps a backup on the server and lists it with its recordings', async () => {
    await page.getByTestId('backup-keep').click();
    await page.getByText(/^Backup taken: carillon-backup-/).waitFor();
    const row = page.getByTestId('backups-table').locator('tbody tr[data-backup]');
    await row.first().waitFor();
    expect(await row.count()).to.equal(1);
    expect(await row.first().textContent()).to.include('Manual');
    expect(await row.first().textContent()).to.include('1 new of 1');
    expect(await row.first().getByRole('link', { name: /^Download recordings/ }).getAttribute('href')).to.match(/\/recordings$/);
  });

  it('saves a weekly schedule and shows the next run', async () => {
    const form = page.getByTestId('backup-schedule');
    await form.getByLabel('Take backups on a schedule').check();
    await form.getByLabel('Frequency').selectOption('weekly');
    await form.getByLabel('Day').selectOption('friday');
    await form.getByLabel('Time').fill('03:15');
    await form.getByLabel('Backups kept').fill('5');
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('backup-next').getByText(/^Next backup: /).waitFor();
    const saved = await admin.get('/api/system/backups');
    expect(saved.body.schedule).to.include({ enabled: true, frequency: 'weekly', weekday: 'friday', time: '03:15', keep: 5 });
    await form.getByLabel('Time').fill('27:00');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.getByText('A time such as 02:30.').waitFor();
  });

  it('fits the window in English on a desktop and in French on a phone', async () => {
    await checkPageFits(b, `${t.url}/admin/backups`, 'Backups', 'backups', 'en');
    await admin.patch('/api/auth/me/preferences', { locale: 'fr' });
    await page.setViewportSize({ width: 360, height: 800 });
    try {
      await checkPageFits(b, `${t.url}/admin/backups`, 'Sauvegardes', 'backups', 'fr-360');
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
      await admin.patch('/api/auth/me/preferences', { locale: 'en' });
    }
  });

  it('refuses a file that is not a backup, saying so, and changes nothing', async () => {
    await page.goto(`${t.url}/admin/backups`);
    await loaded(page);
    const notBackup = path.join(work, 'notes.tar.gz');
    fs.writeFileSync(notBackup, 'not an archive');
    const section = page.getByTestId('backup-restore');
    await section.getByLabel('Backup file (.tar.gz)').setInputFiles(notBackup);
    await section.getByRole('button', { name: 'Upload and check' }).click();
    await section.getByText(/is not a Carillon backup/).waitFor();
    expect(fs.readdirSync(path.join(t.dataDir, 'backups', 'uploads'))).to.deep.equal([]);
  });

  it('restores an uploaded backup after confirmation: Carillon restarts and the page comes back', async () => {
    // A change after the backup, which the restore undoes.
    fs.writeFileSync(path.join(t.dataDir, 'recordings', '2026', '12', 'later.mp3'), 'later');
    const before = t.app;
    const section = page.getByTestId('backup-restore');
    await section.getByLabel('Backup file (.tar.gz)').setInputFiles(downloaded);
    await section.getByRole('button', { name: 'Upload and check' }).click();
    await section.getByText(/^Valid backup of .*: \d+ files, 1 recordings\./).waitFor();
    await section.getByRole('button', { name: 'Restore this backup' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(/^Replace all the data of this Carillon/).waitFor();
    await dialog.getByRole('button', { name: 'Replace everything and restart' }).click();
    await page.getByTestId('backup-restarting').waitFor();
    // The page reloads by itself once the restarted Carillon answers; the session was in the backup.
    await page.getByText(/^Last restore, .* was restored\.$/).waitFor({ timeout: 100_000 });
    await t.runner.settled();
    expect(t.app).to.not.equal(before);
    expect(fs.existsSync(path.join(t.dataDir, 'recordings', '2026', '12', 'later.mp3'))).to.equal(false);
    expect(fs.readFileSync(path.join(t.dataDir, 'recordings', '2026', '12', 'call.mp3'), 'utf8')).to.equal('a recording');
  });
});
