import path from 'node:path';
import { expect } from 'chai';
import type { Locator, Page } from 'playwright-core';
import type { ApiClient } from '../support/api-client';
import { tempDir, type TestApp } from '../support/test-app';
import { AriSimulator } from '../ari-simulator/ari-simulator';
import { cradle, eventually } from '../calls/calls-harness';
import { browserSuite, loaded, type TestBrowser } from '../support/browser';

/**
 * The first-run checklist walked from an empty database in Debian's Chromium: each item ticks off
 * from the state itself (settings saved in the UI, Asterisk reachable, an extension, a trunk, a
 * DID route made through the API while the dashboard is open), hiding and showing it again, and
 * finally no checklist at all.
 */
describe('Admin UI: first-run checklist from an empty database (browser)', function () {
  this.timeout(90_000);
  let sim: AriSimulator;
  let t: TestApp;
  let b: TestBrowser;
  let page: Page;
  let admin: ApiClient;
  const dataDir = tempDir('carillon-ui-checklist-');

  before(async () => {
    sim = new AriSimulator({ defaultSoundMs: 20 });
    await sim.start();
    // Asterisk not reachable yet: its item starts undone.
    sim.refuseWebSockets = true;
  });
  after(() => sim.stop());
  const ui = browserSuite({
    app: () => ({
      dataDir,
      overrides: {
        log: { level: 'warn' },
        provisioning: { tftp: { port: 0 } },
        telephony: {
          cdrFile: path.join(dataDir, 'Master.csv'),
          celFile: path.join(dataDir, 'cel-none.json'),
          recordingsSpoolDir: path.join(dataDir, 'spool'),
          ari: { url: sim.url, username: 'carillon', password: 'carillon', requestTimeoutMs: 1000, reconnect: { initialDelayMs: 20, maxDelayMs: 200 } },
        },
      },
    }),
    prepare: async (app) => {
      t = app;
      admin = await t.adminClient();
      await admin.patch('/api/auth/me/preferences', { locale: 'en' });
    },
  });
  before(() => {
    ({ browser: b, page } = ui);
  });

  const checklist = () => page.getByTestId('checklist');
  const item = (id: string): Locator => checklist().locator(`li[data-item="${id}"]`);
  const isDone = async (id: string) => (await item(id).getAttribute('data-done')) === 'true';
  const ticks = (id: string) => eventually(`"${id}" ticked off`, () => isDone(id), 10_000);
  const openDashboard = async () => {
    await page.locator('a[data-nav="dashboard"]').click();
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    await loaded(page);
  };

  it('starts with every item to do, each with a link to where to do it', async () => {
    await page.goto(`${t.url}/`);
    await checklist().waitFor();
    const ids = await checklist().locator('li[data-item]').evaluateAll((items) => items.map((li) => li.getAttribute('data-item')));
    expect(ids).to.deep.equal(['company', 'region', 'asterisk', 'extensions', 'trunk', 'did']);
    for (const id of ids) expect(await isDone(id!), id!).to.equal(false);
    expect(await checklist().innerText()).to.include('0 of 6 done');
    expect(await item('trunk').locator('a').getAttribute('href')).to.equal('/telephony/trunks');
    expect(await item('did').locator('a').getAttribute('href')).to.equal('/telephony/inbound-routes');
    // No page sets the ARI URL: the configuration key is named instead.
    expect(await item('asterisk').innerText()).to.include('telephony.ari.url');
    await b.screenshot('checklist-empty');
  });

  it('ticks off the company, the region and Asterisk', async () => {
    await item('company').getByRole('link', { name: 'Do it' }).click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await loaded(page);
    await page.getByLabel('Company name').fill('Plomberie Martin');
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await page.getByText('Saved.', { exact: true }).waitFor();
    await openDashboard();
    expect(await isDone('company')).to.equal(true);
    expect(await isDone('region')).to.equal(true);
    expect(await isDone('asterisk')).to.equal(false);

    // Asterisk becomes reachable: the item ticks off without a reload.
    sim.refuseWebSockets = false;
    await eventually('ARI connected', async () => cradle(t).telephony.connected, 10_000);
    await ticks('asterisk');
  });

  it('ticks off extensions, a trunk, and can be hidden and shown again', async () => {
    await item('extensions').getByRole('link', { name: 'Do it' }).click();
    await page.getByRole('heading', { name: 'Extensions', level: 1 }).waitFor();
    const ext = await admin.post('/api/telephony/extensions', { number: '100', name: 'Accueil' });
    expect(ext.status, ext.text).to.equal(201);
    await openDashboard();
    expect(await isDone('extensions')).to.equal(true);

    // Made while the dashboard is open: it ticks off live.
    const trunk = await admin.post('/api/telephony/trunks', { kind: 'operator', name: 'Operator', host: '192.0.2.60', port: 5060, transport: 'udp', username: 'martin', password: 'op-secret-2', register: true });
    expect(trunk.status, trunk.text).to.equal(201);
    await ticks('trunk');
    expect(await checklist().innerText()).to.include('5 of 6 done');

    await checklist().getByRole('button', { name: 'Hide this checklist' }).click();
    await eventually('the checklist hidden', async () => (await checklist().count()) === 0);
    const show = page.getByRole('button', { name: 'Show the getting-started checklist (5 of 6 done)' });
    await show.waitFor();
    await page.reload();
    await show.waitFor();
    expect(await checklist().count()).to.equal(0);
    await show.click();
    await checklist().waitFor();
  });

  it('disappears once a DID is routed', async () => {
    const extensionId = (await admin.get('/api/telephony/extensions')).body.items[0].id;
    const route = await admin.post('/api/telephony/inbound-routes', { name: 'Main number', did: '+33972101010', callerPattern: null, destination: { type: 'extension', extensionId } });
    expect(route.status, route.text).to.equal(201);
    await eventually('the checklist gone', async () => (await checklist().count()) === 0, 10_000);
    await page.reload();
    await page.getByTestId('health').waitFor();
    expect(await checklist().count()).to.equal(0);
    expect(await page.getByRole('button', { name: /getting-started checklist/ }).count()).to.equal(0);
    await b.screenshot('checklist-done');
  });
});
