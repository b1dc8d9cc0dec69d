import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { TestApp } from '../support/test-app';
import type { ApiClient } from '../support/api-client';
import { EXAMPLE_PLUGIN, installPluginPackage } from '../support/plugins';
import { browserSuite, loaded, type TestBrowser } from '../support/browser';

/**
 * Issue #13, the plugin author's day: the plugins page shows names per language and each plugin's
 * health; a plugin that declares settings gets a generated settings page (no page of its own),
 * whose server-side validation errors appear on the fields.
 */
describe('Plugins page and generated plugin settings (browser)', function () {
  this.timeout(90_000);
  let t: TestApp;
  let b: TestBrowser;
  let page: Page;
  let admin: ApiClient;

  const ui = browserSuite({
    app: () => ({ pluginDir: installPluginPackage(EXAMPLE_PLUGIN) }),
    prepare: async (app) => {
      t = app;
      admin = await t.adminClient();
      await admin.patch('/api/auth/me/preferences', { locale: 'en' });
    },
  });
  before(() => {
    ({ browser: b, page } = ui);
  });

  it('shows a plugin’s dashboard card after the core cards, kept live by the plugin', async () => {
    await page.goto(`${t.url}/`);
    const card = page.locator('.plugin-card[data-plugin="example"][data-card="notes-count"]');
    await card.getByRole('heading', { name: 'Team notes' }).waitFor();
    await card.locator('.example-card-count', { hasText: '0 notes' }).waitFor();
    await admin.post('/api/plugins/example/notes', { text: 'first' });
    await card.locator('.example-card-count', { hasText: '1 note' }).waitFor();
    await b.screenshot('dashboard-plugin-card');
  });

  it('shows the plugin name and health in English, and in French after switching', async () => {
    await page.goto(`${t.url}/admin/plugins`);
    const row = page.locator('tr[data-plugin="example"]');
    await row.getByText('Example notes', { exact: true }).waitFor();
    expect(await row.locator('.plugin-health').getAttribute('data-health')).to.equal('ok');
    expect(await row.locator('.plugin-health').textContent()).to.include('1 of 1000 notes used.');

    expect((await admin.patch('/api/auth/me/preferences', { locale: 'fr' })).status).to.equal(200);
    await page.goto(`${t.url}/admin/plugins`);
    await row.getByText('Notes d’exemple', { exact: true }).waitFor();
    expect(await row.locator('.plugin-health').textContent()).to.include('En bonne santé');
    expect(await row.locator('.plugin-health').textContent()).to.include('1 note utilisée sur 1000.');
    await b.screenshot('plugins-page-fr');
    expect((await admin.patch('/api/auth/me/preferences', { locale: 'en' })).status).to.equal(200);
  });

  it('opens the generated settings form, shows the server’s errors on the fields, then saves', async () => {
    await page.goto(`${t.url}/admin/plugins`);
    await page.locator('tr[data-plugin="example"] a', { hasText: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Settings: Example notes', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).to.equal('/admin/plugins/example/settings');
    await loaded(page);

    // Fields by type, with labels and help from the schema.
    const quota = page.getByLabel('Notes quota');
    expect(await quota.inputValue()).to.equal('1000');
    expect(await page.locator('[data-field="maxNotes"] .hint').textContent()).to.include('From 1 to 100000.');
    expect(await page.getByLabel('Order of notes').inputValue()).to.equal('oldest');
    expect(await page.getByLabel('Announce new notes live').isChecked()).to.equal(true);
    const token = page.getByLabel('CRM token', { exact: true });
    expect(await token.getAttribute('type')).to.equal('password');
    expect(await page.locator('[data-field="crmToken"] .hint').textContent()).to.include('Not set.');

    await quota.fill('0');
    await page.getByLabel('Helpdesk number').fill('01 23');
    await token.fill('short');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('[data-field="maxNotes"] .field-error', { hasText: 'At least 1.' }).waitFor();
    expect(await page.locator('[data-field="helpdeskNumber"] .field-error').count()).to.equal(1);
    expect(await page.locator('[data-field="crmToken"] .field-error').count()).to.equal(1);
    expect(await quota.getAttribute('aria-invalid')).to.equal('true');
    await b.screenshot('plugin-settings-errors');

    await quota.fill('250');
    await page.getByLabel('Helpdesk number').fill('+33987654321');
    await token.fill('crm-secret-123');
    await page.getByLabel('Order of notes').selectOption('newest');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Settings saved.').waitFor();
    // The secret is never shown back: the field is empty and says a value is set.
    expect(await token.inputValue()).to.equal('');
    expect(await page.locator('[data-field="crmToken"] .hint').textContent()).to.include('A value is set');
    expect((await admin.get('/api/plugins/example/settings')).body.values).to.deep.include({ maxNotes: 250, order: 'newest', crmToken: { set: true } });

    // Removing a saved secret is a deliberate choice, not an empty field.
    await page.getByLabel('Remove the saved CRM token').check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('[data-field="crmToken"] .hint', { hasText: 'Not set.' }).waitFor();
    expect((await admin.get('/api/plugins/example/settings')).body.values.crmToken).to.deep.equal({ set: false });
  });
});
