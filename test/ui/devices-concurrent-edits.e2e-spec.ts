// A technician's edits that meet someone else's, in a real Chromium: the Edit device dialog sends
// the tags added and removed, not the list it opened with (which took off a tag a bulk edit added
// meanwhile), and keeps what was typed when the device is fetched again; a bulk tag that the
// database stops part-way says that not every device was changed and that trying again is safe
// (it said "No tags changed" after 2,000 devices had been).
import { bearer } from '../support/app';
import { makeDevice } from '../support/factories';
import { createUser, startUi, UiEnv, visible } from './support/ui';

let env: UiEnv;
let password: string;

beforeAll(async () => {
  env = await startUi();
  password = await createUser(env, 'edits-tech', 'technician');
}, 120_000);

afterAll(async () => {
  await env?.close();
});

afterEach(() => {
  expect(env.pageErrors).toEqual([]);
  expect(env.dialogs).toEqual([]);
});

const tagsOf = async (id: number): Promise<string[]> => (await env.t.http.get(`/api/devices/${id}`).set(bearer(env.t.adminToken))).body.tags;

it('Edit device keeps a tag added meanwhile by a bulk edit, and what was typed when the device is fetched again', async () => {
  const id = await makeDevice(env.t.db, { hostname: 'edit-me', tags: ['bench'] });
  const page = await env.login('edits-tech', password);
  await page.clock.install();
  await page.goto(`/devices/${id}`);
  await page.getByRole('button', { name: 'Edit device' }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit device' });
  await dialog.getByRole('textbox', { name: 'Location' }).fill('Lab 3');
  await dialog.getByLabel('Tags', { exact: true }).fill('rack-9');
  await dialog.getByLabel('Tags', { exact: true }).press('Enter');

  // another technician tags every device that needs it, while the dialog is open
  await env.t.http.patch('/api/devices').set(bearer(env.t.adminToken)).send({ ids: [id], addTags: ['needs-upgrade'] }).expect(200);
  // the window is focused again once the device's data is stale: the page fetches it again
  await page.clock.fastForward('00:30');
  await page.evaluate(() => (globalThis as unknown as EventTarget).dispatchEvent(new Event('visibilitychange')));
  await visible(page.getByRole('region', { name: 'Where and who' }).getByText('needs-upgrade'));
  expect(await dialog.getByRole('textbox', { name: 'Location' }).inputValue()).toBe('Lab 3');
  await visible(dialog.getByText('rack-9'));

  await dialog.getByRole('button', { name: 'Save' }).click();
  await dialog.waitFor({ state: 'hidden' });
  expect(await tagsOf(id)).toEqual(['bench', 'needs-upgrade', 'rack-9']);
  const history = (await env.t.http.get(`/api/devices/${id}/history?kind=field`).set(bearer(env.t.adminToken))).body.items as Array<{ action: string; subject: string; actor: string }>;
  expect(history.filter((h) => h.actor === 'edits-tech').map((h) => `${h.action} ${h.subject}`).sort()).toEqual(['added location', 'added tag rack-9']);
});

it('a bulk tag stopped part-way says how far it got and that trying again is safe; trying again tags the rest', async () => {
  const db = env.t.db;
  await db.query(
    `INSERT INTO devices (hostname, type, platform, status, location, first_seen, last_seen, created_at, updated_at)
     SELECT CONCAT('stop-', LPAD(seq, 4, '0')), 'workstation', 'linux', 'active', 'bulk-stop', UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), UTC_TIMESTAMP(3), UTC_TIMESTAMP(3)
     FROM seq_1_to_2001`,
  );
  const [{ last }] = await db.query(`SELECT MAX(id) AS last FROM devices WHERE location = 'bulk-stop'`);
  // the database refuses the last device's tag: the second batch of 2,000 fails, the first is kept
  await db.query(`CREATE TRIGGER stop_the_bulk BEFORE INSERT ON device_tags FOR EACH ROW
    IF NEW.device_id = ${Number(last)} THEN SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused for the test'; END IF`);
  try {
    const page = await env.login('edits-tech', password);
    await page.goto('/devices?location=bulk-stop&limit=25');
    await page.getByRole('checkbox', { name: 'Select all on this page' }).click();
    const bar = page.getByRole('region', { name: 'Selected devices' });
    await bar.getByRole('button', { name: 'Select all 2,001 matching this filter' }).click();
    await bar.getByRole('button', { name: 'Add tags…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add tags: all 2,001 devices matching this filter' });
    await dialog.getByLabel('Tags to add', { exact: true }).fill('refreshed');
    await dialog.getByLabel('Tags to add', { exact: true }).press('Enter');
    await dialog.getByRole('button', { name: 'Add tags' }).click();
    const alert = dialog.getByRole('alert');
    await visible(alert.getByText('Not every device may have been changed: trying again is safe'));
    await visible(alert.getByText(/^Only 2,000 of the 2,001 devices were done \(2,000 of them changed\) before an error stopped the edit/));
    const [{ n }] = await db.query(`SELECT COUNT(*) AS n FROM device_tags WHERE tag = 'refreshed'`);
    expect(Number(n)).toBe(2000);

    await db.query('DROP TRIGGER stop_the_bulk');
    await dialog.getByRole('button', { name: 'Add tags' }).click();
    await visible(page.getByText('“refreshed” added to 1 of 2,001 devices; the other 2,000 already had it.'));
  } finally {
    await db.query('DROP TRIGGER IF EXISTS stop_the_bulk');
  }
});
