import { expect } from 'chai';
import jsQR from 'jsqr';
import type { Page } from 'playwright-core';
import type { ApiClient } from '../support/api-client';
import type { TestApp } from '../support/test-app';
import { observation } from '../calls/calls-harness';
import { browserSuite, type TestBrowser } from '../support/browser';

// pngjs (qrcode's own PNG codec) ships no type declarations.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { PNG } = require('pngjs') as { PNG: { sync: { read(data: Buffer): { width: number; height: number; data: Buffer } } } };

/**
 * The admin's first day (issue 13, telephony part A) in Debian's Chromium: a national DID taken
 * and a refused one explained in French, extension names beside their numbers, the credentials
 * dialog with copy buttons and a QR code that decodes from the screen, the provisioning URL and
 * DHCP options on the phones page.
 */
describe('Admin UI: numbers, names, credentials and provisioning address (browser)', function () {
  this.timeout(90_000);
  let t: TestApp;
  let b: TestBrowser;
  let page: Page;
  let admin: ApiClient;
  let reception: { id: number };

  const ui = browserSuite({
    prepare: async (app) => {
      t = app;
      admin = await t.adminClient();
      await admin.patch('/api/auth/me/preferences', { locale: 'fr', numberDisplay: 'national' });
      reception = (await admin.post('/api/telephony/extensions', { number: '201', name: 'Accueil' })).body;
      await admin.post('/api/telephony/extensions', { number: '202', name: 'Ventes', forwarding: { unconditional: '201' } });
      const log = t.app.cradle.callLogService;
      await log.record(observation({ callKey: 'day.2', startAt: new Date(Date.now() - 7200_000), callerNumber: '0145000000', destination: '202', direction: 'inbound' }));
      await log.record(observation({ callKey: 'day.1', startAt: new Date(Date.now() - 3600_000), callerNumber: '0632841234', destination: '201', direction: 'inbound' }));
    },
  });
  before(() => {
    ({ browser: b, page } = ui);
  });

  const dialog = () => page.getByRole('dialog');

  it('takes a national DID and stores it in E.164; explains a refused number in French with an example', async () => {
    await page.goto(`${t.url}/telephony/inbound-routes`);
    await page.getByRole('button', { name: 'Ajouter une route entrante' }).click();
    const did = dialog().getByLabel(/^Numéro appelé/);
    await did.fill('09 72 10');
    await dialog().getByRole('button', { name: 'Créer' }).click();
    const error = dialog().locator('[data-field="did"] .field-error');
    await error.waitFor();
    expect(await error.textContent()).to.equal('Un numéro de téléphone au format international, par exemple +33612345678, ou national, par exemple 06 12 34 56 78.');
    expect(await did.inputValue()).to.equal('09 72 10');
    await did.fill('09 72 10 10 10');
    await dialog().getByRole('button', { name: 'Créer' }).click();
    await dialog().waitFor({ state: 'detached' });
    await page.getByRole('row').filter({ hasText: '09 72 10 10 10' }).waitFor();
    const routes = (await admin.get('/api/telephony/inbound-routes')).body.items;
    expect(routes.map((r: { did: string }) => r.did)).to.deep.equal(['+33972101010']);
    await b.screenshot('admin-day-inbound-route-fr');
  });

  it('shows extension names beside their numbers: ring groups, forwarding, call log', async () => {
    await admin.patch('/api/auth/me/preferences', { locale: 'en' });
    await admin.post('/api/telephony/ring-groups', { number: '600', name: 'Front', members: [reception.id] });
    await page.goto(`${t.url}/telephony/ring-groups`);
    const group = page.getByRole('row').filter({ hasText: 'Front' });
    await group.waitFor();
    expect(await group.textContent()).to.include('201 · Accueil');
    await page.goto(`${t.url}/telephony/extensions`);
    const sales = page.getByRole('row').filter({ hasText: 'Ventes' });
    await sales.getByText('Forwarded to 201 · Accueil').waitFor();
    await page.goto(`${t.url}/calls`);
    const call = page.locator('tr[data-call-id="day.1"]');
    await call.waitFor();
    expect(await call.textContent()).to.include('Accueil');
    // The partial number filter, as typed nationally.
    await page.locator('tr[data-call-id="day.2"]').waitFor();
    await page.getByLabel('Number').fill('063284');
    await page.getByLabel('Number').press('Enter');
    await page.locator('tr[data-call-id="day.2"]').waitFor({ state: 'detached' });
    await page.locator('tr[data-call-id="day.1"]').waitFor();
    await b.screenshot('admin-day-call-log-names');
  });

  it('gives an extension’s credentials with copy buttons and a QR code that scans from the screen', async () => {
    await page.goto(`${t.url}/telephony/extensions`);
    await page.getByRole('button', { name: 'Show password 201 Accueil' }).click();
    const password = dialog().getByTestId('secret-password');
    await password.waitFor();
    const secret = (await password.textContent())!;
    expect(secret).to.match(/^[A-Za-z0-9]{32}$/);
    expect(await dialog().getByTestId('cred-server').textContent()).to.equal('127.0.0.1');
    expect(await dialog().getByTestId('cred-port').textContent()).to.equal('5060');
    expect(await dialog().getByTestId('cred-transport').textContent()).to.equal('UDP');
    expect(await dialog().getByTestId('cred-user').textContent()).to.equal('201');
    await dialog().getByRole('button', { name: 'Copy SIP password' }).click();
    await dialog().getByRole('button', { name: 'Copy SIP password' }).getByText('Copied').waitFor();
    await dialog().getByText('Scan with Grandstream Wave').waitFor();
    // The QR code as the screen shows it, read as a phone's camera would.
    const qr = dialog().getByTestId('cred-qr');
    await qr.waitFor();
    await b.screenshot('admin-day-credentials-open');
    const shot = PNG.sync.read(await qr.screenshot());
    const code = jsQR(new Uint8ClampedArray(shot.data.buffer, shot.data.byteOffset, shot.data.length), shot.width, shot.height);
    expect(code, 'the QR code on screen decodes').to.not.equal(null);
    expect(code!.data).to.include('<RegisterServer>127.0.0.1</RegisterServer>');
    expect(code!.data).to.include('<AuthID>201</AuthID>');
    expect(code!.data).to.include(`<AuthPass>${secret}</AuthPass>`);
    await b.screenshot('admin-day-credentials');
    // Nothing runs off the dialog's sides (it scrolls down when the window is short).
    const box = (await dialog().boundingBox())!;
    for (const text of [/recorded in the audit log/, /Scan with Grandstream Wave/, /enter these fields by hand/]) {
      const line = dialog().getByText(text);
      await line.scrollIntoViewIfNeeded();
      const at = (await line.boundingBox())!;
      expect(at.x, String(text)).to.be.at.least(box.x);
      expect(at.x + at.width, String(text)).to.be.at.most(box.x + box.width);
      expect(at.y + at.height, String(text)).to.be.at.most(box.y + box.height);
    }
    await dialog().getByRole('button', { name: 'Close' }).last().click();
    await dialog().waitFor({ state: 'hidden' });
  });

  it('shows the provisioning URL and the DHCP option values with copy buttons', async () => {
    await page.goto(`${t.url}/phones`);
    await page.getByTestId('secret-path').getByRole('button', { name: 'Show the address' }).click();
    const url = dialog().getByTestId('provisioning-url');
    await url.waitFor();
    const text = (await url.textContent())!;
    expect(text).to.match(/^http:\/\/127\.0\.0\.1:\d+\/provisioning\/s\/[A-Za-z0-9_-]{32}$/);
    expect(await dialog().getByTestId('option66').textContent()).to.equal(text);
    expect(await dialog().getByTestId('option160').textContent()).to.equal(text);
    expect(await dialog().getByTestId('option66-tftp').textContent()).to.match(/^tftp:\/\/127\.0\.0\.1\/provisioning\/s\//);
    await dialog().getByRole('button', { name: 'Copy Option 66 (HTTP)' }).click();
    await dialog().getByRole('button', { name: 'Copy Option 66 (HTTP)' }).getByText('Copied').waitFor();
    await dialog().getByText(/also read option 160/).waitFor();
    await b.screenshot('admin-day-provisioning-address');
  });
});
