import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { ApiClient } from '../support/api-client';
import type { TestApp } from '../support/test-app';
import { browserSuite, type TestBrowser } from '../support/browser';

/**
 * The telephony editors a new admin meets on day one, in Debian's Chromium against a real
 * Carillon: the codec preference order (keyboard only), the per-day opening-hours grid with
 * "copy to weekdays", its refusals in English and French, and the holiday country picker.
 */
describe('Admin UI: codec order and opening-hours grid (browser)', function () {
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
  const offered = async () => {
    await dialog().locator('ol.codec-list li').first().waitFor();
    return dialog().locator('ol.codec-list li').evaluateAll((items: any[]) => items.map((li) => li.dataset.codec as string));
  };

  it('reorders an extension’s codecs with the keyboard and saves that order', async () => {
    const ext = (await admin.post('/api/telephony/extensions', { number: '210', name: 'Desk', codecs: ['alaw', 'ulaw', 'g722'] })).body;
    await page.goto(`${t.url}/telephony/extensions`);
    await page.getByRole('button', { name: 'Edit 210 Desk' }).click();
    expect(await offered()).to.deep.equal(['alaw', 'ulaw', 'g722']);
    // G.722 to the top: focus its "up" button and press Enter twice; the focus stays on the moved codec.
    await dialog().getByRole('button', { name: 'Move G.722 (HD) up' }).focus();
    await page.keyboard.press('Enter');
    expect(await offered()).to.deep.equal(['alaw', 'g722', 'ulaw']);
    await page.keyboard.press('Enter');
    expect(await offered()).to.deep.equal(['g722', 'alaw', 'ulaw']);
    // At the top its "up" button is disabled: the focus moved to its "down" one, not lost.
    expect(await page.evaluate<string | null>("document.activeElement?.getAttribute('aria-label')")).to.equal('Move G.722 (HD) down');
    await dialog().getByText('G.722 (HD) is now number 1 of 3.').waitFor();
    // Offer Opus (it joins at the end), then withdraw µ-law, with Space on the checkboxes.
    await dialog().getByRole('checkbox', { name: 'Opus' }).focus();
    await page.keyboard.press('Space');
    await dialog().getByRole('checkbox', { name: /µ-law/ }).focus();
    await page.keyboard.press('Space');
    expect(await offered()).to.deep.equal(['g722', 'alaw', 'opus']);
    await dialog().getByRole('button', { name: 'Move Opus up' }).click();
    expect(await offered()).to.deep.equal(['g722', 'opus', 'alaw']);
    await b.screenshot('telephony-codec-order');
    await dialog().getByRole('button', { name: 'Save' }).click();
    await dialog().waitFor({ state: 'hidden' });
    expect((await admin.get(`/api/telephony/extensions/${ext.id}`)).body.codecs).to.deep.equal(['g722', 'opus', 'alaw']);
    // The list shows them in that order, and the form opens with it.
    await page.getByRole('row').filter({ hasText: 'G.722 (HD), Opus, G.711 A-law' }).waitFor();
    await page.getByRole('button', { name: 'Edit 210 Desk' }).click();
    expect(await offered()).to.deep.equal(['g722', 'opus', 'alaw']);
    await dialog().getByRole('button', { name: 'Cancel' }).click();
  });

  it('orders a trunk’s codecs too', async () => {
    await page.goto(`${t.url}/telephony/trunks`);
    await page.getByRole('button', { name: 'Add a trunk' }).click();
    await dialog().getByLabel(/^Name/).fill('Operator');
    await dialog().getByLabel(/^Host/).fill('sip.operator.example');
    await dialog().getByLabel(/^User name/).fill('0123456789');
    await dialog().getByLabel(/^Password/).fill('operator-secret');
    await dialog().getByRole('button', { name: /Move G.711 µ-law up/ }).click();
    expect(await offered()).to.deep.equal(['ulaw', 'alaw', 'g722']);
    await dialog().getByRole('button', { name: 'Create' }).click();
    await page.getByRole('row').filter({ hasText: 'Operator' }).waitFor();
    expect((await admin.get('/api/telephony/trunks')).body.items[0].codecs).to.deep.equal(['ulaw', 'alaw', 'g722']);
  });

  it('edits opening hours day by day, copies Monday to the weekdays, and names overlapping ranges', async () => {
    await page.goto(`${t.url}/telephony/opening-hours`);
    await page.getByRole('button', { name: 'Add opening hours' }).click();
    await dialog().getByLabel(/^Name/).fill('Shop');
    const day = (n: number) => dialog().locator(`tr[data-day="${n}"]`);
    // Office hours are proposed; Saturday and Sunday say they are closed.
    expect(await day(6).textContent()).to.include('Closed');
    expect(await day(7).textContent()).to.include('Closed');
    // Monday becomes 08:00–12:00 and 13:00–19:00 with a third range 14:00–15:00 that overlaps.
    await dialog().getByLabel(/^Monday, range 1, from/).fill('08:00');
    await dialog().getByLabel(/^Monday, range 1, to/).fill('12:00');
    await dialog().getByLabel(/^Monday, range 2, from/).fill('13:00');
    await dialog().getByLabel(/^Monday, range 2, to/).fill('19:00');
    await dialog().getByRole('button', { name: 'Add a range to Monday' }).click();
    await dialog().getByLabel(/^Monday, range 3, from/).fill('14:00');
    await dialog().getByLabel(/^Monday, range 3, to/).fill('15:00');
    await dialog().getByRole('button', { name: 'Add a range to Saturday' }).click();
    await dialog().getByLabel(/^Saturday, range 1, from/).fill('10:00');
    await dialog().getByLabel(/^Saturday, range 1, to/).fill('09:00');
    await dialog().getByRole('button', { name: 'Create' }).click();
    const mondayError = day(1).locator('.field-error');
    await mondayError.waitFor();
    expect(await mondayError.textContent()).to.equal('Monday: 14:00–15:00 overlaps 13:00–19:00. Join them in one range or move one.');
    expect(await dialog().getByLabel(/^Monday, range 3, from/).getAttribute('aria-invalid')).to.equal('true');
    expect(await day(6).locator('.field-error').textContent()).to.include('Saturday 10:00–09:00: a range must close after it opens');
    await b.screenshot('telephony-hours-grid-errors');
    expect((await admin.get('/api/telephony/schedules')).body.total).to.equal(0);

    await dialog().getByRole('button', { name: 'Remove Monday 14:00–15:00' }).click();
    await dialog().getByRole('button', { name: 'Remove Saturday 10:00–09:00' }).click();
    expect(await day(6).textContent()).to.include('Closed');
    await dialog().getByRole('button', { name: 'Copy to weekdays' }).click();
    for (const n of [2, 3, 4, 5]) {
      expect(await day(n).locator('input.time-input').evaluateAll((inputs: any[]) => inputs.map((i) => i.value as string))).to.deep.equal(['08:00', '12:00', '13:00', '19:00']);
    }
    // The country picker: France by default, Moselle chosen, its holidays (Good Friday) previewed.
    expect(await dialog().getByLabel('Country').inputValue()).to.equal('FR');
    await dialog().getByLabel(/^Region/).selectOption({ label: 'Département Moselle' });
    await dialog().getByText(/^Public holidays in \d{4} \(\d+\)$/).click();
    await dialog().locator('.holiday-preview li').filter({ hasText: 'Good Friday' }).waitFor();
    await dialog().getByRole('button', { name: 'Create' }).click();
    await page.getByRole('row').filter({ hasText: 'Shop' }).filter({ hasText: 'Mon–Fri 08:00–12:00, 13:00–19:00' }).waitFor();
    const saved = (await admin.get('/api/telephony/schedules')).body.items[0];
    expect(saved.publicHolidays).to.deep.equal({ country: 'FR', region: '57' });
    expect(saved.weekly).to.have.length(10);
    expect(saved.weekly.filter((s: { day: number }) => s.day === 3)).to.deep.equal([
      { day: 3, open: '08:00', close: '12:00' },
      { day: 3, open: '13:00', close: '19:00' },
    ]);
  });

  it('says the same refusals in French, and lists countries in French', async () => {
    await admin.patch('/api/auth/me/preferences', { locale: 'fr' });
    await page.goto(`${t.url}/telephony/opening-hours`);
    await page.getByRole('button', { name: 'Modifier Shop' }).click();
    await dialog().getByRole('button', { name: 'Ajouter une plage au Mardi' }).click();
    await dialog().getByLabel(/^Mardi, plage 3, de/).fill('11:00');
    await dialog().getByLabel(/^Mardi, plage 3, à/).fill('12:30');
    await dialog().getByRole('button', { name: 'Enregistrer' }).click();
    const error = dialog().locator('tr[data-day="2"] .field-error');
    await error.waitFor();
    expect(await error.textContent()).to.equal('Mardi : 11:00–12:30 chevauche 08:00–12:00. Réunissez-les en une plage ou déplacez-en une.');
    await dialog().getByLabel('Pays').selectOption({ label: 'Allemagne' });
    expect(await dialog().getByLabel('Pays').inputValue()).to.equal('DE');
    await b.screenshot('telephony-hours-grid-fr');
    await dialog().getByRole('button', { name: 'Annuler' }).click();
    await admin.patch('/api/auth/me/preferences', { locale: 'en' });
  });
});
