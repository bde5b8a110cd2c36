// Discovery's rough edges a technician trips on, in a real Chromium against a real server and
// worker: a "Start scan" that cannot be pressed says why.
import * as crypto from 'node:crypto';
import type { Page } from 'playwright-core';
import { bearer } from '../support/app';
import { createUser, startUi, UiEnv, visible } from './support/ui';

const net = `127.96.${crypto.randomInt(1, 250)}`; // loopback addresses only
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
