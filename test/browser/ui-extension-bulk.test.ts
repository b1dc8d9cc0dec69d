import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { ApiClient } from '../support/api-client';
import type { TestApp } from '../support/test-app';
import { browserSuite, type TestBrowser } from '../support/browser';

/**
 * Extensions in bulk in Debian's Chromium against a real Carillon: a range with pasted names
 * (passwords shown once), an overlapping range refused with its numbers and nothing created, a
 * CSV checked then imported, and the refusal in French.
 */
describe('Admin UI: extensions in bulk (browser)', function () {
  this.timeout(90_000);
  let t: TestApp;
  let b: TestBrowser;
  let page: Page;
  let admin: ApiClient;

  const ui = browserSuite({
    prepare: async (app) => {
      t = app;
      admin = await t.adminClient();
      await admin.patch('/api/auth/me/preferences', { locale: 'en' });
    },
  });
  before(() => {
    ({ browser: b, page } = ui);
  });

  const dialog = () => page.getByRole('dialog');
  const total = async () => (await admin.get('/api/telephony/extensions')).body.total as number;

  it('creates a range with names in order and shows the passwords once', async () => {
    await page.goto(`${t.url}/telephony/extensions`);
    await page.getByRole('button', { name: 'Add a range' }).click();
    await dialog().getByLabel(/^First number/).fill('100');
    await dialog().getByLabel(/^Last number/).fill('104');
    await dialog().getByLabel(/^Names/).fill('Accueil\nCompta\n\nDirection\n');
    expect(await dialog().getByTestId('range-summary').textContent()).to.equal('5 extensions, 100 to 104. 2 will be named after their number.');
    await dialog().getByRole('button', { name: 'Move G.722 (HD) up' }).click();
    await dialog().getByRole('button', { name: 'Create 5 extensions' }).click();
    await dialog().getByRole('heading', { name: '5 extensions created' }).waitFor();
    const rows = dialog().getByTestId('created-credentials').locator('tbody tr');
    expect(await rows.count()).to.equal(5);
    expect(await rows.nth(2).locator('td').nth(1).textContent()).to.equal('Direction');
    const shown = await rows.nth(0).locator('code.secret').textContent();
    await b.screenshot('telephony-range-created');
    const created = (await admin.get('/api/telephony/extensions?search=Accueil')).body.items[0];
    expect(created).to.deep.include({ number: '100', codecs: ['alaw', 'g722', 'ulaw'] });
    expect((await admin.post(`/api/telephony/extensions/${created.id}/sip-secret/reveal`)).body.sipPassword).to.equal(shown);
    await dialog().getByRole('button', { name: 'Close' }).last().click();
    await dialog().waitFor({ state: 'hidden' });
    // The passwords are gone from the page once the dialog is closed.
    expect(await page.content()).not.to.include(shown!);
    await page.getByRole('row').filter({ hasText: 'Direction' }).filter({ hasText: '102' }).waitFor();
    await page.getByRole('row').filter({ hasText: '104' }).waitFor();
  });

  it('refuses an overlapping range as a whole, listing the numbers already used', async () => {
    await page.getByRole('button', { name: 'Add a range' }).click();
    await dialog().getByLabel(/^First number/).fill('103');
    await dialog().getByLabel(/^Last number/).fill('110');
    await dialog().getByRole('button', { name: 'Create 8 extensions' }).click();
    const problems = dialog().getByTestId('batch-problems');
    await problems.waitFor();
    const items = await problems.locator('li').allTextContents();
    expect(items).to.include('Number 103, number: The number 103 is already used by extension "103".');
    expect(items).to.include('Number 104, number: The number 104 is already used by extension "104".');
    expect(await dialog().getByRole('alert').textContent()).to.include('nothing was changed');
    // What was typed stays, and nothing was created.
    expect(await dialog().getByLabel(/^First number/).inputValue()).to.equal('103');
    expect(await total()).to.equal(5);
    await b.screenshot('telephony-range-refused');
    await dialog().getByRole('button', { name: 'Cancel' }).click();
  });

  it('checks a CSV file, then imports it, and exports without passwords', async () => {
    await page.getByRole('button', { name: 'Import CSV' }).click();
    await dialog().getByLabel('CSV file').setInputFiles({ name: 'postes.csv', mimeType: 'text/csv', buffer: Buffer.from('numéro;nom;codecs\r\n200;Hélène;g722 alaw\r\n201;Ivan;alaw\r\n') });
    await dialog().getByRole('button', { name: 'Check the file' }).click();
    expect(await dialog().getByTestId('import-plan').textContent()).to.equal('2 extensions ready to create: 200, 201');
    expect(await total()).to.equal(5);
    await dialog().getByRole('button', { name: 'Create 2 extensions' }).click();
    await dialog().getByRole('heading', { name: '2 extensions created' }).waitFor();
    await dialog().getByRole('button', { name: 'Close' }).last().click();
    await page.getByRole('row').filter({ hasText: 'Hélène' }).waitFor();
    expect(await total()).to.equal(7);
    const href = await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
    const exported = await page.evaluate(`fetch(${JSON.stringify(href)}).then((r) => r.text())`) as string;
    expect(exported).to.include('200,Hélène,200,g722 alaw');
    expect(exported).not.to.match(/password/i);
  });

  it('lists the refused lines of an import in French, and creates nothing', async () => {
    await admin.patch('/api/auth/me/preferences', { locale: 'fr' });
    await page.reload();
    await page.getByRole('button', { name: 'Importer un CSV' }).click();
    await dialog().getByLabel('Fichier CSV').setInputFiles({ name: 'postes.csv', mimeType: 'text/csv', buffer: Buffer.from('number,name\n300,Jean\n200,Doublon\n') });
    await dialog().getByRole('button', { name: 'Vérifier le fichier' }).click();
    const problems = dialog().getByTestId('batch-problems');
    await problems.waitFor();
    expect(await problems.locator('li').allTextContents()).to.include('Ligne 3, number : Déjà utilisé.');
    expect(await dialog().getByRole('alert').textContent()).to.equal('Rien n’a été créé : corrigez les lignes ci-dessous et recommencez.');
    expect(await dialog().getByRole('button', { name: /^Créer/ }).count()).to.equal(0);
    await b.screenshot('telephony-import-refused-fr');
    await dialog().getByRole('button', { name: 'Annuler' }).click();
    expect(await total()).to.equal(7);
    await admin.patch('/api/auth/me/preferences', { locale: 'en' });
  });
});
