import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { ApiClient } from '../support/api-client';
import type { TestApp } from '../support/test-app';
import { directoryOnlyBundledDir } from '../plugins/directory/directory-app';
import { browserSuite } from '../support/browser';

/**
 * The box of running operations (bottom right, whatever page is open): while a directory import
 * runs it says the phase and the count, once finished what was done (not "importing … Finished"),
 * and it never hides the last row of a long list.
 */
describe('Admin UI: the running operations box (browser)', function () {
  this.timeout(60_000);
  let t: TestApp;
  let page: Page;
  let admin: ApiClient;

  const ui = browserSuite({
    app: () => ({ bundledDir: directoryOnlyBundledDir() }),
    prepare: async (app) => {
      t = app;
      admin = await t.adminClient();
      await admin.patch('/api/auth/me/preferences', { locale: 'en' });
      for (let i = 0; i < 30; i++) {
        await admin.post('/api/plugins/directory/contacts', { firstName: `Contact${String(i).padStart(2, '0')}`, lastName: 'Test', numbers: [{ type: 'work', number: `01234567${String(i).padStart(2, '0')}` }] });
      }
    },
  });
  before(async () => {
    ({ page } = ui);
    await page.setViewportSize({ width: 1366, height: 900 });
  });

  const publish = (payload: Record<string, unknown>) => t.app.cradle.events.publish('directory.importProgress', { importId: 'import-1', phase: 'apply', ...payload });

  /** The page's buttons that lie under the box once the page is scrolled to its end (the last rows' and the pager's). */
  async function buttonsUnderTheBox(): Promise<string[]> {
    await page.evaluate('window.scrollTo(0, document.documentElement.scrollHeight)');
    const box = (await page.getByTestId('operations').boundingBox())!;
    const under: string[] = [];
    for (const button of await page.locator('main button:visible').all()) {
      const b = (await button.boundingBox())!;
      const overlaps = b.x < box.x + box.width && b.x + b.width > box.x && b.y < box.y + box.height && b.y + b.height > box.y;
      if (overlaps) under.push((await button.getAttribute('aria-label')) ?? (await button.textContent()) ?? '?');
    }
    return under;
  }

  it('says the phase while running, what was done once finished, and leaves the last row clickable', async () => {
    await page.goto(`${t.url}/plugins/directory`);
    const last = page.locator('tr[data-contact]').filter({ hasText: 'Contact29 Test' });
    await last.waitFor();
    publish({ processed: 12, total: 30, done: false });
    const box = page.getByTestId('operations');
    await box.getByText('Directory import: importing').waitFor();
    expect(await box.textContent()).to.include('12 of 30');
    expect(await buttonsUnderTheBox()).to.deep.equal([]);

    publish({ processed: 30, total: 30, done: true });
    await box.getByText('Directory import: done').waitFor();
    const text = (await box.textContent())!;
    expect(text).not.to.include('importing');
    expect(text).to.include('30 of 30');
    expect(await buttonsUnderTheBox()).to.deep.equal([]);
    await box.waitFor({ state: 'detached' });
  });
});
