// The SSH host keys tab in a real Chromium: a technician accepts the changed key a host offered
// from a dialog that shows the pinned and the offered fingerprints side by side; a key offered
// since the dialog opened is refused in the dialog, in words, and nothing changes; a viewer has
// no such button. Keys are pinned straight through the repository (no address is contacted).
import type { Page } from 'playwright-core';
import { HostKeysRepository } from '../../src/discovery/host-keys.repository';
import { bearer } from '../support/app';
import { axeViolations, createUser, startUi, UiEnv, visible } from './support/ui';

const HOST = '127.86.0.10';
const FP = {
  pinned: 'SHA256:Wq3rY1mE4mQ0sJ3b7kQ5m1vX2nH8cA9dF0gH1jK2lM3',
  offered: 'SHA256:Bx7pT0sU2vW4yZ6aC8eG0iK2mO4qS6uW8yA0cE2gI4k',
  since: 'SHA256:Cc1dE2fG3hI4jK5lM6nO7pQ8rS9tU0vW1xY2zA3bC4d',
};

let env: UiEnv;
let keys: HostKeysRepository;
let techPassword = '';
let viewerPassword = '';

beforeAll(async () => {
  env = await startUi();
  keys = env.t.app.get(HostKeysRepository);
  techPassword = await createUser(env, 'keys-tech', 'technician');
  viewerPassword = await createUser(env, 'keys-viewer', 'viewer');
  // pinned by a first scan, then a different key offered (and refused) by a later one
  await keys.verifier().verify(HOST, 22, 'ssh-ed25519', FP.pinned);
  await keys.verifier().verify(HOST, 22, 'ssh-ed25519', FP.offered);
}, 120_000);

afterAll(async () => {
  await env?.close();
});

afterEach(() => {
  expect(env.pageErrors).toEqual([]);
  expect(env.dialogs).toEqual([]);
});

const row = (page: Page) => page.getByRole('table', { name: 'SSH host keys' }).getByRole('row').filter({ hasText: HOST });
const pinnedNow = async () => (await env.t.http.get(`/api/discovery/host-keys?q=${HOST}`).set(bearer(env.t.adminToken)).expect(200)).body.items[0];

it('a viewer sees the changed key but no button to accept it', async () => {
  const page = await env.login('keys-viewer', viewerPassword);
  await page.goto(`/discovery?tab=host-keys&rejected=true&q=${HOST}`);
  await visible(row(page).getByText(FP.offered));
  expect(await row(page).getByRole('button').count()).toBe(0);
});

it('a technician accepts the offered key after comparing both fingerprints; a key offered meanwhile is refused in the dialog', async () => {
  const page = await env.login('keys-tech', techPassword);
  await page.goto(`/discovery?tab=host-keys&rejected=true&q=${HOST}`);
  await row(page).getByRole('button', { name: `Accept new key of ${HOST}:22` }).click();
  const dialog = page.getByRole('dialog', { name: `Accept the new host key of ${HOST}:22?` });
  await visible(dialog);
  expect(await dialog.getByTestId('pinned-fingerprint').textContent()).toBe(FP.pinned);
  expect(await dialog.getByTestId('offered-fingerprint').textContent()).toBe(FP.offered);
  expect(await dialog.textContent()).toMatch(/console/);
  expect(await axeViolations(page)).toEqual([]);

  // while the technician compares, the host (or someone in between) offers yet another key
  await keys.verifier().verify(HOST, 22, 'ssh-ed25519', FP.since);
  await dialog.getByRole('button', { name: 'Accept the new key' }).click();
  await visible(dialog.getByText(`is not the key ${HOST}:22 offered last (${FP.since})`, { exact: false }));
  expect(await pinnedNow()).toMatchObject({ fingerprint: FP.pinned, rejectedFingerprint: FP.since });
  await dialog.getByRole('button', { name: 'Keep it' }).click();
  await dialog.waitFor({ state: 'hidden' });

  // opened again, the dialog shows the key offered now; accepting it pins that one
  await page.reload();
  await row(page).getByRole('button', { name: `Accept new key of ${HOST}:22` }).click();
  await visible(dialog);
  expect(await dialog.getByTestId('offered-fingerprint').textContent()).toBe(FP.since);
  await dialog.getByRole('button', { name: 'Accept the new key' }).click();
  await visible(page.getByText('New host key accepted'));
  await visible(page.getByText('No host has offered a changed key.'));
  expect(await pinnedNow()).toMatchObject({ fingerprint: FP.since, rejectedFingerprint: null });
});
