// The job wizard and a job's page in a real Chromium, where no device is contacted (no worker
// runs: every job here waits for its schedule):
// - a 16 KiB script survives a reload of the wizard, new or editing (in the URL it made an
//   address the server refuses, 431: the page was blank), and an abandoned draft stays out of
//   the next new job;
// - an edit of a remediation's config.push saves, its lines kept as saved, and its page shows
//   the lines one a line;
// - a maintenance window's next opening names the browser's zone beside the window's own;
// - a 255-character hostname leaves a target's Log button on screen;
// - a list corrects a page past its last in place, so Back leaves it.
import type { Page } from 'playwright-core';
import { bearer } from '../support/app';
import { makeDevice } from '../support/factories';
import { ADMIN_PASSWORD, startUi, UiEnv, visible } from './support/ui';

jest.setTimeout(120_000);

let env: UiEnv;
let admin: { Authorization: string };
let dev = 0;

// a maintenance script of ordinary shell lines, past the 16 KiB a request's headers may hold
const LINE = 'if [ -f /etc/foo.conf ]; then echo "found foo"; sed -i "s/a/b/" /etc/foo.conf; fi\n';
const SCRIPT = LINE.repeat(Math.ceil((16 * 1024) / LINE.length));

beforeAll(async () => {
  env = await startUi();
  admin = bearer(env.t.adminToken);
  dev = await makeDevice(env.t.db, { hostname: 'lx-01', platform: 'linux' });
});

afterAll(async () => {
  await env?.close();
});

afterEach(() => {
  expect(env.pageErrors).toEqual([]);
});

const scriptBox = (page: Page) => page.getByRole('textbox', { name: 'Script' });

/** The wizard's Next, then step n on screen (the URL changes first, the step a moment later). */
async function nextStep(page: Page, n: number): Promise<void> {
  await page.getByRole('button', { name: 'Next' }).click();
  await visible(page.getByText(`Step ${n} of 4:`));
}

/** Reloads the page and returns the status of the document's response (431: its address was too long). */
async function reload(page: Page): Promise<number | undefined> {
  return (await page.reload())?.status();
}

it('editing a job with a 16 KiB script: its address is short, and a reload keeps the script and the changes made', async () => {
  const params = { script: SCRIPT, shell: 'bash', parameters: { SERVICE: 'nginx' } };
  const id = (await env.t.http.post('/api/jobs').set(admin).send({ name: 'long script', kind: 'command', params, target: { deviceIds: [dev] }, schedule: { cron: '0 3 * * *', timezone: 'UTC' } }).expect(201)).body.id as number;
  const page = await env.login('admin', ADMIN_PASSWORD);
  await page.goto(`/jobs/${id}`);
  await page.getByRole('link', { name: 'Edit' }).click();
  await visible(page.getByRole('heading', { level: 1, name: 'Edit "long script"' }));
  expect(await scriptBox(page).inputValue()).toBe(SCRIPT);
  await page.getByRole('textbox', { name: 'Job name' }).fill('long script, renamed');
  // kept (the name was put in the URL, with the script, before the draft was)
  await page.waitForURL((u) => u.searchParams.has('draft') || u.searchParams.has('name'));
  expect(await reload(page)).toBe(200);
  expect(page.url().length).toBeLessThan(200);
  await visible(page.getByRole('heading', { level: 1, name: 'Edit "long script"' }));
  expect(await scriptBox(page).inputValue()).toBe(SCRIPT);
  expect(await page.getByRole('textbox', { name: 'Job name' }).inputValue()).toBe('long script, renamed');
  expect(await page.getByRole('textbox', { name: 'Parameters' }).inputValue()).toBe('SERVICE=nginx');
  // discarded: Edit again shows the job as saved, not the abandoned draft
  await page.getByRole('link', { name: 'Discard' }).click();
  await page.waitForURL(new RegExp(`/jobs/${id}$`));
  await page.getByRole('link', { name: 'Edit' }).click();
  await visible(scriptBox(page));
  expect(await page.getByRole('textbox', { name: 'Job name' }).inputValue()).toBe('long script');
  // saved: the new name, the script as it was
  await page.getByRole('textbox', { name: 'Job name' }).fill('long script, renamed');
  for (const n of [2, 3, 4]) await nextStep(page, n);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.waitForURL(new RegExp(`/jobs/${id}$`));
  const after = (await env.t.http.get(`/api/jobs/${id}`).set(admin).expect(200)).body;
  expect(after).toMatchObject({ name: 'long script, renamed', params });
});

it("a new job's 16 KiB script survives a reload, stays out of the next new job, and a new tab of its address says it was left behind", async () => {
  const page = await env.login('admin', ADMIN_PASSWORD);
  await page.goto(`/jobs/new?deviceIds=${dev}&kind=command`);
  await scriptBox(page).fill(SCRIPT);
  await page.getByRole('textbox', { name: 'Parameters' }).fill('SERVICE=nginx');
  await page.waitForURL((u) => u.searchParams.has('draft') || u.searchParams.has('parameters'));
  const address = page.url();
  expect(await reload(page)).toBe(200);
  expect(address.length).toBeLessThan(200);
  await visible(scriptBox(page));
  expect(await scriptBox(page).inputValue()).toBe(SCRIPT);
  expect(await page.getByRole('textbox', { name: 'Parameters' }).inputValue()).toBe('SERVICE=nginx');
  // the steps and Back keep it
  await nextStep(page, 2);
  expect(await reload(page)).toBe(200);
  await page.goBack();
  await visible(scriptBox(page));
  expect(await scriptBox(page).inputValue()).toBe(SCRIPT);

  // a new job opened afresh in the same tab starts empty
  await page.goto('/jobs/new?kind=command');
  await visible(scriptBox(page));
  expect(await scriptBox(page).inputValue()).toBe('');
  expect(await page.getByText('Not in this tab').count()).toBe(0);

  // another tab of the address: the draft is the first tab's, and the page says so
  const other = await env.login('admin', ADMIN_PASSWORD);
  await other.goto(address);
  await visible(other.getByText('Not in this tab'));
  expect(await scriptBox(other).inputValue()).toBe('');
});

it("an edit of a remediation's config.push (its schedule and settings) saves, its lines kept; its page shows them one a line", async () => {
  const router = await makeDevice(env.t.db, { hostname: 'rtr-9', platform: 'cisco-ios', type: 'router' });
  const lines = ['interface Loopback9', ' description "uplink"'];
  const id = (await env.t.http.post('/api/jobs').set(admin).send({
    name: 'Remediate rtr-9', kind: 'config.push', params: { lines }, target: { deviceIds: [router] }, retries: 0,
    // a whole minute, as the wizard's start field holds it
    schedule: { runAt: new Date(Math.ceil((Date.now() + 86_400_000) / 60_000) * 60_000).toISOString() },
  }).expect(201)).body.id as number;
  const before = (await env.t.http.get(`/api/jobs/${id}`).set(admin).expect(200)).body;
  const page = await env.login('admin', ADMIN_PASSWORD);
  await page.goto(`/jobs/${id}`);
  await page.getByRole('link', { name: 'Edit' }).click();
  for (const n of [2, 3]) await nextStep(page, n);
  await page.getByLabel('Concurrency').fill('3');
  await nextStep(page, 4);
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.waitForURL(new RegExp(`/jobs/${id}$`));
  const after = (await env.t.http.get(`/api/jobs/${id}`).set(admin).expect(200)).body;
  expect(after).toMatchObject({ concurrency: 3, params: { lines }, nextRunAt: before.nextRunAt });
  // the lines as typed on the device; the wizard says it keeps them
  await visible(page.getByText('3 at once'));
  expect(await page.locator('pre').filter({ hasText: 'interface Loopback9' }).innerText()).toBe(lines.join('\n'));
  await page.getByRole('link', { name: 'Edit' }).click();
  await visible(page.getByText('What the job does: Push configuration'));
  await page.goto(`${page.url()}&step=4`);
  expect(await (await visible(page.getByRole('table', { name: 'Job summary' }))).textContent()).toContain('Parametersunchanged, as saved');
});

it("a maintenance window's next opening names the browser's zone, beside the window's own", async () => {
  // two hours starting six hours from now in Tokyo, so that it is never open as the spec runs
  const tokyoHour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Tokyo', hour: '2-digit', hourCycle: 'h23' }).format(new Date()));
  const at = (h: number) => `${String(h % 24).padStart(2, '0')}:00`;
  await env.t.http.post('/api/windows').set(admin).send({ name: 'Tokyo nights', timezone: 'Asia/Tokyo', ranges: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], start: at(tokyoHour + 6), end: at(tokyoHour + 8) }] }).expect(201);
  // a technician in New York: a time in Tokyo is another day's in New York, and the option must say whose
  const ctx = await env.browser.newContext({ baseURL: env.baseUrl, viewport: { width: 1280, height: 860 }, timezoneId: 'America/New_York', locale: 'en-US' });
  try {
    const page = await ctx.newPage();
    await page.goto('/login');
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel(/^Password/).fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    await page.goto(`/jobs/new?kind=noop&deviceIds=${dev}&step=3`);
    await page.getByPlaceholder('Any time').click();
    const option = await visible(page.getByRole('option', { name: /^Tokyo nights/ }));
    const text = (await option.first().textContent())!.replace(/\s/g, ' ');
    expect(text).toMatch(/^Tokyo nights \(Asia\/Tokyo; opens .* (EST|EDT)\)$/);
  } finally {
    await ctx.close();
  }
});

it("a target with a 255-character hostname wraps, and its Log button stays on screen", async () => {
  const hostname = ['a', 'b', 'c', 'd'].map((c) => c.repeat(63)).join('.');
  expect(hostname.length).toBe(255);
  const long = await makeDevice(env.t.db, { hostname });
  const id = (await env.t.http.post('/api/jobs').set(admin).send({ kind: 'noop', target: { deviceIds: [long] }, schedule: { cron: '0 3 * * *', timezone: 'UTC' } }).expect(201)).body.id as number;
  // a run that has been: what the worker would have left (no worker runs here)
  const { insertId: run } = await env.t.db.query(
    `INSERT INTO job_runs (job_id, status, fired_at, \`trigger\`, concurrency, total, started_at, finished_at) VALUES (?, 'completed', NOW(3), 'schedule', 10, 1, NOW(3), NOW(3))`, [id]);
  await env.t.db.query(`INSERT INTO job_run_targets (run_id, device_id, hostname, status, attempts, reason, finished_at) VALUES (?, ?, ?, 'succeeded', 1, 'done', NOW(3))`, [run, long, hostname]);
  const page = await env.login('admin', ADMIN_PASSWORD);
  await page.goto(`/jobs/${id}`);
  const log = await visible(page.getByRole('button', { name: `Log of ${hostname}` }));
  const box = (await log.boundingBox())!;
  expect(box.x + box.width).toBeLessThanOrEqual(page.viewportSize()!.width);
});

it('a list corrects a page past its last in place: Back leaves the list', async () => {
  for (let i = 0; i < 60; i++) await makeDevice(env.t.db, { hostname: `bk-${String(i).padStart(2, '0')}` });
  const page = await env.login('admin', ADMIN_PASSWORD);
  await page.goto('/software');
  await visible(page.getByRole('heading', { level: 1, name: 'Software' }));
  await page.goto('/devices?page=9');
  await page.waitForURL((u) => u.searchParams.get('page') === '2');
  await visible(page.getByRole('table', { name: 'Devices' }).getByRole('row').nth(1));
  await page.goBack();
  await page.waitForURL((u) => u.pathname === '/software');
});
