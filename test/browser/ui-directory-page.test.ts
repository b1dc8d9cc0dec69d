import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { ApiClient } from '../support/api-client';
import type { TestApp } from '../support/test-app';
import { directoryOnlyBundledDir } from '../plugins/directory/directory-app';
import { browserSuite, type TestBrowser } from '../support/browser';

/** The directory plugin's page, loaded by the shell from `/ui/plugins/directory/contacts.js`. */
describe('Admin UI: the directory plugin page (browser)', function () {
  this.timeout(60_000);
  let t: TestApp;
  let b: TestBrowser;
  let page: Page;
  let admin: ApiClient;

  const ui = browserSuite({
    app: () => ({ bundledDir: directoryOnlyBundledDir() }),
    prepare: async (app) => {
      t = app;
      admin = await t.adminClient();
      await admin.patch('/api/auth/me/preferences', { locale: 'en', numberDisplay: 'national' });
      await admin.post('/api/plugins/directory/contacts', { firstName: 'Claire', lastName: 'Martin', company: 'Acme', numbers: [{ type: 'work', number: '01 23 45 67 89' }] });
    },
  });
  before(() => {
    ({ browser: b, page } = ui);
  });

  it('is listed for users with directory.read and searches by name or any number', async () => {
    const nav = await admin.get('/api/ui/navigation');
    expect(nav.body.pages).to.deep.equal([
      { id: 'contacts', plugin: 'directory', title: { en: 'Directory', fr: 'Annuaire' }, path: '/directory', module: '/ui/plugins/directory/contacts.js', permission: 'directory.read', section: 'plugins' },
    ]);
    await page.locator('a[data-nav="directory-contacts"]').click();
    await page.getByRole('heading', { name: 'Directory', level: 1 }).waitFor();
    const row = page.locator('tr[data-contact]').filter({ hasText: 'Claire Martin' });
    await row.waitFor();
    expect(await row.textContent()).to.include('01 23 45 67 89');
    await page.getByLabel('Search').fill('+33 1 23 45');
    await row.waitFor();
    await page.getByLabel('Search').fill('nobody');
    await page.getByText('No contact matches this search.').waitFor();
    await page.getByLabel('Search').fill('');
    await row.waitFor();
    await b.screenshot('plugin-directory-contacts');
  });

  it('adds a contact: a refused field is said next to it and what was typed stays', async () => {
    await page.getByRole('button', { name: 'Add a contact' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/^First name/).fill('Paul');
    await dialog.getByLabel(/^Last name/).fill('Durand');
    await dialog.getByLabel('Mobile').fill('06 11 22 33 44');
    await dialog.getByLabel('Extension').fill('12a');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await dialog.locator('[data-field="extension"] .field-error').waitFor();
    expect(await dialog.getByLabel('Extension').getAttribute('aria-invalid')).to.equal('true');
    expect(await dialog.getByLabel(/^First name/).inputValue()).to.equal('Paul');
    expect(await dialog.getByLabel('Mobile').inputValue()).to.equal('06 11 22 33 44');
    await b.screenshot('plugin-directory-form-error');
    await dialog.getByLabel('Extension').fill('212');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.locator('tr[data-contact]').filter({ hasText: 'Paul Durand' }).filter({ hasText: '06 11 22 33 44' }).waitFor();
  });

  it('edits and deletes after confirmation', async () => {
    await page.getByRole('button', { name: 'Edit Paul Durand' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Company').fill('Durand & fils');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await page.locator('tr[data-contact]').filter({ hasText: 'Durand & fils' }).waitFor();
    await page.getByRole('button', { name: 'Edit Paul Durand' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete' }).click();
    await page.getByText('Delete Paul Durand? This cannot be undone.').waitFor();
    await page.getByRole('dialog', { name: 'Confirm' }).getByRole('button', { name: 'Delete' }).click();
    await page.locator('tr[data-contact]').filter({ hasText: 'Paul Durand' }).waitFor({ state: 'detached' });
    const left = (await admin.get('/api/plugins/directory/contacts')).body.items.map((c: { displayName: string }) => c.displayName);
    expect(left).to.deep.equal(['Claire Martin']);
  });

  it('imports a CSV: the plan lists a faulty row by line and column, a corrected file applies after a backup, which restores', async () => {
    // The seed's procedure: start from the export (it keeps the keys), add a row, import.
    const exported = (await admin.get('/api/plugins/directory/export.csv?lang=fr')).text.trim();
    const header = exported.split('\r\n')[0].split(';');
    const row = (values: Record<string, string>) => header.map((column) => values[column] ?? '').join(';');
    const file = (email: string) => ({
      name: 'annuaire.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(`${exported}\r\n${row({ Nom: 'Lefèvre', Prénom: 'Anne', 'Tél. mobile': '06 98 76 54 32', 'E-mails': email })}\r\n`),
    });

    await page.getByRole('button', { name: 'Import (CSV)' }).click();
    const panel = page.locator('#dir-import');
    expect(await panel.getByRole('link', { name: 'Download the template' }).getAttribute('href')).to.equal('/api/plugins/directory/template.csv?lang=en');
    await panel.getByText('No backup yet.').waitFor();
    await panel.getByLabel('CSV file').setInputFiles(file('anne.example.com'));
    await panel.getByRole('button', { name: 'Check the file' }).click();
    const errorRow = panel.locator('[data-testid="directory-import-errors"] tr[data-line="3"]');
    await errorRow.waitFor();
    expect(await errorRow.locator('td').allTextContents()).to.deep.include.members(['3', 'E-mails']);
    await panel.getByText('Rows with errors: 1.', { exact: false }).waitFor();
    expect(await panel.getByRole('button', { name: 'Apply the import' }).count()).to.equal(0);
    await b.screenshot('plugin-directory-import-errors');

    await panel.getByLabel('CSV file').setInputFiles(file('anne@example.com'));
    await panel.getByRole('button', { name: 'Check the file' }).click();
    await panel.getByRole('button', { name: 'Apply the import' }).waitFor();
    const counts = panel.locator('[data-testid="directory-import-counts"]');
    expect(await counts.locator('[data-count="created"]').textContent()).to.equal('1');
    expect(await counts.locator('[data-count="unchanged"]').textContent()).to.equal('1');
    expect(await counts.locator('[data-count="deleted"]').textContent()).to.equal('0');
    expect(await counts.locator('[data-count="rowsWithErrors"]').textContent()).to.equal('0');
    await panel.getByRole('button', { name: 'Apply the import' }).click();
    await page.getByText('Apply this import? 1 created, 0 updated, 0 deleted.', { exact: false }).waitFor();
    await page.getByRole('dialog', { name: 'Confirm' }).getByRole('button', { name: 'Apply the import' }).click();
    await panel.getByText('Import applied: 1 created, 0 updated, 0 deleted.').waitFor();
    await page.locator('tr[data-contact]').filter({ hasText: 'Anne Lefèvre' }).filter({ hasText: '06 98 76 54 32' }).waitFor();
    await page.locator('tr[data-contact]').filter({ hasText: 'Claire Martin' }).waitFor();
    const backup = panel.locator('[data-testid="directory-backups"] tr[data-backup]');
    await backup.waitFor();
    expect(await backup.count()).to.equal(1);
    expect(await backup.textContent()).to.include('an import');
    await b.screenshot('plugin-directory-import-applied');

    // Restoring that backup puts the directory back as before the import (after backing it up).
    await backup.getByRole('button', { name: /^Restore / }).click();
    await page.getByRole('dialog', { name: 'Confirm' }).getByRole('button', { name: 'Restore' }).click();
    await panel.getByText('Directory restored as of', { exact: false }).waitFor();
    await page.locator('tr[data-contact]').filter({ hasText: 'Anne Lefèvre' }).waitFor({ state: 'detached' });
    await panel.locator('[data-testid="directory-backups"] tr[data-backup]').nth(1).waitFor();
    const names = (await admin.get('/api/plugins/directory/contacts')).body.items.map((c: { displayName: string }) => c.displayName);
    expect(names).to.deep.equal(['Claire Martin']);
  });
});
