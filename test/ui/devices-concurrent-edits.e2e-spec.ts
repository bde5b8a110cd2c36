// A technician's edits that meet someone else's, in a real Chromium: the Edit device dialog sends
// the tags added and removed, not the list it opened with (which took off a tag a bulk edit added
// meanwhile), and keeps what was typed when the device is fetched again.
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
