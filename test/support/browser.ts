import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ADMIN, startTestApp, tempDir, type TestApp, type TestAppOptions } from './test-app';

/** Debian's Chromium, never a downloaded browser. */
export const CHROMIUM = process.env.CARILLON_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.resolve(__dirname, '..', '..', 'test-artifacts', 'screenshots');
const ROOT = path.resolve(__dirname, '..', '..');

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/**
 * Whether browser tests can run here. Without Chromium they are skipped with a message, unless
 * `CARILLON_TEST_REQUIRE_BROWSER=1` (CI installs it and must not skip silently).
 */
export function browserAvailable(ctx: Mocha.Context): boolean {
  if (fs.existsSync(CHROMIUM)) return true;
  if (process.env.CARILLON_TEST_REQUIRE_BROWSER === '1') throw new Error(`Chromium is required for the browser tests but ${CHROMIUM} does not exist (apt-get install chromium).`);
  process.stdout.write(`  (browser tests skipped: ${CHROMIUM} is not installed)\n`);
  ctx.skip();
  return false;
}

/** Builds ui/dist when missing or older than ui/src (the same check `npm start` makes). */
export function ensureUiBuilt(): void {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'ui', 'build-if-stale.mjs')], { cwd: ROOT, stdio: 'pipe', encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`Building the UI failed:\n${result.stdout}\n${result.stderr}`);
}

export interface TestBrowser {
  context: BrowserContext;
  page: Page;
  /** Console errors and failed page scripts seen so far (a page should have none). */
  pageErrors: string[];
  screenshot(name: string): Promise<void>;
  /** Requests the page sent that have not finished (method and URL). */
  pendingRequests(): string[];
  close(): Promise<void>;
}

/**
 * One Chromium per test file, with a new empty profile, and one page reused by the file's tests.
 * `locale`: the browser's own language (British English unless a test needs another, e.g. to
 * check that the UI follows its own language, not the browser's).
 */
export async function launchBrowser(options: { locale?: string } = {}): Promise<TestBrowser> {
  const userDataDir = tempDir('carillon-chromium-');
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1280, height: 800 },
    locale: options.locale ?? 'en-GB',
    timezoneId: 'Europe/Paris',
  });
  // Generous: the suite shares a small machine with the server under test and other suites.
  context.setDefaultTimeout(15_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  // Requests still open, so that a page stuck on "Loading…" says what it waits for.
  const pending = new Set<import('playwright-core').Request>();
  page.on('request', (req) => pending.add(req));
  page.on('requestfinished', (req) => pending.delete(req));
  page.on('requestfailed', (req) => pending.delete(req));
  fs.mkdirSync(SCREENSHOTS, { recursive: true });
  return {
    context,
    page,
    pageErrors,
    pendingRequests: () => [...pending].map((req) => `${req.method()} ${req.url()}`),
    screenshot: async (name) => void (await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true })),
    async close() {
      await context.close();
      fs.rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Logs in through the login form (after dropping any current session) and waits for the first page. */
export async function logIn(page: Page, baseUrl: string, email: string, password: string): Promise<void> {
  await page.context().clearCookies();
  await page.goto(`${baseUrl}/`);
  await page.getByLabel(/^(E-mail|Adresse e-mail)/).fill(email);
  await page.getByLabel(/^(Password|Mot de passe)/).fill(password);
  await page.getByRole('button', { name: /^(Log in|Se connecter)$/ }).click();
  await page.locator('#page-title').waitFor();
}

/** Waits until no part of the page is still loading (a page may load several lists). */
export async function loaded(page: Page): Promise<void> {
  const deadline = Date.now() + 15_000;
  while ((await page.locator('.loading').count()) > 0) {
    if (Date.now() > deadline) throw new Error(`${page.url()} is still loading`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** What a browser test file works with, filled in by `browserSuite`'s `before` hook. */
export interface BrowserSuite {
  app: TestApp;
  browser: TestBrowser;
  page: Page;
}

/**
 * Registers the hooks every browser test file needs: skip without Chromium, build the UI, start a
 * Carillon with `app()`'s options (then `prepare` it), launch Chromium, optionally log in as the administrator; on each
 * test, a screenshot when it failed, and a failure of that test alone for errors thrown in the page
 * (throwing from afterEach would stop the whole file). Call it at the top of a `describe`; the
 * returned object is filled in before the first test.
 */
export function browserSuite(options: { app?: () => TestAppOptions; prepare?: (app: TestApp) => Promise<void>; logIn?: boolean; browserLocale?: string } = {}): BrowserSuite {
  const suite = {} as BrowserSuite;
  before(async function () {
    if (!browserAvailable(this)) return;
    ensureUiBuilt();
    suite.app = await startTestApp(options.app?.());
    await options.prepare?.(suite.app);
    suite.browser = await launchBrowser({ locale: options.browserLocale });
    suite.page = suite.browser.page;
    if (options.logIn ?? true) await logIn(suite.page, suite.app.url, ADMIN.email, ADMIN.password);
  });
  after(async () => {
    await suite.browser?.close();
    await suite.app?.stop();
  });
  afterEach(async function () {
    const test = this.currentTest;
    if (!suite.browser || !test) return;
    if (test.state === 'failed') {
      await suite.browser.screenshot(`failed-${test.title.slice(0, 40).replace(/\W+/g, '-')}`);
      const pending = suite.browser.pendingRequests().filter((r) => !r.includes('/socket.io/'));
      if (pending.length) console.log(`      requests still open when "${test.title}" failed: ${pending.join(', ')}`);
    }
    // A script error in the page (a broken chunk, a bad render) fails the test that caused it, even if its steps passed.
    const errors = suite.browser.pageErrors.splice(0);
    if (errors.length && test.state === 'passed') (this.test as Mocha.Hook).error(new Error(`Errors in the page: ${errors.join(' | ')}`));
  });
  return suite;
}

/** How many pixels the page is wider than its window (0 or less when it fits; a string: no DOM types here). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate('document.documentElement.scrollWidth - document.documentElement.clientWidth');
}

/** Opens a page through the menu, as a person would (client-side navigation), and checks where it landed. */
export async function openFromMenu(page: Page, navId: string, title: string, pathname: string): Promise<void> {
  await page.locator(`a[data-nav="${navId}"]`).click();
  await page.getByRole('heading', { name: title, level: 1 }).waitFor();
  expect(new URL(page.url()).pathname).to.equal(pathname);
}

/** Opens `url`, waits for its title and lists, checks it fits the window's width and keeps a screenshot `page-<id>-<suffix>`. */
export async function checkPageFits(b: TestBrowser, url: string, title: string, id: string, suffix: string): Promise<void> {
  await b.page.goto(url);
  await b.page.getByRole('heading', { name: title, level: 1 }).waitFor();
  await loaded(b.page);
  expect(await horizontalOverflow(b.page), `${id} fits the window (${suffix})`).to.be.at.most(0);
  await b.screenshot(`page-${id}-${suffix}`);
}
