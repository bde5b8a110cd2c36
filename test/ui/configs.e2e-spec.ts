// The configs pages in a real Chromium against an emulated Cisco IOS router of the device lab
// (127.99.3.x: no other spec uses it): a technician pins the first backup as the baseline and
// backs the router up again after a change made in the emulator; the drift report lists it, the
// side-by-side diff shows exactly the changed line as removed and added (with markers, not
// colour alone), remediation previews and pushes it back; an admin writes a compliance rule
// (a bad pattern named under its field) and the compliance page shows the router failing it, the
// drift report why (as text: a keyboard or a touch screen never sees a hover tooltip); a viewer
// sees none of the write buttons.
import type { Page } from 'playwright-core';
import { LabIosHost } from '../lab/ios';
import { bearer } from '../support/app';
import { ADMIN_PASSWORD, createUser, screenshot, startUi, UiEnv, visible } from './support/ui';
import { until } from '../support/until';

jest.setTimeout(180_000);

const rtr = new LabIosHost({ address: '127.99.3.11', hostname: 'ui-cfg-rtr', serial: 'FDO2299C3UI' });
const OLD = ' description LAN core';
const NEW = ' description LAN core floor 2';

let env: UiEnv;
let admin: { Authorization: string };
let deviceId = 0;
let firstVersion = 0;
let tech: Page;


/** The texts of the diff table's changed cells of one kind (the marker column is separate). */
const changed = (page: Page, table: string, kind: 'added' | 'removed') =>
  page.getByRole('table', { name: table }).locator(`td[data-change="${kind}"]`).allTextContents();

beforeAll(async () => {
  await rtr.start();
  env = await startUi({ consume: true, env: { TEKNISI_JOB_RECONCILE_MS: '300' } });
  admin = bearer(env.t.adminToken);
  const http = env.t.http;
  const cred = (await http.post('/api/credentials').set(admin).send({ name: 'ui lab router', kind: 'ssh', username: rtr.credentials.username, password: rtr.credentials.password }).expect(201)).body.id;
  const scan = (await http.post('/api/discovery/scans').set(admin).send({ targets: [rtr.address], credentialIds: [cred] }).expect(202)).body.id;
  const done = await until('the scan', async () => {
    const s = (await http.get(`/api/discovery/scans/${scan}`).set(admin)).body;
    return s.status === 'completed' && s;
  });
  deviceId = done.results.find((r: { address: string }) => r.address === rtr.address)?.deviceId;
  if (!deviceId) throw new Error(`the scan did not identify the router: ${JSON.stringify(done.results)}`);
  // the first backup, through the API: what the technician pins in the UI
  const job = (await http.post(`/api/devices/${deviceId}/configs/backup`).set(admin).expect(202)).body.id;
  await until('the first backup', async () => {
    const j = (await http.get(`/api/jobs/${job}`).set(admin)).body;
    return j.status === 'completed' && j.counts.running === 0 && j;
  });
  firstVersion = (await http.get(`/api/devices/${deviceId}/configs`).set(admin).expect(200)).body.items[0].id;
  await createUser(env, 'cfg-tech', 'technician');
  await createUser(env, 'cfg-viewer', 'viewer');
  tech = await env.login('cfg-tech', 'cfg-tech-password-123');
});

afterAll(async () => {
  await env?.close();
  await rtr.stop();
});

afterEach(() => {
  expect(env.pageErrors).toEqual([]);
});

it('a technician pins the first backup as the device\'s baseline on the baselines page', async () => {
  await tech.goto('/configs/baselines');
  await visible(tech.getByRole('heading', { level: 1, name: 'Baselines' }));
  await tech.getByRole('button', { name: 'Pin a version' }).click();
  await tech.waitForURL(/new=pin/);
  const dialog = tech.getByRole('dialog');
  await dialog.getByRole('combobox', { name: 'Device' }).fill('ui-cfg');
  await tech.getByRole('option', { name: /ui-cfg-rtr/ }).click();
  await dialog.getByRole('combobox', { name: 'Version' }).click();
  await tech.getByRole('option', { name: new RegExp(`^Version ${firstVersion} `) }).click();
  await dialog.getByRole('button', { name: 'Pin as baseline' }).click();
  await visible(tech.getByText(`Version ${firstVersion} is pinned.`));
  const row = tech.getByRole('table', { name: 'Baselines' }).getByRole('row', { name: /ui-cfg-rtr/ });
  await visible(row);
  expect(await row.textContent()).toContain(`version ${firstVersion}`);
  expect(tech.url()).not.toContain('new=pin');
  await tech.reload(); // the picture without the notification
  await visible(tech.getByRole('table', { name: 'Baselines' }).getByRole('row', { name: /ui-cfg-rtr/ }));
  await screenshot(tech, 'configs-baselines');
});

it('"Back up now" after a change in the emulator follows the job live and stores the new version', async () => {
  await rtr.configure(['interface GigabitEthernet0/0/1', NEW.trim()]);
  await tech.goto(`/configs/diff?deviceId=${deviceId}`);
  await visible(tech.getByRole('heading', { level: 1, name: 'Config diff: ui-cfg-rtr' }));
  await tech.getByRole('button', { name: 'Back up now' }).click();
  // the notification after the job's `done` event gives the target's outcome in words
  await visible(tech.getByText(/^new version \d+ \(\+1 −1 lines since version \d+\)$/), 60_000);
  await visible(tech.getByText('Backup finished'));
  // the versions list and the default diff (previous → latest) followed
  await visible(tech.getByRole('table', { name: 'Configuration versions' }).getByRole('row', { name: /Version \d+/ }).nth(1));
  expect(await changed(tech, 'Side-by-side diff', 'removed')).toEqual([OLD]);
  expect(await changed(tech, 'Side-by-side diff', 'added')).toEqual([NEW]);

  // a second backup, nothing changed: followed to its own end (before, the first one's `done`
  // ended it at once, "Backup queued", and the button came back while it still ran)
  await tech.getByRole('button', { name: 'Back up now' }).click();
  await visible(tech.getByText(/^unchanged since version \d+$/), 60_000);
  expect(await tech.getByText(/^Backup (queued|running)$/).count()).toBe(0);
});

it('the drift report lists the router against its pinned baseline, with a CSV export of the same', async () => {
  await tech.goto('/configs');
  await visible(tech.getByRole('heading', { level: 1, name: 'Configuration drift' }));
  const row = tech.getByRole('table', { name: 'Drifting devices' }).getByRole('row', { name: /ui-cfg-rtr/ });
  await visible(row);
  const text = await row.textContent();
  expect(text).toContain('Cisco IOS');
  expect(text).toContain(`pinned version ${firstVersion}`);
  expect(text).toMatch(/\+1\s*−1/);
  expect(text).toMatch(/just now|min ago/);
  await screenshot(tech, 'configs-drift');

  // filters are in the URL: a platform with no drift empties the table, a reload keeps it
  await tech.getByRole('combobox', { name: 'Platform' }).click();
  await tech.getByRole('option', { name: 'Junos' }).click();
  await tech.waitForURL(/platform=junos/);
  await tech.reload();
  await visible(tech.getByText('No device matches these filters.'));
  await tech.goto('/configs?problem=drift&q=ui-cfg');
  await visible(tech.getByRole('table', { name: 'Drifting devices' }).getByRole('row', { name: /ui-cfg-rtr/ }));

  const href = await tech.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
  expect(href).toBe('/api/configs/drift?format=csv');
  const csv = await tech.request.get(href!);
  expect(csv.headers()['content-type']).toMatch(/^text\/csv/);
  expect(await csv.text()).toMatch(new RegExp(`^${deviceId},ui-cfg-rtr,cisco-ios,\\d+,[^,]+,1,1,`, 'm'));
});

it('a row opens the device\'s drift: exactly the changed line, removed and added, side by side and unified', async () => {
  await tech.goto('/configs');
  await tech.getByRole('link', { name: 'ui-cfg-rtr' }).click();
  await tech.waitForURL(new RegExp(`/configs/diff\\?deviceId=${deviceId}&baseline=1$`));
  const split = await visible(tech.getByRole('table', { name: 'Side-by-side diff' }));
  expect(await changed(tech, 'Side-by-side diff', 'removed')).toEqual([OLD]);
  expect(await changed(tech, 'Side-by-side diff', 'added')).toEqual([NEW]);
  // the two sides of the change share a row; each carries its marker in text, not colour alone
  const changeRow = split.getByRole('row').filter({ has: tech.locator('td[data-change="added"]') });
  expect(await changeRow.count()).toBe(1);
  const cells = await changeRow.locator('td').allInnerTexts();
  // the marker is seen; the word after it is for screen readers (visually hidden)
  expect(cells.map((c) => c.trim())).toEqual([expect.stringMatching(/^\d+$/), expect.stringMatching(/^−\s*removed$/), OLD.trim(), expect.stringMatching(/^\d+$/), expect.stringMatching(/^\+\s*added$/), NEW.trim()]);
  expect(await split.getByRole('columnheader').first().textContent()).toContain(`baseline: version ${firstVersion}`);
  await visible(tech.getByText('+1 added'));
  await visible(tech.getByText('−1 removed'));
  await screenshot(tech, 'configs-diff');

  await tech.getByText('Unified', { exact: true }).click();
  await tech.waitForURL(/view=unified/);
  await visible(tech.getByRole('table', { name: 'Unified diff' }));
  expect(await changed(tech, 'Unified diff', 'removed')).toEqual([OLD]);
  expect(await changed(tech, 'Unified diff', 'added')).toEqual([NEW]);

  // usable on a tablet: the page does not scroll sideways, the diff scrolls within itself
  await tech.setViewportSize({ width: 820, height: 1100 });
  await tech.reload();
  await visible(tech.getByRole('table', { name: 'Unified diff' }));
  expect(await tech.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(820);
  await tech.setViewportSize({ width: 1280, height: 860 });
});

it('the remediation preview lists the baseline\'s line, and a confirmed push brings the router back', async () => {
  await tech.goto(`/configs/diff?deviceId=${deviceId}&baseline=1`);
  await tech.getByRole('button', { name: 'Preview remediation' }).click();
  const push = await visible(tech.getByLabel('Lines to push'));
  expect((await push.textContent())!.split('\n').filter((l) => l.trim() !== 'exit')).toEqual(['interface GigabitEthernet0/0/1', OLD]);
  expect(await tech.getByLabel('Extra lines on the device (left alone)').textContent()).toBe(`interface GigabitEthernet0/0/1\n${NEW}`);
  await visible(tech.getByText('Withheld: to set by hand (0)'));
  expect(rtr.runningConfig()).toContain(NEW);

  await tech.getByRole('button', { name: 'Remediate' }).click();
  await tech.getByRole('dialog').getByRole('button', { name: 'Push the lines' }).click();
  await visible(tech.getByText('Remediation finished'), 90_000);
  expect(rtr.runningConfig()).toMatch(/^ description LAN core$/m);
  // the push's own backup equals the baseline: no drift left
  await visible(tech.getByText('No drift: the current configuration matches its baseline.'));
});

it('an admin\'s compliance rule is checked on every configuration; a bad pattern is named under its field', async () => {
  const page = await env.login('admin', ADMIN_PASSWORD);
  await page.goto('/configs/rules');
  await page.getByRole('button', { name: 'New compliance rule' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Name').fill('NTP from the NOC');
  await dialog.getByLabel('Pattern').fill('^ntp server 192.0.2.(');
  await dialog.getByRole('combobox', { name: 'Only on platform' }).click();
  await page.getByRole('option', { name: 'Cisco IOS' }).click();
  await dialog.getByRole('combobox', { name: 'Severity' }).click();
  await page.getByRole('option', { name: 'high' }).click();
  await dialog.getByRole('button', { name: 'Create rule' }).click();
  const alert = await visible(dialog.getByRole('alert'));
  expect(await alert.textContent()).toBe('The rule was not savedSee the message under Pattern.');
  // the field itself says what is wrong with it
  const patternError = await dialog.getByLabel('Pattern').getAttribute('aria-describedby');
  expect(patternError).toBeTruthy();
  expect(await page.locator(`[id="${patternError!.split(' ').find((id) => id.includes('error'))}"]`).textContent()).toMatch(/regular expression|regex|Unterminated|invalid/i);

  await dialog.getByLabel('Pattern').fill('^ntp server 192\\.0\\.2\\.123$');
  await dialog.getByRole('button', { name: 'Create rule' }).click();
  await visible(page.getByText('Rule saved'));
  const row = page.getByRole('table', { name: 'Compliance rules' }).getByRole('row', { name: /NTP from the NOC/ });
  expect(await row.textContent()).toMatch(/Must contain.*Cisco IOS.*high/);

  await page.getByRole('tab', { name: 'Normalization rules' }).click();
  await page.waitForURL(/tab=normalization/);
  await visible(page.getByRole('table', { name: 'Normalization rules' }).getByRole('row', { name: /Last configuration change/ }));
  await page.getByRole('tab', { name: 'Compliance rules' }).click();
  await page.reload(); // the picture without the notification
  await visible(page.getByRole('table', { name: 'Compliance rules' }).getByRole('row', { name: /NTP from the NOC/ }));
  await screenshot(page, 'configs-rules');

  await page.goto('/configs/compliance');
  const failing = page.getByRole('table', { name: 'Devices failing compliance rules' }).getByRole('row', { name: /ui-cfg-rtr/ });
  await visible(failing, 30_000);
  // since when, as text: the exact time and how long ago
  expect(await failing.textContent()).toMatch(/high.*NTP from the NOC.*failing since \w{3} \d{2}, \d{4}.*\d{2}:\d{2}.*\((just now|\d+ min ago)\)/);
  await page.getByRole('tab', { name: /By rule/ }).click();
  await page.waitForURL(/view=rules/);
  await page.getByRole('button', { name: /^1 failing NTP from the NOC: show the device$/ }).click();
  await page.waitForURL(/rule=\d+/);
  await visible(page.getByRole('table', { name: 'Devices failing compliance rules' }).getByRole('row', { name: /ui-cfg-rtr/ }));
  await screenshot(page, 'configs-compliance');
});

it('the drift report says why each rule fails as text, without a hover: a long why is clamped to two lines, and "More" shows it all from the keyboard', async () => {
  // a rule whose why lists every interface line of the router: five lines
  await env.t.http.post('/api/configs/rules').set(admin).send({ name: 'No interfaces (a long why)', kind: 'must-not-contain', pattern: '^interface ', severity: 'low' }).expect(201);
  const item = await until('the router failing both rules', async () => {
    const items = (await env.t.http.get('/api/configs/drift').set(admin).expect(200)).body.items as Array<{ deviceId: number; violations: Array<{ name: string; detail: string }> }>;
    const router = items.find((i) => i.deviceId === deviceId);
    return router?.violations.length === 2 && router;
  });
  const why = (name: string) => item.violations.find((v) => v.name === name)!.detail;
  expect(why('No interfaces (a long why)').split('\n')).toHaveLength(5);

  await tech.goto('/configs?q=ui-cfg');
  const row = await visible(tech.getByRole('table', { name: 'Drifting devices' }).getByRole('row', { name: /ui-cfg-rtr/ }));
  // a one-line why is there to read, with no button to walk past
  const ntp = await visible(row.getByRole('region', { name: 'Why ui-cfg-rtr fails NTP from the NOC' }));
  expect(await ntp.innerText()).toBe(why('NTP from the NOC'));
  expect(await row.getByRole('button', { name: /NTP from the NOC/ }).count()).toBe(0);

  // the long one shows its first two lines (the row stays short); the rest is a keypress away
  const long = await visible(row.getByRole('region', { name: 'Why ui-cfg-rtr fails No interfaces (a long why)' }));
  const clipped = () => long.evaluate((el) => el.scrollHeight - el.clientHeight);
  expect(await clipped()).toBeGreaterThan(0);
  expect(await long.evaluate((el) => el.clientHeight)).toBeLessThan(40);
  await screenshot(tech, 'configs-drift-rule-failures');
  const more = row.getByRole('button', { name: 'More of why ui-cfg-rtr fails No interfaces (a long why)' });
  expect(await more.getAttribute('aria-expanded')).toBe('false');
  await more.focus();
  await tech.keyboard.press('Enter');
  await visible(row.getByRole('button', { name: 'Less of why ui-cfg-rtr fails No interfaces (a long why)', expanded: true }));
  await until('the whole why shown', async () => (await clipped()) <= 0, 5_000, 50);
  expect(await long.innerText()).toBe(why('No interfaces (a long why)'));
});

it('searching every current configuration finds the router\'s line', async () => {
  await tech.goto('/configs');
  await tech.getByRole('tab', { name: 'Search configurations' }).click();
  await tech.getByLabel('Configuration line').fill('LAN core');
  await tech.getByRole('button', { name: 'Search', exact: true }).click();
  await tech.waitForURL(/tab=search&text=LAN\+core|tab=search.*text=LAN/);
  const hit = tech.getByRole('table', { name: 'Configurations with matching lines' }).getByRole('row', { name: /ui-cfg-rtr/ });
  await visible(hit);
  expect(await hit.textContent()).toMatch(/\d+\s+description LAN core/);
  await tech.getByLabel('Regular expression').check();
  await tech.getByLabel('Configuration line').fill('(unclosed');
  await tech.getByRole('button', { name: 'Search', exact: true }).click();
  expect(await (await visible(tech.getByRole('alert'))).textContent()).toMatch(/regex/);
});

it('a viewer reads drift, diffs, baselines and rules but sees no pin, backup, remediate or rule-edit button', async () => {
  const page = await env.login('cfg-viewer', 'cfg-viewer-password-123');
  await page.goto(`/configs/diff?deviceId=${deviceId}&baseline=1`);
  await visible(page.getByRole('heading', { level: 1, name: 'Config diff: ui-cfg-rtr' }));
  await visible(page.getByRole('table', { name: 'Configuration versions' }).getByRole('row', { name: /Version/ }));
  await page.goto(`/configs/diff?deviceId=${deviceId}`);
  await visible(page.getByRole('table', { name: 'Side-by-side diff' }));
  await page.goto('/configs/baselines');
  await visible(page.getByRole('table', { name: 'Baselines' }).getByRole('row', { name: /ui-cfg-rtr/ }));
  await page.goto('/configs/rules');
  await visible(page.getByRole('table', { name: 'Compliance rules' }).getByRole('row', { name: /NTP from the NOC/ }));
  for (const path of [`/configs/diff?deviceId=${deviceId}&baseline=1`, `/configs/diff?deviceId=${deviceId}`, '/configs/baselines', '/configs/rules', '/configs/rules?tab=normalization']) {
    await page.goto(path);
    await visible(page.getByRole('heading', { level: 1 }));
    await page.waitForLoadState('networkidle');
    for (const name of [/^Pin/, /Back up now/, /Remediat/, /^New /, /^Edit/, /^Delete/]) {
      expect({ path, name: String(name), count: await page.getByRole('button', { name }).count() }).toEqual({ path, name: String(name), count: 0 });
    }
  }
  // and the server refuses them anyway, in words
  const viewer = bearer(await env.t.tokenFor('viewer', 'cfg-viewer-2'));
  expect((await env.t.http.post('/api/configs/baselines').set(viewer).send({ deviceId, versionId: firstVersion })).status).toBe(403);
});
