import { expect } from 'chai';
import type { Page, Route } from 'playwright-core';
import type { ApiClient } from '../support/api-client';
import type { TestApp } from '../support/test-app';
import { eventually } from '../calls/calls-harness';
import { browserSuite } from '../support/browser';

/**
 * Issue #13: "a user just created did not appear in the users list". Users are created at the
 * same time through the page and by another administrator, while the list's answers come back in
 * the wrong order (the older ones held longer): the list ends up with every user, as the server has it.
 */
describe('Admin UI: the users list under concurrent creations (browser)', function () {
  this.timeout(90_000);
  let t: TestApp;
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
    ({ page } = ui);
  });

  const shownEmails = async () => (await page.getByTestId('users-table').locator('tbody tr td:nth-child(2)').allTextContents()).sort();

  it('shows every user created at the same time, whatever order the list answers arrive in', async () => {
    await page.goto(`${t.url}/admin/users`);
    await page.getByTestId('users-table').locator('tbody tr').first().waitFor();

    // Each list request is held, the earlier ones longest, so their answers overtake each other.
    let held = 0;
    const hold = async (route: Route) => {
      const delay = Math.max(0, 600 - 100 * held++);
      await new Promise((resolve) => setTimeout(resolve, delay));
      await route.continue().catch(() => undefined); // the page may have aborted it meanwhile
    };
    await page.route(/\/api\/users(\?|$)/, hold);

    const others = Array.from({ length: 8 }, (_, i) => `colleague${i}@example.test`);
    await page.getByRole('button', { name: 'Add a user' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel(/^E-mail/).fill('new.hire@example.test');
    await dialog.getByLabel(/^Display name/).fill('New Hire');
    await dialog.getByLabel(/^Password/).fill('a long enough passphrase 42');
    // The page's own creation answers, its list refresh is on its way (held): meanwhile another
    // administrator creates eight users at once.
    const created = page.waitForResponse((res) => res.request().method() === 'POST' && new URL(res.url()).pathname === '/api/users');
    await dialog.getByRole('button', { name: 'Create' }).click();
    expect((await created).status()).to.equal(201);
    await Promise.all(others.map((email, i) => admin.post('/api/users', { email, displayName: `Colleague ${i}`, password: `another long passphrase ${i}`, roles: [] })));
    await dialog.waitFor({ state: 'detached' });

    const expected = [...others, 'new.hire@example.test', 'admin@example.test'].sort();
    const server = ((await admin.get('/api/users?limit=100')).body.items as Array<{ email: string }>).map((u) => u.email).sort();
    expect(server).to.deep.equal(expected);
    await eventually('the list shows every user', async () => JSON.stringify(await shownEmails()) === JSON.stringify(expected), 15_000);
    await page.unroute(/\/api\/users(\?|$)/, hold);
    expect(held, 'list answers were held').to.be.greaterThan(1);
  });
});
