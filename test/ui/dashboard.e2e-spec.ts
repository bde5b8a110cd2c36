// The dashboard at / in a real Chromium: first a fresh install (no device: the page says how
// devices arrive), then a fleet of several types and OS families that came in through the real
// ingest pipeline, with two sshd_config backups (one drifted, one failing a rule). The figures
// must agree with GET /api/stats and with what was seeded; a type, an OS family bar, a status
// and a donut slice open the devices grid filtered to them, the drift figures the drift report
// narrowed to them; the newest device is first under "Recently discovered" and links to its page;
// a job created through the API shows as running without a reload; hostile host names stay text;
// a failing /api/stats is said in words; a viewer sees it all too. Screenshots in light, dark and
// at tablet width.
import type { Page } from 'playwright-core';
import { ConfigsService } from '../../src/configs/configs.service';
import { IngestService } from '../../src/inventory/ingest.service';
import { InventoryReport } from '../../src/inventory/inventory-report';
import { bearer } from '../support/app';
import { ADMIN_PASSWORD, createUser, screenshot, startUi, UiEnv, visible } from './support/ui';

const HOSTILE_NAME = '<img src=x onerror=alert(1)>';
const HOUR = 3_600_000;

let env: UiEnv;
let viewerPassword: string;
const ids: Record<string, number> = {};

beforeAll(async () => {
  // each test signs in afresh (its own cookies): more than the default 10 logins per user name in 15 min
  env = await startUi({ env: { TEKNISI_LOGIN_LIMIT_PER_USER: '100' } });
  viewerPassword = await createUser(env, 'dash-viewer', 'viewer');
}, 120_000);

afterAll(async () => {
  await env?.close();
});

afterEach(() => {
  expect(env.pageErrors).toEqual([]);
  expect(env.dialogs).toEqual([]);
});

async function signIn(username = 'admin', password = ADMIN_PASSWORD): Promise<Page> {
  const page = await env.login(username, password);
  await visible(page.getByRole('heading', { level: 1, name: 'Dashboard' }));
  return page;
}

async function apiStats() {
  const res = await env.t.http.get('/api/stats').set(bearer(env.t.adminToken));
  expect(res.status).toBe(200);
  return res.body as {
    devices: { total: number; byType: Array<{ key: string; count: number }>; byOsFamily: Array<{ key: string | null; count: number }>; byStatus: Array<{ key: string; count: number }> };
    recentlyDiscovered: Array<{ id: number; hostname: string }>;
    jobs: { running: number; recent: Array<{ id: number; name: string; state: string }> };
  };
}

/** The host names (link texts) of the devices grid once it has stopped loading. */
async function gridNames(page: Page): Promise<string[]> {
  const t = page.getByRole('table', { name: 'Devices', exact: true });
  await t.and(page.locator(':not([aria-busy])')).waitFor();
  return t.locator('tbody tr td:nth-child(2) a, tbody tr td:first-child a').allTextContents();
}

/** Waits until the grid shows exactly these rows, in any order (the URL changes first, the rows follow). */
async function expectGrid(page: Page, expected: string[]): Promise<void> {
  const deadline = Date.now() + 10_000;
  let names: string[] = [];
  while (Date.now() < deadline) {
    names = (await gridNames(page)).sort();
    if (JSON.stringify(names) === JSON.stringify([...expected].sort())) return;
    await page.waitForTimeout(100);
  }
  expect(names).toEqual([...expected].sort());
}

// a card is a link named by what it shows: its label, its figure and its hint
const statCard = (page: Page, label: string) => page.getByRole('link', { name: new RegExp(`^${label} \\d`) });
const cardNamed = (page: Page, name: string | RegExp) => visible(page.getByRole('link', typeof name === 'string' ? { name, exact: true } : { name }));

describe('a fresh install', () => {
  it('has no chart to show and says how devices arrive: a scan from /discovery, or the endpoint agents', async () => {
    const page = await signIn();
    const empty = page.getByRole('region', { name: 'No devices yet' });
    await visible(empty);
    expect(await empty.textContent()).toMatch(/endpoint agents/);
    await cardNamed(page, /^Devices 0 /);
    expect(await page.getByRole('region', { name: 'Devices by type' }).count()).toBe(0);
    await page.mouse.move(1270, 850);
    await page.getByRole('tooltip').waitFor({ state: 'hidden' });
    await screenshot(page, 'dashboard-empty');
    await empty.getByRole('link', { name: 'Start a scan' }).click();
    await page.waitForURL(/\/discovery\?form=scan$/);
    await visible(page.getByRole('dialog'));
  });

  it("a viewer is pointed to discovery too, told that a scan needs a technician", async () => {
    const page = await signIn('dash-viewer', viewerPassword);
    const empty = page.getByRole('region', { name: 'No devices yet' });
    await visible(empty);
    expect(await empty.getByRole('link', { name: 'Start a scan' }).count()).toBe(0);
    expect(await empty.textContent()).toContain('Starting a scan needs a technician or an admin.');
    await empty.getByRole('link', { name: 'Discovery' }).click();
    await page.waitForURL(/\/discovery$/);
  });
});

/** One device as a collector or an agent reports it, first seen `hoursAgo` ago. */
function report(hostname: string, type: string, platform: string, osFamily: string | undefined, n: number, hoursAgo: number): InventoryReport {
  return {
    source: osFamily === 'windows' ? 'agent' : 'ssh',
    collectedAt: new Date(Date.now() - hoursAgo * HOUR),
    identity: { hostname, serial: `DASH-${n}`, addresses: [`198.51.100.${n}`] },
    device: { type, platform, vendor: 'Acme', ...(osFamily ? { osFamily } : {}) },
  } as InventoryReport;
}

describe('with a fleet', () => {
  const fleet: Array<[string, string, string, string | undefined]> = [
    ['pc-01', 'workstation', 'windows', 'windows'],
    ['pc-02', 'workstation', 'windows', 'windows'],
    ['pc-03', 'workstation', 'windows', 'windows'],
    ['pc-04', 'workstation', 'windows', 'windows'],
    ['srv-01', 'server', 'linux', 'linux'],
    ['srv-02', 'server', 'linux', 'linux'],
    ['srv-03', 'server', 'linux', 'linux'],
    ['sw-core', 'switch', 'cisco-ios', 'network-os'],
    ['sw-edge', 'switch', 'cisco-ios', 'network-os'],
    ['prn-01', 'printer', 'printer', undefined],
    ['old-srv', 'server', 'linux', 'linux'],
    [HOSTILE_NAME, 'workstation', 'windows', 'windows'],
    ['newest-ap', 'access-point', 'other', 'embedded'],
  ];
  // seeded and retired: counted under "Retired" only
  const retired = 'old-srv';
  const shown = fleet.map(([h]) => h).filter((h) => h !== retired);

  beforeAll(async () => {
    const ingest = env.t.app.get(IngestService);
    // oldest first, the access point last and newest
    for (const [i, [hostname, type, platform, os]] of fleet.entries()) {
      ids[hostname] = (await ingest.ingest(report(hostname, type, platform, os, i + 1, fleet.length - i))).deviceId;
    }
    const admin = bearer(env.t.adminToken);
    expect((await env.t.http.patch(`/api/devices/${ids[retired]}`).set(admin).send({ status: 'retired' })).status).toBe(200);
    // sshd_config backups of two servers, as the config.backup job stores and evaluates them:
    // srv-01 changed after its first version was pinned (drift), srv-02 allows root logins
    expect((await env.t.http.post('/api/configs/rules').set(admin).send({ name: 'no root login', kind: 'must-not-contain', pattern: 'PermitRootLogin yes' })).status).toBe(201);
    const configs = env.t.app.get(ConfigsService);
    const store = async (host: string, text: string) => {
      const r = await configs.store(ids[host], text, { source: '/etc/ssh/sshd_config', trigger: 'manual', jobRunId: null, at: new Date() });
      await configs.evaluate(ids[host]);
      return Number(r.versionId);
    };
    const first = await store('srv-01', 'Port 22\nPermitRootLogin no\n');
    await store('srv-02', 'Port 22\nPermitRootLogin yes\n');
    expect((await env.t.http.post('/api/configs/baselines').set(admin).send({ deviceId: ids['srv-01'], versionId: first })).status).toBe(201);
    await store('srv-01', 'Port 2222\nPermitRootLogin no\n');
  });

  it('shows the total and the devices per type, OS family and status as the API counts them and as they were seeded', async () => {
    const page = await signIn();
    const stats = await apiStats();
    expect(stats.devices.total).toBe(shown.length);
    expect(stats.devices.byType).toEqual([
      { key: 'workstation', count: 5 }, { key: 'server', count: 3 }, { key: 'switch', count: 2 }, { key: 'access-point', count: 1 }, { key: 'printer', count: 1 },
    ]);
    await visible(page.getByRole('region', { name: 'Devices by type' }));
    await cardNamed(page, `Devices ${shown.length} none stale`);

    const types = page.getByRole('region', { name: 'Devices by type' });
    const labels: Record<string, string> = { workstation: 'Workstation', server: 'Server', switch: 'Switch', 'access-point': 'Access point', printer: 'Printer' };
    for (const { key, count } of stats.devices.byType) {
      await visible(types.getByRole('link', { name: `${labels[key]} ${count} device${count === 1 ? '' : 's'}`, exact: true }));
    }
    // the donut's text alternative names the same figures, most first
    await visible(types.getByRole('img', { name: 'Devices by type: Workstation 5, Server 3, Switch 2, Access point 1, Printer 1', exact: true }));
    // the donut's middle shows the total
    expect(await types.locator('svg text').allTextContents()).toContain(String(shown.length));

    const os = page.getByRole('region', { name: 'Devices by OS family' });
    await visible(os.getByRole('img', { name: 'Devices by OS family: Windows 5, Linux 3, Network OS 2, Embedded 1, Unknown 1', exact: true }));
    // no OS family reported: a link too, to the grid's osFamily=unknown
    await visible(os.getByRole('link', { name: 'Unknown 1 device', exact: true }));

    const status = page.getByRole('region', { name: 'Devices by status' });
    await visible(status.getByRole('link', { name: `Active ${shown.length} device${shown.length === 1 ? '' : 's'}` }));
    await visible(status.getByRole('link', { name: 'Retired 1 device' }));
    await page.mouse.move(1270, 850);
    await page.getByRole('tooltip').waitFor({ state: 'hidden' });
    await screenshot(page, 'dashboard');
  });

  it('a type in the legend opens the devices grid filtered to that type', async () => {
    const page = await signIn();
    await page.getByRole('region', { name: 'Devices by type' }).getByRole('link', { name: 'Switch 2 devices' }).click();
    await page.waitForURL(/\/devices\?type=switch$/);
    await expectGrid(page, ['sw-core', 'sw-edge']);
  });

  it("a click on the type donut's largest slice opens the grid filtered to workstations", async () => {
    const page = await signIn();
    // slices are drawn most first, counter-clockwise from three o'clock: the workstations (5 of 12)
    // span 0-150°, so a point at 30° in the ring (radius 67 of 80, the hole is 54) is theirs
    const rad = (30 * Math.PI) / 180;
    await page.getByRole('region', { name: 'Devices by type' }).locator('svg.recharts-surface').click({ position: { x: 80 + 67 * Math.cos(rad), y: 80 - 67 * Math.sin(rad) } });
    await page.waitForURL(/\/devices\?type=workstation$/);
    await expectGrid(page, ['pc-01', 'pc-02', 'pc-03', 'pc-04', (await apiDevice(ids[HOSTILE_NAME])).hostname]);
  });

  it('an OS family bar, Unknown OS and a status open the grid filtered to them, retired devices included where asked', async () => {
    const page = await signIn();
    await page.getByRole('region', { name: 'Devices by OS family' }).locator('.recharts-bar-rectangle path').nth(1).click();
    await page.waitForURL(/\/devices\?osFamily=linux$/);
    await expectGrid(page, ['srv-01', 'srv-02', 'srv-03']);
    await page.goBack();
    // the printer reported no OS family
    await page.getByRole('region', { name: 'Devices by OS family' }).getByRole('link', { name: 'Unknown 1 device' }).click();
    await page.waitForURL(/\/devices\?osFamily=unknown$/);
    await expectGrid(page, ['prn-01']);
    expect(await page.getByRole('group', { name: 'Filters' }).getByRole('combobox', { name: 'OS family' }).inputValue()).toBe('unknown (not reported)');
    await page.goBack();
    await page.getByRole('region', { name: 'Devices by status' }).getByRole('link', { name: 'Retired 1 device' }).click();
    await page.waitForURL(/\/devices\?status=retired$/);
    await expectGrid(page, ['old-srv']);
  });

  it('sums up drift and compliance, and each figure opens the drift report narrowed to it', async () => {
    const page = await signIn();
    await cardNamed(page, 'Drifted 1 of 2 backed-up devices');
    await cardNamed(page, 'Non-compliant 1 devices failing 1 rule');
    const summary = page.getByRole('region', { name: 'Drift and compliance' });
    await visible(summary.getByRole('img', { name: 'Configurations: 1 of 2 backed-up devices drift from their baseline' }));
    await visible(summary.getByRole('link', { name: '1 device failing 1 compliance rule' }));
    await summary.getByRole('link', { name: '1 device drifting from its baseline' }).click();
    await page.waitForURL(/\/configs\?problem=drift$/);
    // the drift report's own table, not the dashboard's lists still showing while its page loads
    const report = page.getByRole('main').filter({ has: page.getByRole('heading', { level: 1, name: 'Configuration drift' }) });
    await visible(report.getByRole('link', { name: 'srv-01', exact: true }));
    expect(await report.getByRole('link', { name: 'srv-02', exact: true }).count()).toBe(0);
    await page.goBack();
    await statCard(page, 'Non-compliant').click();
    await page.waitForURL(/\/configs\?problem=rules$/);
    await visible(report.getByRole('link', { name: 'srv-02', exact: true }));
    expect(await report.getByRole('link', { name: 'srv-01', exact: true }).count()).toBe(0);
  });

  it('lists the newest device first under "Recently discovered", links to its page, and shows a hostile host name as text', async () => {
    const page = await signIn();
    const stats = await apiStats();
    expect(stats.recentlyDiscovered[0].id).toBe(ids['newest-ap']);
    const table = page.getByRole('table', { name: 'Recently discovered devices' });
    await visible(table);
    const names = await table.locator('tbody tr td:first-child a').allTextContents();
    expect(names).toEqual(stats.recentlyDiscovered.map((d) => d.hostname));
    expect(names[0]).toBe('newest-ap');
    expect(names).not.toContain(retired);
    // when it was first seen, to the minute, is text under "… ago" (in a tooltip it reached a mouse only)
    const { firstSeen } = await apiDevice(ids['newest-ap']);
    const exact = await page.evaluate((at) => new Date(at).toLocaleString(undefined, { month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit' }), firstSeen);
    expect((await table.locator('tbody tr').first().locator('td').last().innerText()).split('\n')).toEqual([expect.stringMatching(/ ago$|^just now$/), exact]);
    // the markup is a name, shown as written, and no image element was made of it
    const hostile = (await apiDevice(ids[HOSTILE_NAME])).hostname;
    expect(names).toContain(hostile);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    await table.getByRole('link', { name: 'newest-ap' }).click();
    await page.waitForURL(new RegExp(`/devices/${ids['newest-ap']}$`));
    await visible(page.getByRole('heading', { level: 1, name: /newest-ap/ }));
  });

  it('a job created through the API shows as running on an open dashboard without a reload, and links to its page', async () => {
    const page = await signIn();
    const jobs = page.getByRole('region', { name: 'Jobs', exact: true });
    await visible(jobs.getByText(/0 running/));
    await cardNamed(page, /^Running jobs 0 /);
    // no worker consumes this app's queues: the run starts and stays running
    const created = await env.t.http.post('/api/jobs').set(bearer(env.t.adminToken)).send({ name: 'dashboard check', kind: 'noop', target: { deviceIds: [ids['srv-01']] } });
    expect(created.status).toBe(201);
    const stats = await apiStats();
    expect(stats.jobs.running).toBe(1);
    expect(stats.jobs.recent[0]).toMatchObject({ id: created.body.id, name: 'dashboard check', state: 'running' });
    // the page asks again every 20 s
    const item = page.getByRole('list', { name: 'Latest jobs' }).getByRole('listitem').filter({ hasText: 'dashboard check' });
    await visible(item, 30_000);
    expect(await item.textContent()).toContain('running');
    await cardNamed(page, /^Running jobs 1 /);
    await visible(jobs.getByText(/1 running/));
    await item.getByRole('link', { name: 'dashboard check' }).click();
    await page.waitForURL(new RegExp(`/jobs/${created.body.id}$`));
    // generous: CI once ran out of the default 15 s here with the machine loaded by other specs
    await visible(page.getByRole('heading', { level: 1, name: /dashboard check/ }), 30_000);
    // the headline card opens the jobs list filtered to the running ones
    await page.goto('/');
    await statCard(page, 'Running jobs').click();
    await page.waitForURL(/\/jobs\?status=running$/);
    const list = page.getByRole('table', { name: 'Jobs' });
    await visible(list.getByRole('link', { name: 'dashboard check' }));
    expect(await list.locator('tbody tr').count()).toBe(1);
  }, 120_000);

  it('a viewer sees the same figures and lists', async () => {
    const page = await signIn('dash-viewer', viewerPassword);
    await visible(page.getByRole('region', { name: 'Devices by type' }).getByRole('link', { name: 'Workstation 5 devices' }));
    await cardNamed(page, `Devices ${shown.length} none stale`);
    await visible(page.getByRole('table', { name: 'Recently discovered devices' }).getByRole('link', { name: 'newest-ap' }));
    await visible(page.getByRole('list', { name: 'Latest jobs' }).getByRole('link', { name: 'dashboard check' }));
  });

  it("says in words when the figures cannot be had, rather than showing zeros", async () => {
    const page = await env.newPage();
    // the server's error shape, as its exception filter answers when the database is away
    await page.route('**/api/stats', (route) =>
      route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ statusCode: 503, error: 'Service Unavailable', message: 'the database is not reachable' }) }));
    await page.goto('/login');
    await page.getByLabel('User name').fill('admin');
    await page.getByLabel(/^Password/).fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    const alert = page.getByRole('alert');
    await visible(alert, 20_000);
    expect(await alert.textContent()).toContain('the database is not reachable');
    expect(await statCard(page, 'Devices').count()).toBe(0);
  });

  it('reads in dark mode and at tablet width', async () => {
    const page = await signIn();
    await page.getByRole('button', { name: 'Switch to dark mode' }).click();
    await visible(page.getByRole('button', { name: 'Switch to light mode' }));
    await visible(page.getByRole('region', { name: 'Devices by type' }).locator('path.recharts-sector'));
    await page.mouse.move(1270, 850);
    await page.getByRole('tooltip').waitFor({ state: 'hidden' });
    await screenshot(page, 'dashboard-dark');

    await page.setViewportSize({ width: 820, height: 1180 });
    // the navigation folds into the burger; every card and chart still fits the width
    await visible(page.getByRole('button', { name: 'Toggle navigation' }));
    for (const region of ['Devices by type', 'Devices by OS family', 'Devices by status', 'Recently discovered', 'Jobs', 'Drift and compliance']) {
      const box = await page.getByRole('region', { name: region, exact: true }).boundingBox();
      expect(box).not.toBeNull();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(820);
    }
    for (const card of ['Devices', 'Running jobs', 'Scans running', 'Drifted', 'Non-compliant']) {
      const box = await statCard(page, card).boundingBox();
      expect(box!.x + box!.width).toBeLessThanOrEqual(820);
    }
    await page.getByRole('button', { name: 'Switch to light mode' }).click();
    await page.mouse.move(810, 1170);
    await page.getByRole('tooltip').waitFor({ state: 'hidden' });
    await screenshot(page, 'dashboard-tablet');
  });
});

async function apiDevice(id: number): Promise<{ hostname: string; firstSeen: string }> {
  const res = await env.t.http.get(`/api/devices/${id}`).set(bearer(env.t.adminToken));
  expect(res.status).toBe(200);
  return res.body;
}
