import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { User } from '../../core/auth/models';
import type { ApiClient } from '../support/api-client';
import { tempDir, type TestApp } from '../support/test-app';
import { browserSuite, checkPageFits, loaded, logIn, openFromMenu, type TestBrowser } from '../support/browser';
import { createUser } from '../core/auth-fixtures';
import { fail2banDatabase, startHelper } from '../support/fake-helper';

/**
 * The bans and lockouts page in Debian's Chromium against a real Carillon whose privileged helper
 * is the real script behind a Unix socket (fail2ban a stand-in): why an address is banned,
 * unban, lift a provisioning ban, unlock an account, and what a supervisor sees.
 */
describe('Admin UI: bans and lockouts page (browser)', function () {
  this.timeout(120_000);
  let t: TestApp;
  let b: TestBrowser;
  let page: Page;
  let admin: ApiClient;
  const dir = tempDir('carillon-ui-bans-');
  const bannedAt = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
  let helper: ReturnType<typeof startHelper>;
  let locked: { email: string; password: string };

  before(async () => {
    const dbFile = path.join(dir, 'fail2ban.sqlite3');
    await fail2banDatabase(dbFile, bannedAt);
    helper = startHelper(dir, bannedAt, dbFile);
  });
  const ui = browserSuite({
    app: () => ({ overrides: { telephony: { helperSocket: helper.socketPath, fail2banDir: path.join(dir, 'fail2ban') } } }),
    prepare: async (app) => {
      t = app;
      admin = await t.adminClient();
      await admin.patch('/api/auth/me/preferences', { locale: 'en', timeZone: 'Europe/Paris' });
      for (const mac of 'abcdefghijklmnopqrstuvwxyz') if (await t.app.cradle.provisioningBans.strike('203.0.113.9', 'unknown_mac', mac)) break;
      const user = await createUser(t, admin, ['supervisor'], 'locked');
      locked = user;
      await user.client.patch('/api/auth/me/preferences', { locale: 'en', timeZone: 'Europe/Paris' });
      await User.update({ lockedUntil: new Date(Date.now() + 15 * 60_000), failedLogins: 10, lockCount: 1 }, { where: { id: user.id } });
    },
  });
  before(() => {
    ({ browser: b, page } = ui);
  });
  after(() => {
    helper?.server.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('shows the firewall bans and why an address is banned', async () => {
    await openFromMenu(page, 'security', 'Bans and lockouts', '/admin/security');
    await loaded(page);
    const rows = page.getByTestId('security-fail2ban-table').locator('tbody tr');
    await rows.nth(1).waitFor();
    expect(await rows.count()).to.equal(2);
    const sip = rows.filter({ hasText: '192.0.2.7' });
    expect(await sip.textContent()).to.include('SIP: wrong passwords');
    await sip.getByRole('button', { name: 'Details 192.0.2.7' }).click();
    const dialog = page.getByRole('dialog', { name: 'Why 192.0.2.7 is banned' });
    await dialog.getByTestId('ban-details').waitFor();
    expect(await dialog.textContent()).to.include('Times banned3');
    expect(await dialog.locator('pre').textContent()).to.include('AccountID="202"');
    await b.screenshot('page-security-details-en');
    await page.keyboard.press('Escape');
    await sip.getByRole('button', { name: 'Unban 192.0.2.7' }).click();
    await page.getByText('Ban lifted.').waitFor();
    expect(helper.log()).to.include('fail2ban-client set carillon-asterisk unbanip 192.0.2.7');
  });

  it('lifts a provisioning ban and unlocks an account', async () => {
    const prov = page.getByTestId('security-provisioning');
    expect(await prov.textContent()).to.include('Asked for too many unknown phones');
    await prov.getByRole('button', { name: 'Lift 203.0.113.9' }).click();
    await prov.getByText('No address is banned from provisioning.').waitFor();
    const lockedSection = page.getByTestId('security-locked');
    await lockedSection.getByRole('button', { name: `Unlock ${locked.email}` }).click();
    await lockedSection.getByText('No account is locked.').waitFor();
    expect(t.app.cradle.provisioningBans.isBanned('203.0.113.9')).to.equal(false);
  });

  it('fits the window in English on a desktop and in French on a phone', async () => {
    await checkPageFits(b, `${t.url}/admin/security`, 'Bans and lockouts', 'security', 'en');
    await admin.patch('/api/auth/me/preferences', { locale: 'fr' });
    await page.setViewportSize({ width: 360, height: 800 });
    try {
      await checkPageFits(b, `${t.url}/admin/security`, 'Bannissements et verrouillages', 'security', 'fr-360');
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
      await admin.patch('/api/auth/me/preferences', { locale: 'en' });
    }
  });

  it('a supervisor sees the firewall bans with their reasons, but no unban, and no other part', async () => {
    await logIn(page, t.url, locked.email, locked.password);
    await page.goto(`${t.url}/admin/security`);
    await page.getByRole('heading', { name: 'Bans and lockouts', level: 1 }).waitFor();
    await page.getByTestId('security-fail2ban-table').waitFor();
    expect(await page.getByRole('button', { name: /^Unban / }).count()).to.equal(0);
    expect(await page.getByRole('button', { name: /^Details / }).count()).to.equal(2);
    expect(await page.getByTestId('security-provisioning').count()).to.equal(0);
    expect(await page.getByTestId('security-locked').count()).to.equal(0);
  });
});
