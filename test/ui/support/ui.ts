// The browser specs' harness: a real Teknisi server listening on 127.0.0.1 (its own database,
// as every spec), serving the built SPA (dist/web, `npm run build:web`, which `npm test`
// runs first), and Debian's Chromium driven by playwright-core. Screenshots of each page
// go to reports/screenshots/ as test artifacts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AddressInfo } from 'node:net';
import { Browser, BrowserContext, chromium, Locator, Page } from 'playwright-core';
import { createTestApp, TestApp, TestAppOptions, ADMIN_PASSWORD } from '../../support/app';
import { webDir } from '../../../src/web/spa';
import { TEST_CHROMIUM, TEST_CHROMIUM_ARGS } from '../../lab/chromium';

export { ADMIN_PASSWORD };
export const SCREENSHOT_DIR = path.resolve(__dirname, '../../../reports/screenshots');

export interface UiEnv {
  t: TestApp;
  baseUrl: string;
  browser: Browser;
  /** Uncaught errors of every page opened through newPage(): a spec fails if any occurred. */
  pageErrors: string[];
  /** Native dialogs (alert, confirm) any such page opened, each dismissed: the UI has none, so a spec may require this stays empty. */
  dialogs: string[];
  /** A fresh browser context (own cookies) signed in as the user, on the dashboard. */
  login(username: string, password: string): Promise<Page>;
  /** A fresh context, not signed in. */
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

// A page a test opens is closed when that test ends (one the spec opens in beforeAll lasts
// until close()): every context left open makes the next ones dearer. Ten new contexts each
// loading the sign-in page cost Chromium 42 s of CPU when kept open and 27 s when each was
// closed, and the devices spec 182 s against 158 s (process accounting on this 2-CPU machine,
// where Chromium is about two thirds of the test run's CPU).
let inTest = false;
const openedInTest: BrowserContext[] = [];
beforeEach(() => {
  inTest = true;
});
afterEach(async () => {
  inTest = false;
  for (const c of openedInTest.splice(0)) await c.close().catch(() => undefined);
});

export async function startUi(opts: TestAppOptions = {}): Promise<UiEnv> {
  const index = path.join(webDir(), 'index.html');
  if (!fs.existsSync(index)) throw new Error(`The web UI is not built (${index} is missing): run \`npm run build:web\` (npm test does it first).`);
  if (!fs.existsSync(TEST_CHROMIUM)) throw new Error(`Chromium's headless shell is missing at ${TEST_CHROMIUM}: install it with \`apt-get install -y chromium-headless-shell\` (the test set-up does this when run as root).`);
  const t = await createTestApp(opts);
  await t.app.listen(0, '127.0.0.1');
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const browser = await chromium.launch({ executablePath: TEST_CHROMIUM, headless: true, args: TEST_CHROMIUM_ARGS });
  const pageErrors: string[] = [];
  const dialogs: string[] = [];
  /** contexts opened outside a test, which last until close() */
  const contexts: BrowserContext[] = [];
  const newPage = async () => {
    // as a system set to reduce motion: spinners and striped progress bars stand still (Chromium
    // used 6-7 % less CPU in one run each of the discovery and jobs-lab specs, within the ±10 %
    // runs vary by), and the UI's own reduced-motion rules, a11y.css, are exercised
    const ctx = await browser.newContext({ baseURL: baseUrl, viewport: { width: 1280, height: 860 }, reducedMotion: 'reduce' });
    // a test's own contexts close when it ends; the spec's (opened in beforeAll) in close()
    (inTest ? openedInTest : contexts).push(ctx);
    const page = await ctx.newPage();
    // 30 s: on a 2-CPU machine where a login costs Chromium ~5 s of CPU, two UI specs and the
    // lab running beside each other once kept a page's first table loading past 15 s
    page.setDefaultTimeout(30_000);
    page.on('pageerror', (err) => pageErrors.push(`${page.url()}: ${err.message}`));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    return page;
  };
  return {
    t, baseUrl, browser, pageErrors, dialogs, newPage,
    async login(username, password) {
      const page = await newPage();
      await page.goto('/login');
      await page.getByLabel('User name').fill(username);
      await page.getByLabel(/^Password/).fill(password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.waitForURL((u) => !u.pathname.startsWith('/login'));
      await visible(page.getByRole('navigation', { name: 'Main navigation' }));
      return page;
    },
    async close() {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close().catch(() => undefined);
      await t.close();
    },
  };
}

/** Creates a user through the API; returns its password. */
export async function createUser(env: UiEnv, username: string, role: 'viewer' | 'technician' | 'admin'): Promise<string> {
  const password = `${username}-password-123`;
  const res = await env.t.http.post('/api/users').set('Authorization', `Bearer ${env.t.adminToken}`).send({ username, password, role });
  if (res.status !== 201) throw new Error(`user create failed: ${res.status} ${JSON.stringify(res.body)}`);
  return password;
}

/** A full-page screenshot saved as reports/screenshots/<name>.png; returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  // let charts and lazy chunks settle so the picture shows the page, not a spinner; bounded, for
  // a job's or a running scan's page keeps its event stream open and is never idle (each such
  // picture waited the page's whole 30 s timeout: 90 s of one jobs-lab test)
  await page.waitForLoadState('networkidle', { timeout: 3_000 }).catch(() => undefined);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

/** Waits until the locator shows (playwright-core has no expect; jest's asserts the rest). */
export async function visible(locator: Locator, timeout = 15_000): Promise<Locator> {
  try {
    await locator.first().waitFor({ state: 'visible', timeout });
  } catch (err) {
    // say what the page showed instead, so that a failure in CI can be read without a rerun
    const page = locator.page();
    const shown = await page.locator('main').first().innerText({ timeout: 2000 }).catch(() => '(no main element)');
    throw new Error(`${(err as Error).message}

${page.url()} showed:
${shown.slice(0, 2000)}`);
  }
  return locator;
}

const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** axe's violations (WCAG 2.1 A and AA, best practices) on the page as it is now, one line per element: "rule (impact): element <html> — why". */
export async function axeViolations(page: Page, rules?: string[]): Promise<string[]> {
  // through the DevTools protocol (the page's CSP forbids inline scripts), once a page load: a
  // page checked again (in its other colour scheme) has it
  if (!(await page.evaluate(() => 'axe' in globalThis))) await page.evaluate(AXE);
  return page.evaluate(async (only) => {
    type Result = { id: string; impact: string; nodes: Array<{ target: string[]; html: string; failureSummary?: string }> };
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: Result[] }> } }).axe;
    const doc = (globalThis as unknown as { document: unknown }).document;
    const runOnly = only ? { type: 'rule', values: only } : { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] };
    const r = await axe.run(doc, { runOnly, resultTypes: ['violations'] });
    return r.violations.flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} ${n.html.slice(0, 120)} — ${(n.failureSummary ?? '').replace(/\s+/g, ' ').slice(0, 240)}`));
  }, rules ?? null);
}

/** axe's rules that a colour scheme can pass or fail: the rest read names, roles and structure, the same in both. */
export const COLOUR_RULES = ['color-contrast', 'link-in-text-block'];
