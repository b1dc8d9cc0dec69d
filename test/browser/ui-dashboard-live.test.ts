import path from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { ApiClient } from '../support/api-client';
import { ADMIN, tempDir, type TestApp } from '../support/test-app';
import { AriSimulator } from '../ari-simulator/ari-simulator';
import { SimRegistrar } from '../ari-simulator/registrar';
import { cradle, eventually } from '../calls/calls-harness';
import { browserSuite, horizontalOverflow, loaded, logIn, type TestBrowser } from '../support/browser';
import { createUser, expectProblem, type CreatedUser } from '../core/auth-fixtures';

/**
 * The dashboard in Debian's Chromium against a real Carillon and the ARI simulator: services
 * with their state, system figures, a call started on the simulator appearing without reload, the
 * admin hanging it up, and a supervisor who sees calls but has no hang-up (the route says 403).
 */
describe('Admin UI: dashboard, live calls and hang-up (browser)', function () {
  this.timeout(90_000);
  let sim: AriSimulator;
  let registrar: SimRegistrar;
  let t: TestApp;
  let b: TestBrowser;
  let page: Page;
  let admin: ApiClient;
  let supervisor: CreatedUser;
  const dataDir = tempDir('carillon-ui-dashboard-');

  before(async () => {
    sim = new AriSimulator({ defaultSoundMs: 20 });
    await sim.start();
    sim.addEndpoint('401', { registered: true, behaviour: { kind: 'answer', answerAfterMs: 10 } });
    // Accepts Carillon's endpoint:PJSIP subscription, through which dialplan calls reach the dashboard.
    registrar = new SimRegistrar(sim);
    sim.addEndpoint('402', { registered: true, callerId: { name: 'Desk 402', number: '402' } });
    sim.addEndpoint('403', { registered: true, callerId: { name: 'Desk 403', number: '403' }, behaviour: { kind: 'noAnswer' } });
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
      await admin.patch('/api/auth/me/preferences', { locale: 'en', timeZone: 'Europe/Paris', numberDisplay: 'national' });
      supervisor = await createUser(t, admin, ['supervisor'], 'supervisor');
      await supervisor.client.patch('/api/auth/me/preferences', { locale: 'en' });
      await eventually('ARI connected and subscribed to endpoint events', async () => cradle(t).telephony.connected && registrar.subscribedApps.has('carillon'));
    },
  });
  before(() => {
    ({ browser: b, page } = ui);
  });

  const liveRows = () => page.getByTestId('live-calls-list').locator('tbody tr[data-call]');
  const originate = async (number: string) => {
    const call = await cradle(t).telephony.originate({ endpoint: 'PJSIP/401', callerId: { name: 'Carillon', number } });
    await call.answered;
    return call;
  };

  it('shows each service with its state and where to fix it, and the system figures', async () => {
    await page.goto(`${t.url}/`);
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
    await loaded(page);
    const health = page.getByTestId('health');
    expect(await health.locator('[data-part="asterisk"]').getAttribute('data-state')).to.equal('ok');
    expect(await health.locator('[data-part="mail"]').getAttribute('data-state')).to.equal('not_configured');
    expect(await health.locator('[data-part="mail"] dd').innerText()).to.include('Not configured');
    expect(await health.locator('[data-part="mail"] a').getAttribute('href')).to.equal('/admin/settings');
    expect(await health.locator('[data-part="trunks"] a').getAttribute('href')).to.equal('/telephony/trunks');
    const system = page.getByTestId('system');
    expect(await system.locator('[data-figure="version"]').innerText()).to.match(/^Carillon \d/);
    expect(await system.locator('[data-figure="disk"]').innerText()).to.match(/free of .* used/);
    expect(await system.locator('[data-figure="cpu"]').innerText()).to.match(/on \d+ cores/);
    expect(await system.locator('[data-figure="memory"]').innerText()).to.match(/available of/);
    // The "Fix it" link opens the page inside the app.
    await health.locator('[data-part="mail"] a').click();
    await page.getByRole('heading', { name: 'Settings', level: 1 }).waitFor();
    await b.screenshot('dashboard-fix-link-settings');
  });

  it('lets the admin set who may scrape /metrics in the settings: a token shown once, allowed networks', async () => {
    await page.goto(`${t.url}/admin/settings`);
    const section = page.getByTestId('metrics-access');
    await section.getByText('No metrics token').waitFor();
    expect(await section.getByLabel('Allowed networks').inputValue()).to.equal('127.0.0.0/8\n::1/128');
    await section.getByRole('button', { name: 'Make a token' }).click();
    const token = await section.getByTestId('metrics-token').innerText();
    expect(token).to.match(/^cm_/);
    await section.getByText('A metrics token is set.').waitFor();
    await section.getByLabel('Allowed networks').fill('');
    await section.getByRole('button', { name: 'Update the networks' }).click();
    await section.getByText('Saved.').waitFor();
    expect((await fetch(`${t.url}/metrics`)).status).to.equal(401);
    const scraped = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${token}` } });
    expect(scraped.status).to.equal(200);
    expect(await scraped.text()).to.include('carillon_calls_in_progress');
    // Reloaded, the page never shows the token again.
    await page.reload();
    await section.getByText('A metrics token is set.').waitFor();
    expect(await section.getByTestId('metrics-token').count()).to.equal(0);
    await section.getByLabel('Allowed networks').fill('127.0.0.0/8\n10.0.0.0/40');
    await section.getByRole('button', { name: 'Update the networks' }).click();
    await section.locator('.form-error, .field-error').first().waitFor();
    expect((await admin.get('/api/system/metrics-access')).body.allowedNetworks).to.deep.equal([]);
    await b.screenshot('settings-metrics-access');
  });

  it('shows a call started on the simulator without reload; the admin hangs it up and it goes', async () => {
    await page.goto(`${t.url}/`);
    await page.getByTestId('live-calls-list').getByText('No call in progress.').waitFor();
    const call = await originate('0140000001');
    await eventually('the call in the list', async () => (await liveRows().count()) === 1, 10_000);
    const row = liveRows().first();
    expect(await row.locator('td').nth(0).innerText()).to.equal('01 40 00 00 01');
    expect(await row.locator('td').nth(1).innerText()).to.equal('401');
    expect(await row.locator('td').nth(3).innerText()).to.equal('In conversation');
    await b.screenshot('dashboard-live-call');

    await row.getByRole('button', { name: /^Hang up/ }).click();
    const dialog = page.locator('dialog[open]');
    await dialog.getByText('Hang up the call from 01 40 00 00 01').waitFor();
    await dialog.getByRole('button', { name: 'Hang up' }).click();
    await call.ended;
    await eventually('the call gone from the list', async () => (await liveRows().count()) === 0, 10_000);
    await page.getByText('Call hung up.').waitFor();
    await page.getByTestId('live-calls-list').getByText('No call in progress.').waitFor();
  });

  it('shows a phone-to-phone call that stays in the dialplan as soon as it rings, without reload; the admin hangs it up', async () => {
    await page.goto(`${t.url}/`);
    await page.getByTestId('live-calls-list').getByText('No call in progress.').waitFor();
    const call = sim.dialplan.call({ from: '402', exten: '403', ring: ['403'], ringSeconds: 600 });
    // Well within the page's 30 s reload: the call's channel events arrive over socket.io.
    await eventually('the ringing call in the list', async () => (await liveRows().count()) === 1, 10_000);
    const row = liveRows().first();
    expect(await row.locator('td').nth(0).innerText()).to.equal('402');
    expect(await row.locator('td').nth(1).innerText()).to.equal('403');
    expect(await row.locator('td').nth(3).innerText()).to.equal('Ringing');
    await row.getByRole('button', { name: /^Hang up/ }).click();
    await page.locator('dialog[open]').getByRole('button', { name: 'Hang up' }).click();
    expect((await call).dialstatus).to.equal('CANCEL');
    await eventually('the call gone from the list', async () => (await liveRows().count()) === 0, 10_000);
  });

  it('shows a supervisor the live calls with no hang-up button, and the route refuses them', async () => {
    await logIn(page, t.url, supervisor.email, supervisor.password);
    await page.getByTestId('live-calls-list').waitFor();
    const call = await originate('0140000002');
    await eventually('the call in the supervisor’s list', async () => (await liveRows().count()) === 1, 10_000);
    expect(await liveRows().first().getByRole('button').count()).to.equal(0);
    expect(await page.getByTestId('live-calls-list').getByRole('button', { name: /Hang up/ }).count()).to.equal(0);
    const id = await liveRows().first().getAttribute('data-call');
    expectProblem(await supervisor.client.post(`/api/system/live-calls/${id}/hangup`, {}), 403, 'forbidden');
    // The checklist is the admins' business.
    expect(await page.getByTestId('checklist').count()).to.equal(0);
    const answered = await call.answered;
    await answered.hangup();
    await call.ended;
    await eventually('the call gone', async () => (await liveRows().count()) === 0, 10_000);
  });

  it('speaks French to a French admin, and fits a 1366 px window in both languages', async () => {
    await page.setViewportSize({ width: 1366, height: 900 });
    await logIn(page, t.url, ADMIN.email, ADMIN.password);
    await admin.patch('/api/auth/me/preferences', { locale: 'fr' });
    await page.reload();
    await page.getByRole('heading', { name: 'Premiers pas' }).waitFor();
    await loaded(page);
    const health = page.getByTestId('health');
    expect(await health.locator('[data-part="mail"] dd').innerText()).to.include('Non configuré');
    expect(await health.locator('[data-part="mail"] dd').innerText()).to.include('Corriger');
    expect(await page.getByTestId('system').innerText()).to.match(/Disque \(dossier de données\)/);
    expect(await page.getByTestId('system').locator('[data-figure="disk"]').innerText()).to.match(/\sGo libres sur \d+\sGo/);
    expect(await page.getByTestId('live-calls-list').innerText()).to.include('Appels en cours');
    expect(await horizontalOverflow(page)).to.be.at.most(0);
    await b.screenshot('dashboard-fr-1366');
    // A phone's width: every card folds.
    await page.setViewportSize({ width: 360, height: 740 });
    await page.reload();
    await page.getByRole('heading', { name: 'Premiers pas' }).waitFor();
    await loaded(page);
    const wide = await page.evaluate(`[...document.querySelectorAll('main *')].filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 8).map((e) => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right) + ' ' + (e.textContent || '').slice(0, 40))`);
    expect(wide, 'elements wider than a phone').to.deep.equal([]);
    expect(await horizontalOverflow(page)).to.be.at.most(0);
    await b.screenshot('dashboard-fr-360');
    await page.setViewportSize({ width: 1366, height: 900 });
    await admin.patch('/api/auth/me/preferences', { locale: 'en' });
    await page.reload();
    await page.getByRole('heading', { name: 'Getting started' }).waitFor();
    expect(await horizontalOverflow(page)).to.be.at.most(0);
  });
});
