import type { Page } from 'playwright-core';
import { ADMIN } from '../support/test-app';
import { browserSuite } from '../support/browser';

/**
 * The login page's words for the lockout and the per-client throttle (issue 12, item 4), in
 * English and French: a failure says an account may be locked (a lock itself answers like a wrong
 * password), and a spent client budget says to wait.
 */
describe('Login page: lock and throttle messages (browser)', function () {
  this.timeout(90_000);
  const ui = browserSuite({
    app: () => ({ overrides: { auth: { throttle: { accountAttempts: 2 }, lockout: { delayMs: 5 } } } }),
    prepare: async (app) => {
      await app.adminClient();
    },
    logIn: false,
  });

  async function tryLogin(page: Page, email: string, expected: string): Promise<void> {
    await page.getByLabel(/^(E-mail|Adresse e-mail)/).fill(email);
    await page.getByLabel(/^(Password|Mot de passe)/).fill('not the password');
    await page.getByRole('button', { name: /^(Log in|Se connecter)$/ }).click();
    await page.getByRole('alert').filter({ hasText: expected }).waitFor();
  }

  it('says a failure may be a lock, then that this address must wait, in English and in French', async () => {
    const { page, app, browser } = ui;
    await page.goto(`${app.url}/`);
    await tryLogin(page, ADMIN.email, 'After too many failed attempts an account is locked for a few minutes');
    await tryLogin(page, ADMIN.email, 'The e-mail or the password is wrong.');
    await tryLogin(page, ADMIN.email, 'Too many login attempts from this address. Try again in 15 minutes.');
    await browser.screenshot('login-throttled-en');

    await page.getByRole('button', { name: 'Français' }).click();
    await tryLogin(page, ADMIN.email, 'Trop de tentatives de connexion depuis cette adresse. Réessayez dans quelques minutes.');
    await browser.screenshot('login-throttled-fr');
    await tryLogin(page, 'personne@example.test', 'Après trop d’essais manqués, un compte est verrouillé quelques minutes');
  });
});
