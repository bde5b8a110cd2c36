// A software title's page in a real Chromium: the version a technician picks goes with "Show in
// device list" (which showed every device with the title, so that tagging "all matching" tagged
// them all), and "(none)", the title installed without a version, is a filter of its own (it
// was dropped from the URL, which then filtered nothing).
import type { Page } from 'playwright-core';
import { bearer } from '../support/app';
import { installSoftware, makeDevice } from '../support/factories';
import { createUser, startUi, UiEnv, visible } from './support/ui';

let env: UiEnv;
let firefox: number;
let password: string;

beforeAll(async () => {
  env = await startUi();
  const db = env.t.db;
  const old = await makeDevice(db, { hostname: 'ff-old' });
  const both = await makeDevice(db, { hostname: 'ff-both' });
  const current = await makeDevice(db, { hostname: 'ff-current' });
  const none = await makeDevice(db, { hostname: 'ff-none' });
  firefox = await installSoftware(db, old, 'Mozilla Firefox', '99.0', 'Mozilla');
  await installSoftware(db, both, 'Mozilla Firefox', '99.0', 'Mozilla');
  await installSoftware(db, both, 'Mozilla Firefox', '128.0', 'Mozilla');
  await installSoftware(db, current, 'Mozilla Firefox', '128.0', 'Mozilla');
  await installSoftware(db, none, 'Mozilla Firefox', '', 'Mozilla');
  password = await createUser(env, 'versions-tech', 'technician');
}, 120_000);

afterAll(async () => {
  await env?.close();
});

afterEach(() => {
  expect(env.pageErrors).toEqual([]);
  expect(env.dialogs).toEqual([]);
});

/** Waits until a grid shows exactly these rows (link texts), in order. */
async function expectNames(page: Page, table: string, expected: string[]): Promise<void> {
  const t = page.getByRole('table', { name: table, exact: true });
  const deadline = Date.now() + 10_000;
  let names: string[] = [];
  while (Date.now() < deadline) {
    if (await t.and(page.locator(':not([aria-busy])')).count()) {
      names = await t.locator('tbody tr td a').allTextContents();
      if (JSON.stringify(names) === JSON.stringify(expected)) return;
    }
    await page.waitForTimeout(100);
  }
  expect(names).toEqual(expected);
}

async function taggedHostnames(tag: string): Promise<string[]> {
  const res = await env.t.http.get('/api/devices').query({ tag }).set(bearer(env.t.adminToken));
  return (res.body.items as Array<{ hostname: string }>).map((d) => d.hostname).sort();
}

it('"Show in device list" keeps the version picked: the badge names it, and tagging every row tags those devices only', async () => {
  const page = await env.login('versions-tech', password);
  await page.goto(`/software/${firefox}`);
  await expectNames(page, 'Devices with this title', ['ff-both', 'ff-current', 'ff-none', 'ff-old']);
  await page.getByRole('button', { name: 'Version 99.0 on 2 devices' }).click();
  await page.waitForURL((u) => u.searchParams.get('version') === '99.0');
  await expectNames(page, 'Devices with this title', ['ff-both', 'ff-old']);

  await page.getByRole('link', { name: 'Show in device list' }).click();
  await page.waitForURL((u) => u.pathname === '/devices' && u.searchParams.get('softwareVersion') === '99.0');
  await visible(page.getByRole('status').getByText('Has Mozilla Firefox 99.0'));
  await expectNames(page, 'Devices', ['ff-both', 'ff-old']);
  await page.getByRole('checkbox', { name: 'Select all on this page' }).click();
  const bar = page.getByRole('region', { name: 'Selected devices' });
  await bar.getByRole('button', { name: 'Add tags…' }).click();
  const dialog = page.getByRole('dialog', { name: /^Add tags/ });
  await dialog.getByLabel('Tags to add', { exact: true }).fill('needs-upgrade');
  await dialog.getByLabel('Tags to add', { exact: true }).press('Enter');
  await dialog.getByRole('button', { name: 'Add tags' }).click();
  await visible(page.getByText('“needs-upgrade” added to 2 devices.'));
  expect(await taggedHostnames('needs-upgrade')).toEqual(['ff-both', 'ff-old']);

  // the way out takes the title and its version off together
  await page.getByRole('button', { name: 'Stop filtering by Mozilla Firefox 99.0' }).click();
  await page.waitForURL((u) => !u.searchParams.has('softwareId') && !u.searchParams.has('softwareVersion'));
});

it('"(none)" lists the devices with the title but no version, after a reload too, and in the device list', async () => {
  const page = await env.login('versions-tech', password);
  await page.goto(`/software/${firefox}`);
  await page.getByRole('button', { name: 'Version (none) on 1 device' }).click();
  await page.waitForURL((u) => u.searchParams.get('noVersion') === '1');
  await expectNames(page, 'Devices with this title', ['ff-none']);
  expect(await page.getByRole('button', { name: 'Version (none) on 1 device' }).getAttribute('aria-pressed')).toBe('true');
  await page.reload();
  await expectNames(page, 'Devices with this title', ['ff-none']);
  expect(await page.getByRole('combobox', { name: 'Version' }).inputValue()).toBe('(none) (1)');

  await page.getByRole('link', { name: 'Show in device list' }).click();
  await page.waitForURL((u) => u.pathname === '/devices' && u.searchParams.get('softwareNoVersion') === '1');
  await visible(page.getByRole('status').getByText('Has Mozilla Firefox (no version)'));
  await expectNames(page, 'Devices', ['ff-none']);

  // picking it again (or "Any version" in the list) shows every holder
  await page.goto(`/software/${firefox}?noVersion=1`);
  await page.getByRole('button', { name: 'Version (none) on 1 device' }).click();
  await page.waitForURL((u) => !u.searchParams.has('noVersion'));
  await expectNames(page, 'Devices with this title', ['ff-both', 'ff-current', 'ff-none', 'ff-old']);
});
