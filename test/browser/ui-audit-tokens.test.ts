import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { ApiClient } from '../support/api-client';
import { browserSuite, horizontalOverflow, loaded, type TestBrowser } from '../support/browser';
import type { TestApp } from '../support/test-app';

/**
 * The audit log and the API token page in Debian's Chromium against a real Carillon: actions and
 * permissions described in the user's language with their keys still shown, and what a change
 * did, field by field, with secrets never shown.
 */
describe('Admin UI: audit log changes and token permission descriptions (browser)', function () {
  this.timeout(90_000);
  let t: TestApp;
  let b: TestBrowser;
  let page: Page;
  let admin: ApiClient;
  let trunkPassword: string;

  const ui = browserSuite({
    prepare: async (app) => {
      t = app;
      admin = await t.adminClient();
      await admin.patch('/api/auth/me/preferences', { locale: 'en' });
      const created = await admin.post('/api/telephony/extensions', { number: '501', name: 'Accueil' });
      expect(created.status, created.text).to.equal(201);
      const updated = await admin.patch(`/api/telephony/extensions/${created.body.id}`, { name: 'Standard', doNotDisturb: true });
      expect(updated.status, updated.text).to.equal(200);
      trunkPassword = `Tr0nk-${Math.random().toString(36).slice(2)}`;
      const trunk = await admin.post('/api/telephony/trunks', { kind: 'operator', name: 'Opérateur', host: 'sip.example.net', username: 'acct', password: trunkPassword });
      expect(trunk.status, trunk.text).to.equal(201);
      const changed = await admin.patch(`/api/telephony/trunks/${trunk.body.id}`, { password: `${trunkPassword}-2` });
      expect(changed.status, changed.text).to.equal(200);
      expect((await admin.post('/api/roles', { name: 'night-desk', permissions: ['users.read', 'calls.read'] })).status).to.equal(201);
      expect((await admin.patch('/api/roles/night-desk', { permissions: ['users.read', 'audit.read'] })).status).to.equal(200);
    },
  });
  before(() => {
    ({ browser: b, page } = ui);
  });

  const auditRow = (action: string) => page.getByTestId('audit-table').locator('tbody tr').filter({ has: page.locator('code', { hasText: new RegExp(`^${action.replace(/\./g, '\\.')}$`) }) }).first();

  async function openAudit(action: string, title: string): Promise<void> {
    await page.goto(`${t.url}/admin/audit`);
    await page.getByRole('heading', { name: title, level: 1 }).waitFor();
    await loaded(page);
    await page.locator('#audit-action').fill(action);
    await auditRow(action).waitFor();
  }

  it('describes each action in English, keeps its key, and shows an update field by field', async () => {
    await openAudit('telephony.extensions.update', 'Audit log');
    const row = auditRow('telephony.extensions.update');
    expect(await row.locator('.audit-action').textContent()).to.equal('Extension changed');
    expect(await row.locator('.audit-action').getAttribute('title')).to.equal('Key for integrators: telephony.extensions.update');
    await row.getByRole('button', { name: 'Show 2 changes' }).click();
    const diff = page.locator('[data-testid^="audit-changes-"]').first();
    await diff.waitFor();
    expect(await diff.locator('caption').textContent()).to.equal('Changed fields');
    expect(await diff.locator('thead th').allTextContents()).to.deep.equal(['Field', 'Before', 'After']);
    const cells = await diff.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.children].map((c) => (c.textContent ?? '').trim())));
    // Field names for people, with the API name underneath.
    expect(cells).to.deep.include.members([
      ['Namename', 'Accueil', 'Standard'],
      ['Do not disturbdoNotDisturb', 'No', 'Yes'],
    ]);
    expect(await diff.locator('.audit-field').allTextContents()).to.include.members(['Name', 'Do not disturb']);
    expect(await horizontalOverflow(page)).to.be.at.most(0);
    await b.screenshot('page-audit-diff-en');
    await row.getByRole('button', { name: 'Hide changes' }).click();
    expect(await page.locator('[data-testid^="audit-changes-"]').count()).to.equal(0);
  });

  it('shows a created resource’s values, and a changed secret only as changed', async () => {
    await openAudit('telephony.trunks.update', 'Audit log');
    await auditRow('telephony.trunks.update').getByRole('button', { name: /^Show/ }).click();
    const diff = page.locator('[data-testid^="audit-changes-"]').first();
    await diff.waitFor();
    expect(await diff.locator('tr.diff-secret').textContent()).to.include('changed (hidden)');
    expect(await page.content()).not.to.include(trunkPassword);

    await openAudit('telephony.trunks.create', 'Audit log');
    await auditRow('telephony.trunks.create').getByRole('button', { name: /^Show/ }).click();
    const created = page.locator('[data-testid^="audit-changes-"]').first();
    await created.waitFor();
    expect(await created.locator('caption').textContent()).to.equal('Created with these values');
    expect(await created.locator('thead th').allTextContents()).to.deep.equal(['Field', 'After']);
    expect(await created.textContent()).to.include('sip.example.net');
    expect(await page.content()).not.to.include(trunkPassword);
  });

  it('says what a changed list gained and lost', async () => {
    await openAudit('roles.update', 'Audit log');
    const row = auditRow('roles.update');
    expect(await row.locator('.audit-action').textContent()).to.equal('Role changed');
    await row.getByRole('button', { name: /^Show/ }).click();
    const diff = page.locator('[data-testid^="audit-changes-"]').first();
    await diff.waitFor();
    const permissions = diff.locator('tbody tr', { has: page.locator('code', { hasText: /^permissions$/ }) });
    expect(await permissions.locator('.delta-added').textContent()).to.equal('Added: audit.read');
    expect(await permissions.locator('.delta-removed').textContent()).to.equal('Removed: calls.read');
    await b.screenshot('page-audit-list-delta-en');
  });

  it('shows the token permission picker with what each permission allows, and the key underneath', async () => {
    await page.goto(`${t.url}/account/tokens`);
    await page.getByRole('heading', { name: 'API tokens', level: 1 }).waitFor();
    await loaded(page);
    await page.getByText('Limit the token to some of my permissions').click();
    const picker = page.getByTestId('token-permission-picker');
    const choice = picker.locator('label', { has: page.locator('code', { hasText: /^audit\.read$/ }) });
    expect(await choice.locator('.permission-description').textContent()).to.equal('Read the audit log');
    expect(await picker.locator('label', { has: page.locator('code', { hasText: /^account\.tokens$/ }) }).locator('.permission-description').textContent()).to.equal('List and revoke one’s own API tokens');
    // Every line has a description, not its key again.
    const lines = await picker.locator('label').evaluateAll((labels) =>
      labels.map((l) => [l.querySelector('.permission-description')?.textContent ?? '', l.querySelector('code')?.textContent ?? '']),
    );
    expect(lines.length).to.be.greaterThan(10);
    expect(lines.filter(([description, key]) => !description || description === key)).to.deep.equal([]);
    await b.screenshot('page-tokens-picker-en');

    await page.getByLabel(/^Name/).fill('Audit reader');
    await choice.locator('input').check();
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByTestId('new-token').waitFor();
    const tokenRow = page.getByTestId('tokens-table').locator('tbody tr', { hasText: 'Audit reader' });
    expect(await tokenRow.textContent()).to.include('Read the audit log');
    expect(await tokenRow.textContent()).to.include('audit.read');
  });

  it('says the same in French: actions, changes and permissions', async () => {
    await admin.patch('/api/auth/me/preferences', { locale: 'fr' });
    await page.goto(`${t.url}/admin/audit`);
    await page.getByRole('heading', { name: 'Journal d’audit', level: 1 }).waitFor();
    await loaded(page);
    await page.locator('#audit-action').fill('telephony.extensions.update');
    const row = auditRow('telephony.extensions.update');
    await row.waitFor();
    expect(await row.locator('.audit-action').textContent()).to.equal('Poste modifié');
    await row.getByRole('button', { name: 'Voir les 2 modifications' }).click();
    const diff = page.locator('[data-testid^="audit-changes-"]').first();
    await diff.waitFor();
    expect(await diff.locator('thead th').allTextContents()).to.deep.equal(['Champ', 'Avant', 'Après']);
    expect(await diff.textContent()).to.include('Oui');
    expect(await diff.locator('.audit-field').allTextContents()).to.include.members(['Nom', 'Ne pas déranger']);
    await b.screenshot('page-audit-diff-fr');

    await page.goto(`${t.url}/account/tokens`);
    await page.getByRole('heading', { name: 'Jetons d’API', level: 1 }).waitFor();
    await loaded(page);
    await page.getByText('Limiter le jeton à certaines de mes permissions').click();
    const picker = page.getByTestId('token-permission-picker');
    const choice = picker.locator('label', { has: page.locator('code', { hasText: /^audit\.read$/ }) });
    expect(await choice.locator('.permission-description').textContent()).to.equal('Consulter le journal d’audit');
    await b.screenshot('page-tokens-picker-fr');
  });
});
