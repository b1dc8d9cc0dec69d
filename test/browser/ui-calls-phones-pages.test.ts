import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Locator, Page } from 'playwright-core';
import { CallRecording } from '../../core/calls/call-models';
import type { ApiClient } from '../support/api-client';
import { ADMIN, type TestApp } from '../support/test-app';
import { eventually, observation } from '../calls/calls-harness';
import { browserSuite, checkPageFits, logIn, type TestBrowser } from '../support/browser';

/** Waits until `locator` matches `count` elements (the page's CSP forbids string predicates). */
async function rowCount(locator: Locator, count: number): Promise<void> {
  await eventually(`${count} rows`, async () => (await locator.count()) === count, 8000);
}

/**
 * The call log, registrations and phones pages in Debian's Chromium against a real Carillon:
 * filters, keyset pages, the recording player with range requests, CSV export; unassigned
 * phones assigned in one step, a phone's settings and keys.
 */
describe('Admin UI: call log, registrations and phones pages (browser)', function () {
  this.timeout(90_000);
  let t: TestApp;
  let b: TestBrowser;
  let page: Page;
  let admin: ApiClient;
  const base = new Date(Date.now() - 3 * 3600_000);

  const ui = browserSuite({
    prepare: async (app) => {
      t = app;
      admin = await t.adminClient();
      await admin.patch('/api/auth/me/preferences', { locale: 'en', timeZone: 'Europe/Paris', numberDisplay: 'national' });
      const log = t.app.cradle.callLogService;
      // 60 calls a minute apart, one in three unanswered; a mobile's unanswered call; one recording.
      for (let i = 0; i < 60; i++) {
        const noAnswer = i % 3 === 0;
        await log.record(
          observation({
            callKey: `call-${i}`,
            startAt: new Date(base.getTime() + i * 60_000),
            callerNumber: i === 57 ? '0611223344' : `01234567${String(i).padStart(2, '0')}`,
            destination: i % 2 ? '201' : '202',
            talkSeconds: noAnswer ? 0 : 42,
            verdict: { status: noAnswer ? 'no_answer' : 'answered', origin: 'userfield' },
          }),
        );
      }
      const file = path.join(t.dataDir, 'recordings', '2026', '11', 'call-58.mp3');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, Buffer.alloc(4000, 7));
      await CallRecording.create({ callKey: 'call-58', uniqueid: 'call-58', file: '2026/11/call-58.mp3', bytes: 4000, recordedAt: new Date(base.getTime() + 58 * 60_000) });
    },
  });
  before(() => {
    ({ browser: b, page } = ui);
  });

  const rows = () => page.getByTestId('calls-table').locator('tbody tr');

  it('lists calls newest first in pages of 50, in the user’s time zone and number display', async () => {
    await page.locator('a[data-nav="calls"]').click();
    await page.getByRole('heading', { name: 'Call log', level: 1 }).waitFor();
    await rows().first().waitFor();
    expect(await rows().count()).to.equal(50);
    const first = await rows().first().textContent();
    expect(first).to.include('01 23 45 67 59');
    expect(first).to.include('Answered');
    expect(await rows().nth(2).textContent()).to.include('06 11 22 33 44');
    await b.screenshot('page-calls-en');
    await page.getByRole('button', { name: 'Older' }).click();
    await page.getByText('Page 2').waitFor();
    await rowCount(rows(), 10);
    expect(await page.getByRole('button', { name: 'Older' }).isDisabled()).to.equal(true);
    await page.getByRole('button', { name: 'Newer' }).click();
    await page.getByText('Page 1').waitFor();
    await rowCount(rows(), 50);
  });

  it('filters by status and number, and exports the same filters as CSV', async () => {
    await page.getByLabel('No answer').check();
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await rowCount(rows(), 20);
    for (const status of await page.getByTestId('calls-table').locator('[data-status]').allTextContents()) expect(status).to.equal('No answer');
    await page.getByLabel('Number', { exact: true }).fill('+33 6 11 22 33 44');
    await page.getByRole('button', { name: 'Filter', exact: true }).click();
    await rowCount(page.locator('[data-testid="calls-table"] tbody tr[data-call-id]'), 1);
    expect(await rows().first().textContent()).to.include('06 11 22 33 44');
    const href = await page.getByTestId('calls-export').getAttribute('href');
    expect(href).to.match(/^\/api\/calls\/export\.csv\?/);
    expect(href).to.include('status=no_answer');
    const csv = await page.evaluate(async (url) => (await fetch(url)).text(), href!);
    const lines = csv.trim().split('\n');
    expect(lines[0]).to.match(/^startedAt,/);
    expect(lines).to.have.length(2);
    expect(lines[1]).to.include('0611223344');
    await b.screenshot('calls-filtered');
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await rowCount(rows(), 50);
  });

  it('plays a recording through range requests and offers its download', async () => {
    expect(await rows().filter({ has: page.getByRole('button', { name: /Listen/ }) }).count()).to.equal(1);
    const row = page.locator('tr[data-call-id="call-58"]');
    await row.getByRole('button', { name: /Listen/ }).click();
    const audio = row.locator('audio');
    await audio.waitFor();
    const src = await audio.getAttribute('src');
    expect(src).to.match(/^\/api\/calls\/recordings\/\d+$/);
    const ranged = await page.evaluate(async (url) => {
      const res = await fetch(url, { headers: { range: 'bytes=100-199' } });
      return { status: res.status, range: res.headers.get('content-range'), length: (await res.arrayBuffer()).byteLength };
    }, src!);
    expect(ranged).to.deep.equal({ status: 206, range: 'bytes 100-199/4000', length: 100 });
    expect(await row.getByRole('link', { name: 'Download' }).getAttribute('href')).to.equal(`${src}?download=1`);
    await b.screenshot('calls-recording');
  });

  it('lists registrations (unknown while Asterisk is not configured)', async () => {
    await admin.post('/api/telephony/extensions', { number: '201', name: 'Reception' });
    await page.locator('a[data-nav="registrations"]').click();
    await page.getByRole('heading', { name: 'Registrations', level: 1 }).waitFor();
    const row = page.getByTestId('registrations-table').locator('tr[data-extension="201"]');
    await row.waitFor();
    expect(await row.textContent()).to.include('Unknown');
    await page.getByText('0 of 1 extensions have a registered phone').waitFor();
    await b.screenshot('page-registrations-en');
  });

  it('assigns a phone that asked for its configuration, then edits its settings and keys', async () => {
    const devices = t.app.cradle.provisioningDevices;
    await page.locator('a[data-nav="phones"]').click();
    await page.getByRole('heading', { name: 'Phones', level: 1 }).waitFor();
    await page.getByText(/No new phone/).waitFor();
    // The address to give phones through DHCP option 66 (the site's secret path), shown on demand.
    await page.getByTestId('secret-path').getByRole('button', { name: 'Show the address' }).click();
    const option66 = page.getByTestId('option66');
    await option66.waitFor();
    expect(await option66.textContent()).to.match(/^http:\/\/[^/]+\/provisioning\/s\/[A-Za-z0-9_-]{32}$/);
    await page.getByRole('dialog').getByRole('button', { name: /close/i }).first().click();
    // The phone is plugged in: it shows up live.
    await devices.sighted({ mac: 'c074ad123456', ip: '192.0.2.50', userAgent: 'Grandstream GRP2614 1.0.5.67', file: 'cfgc074ad123456.xml' });
    const waiting = page.getByTestId('unassigned-phones').locator('tr[data-mac="c074ad123456"]');
    await waiting.waitFor();
    expect(await waiting.textContent()).to.include('192.0.2.50');
    await b.screenshot('page-phones-unassigned');
    await waiting.getByRole('button', { name: /^Assign/ }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/^Label/).fill('Reception desk');
    await dialog.getByLabel('Add', { exact: true }).selectOption({ label: '201 · Reception' });
    await dialog.getByRole('button', { name: 'Assign' }).click();
    const assigned = page.getByTestId('phones-table').locator('tr[data-mac="c074ad123456"]');
    await assigned.waitFor();
    expect(await assigned.textContent()).to.include('201 Reception');
    expect(await assigned.getByTestId('claim-state').getAttribute('data-state')).to.equal('waiting_for_phone');
    expect(await page.getByTestId('unassigned-phones').locator('tr[data-mac]').count()).to.equal(0);

    await assigned.getByRole('link', { name: 'Reception desk', exact: true }).click();
    await page.getByRole('heading', { name: 'Reception desk', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Add a key' }).click();
    await page.getByLabel('Number Phone 1').fill('202');
    await page.getByLabel('Label Phone 1').fill('Back office');
    await page.getByRole('button', { name: 'Save the keys' }).click();
    await page.getByText(/Keys saved/).waitFor();
    const saved = (await admin.get('/api/provisioning/devices?status=assigned')).body.items[0];
    expect(saved.keys).to.deep.include({ where: 'phone', module: null, index: 1, type: 'blf', value: '202', label: 'Back office', account: 1 });
    // A refused key is said on its row; what was typed stays.
    await page.getByLabel('Number Phone 1').fill('reception');
    await page.getByRole('button', { name: 'Save the keys' }).click();
    const keyError = page.locator('[data-testid="keys-editor"] .field-error');
    await keyError.waitFor();
    expect(await keyError.textContent()).to.include('value: A number the phone can dial');
    expect(await page.getByLabel('Number Phone 1').inputValue()).to.equal('reception');
    await page.getByLabel('Number Phone 1').fill('202');
    await page.getByLabel(/^VLAN$/).fill('5000');
    await page.getByTestId('phone-settings').getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('phone-settings').locator('[data-field="vlan.id"] .field-error').waitFor();
    await page.getByLabel(/^VLAN$/).fill('20');
    await page.getByTestId('phone-settings').getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('phone-settings').getByText('Saved.').waitFor();
    expect((await admin.get(`/api/provisioning/devices/${saved.id}`)).body.vlan).to.deep.equal({ id: 20, priority: 0 });
    await page.getByLabel('Extra configuration values').fill('P1362 = fr\nno equals sign');
    await page.getByTestId('phone-settings').getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('phone-settings').locator('[data-field="extraValues"] .field-error').filter({ hasText: 'Line 2' }).waitFor();
    await page.getByLabel('Extra configuration values').fill('P1362 = fr');
    await page.getByTestId('phone-settings').getByRole('button', { name: 'Save' }).click();
    await page.getByTestId('phone-settings').getByText('Saved.').waitFor();
    expect((await admin.get(`/api/provisioning/devices/${saved.id}`)).body.extraValues).to.deep.equal({ P1362: 'fr' });
    // The claim window is shown, and reopened with new credentials.
    const before = (await admin.post(`/api/provisioning/devices/${saved.id}/secrets/reveal`)).body.httpPassword;
    await page.getByRole('button', { name: 'Reopen the claim window' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Reopen the claim window' }).click();
    await page.getByText(/Window open with new credentials/).waitFor();
    expect(await page.getByTestId('claim-state').getAttribute('data-state')).to.equal('waiting_for_phone');
    expect((await admin.post(`/api/provisioning/devices/${saved.id}/secrets/reveal`)).body.httpPassword).not.to.equal(before);
    await b.screenshot('page-phone-detail');
  });

  it('lists the phone models and sets values for every phone of a model', async () => {
    await page.locator('a[data-nav="phone-models"]').click();
    await page.getByRole('heading', { name: 'Phone models', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Values for every phone GRP2614' }).click();
    await page.getByTestId('model-override').getByLabel('Extra configuration values').fill('P30 = pool.ntp.org');
    await page.getByTestId('model-override').getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').waitFor();
    expect((await admin.get('/api/provisioning/models/grandstream/GRP2614/override')).body.extraValues).to.deep.equal({ P30: 'pool.ntp.org' });
    await b.screenshot('page-phone-models');
  });

  it('shows the call log, registrations and phones at 360 px in French', async () => {
    await admin.patch('/api/auth/me/preferences', { locale: 'fr' });
    await page.setViewportSize({ width: 360, height: 740 });
    for (const [id, url, title] of [
      ['calls', '/calls', 'Journal des appels'],
      ['registrations', '/calls/registrations', 'Enregistrements SIP'],
      ['phones', '/phones', 'Téléphones'],
      ['phone-models', '/phones/models', 'Modèles de téléphones'],
    ] as const) {
      await checkPageFits(b, `${t.url}${url}`, title, id, 'fr-360');
    }
    await admin.patch('/api/auth/me/preferences', { locale: 'en' });
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('shows the call log to an agent (own calls only), without registrations nor phones', async () => {
    await admin.post('/api/users', { email: 'agent@example.test', displayName: 'Agent', password: ADMIN.password, roles: ['agent'], locale: 'en' });
    await logIn(page, t.url, 'agent@example.test', ADMIN.password);
    expect(await page.locator('a[data-nav="calls"]').count()).to.equal(1);
    expect(await page.locator('a[data-nav="registrations"]').count()).to.equal(0);
    expect(await page.locator('a[data-nav="phones"]').count()).to.equal(0);
    await page.locator('a[data-nav="calls"]').click();
    await page.getByText('No call matches.').waitFor();
  });
});
