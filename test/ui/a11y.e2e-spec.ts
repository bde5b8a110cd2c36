// Accessibility of every page, checked by axe-core (the engine behind Lighthouse's and the
// browsers' accessibility audits): WCAG 2.1 A and AA (contrast, names, roles, labels) and axe's
// best practices in light mode, and again the rules colours decide in dark mode. Pages show real rows (devices with software and
// tags, a job, a credential, users, a drifted configuration failing a rule, audit entries) and
// their dialogs (start a scan, a saved range, a target's log, a device's merge dialog), so tables, badges, forms and links are checked, not only empty states.
// Each page is loaded once and checked in both schemes (the app follows the system's).
import type { Page } from 'playwright-core';
import { ConfigsService } from '../../src/configs/configs.service';
import { makeDevice, postJob } from '../support/factories';
import { ADMIN_PASSWORD, axeViolations as violations, COLOUR_RULES, startUi, UiEnv, visible } from './support/ui';

let env: UiEnv;
let pages: string[];
let ws: number;

beforeAll(async () => {
  env = await startUi();
  const db = env.t.db;
  ws = await makeDevice(db, {
    hostname: 'a11y-ws-01', osFamily: 'windows', osName: 'Windows 11 Pro', vendor: 'Dell Inc.', tags: ['finance', 'floor-2'],
    addresses: [{ ip: '192.0.2.10', mac: '00:1a:2b:3c:4d:5e' }], software: [{ name: '7-Zip', version: '23.01' }, { name: 'Firefox', version: '128.0' }],
  });
  const srv = await makeDevice(db, { hostname: 'a11y-srv-01', type: 'server', osFamily: 'linux', osName: 'Debian GNU/Linux 12', software: [{ name: 'openssh-server', version: '1:9.2p1-2' }] });
  await makeDevice(db, { hostname: 'a11y-old-01', status: 'retired' });
  await makeDevice(db, { hostname: null, type: 'printer', platform: 'unknown', serial: null });
  const job = await postJob(env.t, { name: 'a11y noop', kind: 'noop', target: { deviceIds: [ws] } });
  const admin = { Authorization: `Bearer ${env.t.adminToken}` };
  await env.t.http.post('/api/credentials').set(admin).send({ name: 'a11y ssh', kind: 'ssh', username: 'helpdesk', password: 'a11y-secret-pw' }).expect(201);
  await env.t.http.post('/api/users').set(admin).send({ username: 'a11y-viewer', password: 'a11y-viewer-password', role: 'viewer' }).expect(201);
  const [{ id: zip }] = (await db.query("SELECT id FROM software WHERE name = '7-Zip'")) as Array<{ id: number }>;
  // sshd_config backups as config.backup stores them: srv drifts from its pinned first version
  // and fails a rule, so the drift report, compliance, diff and the dashboard's red figures show
  await env.t.http.post('/api/configs/rules').set(admin).send({ name: 'no root login', kind: 'must-not-contain', pattern: 'PermitRootLogin yes' }).expect(201);
  const configs = env.t.app.get(ConfigsService);
  const store = async (text: string) => {
    const r = await configs.store(srv, text, { source: '/etc/ssh/sshd_config', trigger: 'manual', jobRunId: null, at: new Date() });
    await configs.evaluate(srv);
    return Number(r.versionId);
  };
  const first = await store('Port 22\nPermitRootLogin no\n');
  await env.t.http.post('/api/configs/baselines').set(admin).send({ deviceId: srv, versionId: first }).expect(201);
  await store('Port 2222\nPermitRootLogin yes\n');
  pages = [
    '/', '/devices', '/devices?osFamily=windows&sel=all', `/devices/${ws}`, `/devices/${ws}?tab=software`, `/devices/${ws}?tab=history`, `/devices/${ws}?tab=jobs`,
    '/software', `/software/${zip}`, '/discovery', '/discovery?form=scan', '/discovery?tab=ranges', '/discovery?tab=ranges&form=range', '/discovery?tab=host-keys',
    '/jobs', `/jobs/${job}`, `/jobs/${job}?log=${ws}`,
    '/jobs/new', `/jobs/new?step=2&deviceIds=${ws}`, '/jobs/new?step=3', `/jobs/new?step=4&packages=htop&deviceIds=${ws}`,
    '/configs', `/configs/diff?deviceId=${srv}&baseline=1`, `/configs/diff?deviceId=${srv}&baseline=1&view=unified`, '/configs/compliance', '/configs/compliance?view=rules',
    '/configs/baselines', '/configs/rules', `/devices/${srv}?tab=configs`,
    '/admin/users', '/admin/credentials', '/admin/tokens', '/admin/agents', '/admin/audit',
  ];
}, 120_000);

afterAll(async () => {
  await env?.close();
});

afterEach(() => {
  expect(env.pageErrors).toEqual([]);
});

/** Opens a page and waits until it has drawn its content (its h1, its data, transitions done). */
async function open(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await visible(page.getByRole('heading', { level: 1 }));
  // a job page keeps an event stream open, so "network idle" may never come: bounded
  await page.waitForLoadState('networkidle', { timeout: 5_000 }).catch(() => undefined);
  await page.getByRole('progressbar').or(page.locator('.mantine-Loader-root')).first().waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => undefined);
  // Mantine's fade-ins (150–250 ms) would read as low contrast: each check waits in inScheme
}

type Scheme = 'light' | 'dark';
const SCHEMES: Scheme[] = ['light', 'dark'];

/**
 * The open page in a colour scheme, as a browser set to it shows it: the app follows the
 * system's scheme ("auto") as it changes, so one load of a page is checked in both.
 */
async function inScheme(page: Page, scheme: Scheme): Promise<void> {
  await page.emulateMedia({ colorScheme: scheme });
  await page.locator(`html[data-mantine-color-scheme="${scheme}"]`).waitFor({ state: 'attached' });
  await page.waitForTimeout(400); // colours change with a transition: mid-way they would read as low contrast
}

it("every page passes axe's WCAG 2.1 AA and best-practice rules in light and dark mode", async () => {
  const page = await env.login('admin', ADMIN_PASSWORD);
  const found: string[] = [];
  // every rule in light mode, then in dark mode the rules colours decide (the DOM is the same)
  const check = async (target: Page, what: string) => {
    for (const scheme of SCHEMES) {
      await inScheme(target, scheme);
      found.push(...(await violations(target, scheme === 'dark' ? COLOUR_RULES : undefined)).map((v) => `${what} (${scheme}) ${v}`));
    }
  };
  for (const url of pages) {
    await open(page, url);
    await check(page, url);
  }
  // the device page's merge dialog, opened by its button: before the other device is picked
  // (both actions disabled, and why) and once the two are compared side by side
  await open(page, `/devices/${ws}`);
  await page.getByRole('button', { name: 'Merge or mark distinct…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Same machine as another device' });
  await visible(dialog.getByText('Pick the other device first.'));
  await check(page, `/devices/${ws} merge dialog, nothing picked:`);
  await dialog.getByRole('combobox', { name: 'Other device' }).fill('a11y-srv');
  await dialog.getByRole('option', { name: /a11y-srv-01/ }).click();
  await visible(dialog.getByRole('table', { name: 'The two devices side by side' }).getByText('Debian GNU/Linux 12'));
  await check(page, `/devices/${ws} merge dialog, compared:`);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await dialog.waitFor({ state: 'hidden' });
  // signed out: the sign-in page
  const out = await env.newPage();
  await out.goto('/login');
  await visible(out.getByRole('button', { name: 'Sign in' }));
  await check(out, '/login');
  expect(found).toEqual([]);
}, 300_000);

it('a spinner with a name passes axe, and stands still when the system asks for less motion: the job log loading, its answer held back', async () => {
  // CI, loaded, once ran axe while a target's log was still loading: Mantine's Loader is a bare
  // <span>, on which an aria-label is not allowed (aria-prohibited-attr) nor read
  const page = await env.login('admin', ADMIN_PASSWORD);
  let release!: () => void;
  const held = new Promise<void>((r) => (release = r));
  await page.route(/\/api\/jobs\/\d+\/runs\/\d+\/targets\/\d+\/log/, async (route) => {
    await held;
    await route.continue().catch(() => undefined);
  });
  const [{ id: job }] = (await env.t.db.query("SELECT id FROM jobs WHERE name = 'a11y noop'")) as Array<{ id: number }>;
  await page.goto(`/jobs/${job}?log=${ws}`);
  const spinner = await visible(page.getByRole('progressbar', { name: 'Loading the log' }));
  expect(await violations(page)).toEqual([]);
  // it spins, unless the system asks for less motion (the browser specs' contexts do): then it stands still
  const spinning = () => spinner.first().evaluate((el) => el.getAnimations({ subtree: true }).filter((a: { playState: string }) => a.playState === 'running').length);
  expect(await spinning()).toBe(0);
  await page.emulateMedia({ reducedMotion: 'no-preference' });
  expect(await spinning()).toBeGreaterThan(0);
  release();
});
