import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { ApiClient } from '../support/api-client';
import type { TestApp } from '../support/test-app';
import { browserSuite, horizontalOverflow, loaded, type TestBrowser } from '../support/browser';

/**
 * Layout bugs seen by a new admin at 1366×900 (issue #13): tables wider than the page in French,
 * a dialog clipping its text, two-column forms whose inputs move when a neighbour says something,
 * the phones list saying it is empty above a phone.
 */
describe('Admin UI: layout at 1366×900 in both languages (browser)', function () {
  this.timeout(120_000);
  let t: TestApp;
  let b: TestBrowser;
  let page: Page;
  let admin: ApiClient;

  const ui = browserSuite({
    prepare: async (app) => {
      t = app;
      admin = await t.adminClient();
      await admin.patch('/api/auth/me/preferences', { locale: 'fr' });
      // Long names and forwarding, as a real site has them.
      await admin.post('/api/telephony/extensions', { number: '201', name: 'Accueil et standard principal du siège', forwarding: { unconditional: '0611223344' } });
      await admin.post('/api/telephony/extensions', { number: '202', name: 'Comptabilité fournisseurs', voicemail: { enabled: true, email: 'compta.fournisseurs@example.test' } });
      await admin.post('/api/telephony/trunks', { kind: 'operator', name: 'Opérateur principal fibre', host: 'sip.operateur-telephonique.example.test', port: 5060, transport: 'udp', username: 'carillon-compte-0123456789', password: 'secret-operateur-1', register: true });
    },
  });
  before(async () => {
    ({ browser: b, page } = ui);
    await page.setViewportSize({ width: 1366, height: 900 });
  });

  async function deleteButtonsVisible(): Promise<void> {
    const viewport = page.viewportSize()!;
    const buttons = page.locator('td.actions button.danger');
    expect(await buttons.count()).to.be.greaterThan(0);
    for (const button of await buttons.all()) {
      const box = (await button.boundingBox())!;
      expect(box.x + box.width, `${await button.getAttribute('aria-label')} is within the window`).to.be.at.most(viewport.width);
    }
  }

  for (const locale of ['fr', 'en'] as const) {
    for (const [path, id] of [['/telephony/extensions', 'extensions'], ['/telephony/trunks', 'trunks']] as const) {
      it(`shows the ${id} table within 1366 px in ${locale}, Delete buttons on screen`, async () => {
        await admin.patch('/api/auth/me/preferences', { locale });
        await page.goto(`${t.url}${path}`);
        await page.locator('#page-title').waitFor();
        await loaded(page);
        await page.locator('td.actions').first().waitFor();
        await b.screenshot(`layout-${id}-${locale}-1366`);
        expect(await horizontalOverflow(page), 'the page is no wider than the window').to.be.at.most(0);
        const wrapOverflow = await page.locator('.table-wrap').first().evaluate((el) => el.scrollWidth - el.clientWidth);
        expect(wrapOverflow, 'the table is no wider than its frame').to.be.at.most(0);
        await deleteButtonsVisible();
      });
    }
  }

  it('shows the whole extension password dialog, its last sentence included', async () => {
    for (const locale of ['fr', 'en'] as const) {
      await admin.patch('/api/auth/me/preferences', { locale });
      await page.goto(`${t.url}/telephony/extensions`);
      await page.locator('td.actions').first().waitFor();
      await page.locator('td.actions').first().getByRole('button').first().click();
      const dialog = page.getByRole('dialog');
      await dialog.getByTestId('secret-password').waitFor();
      await b.screenshot(`layout-secret-dialog-${locale}`);
      // Nothing in the dialog is cut: no scrolled-away part, every paragraph inside the dialog's box.
      const clipped = await dialog.evaluate((el) => {
        const box = el.getBoundingClientRect();
        const out: string[] = [];
        if (el.scrollHeight > el.clientHeight + 1 || el.scrollWidth > el.clientWidth + 1) out.push(`dialog scrolls (${el.scrollWidth}×${el.scrollHeight} in ${el.clientWidth}×${el.clientHeight})`);
        for (const node of el.querySelectorAll('p, dt, dd, code, button, h2')) {
          const r = node.getBoundingClientRect();
          if (r.bottom > box.bottom + 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.left < box.left - 0.5) out.push(`${node.tagName} "${node.textContent}" outside`);
          if (node.scrollWidth > node.clientWidth + 1 && node.tagName !== 'BUTTON') out.push(`${node.tagName} "${node.textContent}" overflows`);
          // Opened from a row's buttons, it must not take the cell's right alignment or its no-wrap.
          const style = el.ownerDocument.defaultView!.getComputedStyle(node);
          if (node.tagName === 'P' && (style.whiteSpace !== 'normal' || !['start', 'left'].includes(style.textAlign))) out.push(`${node.tagName} "${node.textContent}" is ${style.whiteSpace}, ${style.textAlign}`);
        }
        return out;
      });
      expect(clipped).to.deep.equal([]);
      expect(await dialog.locator('p.hint').last().isVisible()).to.equal(true);
      await dialog.getByRole('button', { name: /^(Close|Fermer)$/ }).last().click();
    }
  });

  it('lists an assigned phone without saying that none is assigned', async () => {
    await admin.patch('/api/auth/me/preferences', { locale: 'en' });
    const extension = (await admin.get('/api/telephony/extensions?search=202')).body.items[0];
    const created = await admin.post('/api/provisioning/devices', { mac: 'c0:74:ad:12:34:56', vendor: 'grandstream', extensionIds: [extension.id] });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    await page.goto(`${t.url}/phones`);
    const table = page.getByTestId('phones-table');
    await table.locator('tr[data-mac]').first().waitFor();
    expect(await table.textContent()).not.to.include('No phone is assigned yet.');
    await page.getByLabel('Search').fill('nothing-like-this');
    await table.getByText('Nothing matches this search.').waitFor();
    await page.getByLabel('Search').fill('');
    await table.locator('tr[data-mac]').first().waitFor();
    expect(await table.locator('td.muted').count()).to.equal(0);
  });

  it('keeps each input of a two-column form where it is when its neighbour shows a hint or an error', async () => {
    await page.goto(`${t.url}/phones`);
    await page.getByRole('button', { name: 'Add a phone by its MAC' }).click();
    const form = page.getByTestId('assign-form');
    const boxes = async () => {
      const out: Record<string, { x: number; y: number; width: number; height: number }> = {};
      // Relative to the form: the dialog itself is centred again when it grows.
      const origin = (await form.boundingBox())!;
      for (const control of await form.locator('.grid-2 :is(input, select)').all()) {
        const box = (await control.boundingBox())!;
        out[(await control.getAttribute('name'))!] = { ...box, x: box.x - origin.x, y: box.y - origin.y };
      }
      return out;
    };
    const before = await boxes();
    expect(Object.keys(before)).to.include.members(['mac', 'vendor', 'model', 'label']);
    // Side by side, a select is as tall as an input: neither stretches to its neighbour's hint.
    expect(before.vendor.height).to.be.closeTo(before.mac.height, 1);
    expect(before.model.height).to.be.closeTo(before.label.height, 1);
    await form.getByLabel(/^MAC address/).fill('not a mac');
    await form.locator('button[type=submit]').click();
    await form.locator('[data-field="mac"] .field-error').waitFor();
    await b.screenshot('layout-two-columns-error');
    const after = await boxes();
    // The MAC's own row does not move; the rows below only move down by the error's height, same size.
    for (const name of ['mac', 'vendor']) expect(after[name], name).to.deep.equal(before[name]);
    for (const name of ['model', 'label']) expect({ ...after[name], y: 0 }, name).to.deep.equal({ ...before[name], y: 0 });
    await page.getByRole('dialog').getByRole('button', { name: 'Cancel' }).click();
  });
});
