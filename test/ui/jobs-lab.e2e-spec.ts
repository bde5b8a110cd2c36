// Discovery and jobs in the browser, against the device lab's real package hosts (as
// test/jobs-lab.e2e-spec.ts does through the API): a technician scans two lab hosts from
// /discovery with a credential picked by name, watches the scan finish live, finds one host by
// a package only it has through the global search, builds a software.install in the job wizard
// (live target count), watches both targets succeed live (dpkg inside each host agrees) and reads
// a target's log; a viewer sees none of the write buttons; a long command is cancelled from its page;
// a saved range is created, run, edited (with an exclusion) and deleted; a changed host key is listed and forgotten.
// The hosts are this spec's own (127.99.2.x).
import * as fs from 'node:fs';
import { Page } from 'playwright-core';
import { publishLabPackage, unpublishLabPackage } from '../lab/apt-repo';
import { generatedIdentity } from '../lab/identities';
import { LabPackageHost } from '../lab/package-host';
import { LabSshHost } from '../lab/sshd';
import { axeViolations, createUser, screenshot, startUi, UiEnv, visible } from './support/ui';

jest.setTimeout(150_000);

const PKG = 'teknisi-ui-hello';
/** installed on host A only, before the scan: the software that finds it */
const MARK = 'teknisi-ui-marker';
const hostA = new LabPackageHost({ address: '127.99.2.11', identity: generatedIdentity('ui-jobs-a', 0x9921) });
const hostB = new LabPackageHost({ address: '127.99.2.12', identity: generatedIdentity('ui-jobs-b', 0x9922), osRelease: 'ubuntu2204' });

let env: UiEnv;
let admin: { Authorization: string };
let techPassword = '';
let viewerPassword = '';
let credId = 0;
const dev: Record<'a' | 'b', number> = { a: 0, b: 0 };

async function installedVersion(h: LabSshHost, name: string): Promise<string | null> {
  const out = await h.run(`dpkg-query -W -f='\${db:Status-Abbrev} \${Version}' ${name} 2>/dev/null || true`);
  const m = /^ii\s+(\S+)/.exec(out.trim());
  return m ? m[1] : null;
}

async function apiJob(id: number) {
  return (await env.t.http.get(`/api/jobs/${id}`).set(admin).expect(200)).body as { status: string; counts: Record<string, number>; targets: Array<{ status: string; reason: string }> };
}

/** The text of a live status line once it matches (playwright-core has no expect.toHaveText). */
async function textBecomes(page: Page, testId: string, re: RegExp, timeout = 90_000): Promise<string> {
  const loc = page.getByTestId(testId);
  await loc.filter({ hasText: re }).waitFor({ timeout });
  return (await loc.textContent()) ?? '';
}

/**
 * The wizard's Next, then waiting for step n as a technician would: on screen, not only in the
 * address. The URL changes at once and React renders the step in a transition a moment later;
 * a second Next clicked in between belongs to the step still shown (CI, under load, clicked
 * step 3's Next on step 2 and stayed on step 3).
 */
async function nextStep(page: Page, n: number): Promise<void> {
  await page.getByRole('button', { name: 'Next' }).click();
  await page.waitForURL(new RegExp(`step=${n}`));
  await visible(page.getByText(`Step ${n} of 4:`));
}

const targetRow = (page: Page, hostname: string) => page.getByRole('table', { name: 'Targets' }).getByRole('row').filter({ hasText: hostname });

beforeAll(async () => {
  // a clean start: a run stopped before its afterAll leaves its versions in the shared repository
  unpublishLabPackage(PKG);
  unpublishLabPackage(MARK);
  publishLabPackage({ name: PKG, version: '1.0' });
  publishLabPackage({ name: MARK, version: '2.5' });
  await Promise.all([hostA.start(), hostB.start()]);
  await hostA.run(`sudo -S -p '' sh -c 'apt-get update -qq && apt-get install -y -qq ${MARK}' >/dev/null 2>&1`, `${hostA.sudoPassword}\n`);
  expect(await installedVersion(hostA, MARK)).toBe('2.5');
  env = await startUi({ consume: true, env: { TEKNISI_JOB_RECONCILE_MS: '300', TEKNISI_JOB_LEASE_MS: '10000' } });
  admin = { Authorization: `Bearer ${env.t.adminToken}` };
  const c = hostA.credentials;
  credId = (await env.t.http.post('/api/credentials').set(admin).send({ name: 'lab ssh', kind: 'ssh', username: c.username, password: c.password, sudoPassword: hostA.sudoPassword }).expect(201)).body.id;
  techPassword = await createUser(env, 'ui-tech', 'technician');
  viewerPassword = await createUser(env, 'ui-viewer', 'viewer');
});

afterAll(async () => {
  await env?.close();
  await Promise.allSettled([hostA.stop(), hostB.stop()]);
  unpublishLabPackage(PKG);
  unpublishLabPackage(MARK);
});

afterEach(() => {
  expect(env.pageErrors).toEqual([]);
});

it('a technician scans the two lab hosts from /discovery with a picked credential and watches it finish live', async () => {
  const page = await env.login('ui-tech', techPassword);
  await page.goto('/discovery');
  await visible(page.getByRole('heading', { level: 1, name: 'Discovery' }));
  await page.getByRole('button', { name: 'Start a scan' }).click();
  const dialog = page.getByRole('dialog', { name: 'Start a scan' });
  // the range around the two hosts (typed with spaces: still one range), less the address
  // between them and after them (never contacted); first with a mistyped exclusion
  await dialog.getByLabel('Targets').fill('127.99.2.10 - 127.99.2.13');
  await dialog.getByLabel('Exclude').fill('127.99.2.10\n127.99.2.1e!');
  await dialog.getByRole('combobox', { name: 'Credentials' }).or(dialog.getByRole('textbox', { name: 'Credentials' })).first().click();
  await page.getByRole('option', { name: 'lab ssh (ssh)' }).click();
  await page.keyboard.press('Tab'); // a multi-select stays open for the next pick
  await visible(dialog.getByText('1 target, 2 exclusions'));
  await dialog.getByRole('button', { name: 'Start scan' }).click();
  // the refusal beside the field it concerns, once: the alert points there rather than repeating it
  const bad = '"127.99.2.1e!" is not an address, range, CIDR block or host name';
  await visible(dialog.getByText(bad, { exact: true }));
  expect(await dialog.getByRole('alert').textContent()).toBe('The scan was not startedSee the message under Exclude.');
  await dialog.getByLabel('Exclude').fill('127.99.2.10\n127.99.2.13');
  await dialog.getByRole('button', { name: 'Options' }).click();
  await dialog.getByLabel('Timeout (ms)').fill('2000');
  await screenshot(page, 'discovery-start-scan');
  await dialog.getByRole('button', { name: 'Start scan' }).click();

  await page.waitForURL(/\/discovery\/scans\/\d+$/);
  const scanId = Number(/scans\/(\d+)$/.exec(page.url())![1]);
  expect(await textBecomes(page, 'scan-progress', /^2 of 2 addresses scanned · 2 identified$/)).toBeTruthy();
  await visible(page.getByLabel('Status: completed'));
  await visible(page.getByText('excluding 127.99.2.10, 127.99.2.13'));
  // and how long it took (two hosts on loopback: seconds)
  expect(await textBecomes(page, 'scan-timing', / · took /)).toMatch(/^finished .+ · took \d+(\.\d)? s$/);
  // the first scan of this range: nothing to compare with, and it says so
  expect(await textBecomes(page, 'scan-comparison', /^Not compared/)).toMatch(/^Not compared with an earlier scan: no scan of these targets and exclusions, with these credentials and ports, completed before this one\./);
  const results = page.getByRole('table', { name: 'Results per address' });
  for (const h of [hostA, hostB]) {
    const row = results.getByRole('row').filter({ hasText: h.address });
    await visible(row.filter({ hasText: 'Identified' })); // fetched again after the stream's last event
    await visible(row.getByRole('link', { name: h.identity.hostname })); // the device by its name
    await visible(row.getByText('new', { exact: true })); // first seen by this scan
  }
  await visible(page.getByRole('radiogroup', { name: 'Filter identified devices by what the scan changed' }).getByText('New 2'));
  await screenshot(page, 'scan');
  // the results as a file, with the session cookie
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export CSV' }).click()]);
  expect(download.suggestedFilename()).toBe(`scan-${scanId}-results.csv`);
  const csv = fs.readFileSync((await download.path())!, 'utf8').trim().split('\n');
  expect(csv.map((l) => l.split(',').slice(0, 2).join(','))).toEqual(['address,status', `${hostA.address},identified`, `${hostB.address},identified`]);

  // once it has ended, the same scan again: same targets, exclusions and credentials, a new scan
  await page.getByRole('button', { name: 'Scan again' }).click();
  await page.waitForURL((u) => /\/discovery\/scans\/\d+$/.test(u.pathname) && !u.pathname.endsWith(`/${scanId}`));
  expect(await textBecomes(page, 'scan-progress', /^2 of 2 addresses scanned · 2 identified$/)).toBeTruthy();
  await visible(page.getByText('excluding 127.99.2.10, 127.99.2.13'));
  // compared with the first: both hosts answered again, and neither is new
  expect(await textBecomes(page, 'scan-comparison', /identified again/)).toBe(`Every device that scan ${scanId} (the previous completed scan of these targets with these credentials) identified, this scan identified again.`);
  await visible(page.getByRole('radiogroup', { name: 'Filter identified devices by what the scan changed' }).getByText('New 0'));
  // and says so above the per-address table, where a /24's 100 rows a page would bury it
  const comparisonBox = await page.getByTestId('scan-comparison').boundingBox();
  const tableBox = await page.getByRole('table', { name: 'Results per address' }).boundingBox();
  expect(comparisonBox!.y).toBeLessThan(tableBox!.y);

  const scan = (await env.t.http.get(`/api/discovery/scans/${scanId}`).set(admin).expect(200)).body as { results: Array<{ address: string; deviceId: number }> };
  dev.a = scan.results.find((r) => r.address === hostA.address)!.deviceId;
  dev.b = scan.results.find((r) => r.address === hostB.address)!.deviceId;

  // the scan is in the recent list, and the saved-range and host-key tabs keep their view in the URL
  await page.goto('/discovery');
  await visible(page.getByRole('table', { name: 'Recent scans' }).getByRole('link', { name: `Scan ${scanId}` }));
  await visible(page.getByRole('table', { name: 'Recent scans' }).getByText('127.99.2.10-127.99.2.13 (excluding 127.99.2.10 +1 more)').first());
  // what each scan did to the inventory: the first found both hosts
  expect(await page.getByRole('table', { name: 'Recent scans' }).getByRole('row').filter({ has: page.getByRole('link', { name: `Scan ${scanId}`, exact: true }) }).textContent()).toContain('2 devices (2 new)');
  // every status reads in full: a squeezed column had cut "completed" to "COMPL…"
  const cut = await page.getByRole('table', { name: 'Recent scans' }).locator('.mantine-Badge-label')
    .evaluateAll((labels) => labels.filter((l) => l.scrollWidth > l.clientWidth).map((l) => l.textContent));
  expect(cut).toEqual([]);
  await screenshot(page, 'discovery');
  await page.getByRole('tab', { name: 'SSH host keys' }).click();
  await page.waitForURL(/tab=host-keys/);
  await visible(page.getByRole('table', { name: 'SSH host keys' }).getByRole('row').filter({ hasText: hostA.address }));
  await page.reload();
  await visible(page.getByRole('table', { name: 'SSH host keys' }).getByRole('row').filter({ hasText: hostB.address }));
});

it('finds one host by a package only it has, through the global search, opens it and rescans it', async () => {
  const page = await env.login('ui-tech', techPassword);
  // out of any field, as a person clicks on the page: on its heading, not the middle of <main>,
  // which on a loaded dashboard is a link (a device, the Devices card) that navigates away
  await page.getByRole('heading', { level: 1 }).click();
  await page.keyboard.press('/');
  await page.keyboard.type(MARK);
  await page.keyboard.press('Enter');
  await page.waitForURL(`${env.baseUrl}/devices?q=${MARK}`);
  // the grid's own rows: the dashboard it replaced lists both hosts as recently discovered
  const grid = page.getByRole('table', { name: 'Devices', exact: true });
  // the search's own answer: while it loads, the grid keeps showing the rows it had (aria-busy)
  await grid.and(page.locator(':not([aria-busy])')).waitFor();
  const link = grid.getByRole('link', { name: 'ui-jobs-a', exact: true });
  await visible(link);
  expect(await grid.getByRole('link', { name: 'ui-jobs-b', exact: true }).count()).toBe(0);
  await link.click();
  await page.waitForURL(`${env.baseUrl}/devices/${dev.a}`);
  await visible(page.getByRole('heading', { level: 1, name: /ui-jobs-a/ }));

  // and scans it again from its page, as the scan that found it did: its one address
  await page.getByRole('button', { name: 'Rescan' }).click();
  await page.waitForURL((u) => /^\/discovery\/scans\/\d+$/.test(u.pathname));
  expect(await textBecomes(page, 'scan-progress', /^1 of 1 addresses scanned · 1 identified$/)).toBeTruthy();
  await visible(page.getByRole('table', { name: 'Results per address' }).getByRole('row').filter({ hasText: hostA.address }).getByRole('link', { name: 'ui-jobs-a' }));
});

it('a software.install built in the wizard runs on both lab hosts, live, and each target has its log', async () => {
  expect(await installedVersion(hostA, PKG)).toBeNull();
  const page = await env.login('ui-tech', techPassword);
  await page.goto('/jobs');
  await page.getByRole('link', { name: 'New job' }).click();
  await page.waitForURL(/\/jobs\/new/);

  // 1 what
  await visible(page.getByRole('heading', { level: 1, name: 'New job' }));
  expect(await page.getByRole('radio', { name: 'Install software', exact: true }).getAttribute('aria-checked')).toBe('true');
  // a package name the server refuses (it would reach a shell): caught at review, below
  await page.getByLabel('Packages').fill(`${PKG} $(id)`);
  await page.getByLabel('Job name').fill('Hello on the lab hosts');
  await screenshot(page, 'job-wizard-1');
  await nextStep(page, 2);

  // 2 targets: both lab hosts from a device search, and the server's count says 2
  await page.getByLabel('Find devices').fill('ui-jobs');
  await page.getByRole('button', { name: 'Add ui-jobs-a' }).click();
  expect(await textBecomes(page, 'target-count', /^1 device matches$/, 15_000)).toBeTruthy();
  await page.getByRole('button', { name: 'Add ui-jobs-b' }).click();
  expect(await textBecomes(page, 'target-count', /^2 devices match$/, 15_000)).toBeTruthy();
  await screenshot(page, 'job-wizard-2');
  await nextStep(page, 3);

  // 3 when: now, in no window, 10 at once
  await visible(page.getByLabel('Maintenance windows'));
  expect(await page.getByLabel('Concurrency').inputValue()).toBe('10');
  await screenshot(page, 'job-wizard-3');
  await nextStep(page, 4);

  // 4 review, which a reload keeps (every field is in the URL)
  await page.reload();
  const summary = page.getByRole('table', { name: 'Job summary' });
  await visible(summary);
  expect(await summary.textContent()).toContain(PKG);
  expect(await summary.textContent()).toContain('2 picked devices');
  expect(await textBecomes(page, 'target-count', /^2 devices match$/, 15_000)).toBeTruthy();
  await screenshot(page, 'job-wizard-4');
  await page.getByRole('button', { name: 'Create and start job' }).click();
  // the server's 400 in words, naming the field, with the way back to the step that holds it
  const refused = await visible(page.getByRole('alert').filter({ hasText: 'The job was not created' }));
  expect(await refused.textContent()).toContain('params.packages.1');
  await page.getByRole('button', { name: 'Fix step 1: What' }).click();
  await page.waitForURL((u) => !u.searchParams.has('step'));
  await page.getByLabel('Packages').fill(PKG);
  for (const n of [2, 3, 4]) await nextStep(page, n);
  expect(await textBecomes(page, 'target-count', /^2 devices match$/, 15_000)).toBeTruthy();
  await page.getByRole('button', { name: 'Create and start job' }).click();

  await page.waitForURL(/\/jobs\/\d+$/);
  const jobId = Number(/jobs\/(\d+)$/.exec(page.url())![1]);
  await visible(page.getByRole('heading', { level: 1, name: /Hello on the lab hosts/ }));
  // the page follows the run over the event stream: no reload from here on
  expect(await textBecomes(page, 'job-progress', /^2 of 2 targets finished · 2 succeeded/)).toBeTruthy();
  await visible(page.getByLabel('Status: completed'));
  // the table is fetched again after the stream's last event: wait for it, not only for the summary
  for (const h of ['ui-jobs-a', 'ui-jobs-b']) await visible(targetRow(page, h).filter({ hasText: 'Succeeded' }));
  expect(await installedVersion(hostA, PKG)).toBe('1.0');
  expect(await installedVersion(hostB, PKG)).toBe('1.0');
  await screenshot(page, 'job');

  await targetRow(page, 'ui-jobs-a').getByRole('button', { name: 'Log of ui-jobs-a' }).click();
  await page.waitForURL(new RegExp(`log=${dev.a}`));
  const log = page.getByRole('dialog', { name: 'Log of ui-jobs-a' }).getByLabel('Log output');
  await visible(log);
  const text = (await log.textContent()) ?? '';
  expect(text).toMatch(/apt-get .*install/);
  expect(text).toMatch(/Setting up teknisi-ui-hello \(1\.0\)/);
  expect(text).not.toContain(hostA.sudoPassword);
  await screenshot(page, 'job-log');
  // the open log is part of the address: a reload shows it again
  await page.reload();
  await visible(page.getByRole('dialog', { name: 'Log of ui-jobs-a' }).getByLabel('Log output'));
  await page.keyboard.press('Escape');

  // run again from its page: both hosts have the package now, so both targets are skipped, and
  // the page follows the new run live (the event stream had ended with the first run)
  await page.getByRole('button', { name: 'Run again' }).click();
  expect(await textBecomes(page, 'job-progress', /^2 of 2 targets finished · 0 succeeded · 2 skipped/)).toBeTruthy();
  await visible(page.getByLabel('Status: completed'));
  await page.getByRole('tab', { name: 'Runs' }).click();
  await visible(page.getByRole('table', { name: 'Runs' }).getByRole('row').filter({ hasText: 'manual' }).filter({ hasText: 'completed' }));
  await page.getByRole('tab', { name: 'Targets' }).click();

  // on a tablet
  await page.setViewportSize({ width: 820, height: 1180 });
  await visible(page.getByRole('table', { name: 'Targets' }));
  await screenshot(page, 'job-tablet');

  // the list shows it, with its kind filter in the URL
  await page.setViewportSize({ width: 1280, height: 860 });
  await page.goto('/jobs?kind=software.install');
  const row = page.getByRole('table', { name: 'Jobs' }).getByRole('row').filter({ hasText: 'Hello on the lab hosts' });
  await visible(row);
  expect(await row.textContent()).toContain('completed');
  await screenshot(page, 'jobs');

  // a device page's link prefills the wizard: the count is the server's again
  await page.goto(`/jobs/new?step=2&deviceIds=${dev.a},${dev.b}&kind=software.uninstall`);
  expect(await textBecomes(page, 'target-count', /^2 devices match$/, 15_000)).toBeTruthy();
  await visible(page.getByRole('button', { name: 'Remove ui-jobs-b' }));
  expect((await apiJob(jobId)).status).toBe('completed');
});

it('a viewer sees no "Start a scan", "Scan again", "Rescan", "New job", "Run now" or "Cancel job" buttons', async () => {
  const later = new Date(Date.now() + 24 * 3600_000).toISOString();
  const scheduled = (await env.t.http.post('/api/jobs').set(admin).send({ name: 'tomorrow', kind: 'noop', target: { deviceIds: [dev.a] }, schedule: { runAt: later } }).expect(201)).body.id as number;
  const page = await env.login('ui-viewer', viewerPassword);
  await page.goto('/discovery');
  await visible(page.getByRole('table', { name: 'Recent scans' }).getByRole('link', { name: /^Scan \d+$/ }));
  expect(await page.getByRole('button', { name: 'Start a scan' }).count()).toBe(0);
  await page.getByRole('table', { name: 'Recent scans' }).getByRole('link', { name: /^Scan \d+$/ }).first().click();
  await visible(page.getByLabel('Status: completed'));
  expect(await page.getByRole('button', { name: 'Scan again' }).count()).toBe(0);
  await page.goto('/discovery?tab=host-keys');
  await visible(page.getByRole('table', { name: 'SSH host keys' }).getByRole('row').filter({ hasText: hostA.address }));
  expect(await page.getByRole('button', { name: /^Forget/ }).count()).toBe(0);
  await page.goto(`/devices/${dev.a}`);
  await visible(page.getByRole('heading', { level: 1, name: /ui-jobs-a/ }));
  expect(await page.getByRole('button', { name: 'Rescan' }).count()).toBe(0);
  await page.goto('/jobs');
  await visible(page.getByRole('table', { name: 'Jobs' }).getByRole('link', { name: 'tomorrow' }));
  expect(await page.getByRole('link', { name: 'New job' }).count()).toBe(0);
  expect(await page.getByRole('button', { name: 'New job' }).count()).toBe(0);
  await page.goto(`/jobs/${scheduled}`);
  await visible(page.getByLabel('Status: scheduled'));
  expect(await page.getByRole('button', { name: /Cancel/ }).count()).toBe(0);
  expect(await page.getByRole('button', { name: 'Pause' }).count()).toBe(0);
  expect(await page.getByRole('button', { name: 'Run now' }).count()).toBe(0);
  // the technician, on the same page, has them
  const tech = await env.login('ui-tech', techPassword);
  await tech.goto(`/jobs/${scheduled}`);
  await visible(tech.getByRole('button', { name: 'Cancel job' }));
  await visible(tech.getByRole('button', { name: 'Run now' }));
});

it('a recurring job from the wizard waits for its cron schedule, in its time zone', async () => {
  const page = await env.login('ui-tech', techPassword);
  await page.goto(`/jobs/new?kind=inventory.refresh&deviceIds=${dev.a}&step=3`);
  await page.getByText('On a schedule (cron)').click();
  // what a schedule does is shown before it is saved: "the first Monday", as many write it, is
  // every day of the first week and every Monday besides
  const preview = page.getByRole('status', { name: 'Schedule preview' });
  await page.getByLabel('Cron schedule').fill('0 2 1-7 * 1');
  await visible(preview.getByRole('note'));
  expect(await preview.textContent()).toContain('For the first Monday of the month write "0 2 * * 1#1"');
  await page.getByLabel('Cron schedule').fill('every night');
  await visible(preview.getByText(/every night.{0,2} is not valid/));
  await page.getByLabel('Cron schedule').fill('0 2 * * 0');
  await page.getByRole('combobox', { name: 'Time zone' }).or(page.getByRole('textbox', { name: 'Time zone' })).first().fill('Europe/Berl');
  await page.getByRole('option', { name: 'Europe/Berlin' }).click();
  await visible(preview.getByText(/^Next runs \(Europe\/Berlin\): Sun[^·]*02:00[^·]*· Sun/));
  expect(await preview.getByRole('note').count()).toBe(0);
  await nextStep(page, 4);
  expect(await page.getByRole('table', { name: 'Job summary' }).textContent()).toContain('On the cron schedule 0 2 * * 0 (Europe/Berlin)');
  await page.getByRole('button', { name: 'Create job' }).click();
  await page.waitForURL(/\/jobs\/\d+$/);
  const id = Number(/jobs\/(\d+)$/.exec(page.url())![1]);
  await visible(page.getByLabel('Status: scheduled'));
  await visible(page.getByText('cron 0 2 * * 0 (Europe/Berlin)'));
  const j = (await env.t.http.get(`/api/jobs/${id}`).set(admin).expect(200)).body;
  expect(j).toMatchObject({ kind: 'inventory.refresh', schedule: { cron: '0 2 * * 0', timezone: 'Europe/Berlin' }, runId: null });
  // Sunday 02:00 in Berlin is 00:00 or 01:00 UTC
  expect(new Date(j.nextRunAt).getUTCDay()).toBe(0);
  expect([0, 1]).toContain(new Date(j.nextRunAt).getUTCHours());
  await page.goto('/jobs?scheduled=true');
  await visible(page.getByRole('table', { name: 'Jobs' }).getByRole('link', { name: `Job ${id}` }));
  // a run that outlasted two of its firings (as test/jobs' injected clock makes one) says so, on
  // the job and in its runs; its target on host A failed (the host was away, say)
  const { insertId: pastRun } = await env.t.db.query(
    `INSERT INTO job_runs (job_id, status, fired_at, \`trigger\`, concurrency, total, started_at, finished_at, skipped_firings)
     VALUES (?, 'completed', NOW(3) - INTERVAL 15 DAY, 'schedule', 10, 1, NOW(3) - INTERVAL 15 DAY, NOW(3) - INTERVAL 1 DAY, 2)`, [id]);
  await env.t.db.query(
    `INSERT INTO job_run_targets (run_id, device_id, hostname, status, attempts, reason, finished_at) VALUES (?, ?, 'ui-jobs-a', 'failed', 4, 'unreachable', NOW(3) - INTERVAL 1 DAY)`, [pastRun, dev.a]);
  await page.goto(`/jobs/${id}`);
  await visible(page.getByText('2 scheduled runs skipped while this run ran'));
  await page.getByRole('tab', { name: 'Runs' }).click();
  const run = page.getByRole('table', { name: 'Runs' }).getByRole('row').filter({ hasText: 'schedule' });
  await visible(run.getByText('2 scheduled runs skipped while it ran'));
  // the failed target again, now: the retry's run follows live to its end
  await page.getByRole('button', { name: 'Retry failed (1)' }).click();
  await visible(page.getByRole('table', { name: 'Runs' }).getByRole('row').filter({ hasText: 'retry' }).filter({ hasText: 'completed' }), 90_000);
  const retried = (await env.t.http.get(`/api/jobs/${id}`).set(admin).expect(200)).body;
  expect(retried).toMatchObject({ status: 'scheduled', counts: { succeeded: 1, failed: 0 } });
  expect(retried.targets.map((x: { deviceId: number }) => x.deviceId)).toEqual([dev.a]);
  expect(await page.getByRole('button', { name: /^Retry failed/ }).count()).toBe(0);
  // a run stuck waiting (for a window a week away, say) is let go alone: the schedule goes on
  const { insertId: stuck } = await env.t.db.query(
    `INSERT INTO job_runs (job_id, status, fired_at, \`trigger\`, concurrency, total, started_at) VALUES (?, 'running', NOW(3), 'schedule', 10, 1, NOW(3))`, [id]);
  await env.t.db.query(
    `INSERT INTO job_run_targets (run_id, device_id, hostname, status, attempts, reason, next_attempt_at) VALUES (?, ?, 'ui-jobs-a', 'waiting-for-window', 0, 'outside its maintenance window', NOW(3) + INTERVAL 7 DAY)`, [stuck, dev.a]);
  await page.reload();
  await visible(page.getByLabel('Status: running'));
  await page.getByRole('button', { name: 'Cancel this run' }).click();
  const confirm = page.getByRole('dialog', { name: `Cancel run ${stuck} only?` });
  await visible(confirm.getByText(/the schedule goes on \(next run /));
  await confirm.getByRole('button', { name: 'Cancel this run' }).click();
  await visible(page.getByLabel('Status: scheduled'));
  expect((await env.t.http.get(`/api/jobs/${id}/runs/${stuck}`).set(admin).expect(200)).body).toMatchObject({ status: 'cancelled', targets: [{ status: 'cancelled' }] });
  expect((await env.t.http.get(`/api/jobs/${id}`).set(admin).expect(200)).body).toMatchObject({ status: 'scheduled', nextRunAt: j.nextRunAt });
});

it('a technician edits a recurring job from its page: the wizard opens with its fields, its kind fixed, and saving changes its next runs and nothing else', async () => {
  const body = {
    name: 'weekly greeting', kind: 'command',
    params: { script: 'echo "$GREETING" $N', shell: 'bash', timeoutSec: 120, parameters: { GREETING: 'hello world', N: '3' }, sudo: true },
    target: { deviceIds: [dev.a], tags: ['ui-edit'], filter: { osFamily: 'linux' } },
    schedule: { cron: '0 2 * * 0', timezone: 'Europe/Berlin' }, concurrency: 5, retries: 2, retryDelaySec: 60, deadlineMinutes: 90, credentialId: credId,
    deadline: '2099-01-01T00:00:00.000Z', // through the API only: the wizard has no field for it, and an edit keeps it
  };
  const id = (await env.t.http.post('/api/jobs').set(admin).send(body).expect(201)).body.id as number;
  const before = (await env.t.http.get(`/api/jobs/${id}`).set(admin).expect(200)).body;
  const page = await env.login('ui-tech', techPassword);
  await page.goto(`/jobs/${id}`);
  await page.getByRole('link', { name: 'Edit' }).click();
  await visible(page.getByRole('heading', { level: 1, name: 'Edit "weekly greeting"' }));
  // step 1: what it does, and nothing else to pick
  expect(await page.getByRole('radio', { name: 'Run a command' }).isChecked()).toBe(true);
  expect(await page.getByRole('radio').count()).toBe(1);
  expect(await page.getByRole('textbox', { name: 'Job name' }).inputValue()).toBe('weekly greeting');
  await screenshot(page, 'job-edit');
  expect(await axeViolations(page)).toEqual([]);
  await page.getByRole('textbox', { name: 'Job name' }).fill('Saturday greeting');
  await nextStep(page, 2);
  await nextStep(page, 3);
  expect(await page.getByLabel('Cron schedule').inputValue()).toBe('0 2 * * 0');
  expect(await page.getByLabel('Retries').inputValue()).toBe('2');
  await page.getByLabel('Cron schedule').fill('30 3 * * 6');
  await nextStep(page, 4);
  expect(await page.getByRole('table', { name: 'Job summary' }).textContent()).toContain('On the cron schedule 30 3 * * 6 (Europe/Berlin)');
  await page.getByRole('button', { name: 'Save changes' }).click();
  await page.waitForURL(new RegExp(`/jobs/${id}$`));
  await visible(page.getByText('cron 30 3 * * 6 (Europe/Berlin)'));
  await visible(page.getByRole('heading', { level: 1, name: /Saturday greeting/ }));
  const after = (await env.t.http.get(`/api/jobs/${id}`).set(admin).expect(200)).body;
  expect(after).toMatchObject({ name: 'Saturday greeting', schedule: { cron: '30 3 * * 6', timezone: 'Europe/Berlin' }, runId: null });
  // what the form was given back is what the job had: its script, parameters, targets and settings
  const kept = (j: Record<string, unknown>) => [j.kind, j.params, j.target, j.windowIds, j.concurrency, j.retries, j.retryDelaySec, j.deadlineMinutes, j.credentialId, j.deadline];
  expect(kept(after)).toEqual(kept(before));
  // Saturday 03:30 in Berlin is 01:30 or 02:30 UTC
  expect([new Date(after.nextRunAt).getUTCDay(), new Date(after.nextRunAt).getUTCMinutes()]).toEqual([6, 30]);
  await env.t.http.post(`/api/jobs/${id}/cancel`).set(admin).expect(200);
  await page.reload();
  await visible(page.getByLabel('Status: cancelled'));
  expect(await page.getByRole('link', { name: 'Edit' }).count()).toBe(0);
});

it('a long command is paused, resumed and cancelled from its page, the cancel after a confirmation', async () => {
  const id = (await env.t.http.post('/api/jobs').set(admin).send({ name: 'long sleep', kind: 'command', params: { script: 'sleep 60' }, target: { deviceIds: [dev.a] } }).expect(201)).body.id as number;
  const page = await env.login('ui-tech', techPassword);
  await page.goto(`/jobs/${id}`);
  await visible(page.getByLabel('Status: running'));
  await page.locator('table[aria-label="Targets"] tbody').filter({ hasText: /Running/ }).waitFor({ timeout: 30_000 });
  // pause and resume first: the running command goes on either way
  await page.getByRole('button', { name: 'Pause' }).click();
  await visible(page.getByLabel('Status: paused'));
  await page.getByRole('button', { name: 'Resume' }).click();
  await visible(page.getByLabel('Status: running'));
  // the notification sits over the header's buttons until it goes (hovering it keeps it)
  await page.mouse.move(600, 600);
  await page.getByText('Job resumed').waitFor({ state: 'hidden' });
  await page.getByRole('button', { name: 'Cancel job' }).click();
  const confirm = page.getByRole('dialog', { name: /Cancel "long sleep"\?/ });
  expect(await confirm.textContent()).toMatch(/Running commands are stopped/);
  const started = Date.now();
  await confirm.getByRole('button', { name: 'Cancel the job' }).click();
  await visible(page.getByText('Job cancelled'));
  await visible(page.getByLabel('Status: cancelled'), 20_000);
  await page.locator('table[aria-label="Targets"] tbody').filter({ hasText: /Cancelled/ }).waitFor({ timeout: 20_000 });
  expect(Date.now() - started).toBeLessThan(15_000);
  const j = await apiJob(id);
  expect(j.status).toBe('cancelled');
  expect(j.targets[0].status).toBe('cancelled');
  expect(await page.getByRole('button', { name: 'Cancel job' }).count()).toBe(0);
});

it('a saved range is created, run now, edited and deleted from /discovery', async () => {
  const page = await env.login('ui-tech', techPassword);
  await page.goto('/discovery?tab=ranges');
  await visible(page.getByText('No saved ranges.', { exact: false }));
  await page.getByRole('button', { name: 'New saved range' }).click();
  const dialog = page.getByRole('dialog', { name: 'New saved range' });
  await dialog.getByLabel('Name').fill('Lab host A nightly');
  await dialog.getByLabel('Targets').fill(hostA.address);
  await dialog.getByRole('combobox', { name: 'Credentials' }).or(dialog.getByRole('textbox', { name: 'Credentials' })).first().click();
  await page.getByRole('option', { name: 'lab ssh (ssh)' }).click();
  await page.keyboard.press('Tab');
  await dialog.getByLabel('Cron schedule').fill('30 1 * * *');
  await dialog.getByRole('button', { name: 'Create range' }).click();
  await visible(page.getByText('Saved range created'));
  await page.getByRole('dialog', { name: 'New saved range' }).waitFor({ state: 'hidden' });
  const ranges = page.getByRole('table', { name: 'Saved ranges' });
  const row = ranges.getByRole('row').filter({ hasText: 'Lab host A nightly' });
  await visible(row);
  expect(await row.textContent()).toContain('30 1 * * *');
  await screenshot(page, 'discovery-ranges');

  await row.getByRole('button', { name: 'Run now: Lab host A nightly' }).click();
  await page.waitForURL(/\/discovery\/scans\/\d+$/);
  expect(await textBecomes(page, 'scan-progress', /^1 of 1 addresses scanned · 1 identified$/)).toBeTruthy();
  await visible(page.getByText(/^Started by ui-tech, running saved range "Lab host A nightly" /));
  const lastScan = Number(/scans\/(\d+)$/.exec(page.url())![1]);

  // the list shows that scan and what it found: the host, as the install job left it (the job
  // collected it again), so neither new nor changed
  await page.goto('/discovery?tab=ranges');
  const last = ranges.getByRole('row').filter({ hasText: 'Lab host A nightly' });
  await visible(last.getByRole('link', { name: `Scan ${lastScan}` }));
  await visible(last.getByText('1 device found', { exact: true }));

  // edit: the dialog's address is shareable, and the form comes back filled
  await ranges.getByRole('button', { name: 'Edit Lab host A nightly' }).click();
  await page.waitForURL(/form=range&edit=\d+/);
  await page.reload();
  const edit = page.getByRole('dialog', { name: 'Edit saved range' });
  expect(await edit.getByLabel('Targets').inputValue()).toBe(hostA.address);
  await edit.getByLabel('Cron schedule').fill('not a cron');
  await edit.getByRole('button', { name: 'Save range' }).click();
  // the server's refusal, in words, naming the field
  expect(await (await visible(edit.getByRole('alert'))).textContent()).toMatch(/cron/i);
  await edit.getByLabel('Cron schedule').fill('0 3 * * 0');
  await edit.getByLabel('Targets').fill('127.99.2.10-11');
  await edit.getByLabel('Exclude').fill('127.99.2.10');
  await edit.getByRole('button', { name: 'Save range' }).click();
  await visible(page.getByText('Saved range updated'));
  await visible(ranges.getByRole('row').filter({ hasText: '0 3 * * 0' }).filter({ hasText: '127.99.2.10-11 (excluding 127.99.2.10)' }));
  await ranges.getByRole('button', { name: 'Edit Lab host A nightly' }).click();
  expect(await page.getByRole('dialog', { name: 'Edit saved range' }).getByLabel('Exclude').inputValue()).toBe('127.99.2.10');
  await page.keyboard.press('Escape');
  await page.getByRole('dialog', { name: 'Edit saved range' }).waitFor({ state: 'hidden' });

  await ranges.getByRole('button', { name: 'Delete Lab host A nightly' }).click();
  await page.getByRole('dialog', { name: /Delete the saved range/ }).getByRole('button', { name: 'Delete range' }).click();
  await visible(page.getByText('No saved ranges.', { exact: false }));
});

it('a host that offers a changed SSH key is listed, and a technician forgets the pinned key', async () => {
  const scanB = async () => {
    const id = (await env.t.http.post('/api/discovery/scans').set(admin).send({ targets: [hostB.address], credentialIds: [credId], options: { timeoutMs: 2000 } }).expect(202)).body.id as number;
    for (let end = Date.now() + 30_000; Date.now() < end; await new Promise((r) => setTimeout(r, 200))) {
      if ((await env.t.http.get(`/api/discovery/scans/${id}`).set(admin).expect(200)).body.status === 'completed') return id;
    }
    throw new Error(`scan ${id} did not complete`);
  };
  const before = await scanB();
  await hostB.rotateHostKey();
  const scan = await scanB();
  const page = await env.login('ui-tech', techPassword);
  await page.goto(`/discovery/scans/${scan}`);
  await visible(page.getByLabel('Status: completed'), 30_000);
  const result = page.getByRole('table', { name: 'Results per address' }).getByRole('row').filter({ hasText: hostB.address });
  expect(await result.textContent()).toMatch(/host key/i);
  // the host identified by the scan before is listed as no longer answering, with why
  expect(await textBecomes(page, 'scan-comparison', /^1 device that/)).toMatch(new RegExp(`^1 device that scan ${before} \\(`));
  const gone = page.getByRole('table', { name: 'Devices no longer answering' }).getByRole('row').filter({ hasText: hostB.identity.hostname });
  await visible(gone);
  expect(await gone.textContent()).toMatch(new RegExp(`${hostB.address.replace(/\./g, '\\.')}Error.*host key`));
  await screenshot(page, 'scan-gone');

  await page.goto('/discovery?tab=host-keys&rejected=true');
  const keys = page.getByRole('table', { name: 'SSH host keys' });
  const row = keys.getByRole('row').filter({ hasText: hostB.address });
  await visible(row);
  expect(await row.textContent()).toContain('changed');
  expect(await keys.getByRole('row').filter({ hasText: hostA.address }).count()).toBe(0);
  await screenshot(page, 'discovery-host-keys');
  await row.getByRole('button', { name: `Forget the key of ${hostB.address}:${hostB.port}` }).click();
  const confirm = page.getByRole('dialog', { name: `Forget the host key of ${hostB.address}:${hostB.port}?` });
  expect(await confirm.textContent()).toMatch(/different key/);
  await confirm.getByRole('button', { name: 'Forget the key' }).click();
  await visible(page.getByText('Host key forgotten'));
  await visible(page.getByText('No host has offered a changed key.'));
});

it('a scan that takes a while says about how long it has left, at the pace it has kept', async () => {
  // two addresses whose UDP 161 swallows every request (a firewall that drops), one at a time:
  // the first ends after its 6 s timeout, the second 6 s after that. Signed in before the scan
  // starts: on a loaded machine a sign-in took longer than the scan's first 8 s.
  const dgram = await import('node:dgram');
  const sinks = await Promise.all(['127.99.2.50', '127.99.2.51'].map(async (address) => {
    const s = dgram.createSocket('udp4');
    await new Promise<void>((r) => s.bind(161, address, r));
    return s;
  }));
  try {
    const page = await env.login('ui-tech', techPassword);
    const cred = (await env.t.http.post('/api/credentials').set(admin).send({ name: 'silent v2c', kind: 'snmp-v2c', community: 'nobody-answers' }).expect(201)).body.id as number;
    const id = (await env.t.http.post('/api/discovery/scans').set(admin).send({ targets: ['127.99.2.50-127.99.2.51'], credentialIds: [cred], options: { timeoutMs: 6000, retries: 0, concurrency: 1 } }).expect(202)).body.id as number;
    await page.goto(`/discovery/scans/${id}`);
    // past 5 s, with one address of two done: as long again as it has run
    expect(await textBecomes(page, 'scan-timing', / left$/, 30_000)).toMatch(/^running since .+ · about \d+(\.\d)? s left$/);
    await visible(page.getByLabel('Status: completed'), 40_000);
    expect(await page.getByTestId('scan-timing').textContent()).toMatch(/^finished .+ · took \d+(\.\d)? s$/);
  } finally {
    for (const s of sinks) s.close();
  }
});
