import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { verifySignature } from '../../core/webhooks/signature';
import { eventually } from '../calls/calls-harness';
import type { ApiClient } from '../support/api-client';
import type { TestApp } from '../support/test-app';
import { browserSuite, checkPageFits, openFromMenu, type TestBrowser } from '../support/browser';
import { Receiver } from '../webhooks/receiver';

/**
 * The webhooks page in Debian's Chromium against a real Carillon and a real receiver on loopback:
 * create a webhook (its secret shown once), send a test, see it delivered in the log, in English
 * and in French.
 */
describe('Admin UI: webhooks page (browser)', function () {
  this.timeout(90_000);
  let t: TestApp;
  let b: TestBrowser;
  let page: Page;
  let admin: ApiClient;
  const receiver = new Receiver();

  const ui = browserSuite({
    prepare: async (app) => {
      t = app;
      admin = await t.adminClient();
      await admin.patch('/api/auth/me/preferences', { locale: 'en', timeZone: 'Europe/Paris' });
      await receiver.up();
    },
  });
  before(() => {
    ({ browser: b, page } = ui);
  });
  after(() => receiver.down());

  let secret = '';

  it('creates a webhook: a refused private address says why, then the secret is shown once', async () => {
    await openFromMenu(page, 'webhooks', 'Webhooks', '/admin/webhooks');
    await page.getByText('No webhook yet.').waitFor();
    // Each event's example payload, for the integrator.
    await page.getByText('What each event sends (examples)').click();
    expect(await page.getByTestId('webhook-examples').textContent()).to.include('"outcome": "answered"').and.include('call.logged');
    await page.getByLabel('Name').fill('CRM');
    await page.getByLabel('URL').fill(receiver.url);
    await page.getByRole('checkbox', { name: /call\.ended/ }).check();
    await page.getByRole('button', { name: 'Create webhook' }).click();
    // Private networks are refused until allowed in the settings below.
    await page.locator('[data-field="url"] .field-error').waitFor();
    expect(await page.locator('[data-field="url"] .field-error').textContent()).to.match(/loopback/);
    await page.getByRole('checkbox', { name: /Allow addresses in private networks/ }).check();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Settings saved.').waitFor();
    await page.getByRole('button', { name: 'Create webhook' }).click();
    const notice = page.getByTestId('webhook-secret');
    await notice.waitFor();
    secret = (await notice.locator('code').textContent()) ?? '';
    expect(secret).to.match(/^whsec_/);
    const row = page.getByTestId('webhooks-table').locator('tbody tr');
    await eventually('one row', async () => (await row.count()) === 1);
    expect(await row.first().textContent()).to.include('call.ended');
    await b.screenshot('page-webhooks-created');
    await page.getByRole('button', { name: 'Done' }).click();
    expect(await page.getByTestId('webhook-secret').count()).to.equal(0);
  });

  it('sends a test from the webhook page and shows it delivered in the log, signed', async () => {
    await page.getByRole('link', { name: 'Open CRM' }).click();
    await page.getByRole('heading', { name: 'CRM', level: 1 }).waitFor();
    await page.getByText('Nothing sent yet.', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Send test' }).click();
    await page.getByText('Test event queued', { exact: false }).waitFor();
    const status = page.getByTestId('webhook-log').locator('[data-testid="delivery-status"]');
    await eventually('delivered in the log', async () => (await status.count()) === 1 && (await status.first().textContent()) === 'Delivered', 10_000);
    const row = page.getByTestId('webhook-log').locator('tbody tr').first();
    expect(await row.textContent()).to.include('webhook.test').and.include('200');
    const [request] = receiver.received;
    expect(verifySignature(secret, request.body, String(request.headers['carillon-signature']))).to.equal(true);
    await row.getByRole('button', { name: /^Details/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText(String(request.headers['carillon-delivery-id'])).waitFor();
    expect(await dialog.textContent()).to.include('This is a test delivery from Carillon.');
    await b.screenshot('page-webhook-log');
    await dialog.getByRole('button', { name: 'Close' }).click();
  });

  it('a failing receiver: the log says why in French, and the page fits', async () => {
    receiver.status = 503;
    await admin.patch('/api/auth/me/preferences', { locale: 'fr' });
    await page.reload();
    await page.getByRole('heading', { name: 'CRM', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Envoyer un test' }).click();
    const row = page.getByTestId('webhook-log').locator('tbody tr').first();
    await eventually('the failed attempt in the log', async () => ((await row.textContent()) ?? '').includes('Réponse en erreur'), 10_000);
    expect(await row.textContent()).to.include('503').and.include('En attente');
    // Plurals in French: one delivered is "1 livré", not "1 livrés".
    expect(await page.locator('dl.stats').textContent()).to.include('1 livré,').and.include('1 en attente');
    const url = new URL(page.url());
    await checkPageFits(b, url.toString(), 'CRM', 'webhook', 'fr');
    await checkPageFits(b, `${url.origin}/admin/webhooks`, 'Webhooks', 'webhooks', 'fr');
    expect(await page.getByRole('button', { name: 'Créer le webhook' }).count()).to.equal(1);
    await page.getByRole('link', { name: 'Ouvrir CRM' }).click();
    await page.getByRole('heading', { name: 'CRM', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Désactiver' }).click();
    await page.getByText('Webhook désactivé.').waitFor();
    expect(await page.getByTestId('webhook-state').textContent()).to.equal('Désactivé');
    expect(await page.getByRole('button', { name: 'Envoyer un test' }).isDisabled()).to.equal(true);
    await admin.patch('/api/auth/me/preferences', { locale: 'en' });
  });
});
