// Discovery's rough edges a technician trips on, in a real Chromium against a real server and
// worker: why "Start scan" cannot be pressed; credentials deleted since a scan, a saved range or
// a pick named them (said as such, left out of "Scan again" and Rescan, flagged on the range);
// a scan's credentials by name for a viewer; a refused field said once; a saved range's refused
// firing pointing at the range; status filters as one radio group; times and badges as text, not
// hover tooltips; host keys by device name; a saved range's next scan in a named zone, and its row following its
// running scan and the firings it outlasted; a silent address in plain words; a Rescan of a device whose scans retention
// deleted; and axe on the pages no other spec checks with data (a compared, filtered scan, a
// saved range's row, a refused form).
// Scans contact loopback addresses (127.96.x.y): nothing listens on most, which answer "refused"
// at once; a lab printer (snmpsimd) and a silent UDP socket answer on others.
import * as crypto from 'node:crypto';
import type { Page } from 'playwright-core';
import { HostKeysRepository } from '../../src/discovery/host-keys.repository';
import { ScanSchedulesService } from '../../src/discovery/scan-schedules.service';
import { IngestService } from '../../src/inventory/ingest.service';
import { SnmpsimAgent } from '../lab/snmpsim';
import { bearer } from '../support/app';
import { scanToEnd } from '../support/scan';
import { until } from '../support/until';
import { axeViolations, COLOUR_RULES, createUser, startUi, UiEnv, visible } from './support/ui';

const net = `127.96.${crypto.randomInt(1, 250)}`;
const HOSTILE = '<img src=x onerror=alert(1)>-keyed';
let env: UiEnv;
let admin: Record<string, string>;
let techPassword = '';

/** A credential made through the API, as an admin does under Admin → Credentials; its id. */
async function credential(name: string): Promise<number> {
  return (await env.t.http.post('/api/credentials').set(admin).send({ name, kind: 'snmp-v2c', community: `${name}-community` }).expect(201)).body.id as number;
}

beforeAll(async () => {
  env = await startUi({ consume: true });
  admin = bearer(env.t.adminToken);
  techPassword = await createUser(env, 'discovery-tech', 'technician');
}, 120_000);

afterAll(async () => {
  await env?.close();
});

afterEach(() => {
  expect(env.pageErrors).toEqual([]);
});

const tech = (): Promise<Page> => env.login('discovery-tech', techPassword);

it('says why "Start scan" cannot be pressed: no targets yet, or no credential picked', async () => {
  await credential('office v2c');
  const page = await tech();
  await page.goto('/discovery?form=scan');
  const dialog = page.getByRole('dialog', { name: 'Start a scan' });
  const start = dialog.getByRole('button', { name: 'Start scan' });
  await visible(start);
  expect(await start.isDisabled()).toBe(true);
  await dialog.getByLabel('Targets').fill(`${net}.1-9`);
  // targets typed, no credential: still disabled, and the reason is said beside it and read with it
  expect(await start.isDisabled()).toBe(true);
  const why = await visible(dialog.getByText('Pick at least one credential to scan with.'));
  expect(await start.getAttribute('aria-describedby')).toBe(await why.first().getAttribute('id'));
  await dialog.getByRole('combobox', { name: 'Credentials' }).or(dialog.getByRole('textbox', { name: 'Credentials' })).first().click();
  await page.getByRole('option', { name: 'office v2c (snmp-v2c)' }).click();
  await page.keyboard.press('Tab');
  expect(await start.isDisabled()).toBe(false);
  expect(await dialog.getByText('Pick at least one credential to scan with.').count()).toBe(0);
  expect(await start.getAttribute('aria-describedby')).toBeNull();
});

it('a scan whose credential was deleted says so, and "Scan again" repeats it with the credentials left', async () => {
  const kept = await credential('kept v2c');
  const doomed = await credential('doomed v2c');
  const first = await scanToEnd(env.t.http, admin, { targets: [`${net}.20`], credentialIds: [kept, doomed], options: { timeoutMs: 500, retries: 0 } });
  expect(first.status).toBe('completed');
  await env.t.http.delete(`/api/credentials/${doomed}`).set(admin).expect(204);

  const page = await tech();
  await page.goto(`/discovery/scans/${first.id}`);
  await visible(page.getByLabel('Status: completed'));
  // by name where it still exists, and plainly deleted where it does not (not a bare "credential 7")
  await visible(page.getByText(`kept v2c (snmp-v2c), credential ${doomed} (deleted)`, { exact: true }));
  await page.getByRole('button', { name: 'Scan again' }).click();
  // a new scan, not the refusal "credentialIds.1: credential N does not exist"
  await page.waitForURL((u) => /\/discovery\/scans\/\d+$/.test(u.pathname) && !u.pathname.endsWith(`/${first.id}`));
  await visible(page.getByText(`without credential ${doomed}, which was deleted`, { exact: false }));
  const again = Number(/scans\/(\d+)$/.exec(page.url())![1]);
  const view = (await env.t.http.get(`/api/discovery/scans/${again}`).set(admin).expect(200)).body as { targets: string[]; credentialIds: number[] };
  expect(view).toMatchObject({ targets: [`${net}.20`], credentialIds: [kept] });
  await visible(page.getByLabel('Status: completed'));
});

it('a scan whose every credential was deleted cannot be scanned again, and says why', async () => {
  const gone = await credential('gone v2c');
  const scan = await scanToEnd(env.t.http, admin, { targets: [`${net}.30`], credentialIds: [gone], options: { timeoutMs: 500, retries: 0 } });
  await env.t.http.delete(`/api/credentials/${gone}`).set(admin).expect(204);
  const page = await tech();
  await page.goto(`/discovery/scans/${scan.id}`);
  await visible(page.getByLabel('Status: completed'));
  const again = page.getByRole('button', { name: 'Scan again' });
  await visible(again);
  expect(await again.isDisabled()).toBe(true);
  const why = await visible(page.getByText('Every credential of this scan has been deleted: start a new scan with others.'));
  expect(await again.getAttribute('aria-describedby')).toBe(await why.first().getAttribute('id'));
});

it('a viewer, who cannot list credentials, reads a scan\'s credentials by name and kind, never a secret', async () => {
  const named = await credential('viewer-visible v2c');
  const doomed = await credential('viewer doomed v2c');
  const scan = await scanToEnd(env.t.http, admin, { targets: [`${net}.35`], credentialIds: [named, doomed], options: { timeoutMs: 300, retries: 0 } });
  await env.t.http.delete(`/api/credentials/${doomed}`).set(admin).expect(204);
  const viewerPassword = await createUser(env, 'discovery-viewer', 'viewer');
  const viewerToken = (await env.t.http.post('/api/auth/login').send({ username: 'discovery-viewer', password: viewerPassword }).expect(200)).body.accessToken as string;
  // the premise: a viewer cannot list credentials, so the page cannot look their names up itself
  await env.t.http.get('/api/credentials').set(bearer(viewerToken)).expect(403);
  const page = await env.login('discovery-viewer', viewerPassword);
  await page.goto(`/discovery/scans/${scan.id}`);
  await visible(page.getByLabel('Status: completed'));
  // not "credential 7, credential 8"
  await visible(page.getByText(`viewer-visible v2c (snmp-v2c), credential ${doomed} (deleted)`, { exact: true }));
  const view = (await env.t.http.get(`/api/discovery/scans/${scan.id}`).set(bearer(viewerToken)).expect(200)).text;
  const list = (await env.t.http.get('/api/discovery/scans').set(bearer(viewerToken)).expect(200)).text;
  for (const text of [view, list, await page.content()]) expect(text).not.toContain('-community');
});

it('a refused scan or saved range says each field\'s problem once, under the field, and its alert points there', async () => {
  await credential('refused v2c');
  const page = await tech();
  const times = (text: string, what: string) => text.split(what).length - 1;
  const pick = async (dialog: ReturnType<Page['getByRole']>) => {
    await dialog.getByRole('combobox', { name: 'Credentials' }).or(dialog.getByRole('textbox', { name: 'Credentials' })).first().click();
    await page.getByRole('option', { name: 'refused v2c (snmp-v2c)' }).click();
    await page.keyboard.press('Tab');
  };
  await page.goto('/discovery?form=scan');
  const scan = page.getByRole('dialog', { name: 'Start a scan' });
  await scan.getByLabel('Targets').fill(`${net}.1\n${net}.300`);
  await pick(scan);
  await scan.getByRole('button', { name: 'Start scan' }).click();
  const alert = await visible(scan.getByRole('alert'));
  expect(times(await scan.innerText(), `"${net}.300" is not an address, range, CIDR block or host name`)).toBe(1);
  expect(await alert.first().textContent()).toContain('See the message under Targets.');
  await page.keyboard.press('Escape');

  await page.goto('/discovery?tab=ranges&form=range');
  const range = page.getByRole('dialog', { name: 'New saved range' });
  await range.getByLabel('Name').fill('Refused range');
  await range.getByLabel('Targets').fill(`${net}.1`);
  await range.getByLabel('Cron schedule').fill('0 2 * *');
  await pick(range);
  await range.getByRole('button', { name: 'Create range' }).click();
  await visible(range.getByRole('alert'));
  expect(times(await range.innerText(), 'cron must have five fields')).toBe(1);
  expect(await range.getByRole('alert').first().textContent()).toContain('See the message under Cron schedule.');
});

it('a saved range\'s scan that never started offers to edit the range, not "Scan again" of what was refused', async () => {
  const cred = await credential('refused range v2c');
  // saved while localhost resolved; by its next firing the name in its exclusions no longer does
  const range = (await env.t.http.post('/api/discovery/schedules').set(admin)
    .send({ name: 'Range refused at its firing', targets: [`${net}.130-131`], exclude: ['localhost'], credentialIds: [cred], cron: '0 2 * * *', timezone: 'UTC' }).expect(201)).body.id as number;
  await env.t.db.query('UPDATE scan_schedules SET exclude = ?, next_run_at = ? WHERE id = ?', [JSON.stringify(['gone-host.invalid']), new Date(Date.now() - 1000), range]);
  await env.t.app.get(ScanSchedulesService).fireDue(new Date());
  const failed = (await env.t.http.get(`/api/discovery/schedules/${range}`).set(admin).expect(200)).body.lastScanId as number;
  const page = await tech();
  await page.goto(`/discovery/scans/${failed}`);
  await visible(page.getByLabel('Status: failed'));
  await visible(page.getByText('host name gone-host.invalid does not resolve', { exact: false }));
  // pressed, "Scan again" was refused for the very same reason; now it says why it cannot be
  const again = page.getByRole('button', { name: 'Scan again' });
  expect(await again.isDisabled()).toBe(true);
  const why = await visible(page.getByText(/^Saved range "Range refused at its firing" was refused as it is saved/));
  expect(await again.getAttribute('aria-describedby')).toBe(await why.first().getAttribute('id'));
  await page.getByRole('link', { name: 'Edit saved range' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit saved range' });
  expect(await (await visible(edit.getByLabel('Exclude'))).first().inputValue()).toBe('gone-host.invalid');
});

it('a scan\'s status filters are one tab stop, picked with the arrow keys', async () => {
  const cred = await credential('chips v2c');
  const scan = await scanToEnd(env.t.http, admin, { targets: [`${net}.140-142`], credentialIds: [cred], options: { timeoutMs: 300, retries: 0 } });
  const page = await tech();
  await page.goto(`/discovery/scans/${scan.id}`);
  const group = page.getByLabel('Filter results by status');
  const all = group.getByRole('radio', { name: /^All/ });
  await visible(group.getByText(/^Refused 3/));
  const inGroup = () => page.evaluate(() => {
    const d = (globalThis as unknown as { document: { activeElement: { closest(s: string): unknown } | null } }).document;
    return !!d.activeElement?.closest('[aria-label="Filter results by status"]');
  });
  // Tab from before the filters lands on the ticked one, and the next Tab leaves them
  await page.getByRole('button', { name: 'Scan again' }).focus();
  await page.keyboard.press('Tab');
  expect(await inGroup()).toBe(true);
  expect(await all.evaluate((e) => e === (e.ownerDocument as unknown as { activeElement: unknown }).activeElement)).toBe(true);
  await page.keyboard.press('Tab');
  expect(await inGroup()).toBe(false);
  // and a screen reader hears which is ticked
  expect(await all.isChecked()).toBe(true);
  // back in, the arrow keys pick a filter
  await page.keyboard.press('Shift+Tab');
  await page.keyboard.press('ArrowRight');
  await page.waitForURL((u) => u.searchParams.get('status') === 'identified');
  await page.keyboard.press('ArrowRight');
  await page.waitForURL((u) => u.searchParams.get('status') === 'no-response');
  await group.getByRole('radio', { name: /^No response/, checked: true }).waitFor({ state: 'attached' });
  await page.keyboard.press('ArrowRight');
  await page.waitForURL((u) => u.searchParams.get('status') === 'auth-failed');
  await page.keyboard.press('ArrowRight');
  await page.waitForURL((u) => u.searchParams.get('status') === 'refused');
  await visible(page.getByRole('table', { name: 'Results per address' }).getByRole('row').filter({ hasText: `${net}.142` }));
  // a ticked filter clicked again clears it, as before
  await group.getByText(/^Refused/).click();
  await page.waitForURL((u) => !u.searchParams.has('status'));
  await group.getByRole('radio', { name: /^All/, checked: true }).waitFor({ state: 'attached' });
});

it('what showed only on hovering (exact times, what "new" means) is on the page as text, for a keyboard or a touch screen', async () => {
  const printer = new SnmpsimAgent('printer', `${net}.150`);
  await printer.start();
  try {
    const cred = (await env.t.http.post('/api/credentials').set(admin).send({ name: 'hover printer v2c', kind: 'snmp-v2c', community: printer.credentials.community }).expect(201)).body.id as number;
    const scan = await scanToEnd(env.t.http, admin, { targets: [printer.address], credentialIds: [cred], options: { timeoutMs: 1000, retries: 0 } });
    expect(scan.results).toEqual([expect.objectContaining({ status: 'identified' })]);
    const { createdAt } = (await env.t.http.get(`/api/discovery/scans/${scan.id}`).set(admin).expect(200)).body as { createdAt: string };
    const keys = env.t.app.get(HostKeysRepository);
    expect(await keys.verifier().verify(`${net}.151`, 22, 'ssh-ed25519', 'SHA256:Hv3rY1mE4mQ0sJ3b7kQ5m1vX2nH8cA9dF0gH1jK2lM3')).toEqual({ ok: true });
    const pinned = (await env.t.http.get(`/api/discovery/host-keys?q=${net}.151`).set(admin).expect(200)).body.items[0] as { firstSeen: string };

    const page = await tech();
    const exact = (iso: string) => page.evaluate((at) => new Date(at).toLocaleString(undefined, { month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit' }), iso);
    // the scans list: when a scan was created, to the minute, beside "just now"
    await page.goto('/discovery');
    const row = page.getByRole('table', { name: 'Recent scans' }).getByRole('row').filter({ has: page.getByRole('link', { name: `Scan ${scan.id}`, exact: true }) });
    await visible(row);
    expect(await row.locator('td').nth(6).innerText()).toBe(`just now\n${await exact(createdAt)}`);
    // the host keys: first seen, to the minute
    await page.goto(`/discovery?tab=host-keys&q=${net}.151`);
    const key = page.getByRole('table', { name: 'SSH host keys' }).getByRole('row').filter({ hasText: `${net}.151` });
    await visible(key);
    expect(await key.locator('td').nth(5).innerText()).toBe(`just now\n${await exact(pinned.firstSeen)}`);
    await page.waitForTimeout(400); // Mantine's fade-ins would read as low contrast
    expect(await axeViolations(page)).toEqual([]);
    // a scan's "new" badge: what it means, said once on the page
    await page.goto(`/discovery/scans/${scan.id}`);
    await visible(page.getByRole('table', { name: 'Results per address' }).getByRole('row').filter({ hasText: printer.address }).getByText('new', { exact: true }));
    await visible(page.getByText('new: first seen by this scan · changed: its record changed (see its history)', { exact: true }));
    await page.waitForTimeout(400);
    expect(await axeViolations(page)).toEqual([]);
  } finally {
    await printer.stop();
  }
});

it('the SSH host keys tab names the machine each key belongs to, as text', async () => {
  const keys = env.t.app.get(HostKeysRepository);
  const host = `${net}.40`;
  const device = (await env.t.http.post('/api/devices').set(admin).send({ hostname: HOSTILE }).expect(201)).body.id as number;
  // as a scan pins a key and, once ingest identified the machine, links it
  expect(await keys.verifier().verify(host, 22, 'ssh-ed25519', 'SHA256:Wq3rY1mE4mQ0sJ3b7kQ5m1vX2nH8cA9dF0gH1jK2lM3')).toEqual({ ok: true });
  await keys.linkDevice(host, 22, device);
  const page = await tech();
  await page.goto(`/discovery?tab=host-keys&q=${host}`);
  const row = page.getByRole('table', { name: 'SSH host keys' }).getByRole('row').filter({ hasText: host });
  // its hostname (markup shown as text), not "Device 412"
  await visible(row.getByRole('link', { name: HOSTILE, exact: true }));
  expect(await row.getByRole('link', { name: HOSTILE }).getAttribute('href')).toBe(`/devices/${device}`);
  expect(env.dialogs).toEqual([]);
});

it('a credential deleted since it was picked, or since a saved range was saved, reads as deleted in the picker', async () => {
  const kept = await credential('range v2c');
  const doomed = await credential('picked then deleted v2c');
  const page = await tech();
  // picked in the form, then deleted by an admin elsewhere before "Start scan"
  await page.goto('/discovery?form=scan');
  const dialog = page.getByRole('dialog', { name: 'Start a scan' });
  await dialog.getByLabel('Targets').fill(`${net}.50`);
  await dialog.getByRole('combobox', { name: 'Credentials' }).or(dialog.getByRole('textbox', { name: 'Credentials' })).first().click();
  await page.getByRole('option', { name: 'picked then deleted v2c (snmp-v2c)' }).click();
  await page.keyboard.press('Tab');
  await env.t.http.delete(`/api/credentials/${doomed}`).set(admin).expect(204);
  await dialog.getByRole('button', { name: 'Start scan' }).click();
  await visible(dialog.getByText(`credential ${doomed} does not exist`, { exact: true }));
  // the pick, once the list is loaded again, says what the refusal is about
  await visible(dialog.getByText(`credential ${doomed} (deleted)`, { exact: true }));
  await page.keyboard.press('Escape');

  // a saved range whose credential was deleted, opened for editing: not a bare number among the picks
  const gone = await credential('range gone v2c');
  const range = (await env.t.http.post('/api/discovery/schedules').set(admin).send({ name: 'Range with a deleted credential', targets: [`${net}.51`], credentialIds: [kept, gone], cron: '0 2 * * *', timezone: 'UTC' }).expect(201)).body.id as number;
  await env.t.http.delete(`/api/credentials/${gone}`).set(admin).expect(204);
  await page.goto(`/discovery?tab=ranges&form=range&edit=${range}`);
  const edit = page.getByRole('dialog', { name: 'Edit saved range' });
  await visible(edit.getByText('range v2c (snmp-v2c)', { exact: true }));
  await visible(edit.getByText(`credential ${gone} (deleted)`, { exact: true }));
});

it('the next scan of a saved range says which time zone it is shown in, beside a cron read in another', async () => {
  const cred = await credential('berlin v2c');
  const range = (await env.t.http.post('/api/discovery/schedules').set(admin).send({ name: 'Berlin nightly', targets: [`${net}.60`], credentialIds: [cred], cron: '0 2 * * *', timezone: 'Europe/Berlin' }).expect(201)).body as { nextRunAt: string };
  // a technician in New York: 02:00 in Berlin is the evening before, and the page must say whose evening
  const ctx = await env.browser.newContext({ baseURL: env.baseUrl, viewport: { width: 1280, height: 860 }, timezoneId: 'America/New_York', locale: 'en-US' });
  try {
    const page = await ctx.newPage();
    await page.goto('/login');
    await page.getByLabel('User name').fill('discovery-tech');
    await page.getByLabel(/^Password/).fill(techPassword);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((u) => !u.pathname.startsWith('/login'));
    await page.goto('/discovery?tab=ranges');
    const row = page.getByRole('table', { name: 'Saved ranges' }).getByRole('row').filter({ hasText: 'Berlin nightly' });
    await visible(row);
    expect(await row.textContent()).toContain('0 2 * * * Europe/Berlin');
    const zone = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', timeZoneName: 'short' }).formatToParts(new Date(range.nextRunAt)).find((p) => p.type === 'timeZoneName')!.value;
    const hour = new Intl.DateTimeFormat('en-US', { timeZone: 'America/New_York', hour: '2-digit', minute: '2-digit' }).format(new Date(range.nextRunAt));
    const next = (await row.locator('td').nth(4).textContent())!.replace(/\s/g, ' ');
    expect(next).toContain(hour.replace(/\s/g, ' '));
    expect(next).toMatch(new RegExp(` ${zone}$`));
  } finally {
    await ctx.close();
  }
});

it('a device rescanned after the credential that found it was deleted says so, rather than seeming gone', async () => {
  const printer = new SnmpsimAgent('printer', `${net}.70`);
  await printer.start();
  try {
    const other = await credential('other v2c');
    const found = (await env.t.http.post('/api/credentials').set(admin).send({ name: 'printer v2c', kind: 'snmp-v2c', community: printer.credentials.community }).expect(201)).body.id as number;
    const scan = await scanToEnd(env.t.http, admin, { targets: [printer.address], credentialIds: [other, found], options: { timeoutMs: 1000, retries: 0 } });
    expect(scan.results).toEqual([expect.objectContaining({ status: 'identified' })]);
    await env.t.http.delete(`/api/credentials/${found}`).set(admin).expect(204);
    const page = await tech();
    await page.goto(`/devices/${scan.results[0].deviceId}`);
    await page.getByRole('button', { name: 'Rescan' }).click();
    await page.waitForURL((u) => /^\/discovery\/scans\/\d+$/.test(u.pathname));
    await visible(page.getByText('Rescan started without a deleted credential'));
    await visible(page.getByText(`Credential ${found} of the scan that identified this device was deleted since`, { exact: false }));
  } finally {
    await printer.stop();
  }
});

it('an address whose UDP 161 swallows every request reads as such, in words', async () => {
  // a firewall that drops: bound, never answering
  const dgram = await import('node:dgram');
  const sink = dgram.createSocket('udp4');
  await new Promise<void>((r) => sink.bind(161, `${net}.80`, r));
  try {
    const cred = await credential('silent v2c');
    const scans = await Promise.all([0, 2].map((retries) => scanToEnd(env.t.http, admin, { targets: [`${net}.80`], credentialIds: [cred], options: { timeoutMs: 300, retries } })));
    const page = await tech();
    // one try is "1 try", not "1 tries"
    for (const [scan, tries] of [[scans[0], '1 try'], [scans[1], '3 tries']] as const) {
      await page.goto(`/discovery/scans/${scan.id}`);
      const row = page.getByRole('table', { name: 'Results per address' }).getByRole('row').filter({ hasText: `${net}.80` });
      await visible(row.getByText(`no reply on UDP 161 (SNMP) within 300 ms × ${tries}`, { exact: true }));
    }
  } finally {
    sink.close();
  }
});

it('a saved range whose scan is running shows it ending, without a reload, and the firings it outlasted', async () => {
  const dgram = await import('node:dgram');
  const sink = dgram.createSocket('udp4');
  await new Promise<void>((r) => sink.bind(161, `${net}.90`, r));
  try {
    const cred = await credential('slow v2c');
    const range = (await env.t.http.post('/api/discovery/schedules').set(admin)
      .send({ name: 'Slow range', targets: [`${net}.90`], credentialIds: [cred], options: { timeoutMs: 30_000, retries: 0 }, cron: '0 2 * * *', timezone: 'UTC' }).expect(201)).body.id as number;
    // signed in first: on a loaded machine a login alone outlasted a 4 s scan, which then ended before the list opened
    const page = await tech();
    // on its schedule, or run by another technician; this one opens the list while it runs
    const scan = (await env.t.http.post(`/api/discovery/schedules/${range}/run`).set(admin).expect(202)).body.id as number;
    // its schedule fires twice meanwhile: skipped, and said in the row. The server's own tick
    // may hold the range's lock at the instant of a call, which then leaves the firing to the
    // next (CI, loaded, once counted one skip of two): fired until the range has moved past it
    for (let i = 0; i < 2; i++) {
      const due = new Date(Math.floor(Date.now() / 1000) * 1000 - 1000);
      await env.t.db.query('UPDATE scan_schedules SET next_run_at = ? WHERE id = ?', [due, range]);
      await until('the firing to be skipped', async () => {
        expect(await env.t.app.get(ScanSchedulesService).fireDue(new Date())).toEqual([]);
        const [{ next }] = (await env.t.db.query('SELECT next_run_at AS next FROM scan_schedules WHERE id = ?', [range])) as Array<{ next: Date }>;
        return new Date(next).getTime() !== due.getTime();
      }, 20_000);
    }
    await page.goto('/discovery?tab=ranges');
    const row = page.getByRole('table', { name: 'Saved ranges' }).getByRole('row').filter({ hasText: 'Slow range' });
    await visible(row.getByRole('link', { name: `Scan ${scan}` }));
    await visible(row.getByText(/^(queued|running)$/));
    await visible(row.getByText('2 scheduled scans skipped while it ran', { exact: true }));
    // and Run now says why it starts nothing
    await row.getByRole('button', { name: 'Run now: Slow range' }).click();
    await visible(page.getByRole('alert').filter({ hasText: 'The scan was not started' }).getByText(`Saved range "Slow range" is being scanned now (scan ${scan}`, { exact: false }));
    // the silent address takes its 30 s, the longest timeout allowed (CI, loaded, once took more
    // than 12 s from the scan's start to the Run now click, by when the scan had ended); then
    // the row says what the scan found, as the list of scans does
    await visible(row.getByText('0 devices found', { exact: true }), 60_000);
    await visible(row.getByText('2 scheduled scans skipped while it ran', { exact: true }));
  } finally {
    sink.close();
  }
}, 150_000);

it('a scan compared with the one before, filtered, a saved range and a refused form pass axe, light and dark', async () => {
  const cred = await credential('axe v2c');
  const body = { targets: [`${net}.100-102`], credentialIds: [cred], options: { timeoutMs: 300, retries: 0 } };
  await scanToEnd(env.t.http, admin, body);
  const second = await scanToEnd(env.t.http, admin, body);
  await env.t.http.post('/api/discovery/schedules').set(admin).send({ name: 'Axe range', ...body, cron: '0 2 * * *', timezone: 'UTC' }).expect(201);
  const page = await tech();
  const found: string[] = [];
  let dark = false;
  // every rule in light mode; in dark mode, the rules colours decide (the pages are the same)
  const check = async (what: string) => {
    await page.waitForTimeout(400); // Mantine's fade-ins would read as low contrast
    found.push(...(await axeViolations(page, dark ? COLOUR_RULES : undefined)).map((v) => `${what}: ${v}`));
  };
  for (const scheme of ['light', 'dark'] as const) {
    dark = scheme === 'dark';
    await page.emulateMedia({ colorScheme: scheme });
    // the comparison's heading under the page's, and a coloured filter chip ticked
    await page.goto(`/discovery/scans/${second.id}?status=refused`);
    await visible(page.getByTestId('scan-comparison'));
    await visible(page.getByRole('table', { name: 'Results per address' }).getByRole('row').filter({ hasText: `${net}.102` }));
    await check(`${scheme} scan ${second.id}, refused`);
    await page.goto('/discovery?tab=ranges');
    await visible(page.getByRole('table', { name: 'Saved ranges' }).getByRole('row').filter({ hasText: 'Axe range' }));
    await check(`${scheme} saved ranges`);
    await page.goto('/discovery?form=scan');
    const dialog = page.getByRole('dialog', { name: 'Start a scan' });
    await dialog.getByLabel('Targets').fill(`${net}.300`);
    await dialog.getByRole('combobox', { name: 'Credentials' }).or(dialog.getByRole('textbox', { name: 'Credentials' })).first().click();
    await page.getByRole('option', { name: 'axe v2c (snmp-v2c)' }).click();
    await page.keyboard.press('Tab');
    await dialog.getByRole('button', { name: 'Start scan' }).click();
    await visible(dialog.getByRole('alert'));
    await check(`${scheme} start a scan, refused`);
  }
  expect(found).toEqual([]);
}, 150_000); // 50 s in a whole run; past 60 s once when that run was loaded further

it('a device found over SNMP whose scans are no longer kept says so on Rescan, not that an agent or a person made it', async () => {
  // what retention leaves (TEKNISI_SCAN_RETENTION_DAYS): the device and its SNMP source, no scan
  const { deviceId } = await env.t.app.get(IngestService).ingest({
    source: 'snmp', identity: { hostname: 'old-switch', serial: `OLD-SW-${net}`, addresses: [`${net}.110`] }, device: { type: 'switch', platform: 'cisco-ios', vendor: 'Cisco' },
  });
  const page = await tech();
  await page.goto(`/devices/${deviceId}`);
  await page.getByRole('button', { name: 'Rescan' }).click();
  await visible(page.getByText('Rescan not started'));
  const note = page.locator('.mantine-Notification-root').filter({ hasText: 'Rescan not started' });
  expect(await note.textContent()).toContain(`No kept scan identified device ${deviceId} (old-switch)`);
  expect(await note.textContent()).not.toContain('known from its agent or by hand');
});

it('a saved range that names a deleted credential says so in the list, before its next scan fails on it', async () => {
  const kept = await credential('nightly v2c');
  const gone = await credential('nightly gone v2c');
  await env.t.http.post('/api/discovery/schedules').set(admin).send({ name: 'Nightly with a gone credential', targets: [`${net}.120`], credentialIds: [kept, gone], cron: '0 2 * * *', timezone: 'UTC' }).expect(201);
  await env.t.http.post('/api/discovery/schedules').set(admin).send({ name: 'Nightly all kept', targets: [`${net}.121`], credentialIds: [kept], cron: '0 2 * * *', timezone: 'UTC' }).expect(201);
  await env.t.http.delete(`/api/credentials/${gone}`).set(admin).expect(204);
  const page = await tech();
  await page.goto('/discovery?tab=ranges');
  const row = page.getByRole('table', { name: 'Saved ranges' }).getByRole('row').filter({ hasText: 'Nightly with a gone credential' });
  await visible(row.getByText(`Credential ${gone} was deleted: its scans fail until the range is edited.`, { exact: true }));
  expect(await page.getByRole('table', { name: 'Saved ranges' }).getByRole('row').filter({ hasText: 'Nightly all kept' }).getByText(/was deleted/).count()).toBe(0);
  expect(await axeViolations(page)).toEqual([]);
});
