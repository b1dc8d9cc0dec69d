import { expect } from 'chai';
import type { Page } from 'playwright-core';
import { ADMIN, type TestApp } from '../support/test-app';
import { EXAMPLE_PLUGIN, installPluginPackage } from '../support/plugins';
import { eventually, observation } from '../calls/calls-harness';
import { dayBounds } from '../../core/system/day-bounds';
import { totpCode } from '../core/auth-fixtures';
import { browserSuite, checkPageFits, loaded, logIn, openFromMenu, type TestBrowser } from '../support/browser';

/** Visible form fields without a label and buttons without a name (a string: the tests are type-checked without the DOM library). */
const UNLABELLED = `[...document.querySelectorAll('input:not([type=hidden]), select, textarea, button')]
  .filter((el) => el.offsetParent !== null)
  .filter((el) => el.tagName === 'BUTTON'
    ? !el.textContent.trim() && !el.getAttribute('aria-label')
    : !(el.labels && el.labels.length) && !el.getAttribute('aria-label') && !el.getAttribute('aria-labelledby'))
  .map((el) => el.name || el.id || el.outerHTML.slice(0, 80))`;

/**
 * The admin shell in Debian's Chromium against a real Carillon serving the built UI: first run,
 * login, forms, plugin pages, live dashboard, session expiry. One browser for the whole file; the
 * tests run in order on one app (the first-run test creates the administrator the others use).
 */
describe('Admin UI shell (browser)', function () {
  this.timeout(60_000);
  let t: TestApp;
  let b: TestBrowser;
  let page: Page;

  // No login: the first-run test creates the administrator through the browser.
  const ui = browserSuite({ app: () => ({ pluginDir: installPluginPackage(EXAMPLE_PLUGIN) }), logIn: false });
  before(() => {
    ({ app: t, browser: b, page } = ui);
  });
  /** An API client logged in as the administrator the first test created through the browser. */
  async function adminApi() {
    const client = t.client();
    expect((await client.login(ADMIN.email, ADMIN.password)).status).to.equal(200);
    return client;
  }

  it('serves the shell at / and client routes, with immutable assets, never for API paths', async () => {
    const html = await fetch(`${t.url}/admin/users`, { headers: { accept: 'text/html' } });
    expect(html.status).to.equal(200);
    expect(html.headers.get('cache-control')).to.equal('no-cache');
    const text = await html.text();
    const asset = /src="(\/assets\/index-[^"]+\.js)"/.exec(text)?.[1];
    expect(asset, 'entry script in index.html').to.be.a('string');
    const js = await fetch(`${t.url}${asset}`);
    expect(js.status).to.equal(200);
    expect(js.headers.get('content-type')).to.match(/javascript/);
    expect(js.headers.get('cache-control')).to.equal('public, max-age=31536000, immutable');
    const api = await fetch(`${t.url}/api/nothing-here`, { headers: { accept: 'text/html' } });
    expect(api.status).to.equal(404);
    expect(api.headers.get('content-type')).to.match(/problem\+json/);
    const missingAsset = await fetch(`${t.url}/assets/missing-123.js`, { headers: { accept: 'text/html' } });
    expect(missingAsset.status).to.equal(404);
    const root = await fetch(`${t.url}/`);
    expect(root.headers.get('content-type'), 'API clients still get the JSON root').to.match(/json/);
  });

  it('first run: the login page points to the setup link, which creates the administrator', async () => {
    await page.goto(`${t.url}/`);
    await page.getByText(/No administrator exists yet/).waitFor();
    await b.screenshot('first-run-login');
    await page.getByLabel('Setup link or token').fill(`${t.url}/setup?token=${t.setupToken()}`);
    await page.getByRole('button', { name: /open the setup page/ }).click();
    await page.waitForURL(/\/setup\?token=/);
    await page.getByLabel('E-mail').fill(ADMIN.email);
    await page.getByLabel('Name').fill('Admin');
    await page.getByLabel('Password (10 characters or more)').fill(ADMIN.password);
    await page.getByLabel('Password again').fill(ADMIN.password);
    await b.screenshot('first-run-setup');
    await page.getByRole('button', { name: 'Create the administrator' }).click();
    await page.getByText('The administrator is created').waitFor();
    await page.getByRole('link', { name: 'Log in to the administration' }).click();
    await page.getByRole('heading', { name: 'Log in to Carillon' }).waitFor();
    expect(await page.getByText(/No administrator exists yet/).count()).to.equal(0);
  });

  it('login: a wrong password is said next to the form and keeps the e-mail; the right one opens the dashboard', async () => {
    await page.goto(`${t.url}/admin/users`);
    await page.getByLabel(/^E-mail/).fill(ADMIN.email);
    await page.getByLabel(/^Password/).fill('not the password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('alert').filter({ hasText: 'The e-mail or the password is wrong.' }).waitFor();
    expect(await page.getByLabel(/^E-mail/).inputValue()).to.equal(ADMIN.email);
    await b.screenshot('login-failed');
    await page.getByLabel(/^Password/).fill(ADMIN.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    // Back where the person was going.
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).to.equal('/admin/users');
    await page.locator('.conn[data-state="connected"]').waitFor();
  });

  it('a failed form keeps what was typed and shows each error next to its field', async () => {
    await page.goto(`${t.url}/admin/users`);
    await page.getByRole('button', { name: 'Add a user' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/^E-mail/).fill('not-an-address');
    await dialog.getByLabel(/^Display name/).fill('Jeanne Martin');
    await dialog.getByLabel(/^Password/).fill('short pass phrase that is fine');
    await dialog.getByLabel('agent').check();
    await dialog.getByRole('button', { name: 'Create' }).click();
    const email = dialog.getByLabel(/^E-mail/);
    await dialog.locator('[data-field="email"] .field-error').waitFor();
    expect(await email.getAttribute('aria-invalid')).to.equal('true');
    // The message is tied to the field for screen readers, and focus went to it.
    const describedBy = await email.getAttribute('aria-describedby');
    expect(await dialog.locator(`#${describedBy!.split(' ')[0]}`).textContent()).to.match(/e-mail/i);
    expect(await dialog.locator('input[name="email"]:focus').count(), 'focus on the field in error').to.equal(1);
    expect(await email.inputValue()).to.equal('not-an-address');
    expect(await dialog.getByLabel(/^Display name/).inputValue()).to.equal('Jeanne Martin');
    expect(await dialog.getByLabel('agent').isChecked()).to.equal(true);
    await b.screenshot('users-form-error');
    await email.fill('jeanne@example.test');
    await dialog.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('cell', { name: 'jeanne@example.test' }).waitFor();
  });

  it('saves system settings; an error in a nested field (mail sender) shows next to it', async () => {
    await page.goto(`${t.url}/admin/settings`);
    await loaded(page);
    await page.getByLabel('SMTP server').fill('smtp.example.com');
    await page.getByLabel('Sender address').fill('not an address');
    await page.getByLabel('Keep recordings for (days)').fill('90');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('[data-field="mail.from"] .field-error').waitFor();
    expect(await page.getByLabel('Sender address').getAttribute('aria-invalid')).to.equal('true');
    expect(await page.getByLabel('SMTP server').inputValue()).to.equal('smtp.example.com');
    expect(await page.getByLabel('Keep recordings for (days)').inputValue()).to.equal('90');
    await b.screenshot('settings-error');
    await page.getByLabel('Sender address').fill('pbx@example.com');
    await page.getByRole('button', { name: 'Save' }).click();
    // Exact: the password hint "No password is saved." contains the words too.
    await page.getByText('Saved.', { exact: true }).waitFor();
    const saved = (await (await adminApi()).get('/api/system/settings')).body as { mail: { host: string; from: string }; recordings: { retentionDays: number } };
    expect(saved.mail).to.deep.include({ host: 'smtp.example.com', from: 'pbx@example.com' });
    expect(saved.recordings.retentionDays).to.equal(90);
  });

  it('shows every core page in English on a desktop, in French at 360 px wide', async () => {
    const pages = [
      ['dashboard', '/', 'Dashboard', 'Tableau de bord'],
      ['users', '/admin/users', 'Users', 'Utilisateurs'],
      ['roles', '/admin/roles', 'Roles & permissions', 'Rôles et permissions'],
      ['audit', '/admin/audit', 'Audit log', 'Journal d’audit'],
      ['plugins', '/admin/plugins', 'Plugins', 'Plugins'],
      ['settings', '/admin/settings', 'Settings', 'Paramètres'],
      ['preferences', '/account/preferences', 'My preferences', 'Mes préférences'],
      ['tokens', '/account/tokens', 'API tokens', 'Jetons d’API'],
    ] as const;
    await page.goto(`${t.url}/`);
    for (const [id, path, title] of pages) {
      // Through the menu: client-side navigation, one chunk per page.
      await openFromMenu(page, id, title, path);
    }
    // French, at a phone's width: the menu folds behind a button and pages stay usable.
    const client = await adminApi();
    expect((await client.patch('/api/auth/me', { locale: 'fr' })).status).to.equal(200);
    await page.setViewportSize({ width: 360, height: 740 });
    await page.goto(`${t.url}/`);
    for (const [id, path, , titleFr] of pages) {
      await checkPageFits(b, `${t.url}${path}`, titleFr, id, 'fr-360');
    }
    await page.getByRole('button', { name: 'Menu' }).click();
    await page.locator('a[data-nav="users"]').click();
    await page.getByRole('heading', { name: 'Utilisateurs', level: 1 }).waitFor();
    expect(await page.locator('#sidebar').isVisible()).to.equal(false);
    // The API's field errors, in French too.
    await page.getByRole('button', { name: 'Ajouter un utilisateur' }).click();
    await page.getByRole('dialog').getByLabel(/^Adresse e-mail/).fill('pas une adresse');
    await page.getByRole('dialog').getByRole('button', { name: 'Créer' }).click();
    expect(await page.getByRole('dialog').locator('[data-field="email"] .field-error').textContent()).to.equal('Adresse e-mail non valide.');
    await b.screenshot('users-form-error-fr-360');
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    expect((await client.patch('/api/auth/me', { locale: 'en' })).status).to.equal(200);
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('opens every page of the menu without an error, and keeps a screenshot of each', async () => {
    await page.goto(`${t.url}/`);
    // The menu comes from /api/ui/navigation: wait for it before listing its links.
    await page.locator('a[data-nav]').first().waitFor();
    const ids = await Promise.all((await page.locator('a[data-nav]').all()).map(async (link) => (await link.getAttribute('data-nav'))!));
    expect(ids.length).to.be.greaterThan(8);
    for (const id of ids) {
      await page.locator(`a[data-nav="${id}"]`).click();
      await page.locator(`a[data-nav="${id}"][aria-current="page"]`).waitFor();
      await page.locator('#page-title').waitFor();
      await loaded(page);
      expect(await page.locator('.notice-error').count(), `${id} shows no error`).to.equal(0);
      expect(await page.evaluate(UNLABELLED), `${id}: fields and buttons without a name`).to.deep.equal([]);
      await b.screenshot(`page-${id}-en`);
    }
  });

  it("loads a plugin's page from the server at run time, with its strings and live events", async () => {
    await page.goto(`${t.url}/`);
    const link = page.locator('a[data-nav="example-notes"]');
    expect(await link.textContent()).to.equal('Example notes');
    await link.click();
    await page.getByRole('heading', { name: 'Example notes', level: 1 }).waitFor();
    expect(new URL(page.url()).pathname).to.equal('/plugins/example');
    await page.getByText('Notes shared by the team.').waitFor();
    await page.getByRole('textbox', { name: 'Note' }).fill('Call the plumber');
    await page.getByRole('button', { name: 'Add' }).click();
    // Appears through the plugin's socket.io event, not a reload.
    await page.locator('.example-notes li', { hasText: 'Call the plumber' }).waitFor();
    await b.screenshot('plugin-example-notes');
    // Opened directly (a bookmark): the route exists once the menu has loaded.
    await page.goto(`${t.url}/plugins/example`);
    await page.locator('.example-notes li', { hasText: 'Call the plumber' }).waitFor();
  });

  it('disables and enables a plugin: its state and its menu entry follow at once', async () => {
    await page.goto(`${t.url}/admin/plugins`);
    const row = page.locator('tr[data-plugin="example"]');
    await row.getByText('Running').waitFor();
    expect(await row.locator('td').nth(1).textContent()).to.equal('1.2.0');
    await row.getByRole('button', { name: /^Disable/ }).click();
    await page.getByText('The plugin example is disabled.').waitFor();
    await row.getByText('Disabled').waitFor();
    await page.locator('a[data-nav="example-notes"]').waitFor({ state: 'detached' });
    await b.screenshot('plugins-disabled');
    await row.getByRole('button', { name: /^Enable/ }).click();
    await page.getByText('The plugin example is enabled.').waitFor();
    await row.getByText('Running').waitFor();
    await page.locator('a[data-nav="example-notes"]').waitFor();
  });

  it('shows a new API token once, then only its prefix', async () => {
    await page.goto(`${t.url}/account/tokens`);
    await page.getByLabel(/^Name/).fill('CRM integration');
    await page.getByRole('button', { name: 'Create' }).click();
    const shown = page.locator('[data-testid="new-token"] code');
    await shown.waitFor();
    const token = (await shown.textContent())!;
    expect(token.length).to.be.greaterThan(20);
    // The token works as a bearer for scripts.
    const script = t.client();
    script.bearer = token;
    expect((await script.get('/api/auth/me')).status).to.equal(200);
    await b.screenshot('token-created');
    await page.reload();
    await page.getByRole('cell', { name: 'CRM integration', exact: true }).waitFor();
    expect(await page.locator('[data-testid="new-token"]').count()).to.equal(0);
    expect(await page.content()).not.to.contain(token);
  });

  it('creates an extension with the keyboard only and sees it listed', async () => {
    await page.goto(`${t.url}/`);
    await page.locator('a[data-nav="extensions"]').click();
    await page.getByRole('heading', { name: 'Extensions', level: 1 }).waitFor();
    await loaded(page);
    const add = page.getByRole('button', { name: 'Add an extension' });
    await add.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    // The dialog opens on its first field; Tab goes on to the next.
    await dialog.locator('input[name="number"]:focus').waitFor();
    await page.keyboard.type('230');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Accueil clavier');
    await page.keyboard.press('Enter');
    await page.getByRole('row').filter({ hasText: 'Accueil clavier' }).waitFor();
    expect(await page.getByRole('row').filter({ hasText: 'Accueil clavier' }).textContent()).to.contain('230');
    // Closed: focus is back on the button that opened it.
    await dialog.waitFor({ state: 'hidden' });
    expect(await page.locator('button[data-testid="extensions-add"]:focus').count()).to.equal(1);
    const listed = (await (await adminApi()).get('/api/telephony/extensions?search=230')).body.items as Array<{ number: string; name: string }>;
    expect(listed.map((e) => [e.number, e.name])).to.deep.equal([['230', 'Accueil clavier']]);
    await b.screenshot('extension-created');
  });

  it('hides what the user may not open and refuses it when typed in the address bar', async () => {
    const admin = await adminApi();
    const created = await admin.post('/api/users', { email: 'agent@example.test', displayName: 'Agent', password: 'violet kettle on the hill', roles: ['agent'], locale: 'en' });
    expect(created.status, created.text).to.equal(201);
    await page.context().clearCookies();
    await logIn(page, t.url, 'agent@example.test', 'violet kettle on the hill');
    expect(await page.locator('a[data-nav="users"]').count()).to.equal(0);
    expect(await page.locator('a[data-nav="plugins"]').count()).to.equal(0);
    expect(await page.locator('a[data-nav="tokens"]').count()).to.equal(1);
    await page.goto(`${t.url}/admin/users`);
    await page.getByRole('heading', { name: 'You do not have permission to see this page.' }).waitFor();
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByText('You are logged out.').waitFor();
  });

  it('enrols two-factor authentication, then logs in with e-mail, password and the code', async () => {
    await logIn(page, t.url, 'agent@example.test', 'violet kettle on the hill');
    await page.goto(`${t.url}/account/preferences`);
    await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
    await page.getByRole('img', { name: 'QR code to scan with an authenticator app' }).waitFor();
    const secret = (await page.locator('section[aria-labelledby="totp-title"] code.secret').textContent())!.trim();
    await b.screenshot('totp-enrolment');
    await page.getByLabel(/^Authentication code/).fill(totpCode(secret));
    await page.getByRole('button', { name: 'Turn on' }).click();
    await page.getByText('Logging in asks for a code from your authenticator app.').waitFor();

    await page.context().clearCookies();
    await page.goto(`${t.url}/`);
    await page.getByLabel(/^E-mail/).fill('agent@example.test');
    await page.getByLabel(/^Password/).fill('violet kettle on the hill');
    await page.getByRole('button', { name: 'Log in' }).click();
    // The server asks for the second factor: the field appears, what was typed stays.
    const code = page.getByLabel(/^Authentication code/);
    await page.locator('input[name="totpCode"]:focus').waitFor();
    expect(await page.locator('[data-field="totpCode"] .field-error').textContent()).to.equal('Enter the 6-digit code from your authenticator app.');
    expect(await page.getByLabel(/^E-mail/).inputValue()).to.equal('agent@example.test');
    await b.screenshot('login-totp');
    // The enrolment used the current code up; the next step's code is accepted (one step of drift).
    await code.fill(totpCode(secret, Date.now() + 30_000));
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Dashboard', level: 1 }).waitFor();
  });

  it('updates the dashboard live when a call event arrives', async () => {
    await logIn(page, t.url, ADMIN.email, ADMIN.password);
    await page.locator('[data-testid="today-total"]').waitFor();
    const before = Number(await page.locator('[data-testid="today-total"]').textContent());
    const c = t.app.cradle;
    const { from } = dayBounds(new Date(), 'Europe/Paris');
    await c.callLogService.record(observation({ callKey: `live-${Date.now()}`, startAt: new Date(Math.max(from.getTime() + 60_000, Date.now() - 120_000)), destination: '201' }));
    c.events.publish('calls.liveChanged', { type: 'ended', at: new Date().toISOString() });
    await eventually('the dashboard shows the new call', async () => Number(await page.locator('[data-testid="today-total"]').textContent()) === before + 1, 15_000);
    await page.locator('[data-testid="today-by-status"] [data-status="answered"]').waitFor();
    await b.screenshot('dashboard-live');
  });

  it('shows the progress of a long operation fed by socket.io, on whatever page is open', async () => {
    const events = t.app.cradle.events;
    events.define('example.exportProgress', { permission: 'authenticated', owner: 'test' });
    await page.goto(`${t.url}/admin/users`);
    await page.locator('.conn[data-state="connected"]').waitFor();
    events.publish('example.exportProgress', { exportId: 'e1', processed: 40, total: 160, done: false });
    const bar = page.locator('[data-testid="operations"] progress');
    await bar.waitFor();
    expect(await bar.getAttribute('value')).to.equal('40');
    expect(await bar.getAttribute('max')).to.equal('160');
    expect(await page.locator('[data-testid="operations"]').textContent()).to.contain('40 of 160');
    await b.screenshot('operation-progress');
    events.publish('example.exportProgress', { exportId: 'e1', processed: 160, total: 160, done: true });
    await page.locator('[data-testid="operations"]').getByText('Finished').waitFor();
    // Finished operations leave after a moment.
    await page.locator('[data-testid="operations"]').waitFor({ state: 'detached' });
  });

  it("applies the user's time zone and number display wherever dates and numbers are shown", async () => {
    await page.goto(`${t.url}/account/preferences`);
    await page.getByLabel('Time zone').selectOption('America/New_York');
    await page.getByLabel('Phone numbers').selectOption('national');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Saved.').waitFor();
    expect(await page.locator('[data-testid="prefs-example"]').textContent()).to.contain('01 23 45 67 89');
    await b.screenshot('preferences-saved');
    const admin = await adminApi();
    const me = (await admin.get('/api/users?search=admin@example.test')).body.items[0] as { lastLoginAt: string };
    const expected = new Intl.DateTimeFormat('en-GB', { dateStyle: 'short', timeStyle: 'medium', timeZone: 'America/New_York' }).format(new Date(me.lastLoginAt));
    await page.locator('a[data-nav="users"]').click();
    await page.getByRole('cell', { name: expected }).waitFor();
    expect((await admin.patch('/api/auth/me', { timeZone: 'Europe/Paris', numberDisplay: 'international' })).status).to.equal(200);
  });

  it('keeps working after logging in again in another tab (a new session and CSRF token)', async () => {
    await page.goto(`${t.url}/account/tokens`);
    await loaded(page);
    // The other tab's login goes through the shared cookie jar without clearing it first (as a
    // browser does): clearing it would let this tab's live requests race into a 401.
    const login = await page.context().request.post(`${t.url}/api/auth/login`, {
      data: { email: ADMIN.email, password: ADMIN.password },
    });
    expect(login.status()).to.equal(200);
    // This tab still holds the old session's CSRF token; the cookie is the new session's.
    await page.getByLabel(/^Name/).fill('After another login');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.locator('[data-testid="new-token"] code').waitFor();
    expect(await page.locator('.form-error').count()).to.equal(0);
  });

  it('says the session has expired when the server no longer knows it', async () => {
    await page.goto(`${t.url}/`);
    // Nothing of the page's own may still be on its way when the cookie goes (its dashboard read,
    // the socket's handshake): that request's 401 would end the session before the click.
    await page.locator('#page-title').waitFor();
    await loaded(page);
    await page.locator('.conn[data-state="connected"]').waitFor();
    await page.context().clearCookies();
    await page.locator('a[data-nav="audit"]').click();
    await page.locator('[data-testid="session-expired"]').waitFor();
    expect(await page.locator('[data-testid="session-expired"]').textContent()).to.match(/session has expired/);
    await b.screenshot('session-expired');
    // Logging in again lands on the page that was being opened.
    await page.getByLabel(/^E-mail/).fill(ADMIN.email);
    await page.getByLabel(/^Password/).fill(ADMIN.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByRole('heading', { name: 'Audit log', level: 1 }).waitFor();
  });
});
