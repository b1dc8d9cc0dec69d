import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { ApiClient } from '../support/api-client';
import { ADMIN, type TestApp } from '../support/test-app';
import { browserSuite, checkPageFits, horizontalOverflow, loaded, logIn, openFromMenu, type TestBrowser } from '../support/browser';

/**
 * The telephony pages in Debian's Chromium against a real Carillon: list, search, create with
 * field errors that keep the input, edit, reveal a SIP password with permission only, delete after
 * confirmation; every page on a desktop and at a phone's width, in English and French.
 */
describe('Admin UI: telephony pages (browser)', function () {
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

  it('creates an extension: a refused number is said next to the field and nothing typed is lost', async () => {
    await page.locator('a[data-nav="extensions"]').click();
    await page.getByRole('heading', { name: 'Extensions', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Add an extension' }).click();
    await dialog().getByLabel(/^Number/).fill('0123');
    await dialog().getByLabel(/^Name/).fill('Reception');
    await dialog().getByLabel('Send messages to this e-mail').fill('reception@example.test');
    await dialog().getByLabel('Always to').fill('0611223344');
    await dialog().getByRole('button', { name: 'Create' }).click();
    const number = dialog().getByLabel(/^Number/);
    await dialog().locator('[data-field="number"] .field-error').waitFor();
    expect(await number.getAttribute('aria-invalid')).to.equal('true');
    expect(await number.inputValue()).to.equal('0123');
    expect(await dialog().getByLabel(/^Name/).inputValue()).to.equal('Reception');
    expect(await dialog().getByLabel('Always to').inputValue()).to.equal('0611223344');
    await b.screenshot('telephony-extension-error');
    await number.fill('201');
    await dialog().getByRole('button', { name: 'Create' }).click();
    const row = page.getByRole('row').filter({ hasText: 'Reception' });
    await row.waitFor();
    expect(await row.textContent()).to.include('201');
    expect(await row.textContent()).to.include('Forwarded to');
    // No Asterisk here: whether a phone is registered is unknown, and said so.
    expect(await row.textContent()).to.include('Unknown');
    const created = (await admin.get('/api/telephony/extensions?search=201')).body.items[0];
    expect(created).to.deep.include({ number: '201', name: 'Reception', voicemail: { enabled: true, email: 'reception@example.test' } });
    expect(created.forwarding.unconditional).to.equal('0611223344');
  });

  it('edits an extension and finds it by search', async () => {
    await admin.post('/api/telephony/extensions', { number: '202', name: 'Back office' });
    await page.reload();
    await page.getByRole('row').filter({ hasText: 'Back office' }).waitFor();
    await page.getByLabel('Search').fill('recep');
    await page.getByRole('row').filter({ hasText: 'Back office' }).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Edit 201 Reception' }).click();
    await dialog().getByLabel(/^Name/).fill('Front desk');
    await dialog().getByLabel('Do not disturb').check();
    await dialog().getByRole('button', { name: 'Save' }).click();
    // Renamed, it no longer matches the search it was found with.
    await page.getByText('Nothing matches this search.').waitFor();
    await page.getByLabel('Search').fill('front');
    await page.getByRole('row').filter({ hasText: 'Front desk' }).filter({ hasText: 'Do not disturb' }).waitFor();
    await page.getByLabel('Search').fill('');
    await page.getByRole('row').filter({ hasText: 'Back office' }).waitFor();
  });

  it('shows a SIP password only to users allowed to, and deletes after confirmation', async () => {
    await page.getByRole('button', { name: 'Show password 201 Front desk' }).click();
    const password = dialog().getByTestId('secret-password');
    await password.waitFor();
    expect(await password.textContent()).to.match(/^[A-Za-z0-9]{32}$/);
    await b.screenshot('telephony-extension-secret');
    await dialog().getByRole('button', { name: 'Close' }).last().click();
    const audit = await admin.get('/api/audit?action=telephony.extensions.revealSecret');
    expect(audit.body.items).to.have.length(1);

    await page.getByRole('button', { name: 'Delete 202 Back office' }).click();
    await dialog().getByText('Delete 202 Back office? This cannot be undone.').waitFor();
    await dialog().getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('row').filter({ hasText: 'Back office' }).waitFor({ state: 'detached' });
    expect((await admin.get('/api/telephony/extensions')).body.total).to.equal(1);

    // A technician holds telephony.secrets; a supervisor reads telephony but sees no password button.
    await admin.post('/api/users', { email: 'supervisor@example.test', displayName: 'Supervisor', password: ADMIN.password, roles: ['supervisor'], locale: 'en' });
    await logIn(page, t.url, 'supervisor@example.test', ADMIN.password);
    await page.goto(`${t.url}/telephony/extensions`);
    await page.getByRole('row').filter({ hasText: 'Front desk' }).waitFor();
    expect(await page.getByRole('button', { name: /Show password/ }).count()).to.equal(0);
    expect(await page.getByRole('button', { name: /^Edit / }).count()).to.equal(0);
    expect(await page.getByRole('button', { name: 'Add an extension' }).count()).to.equal(0);
    await logIn(page, t.url, ADMIN.email, ADMIN.password);
  });

  it('creates a trunk, an outbound route (a bad dial pattern is shown), an inbound route and a ring group', async () => {
    await page.goto(`${t.url}/telephony/trunks`);
    await page.getByRole('button', { name: 'Add a trunk' }).click();
    await dialog().getByLabel(/^Name/).fill('Operator');
    await dialog().getByLabel(/^Host/).fill('sip.operator.example');
    await dialog().getByLabel(/^User name/).fill('0123456789');
    await dialog().getByLabel(/^Password/).fill('operator-secret');
    await dialog().getByRole('button', { name: 'Create' }).click();
    await page.getByRole('row').filter({ hasText: 'sip.operator.example:5060 (UDP)' }).waitFor();

    await page.goto(`${t.url}/telephony/outbound-routes`);
    await page.getByRole('button', { name: 'Add an outbound route' }).click();
    await dialog().getByLabel(/^Name/).fill('France');
    await dialog().getByLabel(/^Dial patterns/).fill('_0ZXXXXXXXX\n_0Q');
    await dialog().getByLabel('Add', { exact: true }).selectOption({ label: 'Operator' });
    await dialog().getByRole('button', { name: 'Create' }).click();
    await dialog().locator('[data-field="patterns"] .field-error').filter({ hasText: 'line 2' }).waitFor();
    expect(await dialog().getByLabel(/^Dial patterns/).inputValue()).to.equal('_0ZXXXXXXXX\n_0Q');
    await b.screenshot('telephony-outbound-error');
    await dialog().getByLabel(/^Dial patterns/).fill('_0ZXXXXXXXX');
    await dialog().getByRole('button', { name: 'Create' }).click();
    await page.getByRole('row').filter({ hasText: 'France' }).filter({ hasText: 'Operator' }).waitFor();

    await page.goto(`${t.url}/telephony/ring-groups`);
    await page.getByRole('button', { name: 'Add a ring group' }).click();
    await dialog().getByLabel(/^Number/).fill('600');
    await dialog().getByLabel(/^Name/).fill('Sales');
    await dialog().getByLabel('Add', { exact: true }).selectOption({ label: '201 · Front desk' });
    await dialog().getByRole('button', { name: 'Create' }).click();
    await page.getByRole('row').filter({ hasText: 'Sales' }).filter({ hasText: '201' }).waitFor();

    await page.goto(`${t.url}/telephony/opening-hours`);
    await page.getByRole('button', { name: 'Add opening hours' }).click();
    await dialog().getByLabel(/^Name/).fill('Office');
    await dialog().getByRole('button', { name: 'Create' }).click();
    await page.getByRole('row').filter({ hasText: 'Office' }).filter({ hasText: 'Mon–Fri 09:00–12:30, 14:00–18:00' }).waitFor();

    await page.goto(`${t.url}/telephony/inbound-routes`);
    await page.getByRole('button', { name: 'Add an inbound route' }).click();
    await dialog().getByLabel(/^Called number/).fill('0123456789');
    await dialog().getByLabel('Send calls to').selectOption({ label: 'Depending on opening hours' });
    await dialog().getByLabel(/^Opening hours/).selectOption({ label: 'Office' });
    await dialog().getByRole('group', { name: 'When open' }).getByLabel('Send calls to').selectOption({ label: 'Ring group' });
    await dialog().getByRole('group', { name: 'When open' }).getByLabel(/^Ring group/).selectOption({ label: '600 · Sales' });
    // A national number is read with the system's country (France) and stored in E.164.
    await dialog().getByRole('button', { name: 'Create' }).click();
    await page.getByRole('row').filter({ hasText: 'Office: Ring group 600 · Sales / Voicemail of 201 · Front desk' }).waitFor();
    const route = (await admin.get('/api/telephony/inbound-routes')).body.items[0];
    expect(route.did).to.equal('+33123456789');
    expect(route.destination).to.deep.include({ type: 'schedule', open: { type: 'ringGroup', ringGroupId: (await admin.get('/api/telephony/ring-groups')).body.items[0].id } });

    // An extension a ring group and a route still use is not deleted: the dialog says why.
    await page.goto(`${t.url}/telephony/extensions`);
    await page.getByRole('button', { name: 'Delete 201 Front desk' }).click();
    await dialog().getByRole('button', { name: 'Delete' }).click();
    const refusal = dialog().getByRole('alert');
    await refusal.waitFor();
    expect(await refusal.textContent()).to.match(/ring group|route/i);
    await dialog().getByRole('button', { name: 'Cancel' }).click();
    expect((await admin.get('/api/telephony/extensions')).body.total).to.equal(1);
  });

  it('gives an extension a new SIP password after confirmation, and changes SIP settings', async () => {
    const before = (await admin.post(`/api/telephony/extensions/${(await admin.get('/api/telephony/extensions')).body.items[0].id}/sip-secret/reveal`)).body.sipPassword;
    await page.getByRole('button', { name: 'New password 201 Front desk' }).click();
    await dialog().getByText(/Give 201 Front desk a new password\?/).waitFor();
    await dialog().getByRole('button', { name: 'New password' }).click();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    const after = (await admin.post(`/api/telephony/extensions/${(await admin.get('/api/telephony/extensions')).body.items[0].id}/sip-secret/reveal`)).body.sipPassword;
    expect(after).not.to.equal(before);

    await page.locator('a[data-nav="telephony-settings"]').click();
    await page.getByRole('heading', { name: 'SIP settings', level: 1 }).waitFor();
    await page.getByLabel('Local networks').fill('192.168.1.0/24\n10.0.0.0/33');
    // The page has two forms (SIP settings, SIP ban exemption), each with its Save.
    const save = page.getByTestId('telephony-settings').getByRole('button', { name: 'Save' });
    await save.click();
    await page.locator('[data-field="transports.localNetworks"] .field-error').waitFor();
    await page.getByLabel('Local networks').fill('192.168.1.0/24\n10.0.0.0/8');
    await page.getByLabel(/^Public address/).fill('pbx.example.com');
    await save.click();
    await page.getByText('Saved.').waitFor();
    expect((await admin.get('/api/telephony/settings')).body.transports).to.deep.include({ externalAddress: 'pbx.example.com', localNetworks: ['192.168.1.0/24', '10.0.0.0/8'] });
  });

  it('SIP settings say no SIP address is chosen yet, that a transport change waits for an Asterisk restart, and show the SIP ban', async () => {
    await page.locator('a[data-nav="telephony-settings"]').click();
    await page.getByRole('heading', { name: 'SIP settings', level: 1 }).waitFor();
    await page.getByText(/No SIP address is chosen yet/).waitFor();
    // No privileged helper here (a development checkout): fail2ban shows as not installed.
    await page.getByTestId('sip-bans').getByText(/fail2ban is not installed on this machine/).waitFor();
    expect(await page.getByTestId('sip-ban-effective').textContent()).to.include('127.0.0.1/8, ::1, 127.0.0.0/8');

    await page.getByLabel(/^Listen on address/).fill('127.0.0.1');
    await page.getByTestId('telephony-settings').getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').waitFor();
    expect(await page.getByText(/No SIP address is chosen yet/).count()).to.equal(0);
    // The first transports are created by a reload: nothing waits. A changed port does, once
    // Asterisk was given the first one (the regeneration is debounced: wait for it).
    const transports = path.join(t.dataDir, 'asterisk', 'pjsip-transports.conf');
    for (const deadline = Date.now() + 10_000; !fs.readFileSync(transports, 'utf8').includes('bind=127.0.0.1:5060'); ) {
      if (Date.now() > deadline) throw new Error('the transports were not regenerated');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(await page.getByText(/waits for an Asterisk restart/).count()).to.equal(0);
    await page.getByLabel(/^UDP port/).fill('5070');
    await page.getByTestId('telephony-settings').getByRole('button', { name: 'Save' }).click();
    const pending = page.getByTestId('asterisk-restart');
    await pending.getByText(/waits for an Asterisk restart/).waitFor();
    expect(await pending.textContent()).to.include('sudo systemctl restart asterisk');

    // The SIP ban spares the chosen networks.
    await page.getByLabel(/^Never banned/).selectOption('custom');
    await page.getByLabel(/^Exempt networks/).fill('192.168.1.0/24');
    await page.getByTestId('sip-ban-exemption').getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('sip-ban-effective').getByText('fail2ban ignores: 127.0.0.1/8, ::1, 192.168.1.0/24').waitFor();
    expect((await admin.get('/api/telephony/sip-bans')).body.exemption.networks).to.deep.equal(['192.168.1.0/24']);
    await b.screenshot('telephony-settings-restart-bans');
  });

  it('shows every telephony page in English and French, on a desktop and at 360 px', async () => {
    const pages = [
      ['extensions', '/telephony/extensions', 'Extensions', 'Postes'],
      ['trunks', '/telephony/trunks', 'Trunks', 'Trunks'],
      ['inbound-routes', '/telephony/inbound-routes', 'Inbound routes', 'Routes entrantes'],
      ['outbound-routes', '/telephony/outbound-routes', 'Outbound routes', 'Routes sortantes'],
      ['ring-groups', '/telephony/ring-groups', 'Ring groups', 'Groupes d’appel'],
      ['schedules', '/telephony/opening-hours', 'Opening hours', 'Horaires d’ouverture'],
      ['restriction-classes', '/telephony/restriction-classes', 'Call restrictions', 'Restrictions d’appel'],
      ['telephony-settings', '/telephony/settings', 'SIP settings', 'Réglages SIP'],
    ] as const;
    await page.goto(`${t.url}/`);
    for (const [id, path, title] of pages) {
      await openFromMenu(page, id, title, path);
      await loaded(page);
      await b.screenshot(`page-${id}-en`);
    }
    await admin.patch('/api/auth/me/preferences', { locale: 'fr' });
    await page.setViewportSize({ width: 360, height: 740 });
    for (const [id, path, , titleFr] of pages) {
      await checkPageFits(b, `${t.url}${path}`, titleFr, id, 'fr-360');
    }
    await page.getByRole('button', { name: 'Ajouter un poste' }).waitFor({ state: 'detached' }).catch(() => undefined);
    await page.goto(`${t.url}/telephony/extensions`);
    await page.getByRole('button', { name: 'Ajouter un poste' }).click();
    await b.screenshot('telephony-extension-form-fr-360');
    expect(await horizontalOverflow(page), 'the extension form fits 360 px').to.be.at.most(0);
    await admin.patch('/api/auth/me/preferences', { locale: 'en' });
    await page.setViewportSize({ width: 1280, height: 800 });
  });
});
