// bench/ui: the web UI on the devices-list data (100,000 devices, 15 M installs; seed it first
// with `npm run bench -- devices-list --seed-only`), in Debian's headless Chromium driven by
// playwright-core, as a technician uses it: each page loaded from its URL (the SPA's assets
// cached, as on a technician's second visit), and two steps taken inside the app (the header
// search, a column sort). A case's time runs from the navigation or the click until the rows
// that the API returned are on the screen; beside it, the API request's own time as the browser
// saw it (request sent to response end), so what the UI adds is visible. Only 127.0.0.1.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createConnection } from 'mysql2/promise';
import { chromium, Page, Response } from 'playwright-core';
import { webDir } from '../src/web/spa';
import { CHROMIUM, CHROMIUM_ARGS } from '../test/lab/chromium';
import { ADMIN_PASSWORD, pickSearchTitle } from './devices-list';
import { Flags, FlagSpec } from './lib/args';
import { benchDatabaseGuard } from './lib/seed';
import { BenchServer, REPO_ROOT } from './lib/server';
import { fmtMs, summarize, table } from './lib/stats';

const FLAGS: FlagSpec[] = [
  { name: 'database', help: 'the seeded bench database (devices-list seeds it)', default: 'teknisi_bench' },
  { name: 'db-server', help: 'MySQL/MariaDB server URL without a database', default: 'mysql://root@127.0.0.1:3306' },
  { name: 'redis-url', help: 'Redis URL', default: 'redis://127.0.0.1:6379' },
  { name: 'iterations', help: 'timed repetitions of each case', default: '10' },
  { name: 'chromium', help: 'the browser binary', default: CHROMIUM },
  { name: 'results-dir', help: 'where the JSON results go', default: 'bench/results' },
  { name: 'help', help: 'this list', boolean: true },
];

interface Sample {
  ms: number;
  /** the request, sent to answered */
  apiMs: number;
  /** from the act to the request being sent (route change, code, React) */
  beforeMs: number;
  /** from the answer to the rows on the screen (JSON, React, layout) */
  afterMs: number;
}

type Doc = { querySelector(css: string): { textContent: string | null } | null };

interface Ready {
  css: string;
  text?: string;
}

interface UiCase {
  label: string;
  /** what the technician does: a page load or a click */
  act: (page: Page) => Promise<unknown>;
  /** the API request whose answer the screen shows */
  api: (url: URL) => boolean;
  /** what is on the screen once that answer (its JSON) is shown: the first element matching css whose text includes text */
  ready: (body: any) => Ready;
  /** puts the page where act() starts from (in-app steps) */
  before?: (page: Page) => Promise<unknown>;
}

const hr = () => Number(process.hrtime.bigint()) / 1e6;
const log = (s: string) => process.stderr.write(`${s}\n`);

async function measure(page: Page, c: UiCase): Promise<Sample> {
  if (c.before) await c.before(page);
  const response = page.waitForResponse((r: Response) => r.request().method() === 'GET' && c.api(new URL(r.url())), { timeout: 60_000 });
  const t0 = hr();
  const wall0 = Date.now();
  await c.act(page);
  const res = await response;
  if (res.status() !== 200) throw new Error(`${c.label}: ${res.url()} answered ${res.status()}`);
  const body = await res.json();
  // checked in the page on every animation frame: a locator's wait polls at growing intervals
  // (up to 500 ms apart), which would be measured as the UI's time
  const { css, text } = c.ready(body);
  await page.waitForFunction(
    (want) => {
      const e = (globalThis as unknown as { document: Doc }).document.querySelector(want.css);
      return !!e && (want.text === undefined || (e.textContent ?? '').includes(want.text));
    },
    { css, text }, { polling: 'raf', timeout: 60_000 });
  const ms = hr() - t0;
  await res.finished();
  const t = res.request().timing();
  const apiMs = t.responseEnd - t.requestStart;
  const beforeMs = Math.max(0, t.startTime + t.requestStart - wall0);
  return { ms, apiMs, beforeMs, afterMs: Math.max(0, ms - beforeMs - apiMs) };
}

const devicesGrid = (page: Page) => page.getByRole('table', { name: 'Devices', exact: true });
type DeviceRows = { items: Array<{ hostname: string | null; primaryIp: string | null; serial?: string | null; id: number }> };
/** The first row of a device table showing the first device of the answer. */
const firstRow = (table: string) => (body: DeviceRows): Ready => {
  const d = body.items[0];
  if (!d) throw new Error(`the API returned no device for the table ${table}`);
  return { css: `table[aria-label="${table}"] tbody tr:first-child`, text: d.hostname || d.primaryIp || d.serial || '' };
};
const firstDevice = firstRow('Devices');
const isPath = (p: string | RegExp) => (u: URL) => (typeof p === 'string' ? u.pathname === p : p.test(u.pathname));

export async function main(argv: string[]): Promise<number> {
  const flags = new Flags(FLAGS, argv);
  if (flags.bool('help')) {
    process.stdout.write(`npm run bench -- ui [flags]\n${Flags.usage(FLAGS)}\n`);
    return 0;
  }
  const database = flags.str('database');
  benchDatabaseGuard(database);
  const dbServer = flags.str('db-server').replace(/\/+$/, '');
  const iterations = flags.int('iterations', 1);
  const executablePath = flags.str('chromium');
  if (!fs.existsSync(executablePath)) throw new Error(`Chromium is missing at ${executablePath}: apt-get install -y chromium`);
  if (!fs.existsSync(path.join(webDir(), 'index.html'))) throw new Error(`the web UI is not built in ${webDir()}: run \`npm run build:web\` first`);

  // ---- what to ask for, from the seeded data
  const db = await createConnection(`${dbServer}/${database}`);
  const q1 = async <T>(sql: string, p: unknown[] = []) => (await db.query(sql, p))[0] as T[];
  let devices: number;
  try {
    devices = Number((await q1<{ n: number }>('SELECT COUNT(*) AS n FROM devices'))[0].n);
  } catch {
    devices = 0;
  }
  if (devices === 0) {
    await db.end();
    process.stderr.write(`${database} holds no devices: run \`npm run bench -- devices-list --seed-only\` first\n`);
    return 2;
  }
  const installs = Number((await q1<{ n: number }>('SELECT COUNT(*) AS n FROM installed_software'))[0].n);
  const title = await pickSearchTitle(q1, devices);
  const [{ id: titleId }] = await q1<{ id: number }>('SELECT id FROM software WHERE name = ? LIMIT 1', [title]);
  // a computer with about the average number of installs
  const [{ id: deviceId, n: deviceInstalls }] = await q1<{ id: number; n: number }>(
    `SELECT device_id AS id, COUNT(*) AS n FROM installed_software WHERE device_id BETWEEN 1000 AND 1100 GROUP BY device_id ORDER BY ABS(COUNT(*) - 150) LIMIT 1`);
  await db.end();

  log(`starting the server (API role, serving ${webDir()}) on ${database}...`);
  const server = await BenchServer.start({ databaseUrl: `${dbServer}/${database}`, redisUrl: flags.str('redis-url'), adminPassword: ADMIN_PASSWORD, queuePrefix: `{teknisi-bench-ui-${process.pid}}` });
  const base = `http://127.0.0.1:${server.port}`;
  const browser = await chromium.launch({ executablePath, headless: true, args: CHROMIUM_ARGS });
  const results: Array<{ label: string; p50: number; p95: number; apiP50: number; beforeP50: number; afterP50: number; samples: Sample[] }> = [];
  try {
    const ctx = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 860 } });
    const page = await ctx.newPage();
    await page.goto('/login');
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel(/^Password/).fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'), { timeout: 60_000 }).catch(async () => {
      throw new Error(`admin sign-in failed: ${(await page.getByRole('alert').allTextContents()).join(' ')}. The bench database keeps its users between runs; if admin has another password, reseed.`);
    });

    const goto = (url: string) => (p: Page) => p.goto(url, { waitUntil: 'commit' });
    const cases: UiCase[] = [
      { label: 'devices grid, page 1 of 50 rows by hostname', act: goto('/devices'), api: isPath('/api/devices'), ready: firstDevice },
      { label: `devices grid, search "${title}" (installed software)`, act: goto(`/devices?q=${encodeURIComponent(title)}`), api: isPath('/api/devices'), ready: firstDevice },
      { label: 'devices grid, OS family Windows + tag finance', act: goto('/devices?osFamily=windows&tag=finance'), api: isPath('/api/devices'), ready: firstDevice },
      { label: 'devices grid, page 1,000', act: goto('/devices?page=1000'), api: isPath('/api/devices'), ready: firstDevice },
      {
        label: 'in the app: header search for the same title',
        before: async (p) => {
          await p.goto('/software', { waitUntil: 'commit' });
          await p.getByRole('table', { name: 'Software titles' }).locator('tbody tr').first().waitFor({ timeout: 60_000 });
        },
        act: async (p) => {
          await p.getByRole('textbox', { name: 'Search devices' }).fill(title);
          await p.keyboard.press('Enter');
        },
        api: (u) => u.pathname === '/api/devices' && u.searchParams.get('q') === title,
        ready: firstDevice,
      },
      {
        label: 'in the app: sort the grid by hostname, descending',
        before: async (p) => {
          await p.goto('/devices', { waitUntil: 'commit' });
          await devicesGrid(p).locator('tbody tr').first().waitFor({ timeout: 60_000 });
        },
        act: (p) => devicesGrid(p).getByRole('button', { name: 'Sort by Hostname' }).click(),
        api: (u) => u.pathname === '/api/devices' && u.searchParams.get('sort') === '-hostname',
        ready: firstDevice,
      },
      {
        label: `device page, software tab (${deviceInstalls} installs)`,
        act: goto(`/devices/${deviceId}?tab=software`),
        api: isPath(`/api/devices/${deviceId}/software`),
        ready: (body) => ({ css: 'table[aria-label="Installed software"] tbody tr:first-child', text: body.items[0].name }),
      },
      {
        label: 'software catalogue, page 1',
        act: goto('/software'),
        api: isPath('/api/software'),
        ready: (body) => ({ css: 'table[aria-label="Software titles"] tbody tr:first-child', text: body.items[0].name }),
      },
      {
        label: `devices with "${title}", page 1`,
        act: goto(`/software/${titleId}`),
        api: isPath(new RegExp(`^/api/software/${titleId}/devices$`)),
        ready: firstRow('Devices with this title'),
      },
      {
        label: 'dashboard (GET /api/stats over every device)',
        act: goto('/'),
        api: isPath('/api/stats'),
        ready: () => ({ css: 'a[aria-label^="Devices: "]' }),
      },
    ];

    for (const c of cases) {
      await measure(page, c); // warm-up: caches, the server's first query plans
      const samples: Sample[] = [];
      for (let i = 0; i < iterations; i++) samples.push(await measure(page, c));
      const s = summarize(samples.map((x) => x.ms));
      const p50 = (k: keyof Sample) => summarize(samples.map((x) => x[k])).p50;
      results.push({ label: c.label, p50: s.p50, p95: s.p95, apiP50: p50('apiMs'), beforeP50: p50('beforeMs'), afterP50: p50('afterMs'), samples });
      log(`  ${c.label}: p50 ${fmtMs(s.p50)} ms (API ${fmtMs(p50('apiMs'))} ms)`);
    }
    await ctx.close();
  } finally {
    await browser.close().catch(() => undefined);
    await server.stop();
  }

  const command = ['npm run bench -- ui', ...flags.explicit()].join(' ');
  process.stdout.write(`\n${devices.toLocaleString('en')} devices, ${installs.toLocaleString('en')} installs; Chromium ${executablePath}, 1280×860, ${iterations} runs per case after one warm-up; `
    + `${os.cpus().length} CPUs, load ${os.loadavg()[0].toFixed(2)}\n\n`);
  process.stdout.write(`${table(['case', 'on screen p50', 'p95', 'until the request p50', 'the request p50', 'after the answer p50'],
    results.map((r) => [r.label, `${fmtMs(r.p50)} ms`, `${fmtMs(r.p95)} ms`, `${fmtMs(r.beforeP50)} ms`, `${fmtMs(r.apiP50)} ms`, `${fmtMs(r.afterP50)} ms`]))}\n`);
  process.stdout.write(`reproduce: npm run build:web && ${command}\n`);
  const dir = path.resolve(REPO_ROOT, flags.str('results-dir'));
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `ui-${new Date().toISOString().slice(0, 10)}.json`);
  fs.writeFileSync(file, JSON.stringify({ at: new Date().toISOString(), command, devices, installs, iterations, results }, null, 2));
  log(`results in ${path.relative(REPO_ROOT, file)}`);
  return 0;
}
