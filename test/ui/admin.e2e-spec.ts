// The admin pages in a real Chromium: users created with a role (a bad form names its field)
// who then sign in with it; a credential whose secrets never come back — not in the page's HTML,
// not in any API response the browser receives; a personal API token shown once, working, then
// revoked; an agent enrollment token with its install steps, used by a report and revoked; the audit log listing all of it with its filters in the URL; what a technician
// and a viewer are (not) shown; and an SNMPv3 credential lowered a level dropping what it no longer uses.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page, Response } from 'playwright-core';
import { bearer } from '../support/app';
import { ADMIN_PASSWORD, createUser, screenshot, startUi, UiEnv, visible } from './support/ui';

jest.setTimeout(120_000);

const SECRET = 'Zq7-ui-ssh-secret-Lk2v9';
const SUDO_SECRET = 'Wp4-ui-sudo-secret-Hx8m1';
const TECH = { username: 'ui-tech', password: 'ui-tech-password-42' };

let env: UiEnv;
let admin: Page;
/** every API response body any page of this spec received */
const bodies: Array<Promise<string>> = [];

function record(page: Page): Page {
  page.on('response', (r: Response) => {
    if (new URL(r.url()).pathname.startsWith('/api/')) bodies.push(r.text().catch(() => ''));
  });
  return page;
}

beforeAll(async () => {
  env = await startUi();
  admin = record(await env.login('admin', ADMIN_PASSWORD));
});

afterAll(async () => {
  await env?.close();
});

afterEach(() => {
  expect(env.pageErrors).toEqual([]);
});

it('an admin creates a user with a role (a bad form names its field), and the user signs in with it', async () => {
  await admin.goto('/admin/users');
  await visible(admin.getByRole('heading', { level: 1, name: 'Users' }));
  await admin.getByRole('button', { name: 'New user' }).click();
  await admin.waitForURL(/new=1/);
  const dialog = admin.getByRole('dialog', { name: 'New user' });
  await dialog.getByRole('textbox', { name: 'User name', exact: true }).fill(TECH.username);
  await dialog.getByRole('textbox', { name: 'Password', exact: true }).fill('short');
  await dialog.getByRole('combobox', { name: 'Role' }).click();
  await admin.getByRole('option', { name: /^Technician/ }).click();
  await dialog.getByRole('button', { name: 'Create user' }).click();
  // the server's 400 names the field: under the field itself, once; the alert points there
  const alert = await visible(dialog.getByRole('alert'));
  expect(await alert.textContent()).toBe('The user was not createdSee the message under Password.');
  const describedBy = (await dialog.getByRole('textbox', { name: 'Password', exact: true }).getAttribute('aria-describedby')) ?? '';
  const errorId = describedBy.split(' ').find((id) => id.endsWith('-error'));
  expect(errorId).toBeTruthy();
  expect(await admin.locator(`[id="${errorId}"]`).textContent()).toMatch(/password must be longer than or equal to 12 characters/);

  await dialog.getByRole('textbox', { name: 'Password', exact: true }).fill(TECH.password);
  await dialog.getByRole('button', { name: 'Create user' }).click();
  await visible(admin.getByText(`${TECH.username} may sign in as technician.`));
  const row = admin.getByRole('table', { name: 'Users' }).getByRole('row', { name: new RegExp(TECH.username) });
  expect(await row.getByRole('combobox', { name: `Role of ${TECH.username}` }).inputValue()).toBe('Technician');

  const page = await env.login(TECH.username, TECH.password);
  await page.getByRole('button', { name: `Account: ${TECH.username}` }).click();
  await visible(page.getByText(`${TECH.username} · technician`));
  // their last sign-in, as text: how long ago and the exact minute (a hover-only tooltip before)
  await admin.reload();
  const { lastLoginAt } = ((await env.t.http.get('/api/users').set(bearer(env.t.adminToken)).expect(200)).body.items as Array<{ username: string; lastLoginAt: string }>).find((u) => u.username === TECH.username)!;
  const exact = await admin.evaluate((at) => new Date(at).toLocaleString(undefined, { month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit' }), lastLoginAt);
  expect(await row.locator('time').innerText()).toBe(`just now\n${exact}`);
});

it('an admin changes a user\'s role, disables and deletes them, confirming each destructive step', async () => {
  await createUser(env, 'ui-temp', 'viewer');
  await admin.goto('/admin/users');
  const row = admin.getByRole('table', { name: 'Users' }).getByRole('row', { name: /ui-temp/ });
  await row.getByRole('combobox', { name: 'Role of ui-temp' }).click();
  await admin.getByRole('option', { name: 'Technician' }).click();
  // a role change signs the user out: it waits for a confirmation (before, it was saved on the pick)
  const confirmRole = admin.getByRole('dialog', { name: 'Make ui-temp technician?' });
  await visible(confirmRole.getByText('ui-temp goes from viewer to technician. They are signed out everywhere'));
  expect(((await env.t.http.get('/api/users').set(bearer(env.t.adminToken))).body.items as Array<{ username: string; role: string }>).find((u) => u.username === 'ui-temp')!.role).toBe('viewer');
  await confirmRole.getByRole('button', { name: 'Change role' }).click();
  await visible(admin.getByText('ui-temp is now technician.'));
  // an admin's own role is another admin's to change
  expect(await admin.getByRole('table', { name: 'Users' }).getByRole('row', { name: /\(you\)/ }).getByRole('combobox', { name: /^Role of / }).isDisabled()).toBe(true);

  await row.getByRole('button', { name: 'Disable ui-temp' }).click();
  await admin.getByRole('dialog', { name: 'Disable ui-temp?' }).getByRole('button', { name: 'Disable' }).click();
  // the server's answer to the change, then the grid refetched with it
  await visible(admin.getByText('ui-temp is disabled and signed out'));
  await visible(row.getByText('disabled', { exact: true }));
  const login = await env.t.http.post('/api/auth/login').send({ username: 'ui-temp', password: 'ui-temp-password-123' });
  expect(login.status).toBe(401);
  await admin.reload(); // the picture without the notifications
  await visible(row.getByText('disabled'));
  await screenshot(admin, 'admin-users');

  await row.getByRole('button', { name: 'Delete ui-temp' }).click();
  await admin.getByRole('dialog', { name: 'Delete ui-temp?' }).getByRole('button', { name: 'Delete the user' }).click();
  await visible(admin.getByText('ui-temp is deleted.'));
  expect(await admin.getByRole('table', { name: 'Users' }).getByRole('row', { name: /ui-temp/ }).count()).toBe(0);
});

it('a credential\'s secrets never come back: not in the page\'s HTML, not in any API response', async () => {
  await admin.goto('/admin/credentials');
  await admin.getByRole('button', { name: 'New credential' }).click();
  let dialog = admin.getByRole('dialog', { name: 'New credential' });
  // a bad SNMPv3 key first: the 400 names the field under it
  await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('ui snmp v3');
  await dialog.getByRole('combobox', { name: 'Kind' }).click();
  await admin.getByRole('option', { name: 'SNMP v3' }).click();
  await dialog.getByRole('textbox', { name: 'User name', exact: true }).fill('monitor');
  await dialog.getByRole('textbox', { name: 'Auth key', exact: true }).fill('short');
  await dialog.getByRole('textbox', { name: 'Privacy key', exact: true }).fill('long-enough-priv');
  await dialog.getByRole('button', { name: 'Create credential' }).click();
  expect(await (await visible(dialog.getByRole('alert'))).textContent()).toBe('The credential was not savedSee the message under Auth key.');
  const errorId = ((await dialog.getByRole('textbox', { name: 'Auth key', exact: true }).getAttribute('aria-describedby')) ?? '').split(' ').find((id) => id.endsWith('-error'));
  expect(await admin.locator(`[id="${errorId}"]`).textContent()).toMatch(/authKey must be longer than or equal to 8 characters/);
  // another kind: that refusal was about the other kind's fields, and goes with them
  await dialog.getByRole('combobox', { name: 'Kind' }).click();
  await admin.getByRole('option', { name: 'SNMP v2c' }).click();
  await dialog.getByRole('alert').waitFor({ state: 'detached' });
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  await admin.getByRole('button', { name: 'New credential' }).click();
  dialog = admin.getByRole('dialog', { name: 'New credential' });
  await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('ui branch routers');
  await dialog.getByRole('textbox', { name: 'User name', exact: true }).fill('netops');
  await dialog.getByRole('textbox', { name: 'Password', exact: true }).fill(SECRET);
  await dialog.getByRole('textbox', { name: 'Sudo password', exact: true }).fill(SUDO_SECRET);
  await dialog.getByRole('button', { name: 'Create credential' }).click();
  await visible(admin.getByText('ui branch routers (SSH) is ready to use.'));
  const row = admin.getByRole('table', { name: 'Credentials' }).getByRole('row', { name: /ui branch routers/ });
  expect(await row.textContent()).toMatch(/SSH.*netops.*port 22.*Password set.*Sudo password set/);
  await admin.reload(); // the picture without the closing dialog and the notification
  await visible(row);
  await screenshot(admin, 'admin-credentials');

  // an edit starts with every secret empty and "set" markers; leaving them empty keeps them
  await row.getByRole('button', { name: 'Edit ui branch routers' }).click();
  dialog = admin.getByRole('dialog', { name: 'Edit ui branch routers' });
  expect(await dialog.getByRole('textbox', { name: 'Password', exact: true }).inputValue()).toBe('');
  expect(await dialog.getByRole('textbox', { name: 'Sudo password', exact: true }).inputValue()).toBe('');
  await visible(dialog.getByText('set', { exact: true }).first());
  expect(await admin.content()).not.toContain(SECRET);
  await dialog.getByRole('textbox', { name: 'User name', exact: true }).fill('netops2');
  await dialog.getByRole('button', { name: 'Save credential' }).click();
  await visible(admin.getByText('ui branch routers (SSH) is updated.'));
  expect(await row.textContent()).toMatch(/netops2.*Password set.*Sudo password set/);

  const id = (await env.t.http.get('/api/credentials?q=ui branch').set(bearer(env.t.adminToken))).body.items[0].id;
  const stored = await env.t.http.get(`/api/credentials/${id}`).set(bearer(env.t.adminToken)).expect(200);
  expect(stored.body).toMatchObject({ username: 'netops2', hasPassword: true, hasSudoPassword: true });
  expect(stored.text).not.toContain(SECRET);

  await admin.reload();
  await visible(row);
  for (const secret of [SECRET, SUDO_SECRET]) {
    expect(await admin.content()).not.toContain(secret);
    for (const body of await Promise.all(bodies)) expect(body).not.toContain(secret);
  }
});

it('a personal API token is shown once with a copy button, works, and stops working once revoked', async () => {
  const page = record(await env.login(TECH.username, TECH.password));
  await page.goto('/admin/tokens');
  await page.getByRole('button', { name: 'New token' }).click();
  await page.getByRole('dialog', { name: 'New API token' }).getByRole('textbox', { name: 'Name', exact: true }).fill('ui nightly export');
  await page.getByRole('button', { name: 'Create token' }).click();
  const shown = page.getByRole('dialog', { name: 'Your new API token' });
  await visible(shown.getByText('This is the only time the token is shown.', { exact: false }));
  await visible(shown.getByRole('button', { name: 'Copy the token' }));
  const token = ((await shown.getByLabel('Token ui nightly export').textContent()) ?? '').trim();
  expect(token.length).toBeGreaterThan(20);
  const me = await env.t.http.get('/api/auth/me').set(bearer(token));
  expect(me.body).toMatchObject({ username: TECH.username, role: 'technician' });

  await shown.getByRole('button', { name: 'I have copied it' }).click();
  expect(await page.content()).not.toContain(token);
  const row = page.getByRole('table', { name: 'My API tokens' }).getByRole('row', { name: /ui nightly export/ });
  expect(await row.textContent()).toContain(`${token.slice(0, 6)}`);
  await page.reload();
  await visible(row);
  expect(await page.content()).not.toContain(token);
  await screenshot(page, 'admin-tokens');

  await row.getByRole('button', { name: 'Revoke ui nightly export' }).click();
  await page.getByRole('dialog', { name: 'Revoke "ui nightly export"?' }).getByRole('button', { name: 'Revoke the token' }).click();
  await visible(page.getByText('"ui nightly export" no longer works.'));
  await visible(page.getByText('You have no API tokens.'));
  expect((await env.t.http.get('/api/auth/me').set(bearer(token))).status).toBe(401);
});

it('an admin hands out an agent enrollment token: shown once with install steps for this server, used by a report, then revoked', async () => {
  await admin.goto('/admin/agents');
  await visible(admin.getByRole('heading', { level: 1, name: 'Agents' }));
  await visible(admin.getByText('No enrollment tokens yet', { exact: false }));
  // the scripts download from the server itself, byte for byte what agents/ holds
  const linux = admin.getByRole('link', { name: 'Linux agent (teknisi-agent.sh)' });
  expect(await linux.getAttribute('href')).toBe('/api/agents/scripts/linux');
  const script = await admin.request.get(`${env.baseUrl}/api/agents/scripts/windows`);
  expect(script.status()).toBe(200);
  expect((await script.body()).equals(fs.readFileSync(path.join(__dirname, '../../agents/windows/teknisi-agent.ps1')))).toBe(true);

  await admin.getByRole('button', { name: 'New enrollment token' }).click();
  await admin.waitForURL(/new=1/);
  const dialog = admin.getByRole('dialog', { name: 'New enrollment token' });
  await dialog.getByRole('textbox', { name: 'Name', exact: true }).fill('Office PCs (GPO)');
  await dialog.getByRole('textbox', { name: 'Reports per minute' }).fill('0');
  await dialog.getByRole('button', { name: 'Create token' }).click();
  // the server's 400 named under the field (the alert points there), and nothing created
  expect(await (await visible(dialog.getByRole('alert'))).textContent()).toBe('The token was not createdSee the message under Reports per minute.');
  const describedBy = (await dialog.getByRole('textbox', { name: 'Reports per minute' }).getAttribute('aria-describedby')) ?? '';
  const errorId = describedBy.split(' ').find((id) => id.endsWith('-error'));
  expect(errorId).toBeTruthy();
  expect(await admin.locator(`[id="${errorId}"]`).textContent()).toMatch(/reportsPerMinute must not be less than 1/);
  expect((await env.t.http.get('/api/agents/tokens').set(bearer(env.t.adminToken))).body.total).toBe(0);
  await dialog.getByRole('textbox', { name: 'Reports per minute' }).fill('60');
  await dialog.getByRole('button', { name: 'Create token' }).click();

  const shown = admin.getByRole('dialog', { name: 'Your new enrollment token' });
  const token = ((await (await visible(shown.getByLabel('Enrollment token Office PCs (GPO)'))).textContent()) ?? '').trim();
  expect(token).toMatch(/^tka_/);
  const linuxSteps = (await shown.getByLabel('Install on Linux').textContent()) ?? '';
  expect(linuxSteps).toContain(`curl -fsSLo teknisi-agent.sh ${env.baseUrl}/api/agents/scripts/linux`);
  expect(linuxSteps).toContain(`'${token}' | sudo tee /etc/teknisi/agent.token`);
  expect(linuxSteps).toContain(`--server ${env.baseUrl} --token-file /etc/teknisi/agent.token`);
  await shown.getByRole('tab', { name: 'Windows' }).click();
  const windowsSteps = (await shown.getByLabel('Install on Windows').textContent()) ?? '';
  expect(windowsSteps).toContain(`Invoke-WebRequest -UseBasicParsing ${env.baseUrl}/api/agents/scripts/windows`);
  expect(windowsSteps).toContain(`-Value '${token}'`);
  await screenshot(admin, 'admin-agents-token');

  // the token reports a machine, and nothing else
  const report = { agent: { name: 'teknisi-agent.sh', version: '1.0.0' }, identity: { hostname: 'ui-agent-pc', macs: ['3c:52:82:aa:bb:cc'] }, software: [{ name: 'curl', version: '7.88.1' }] };
  const sent = await env.t.http.post('/api/inventory/reports').set(bearer(token)).send(report);
  expect(sent.status).toBe(200);
  expect(sent.body.created).toBe(true);
  expect((await env.t.http.get('/api/devices').set(bearer(token))).status).toBe(401);

  await shown.getByRole('button', { name: 'I have copied it' }).click();
  await admin.reload();
  const row = admin.getByRole('table', { name: 'Enrollment tokens' }).getByRole('row', { name: /Office PCs \(GPO\)/ });
  await visible(row);
  expect(await admin.content()).not.toContain(token);
  const cells = (await row.textContent()) ?? '';
  expect(cells).toContain(token.slice(0, 8));
  expect(cells).toContain('Active');
  expect(cells).toContain('60');
  // its last report is known (columns: name, starts with, state, rate, created, expires, last report)
  expect(await row.getByRole('cell').nth(5).textContent()).toBe('never');
  // as text, how long ago and the exact minute (they were a hover-only tooltip)
  const { lastUsedAt } = (await env.t.http.get('/api/agents/tokens').set(bearer(env.t.adminToken)).expect(200)).body.items[0] as { lastUsedAt: string };
  const exact = await admin.evaluate((at) => new Date(at).toLocaleString(undefined, { month: 'short', day: '2-digit', hour: '2-digit', minute: '2-digit' }), lastUsedAt);
  expect(await row.getByRole('cell').nth(6).innerText()).toBe(`just now\n${exact}`);
  await screenshot(admin, 'admin-agents');

  await row.getByRole('button', { name: 'Revoke Office PCs (GPO)' }).click();
  await admin.getByRole('dialog', { name: 'Revoke "Office PCs (GPO)"?' }).getByRole('button', { name: 'Revoke the token' }).click();
  await visible(admin.getByText('Agents using "Office PCs (GPO)" are refused from now on.'));
  await visible(row.getByText('Revoked'));
  expect(await row.getByRole('button', { name: /^Revoke/ }).count()).toBe(0);
  expect((await env.t.http.post('/api/inventory/reports').set(bearer(token)).send(report)).status).toBe(401);
});

it('the audit log lists those actions, with filters in the URL', async () => {
  await admin.goto('/admin/audit');
  const table = admin.getByRole('table', { name: 'Audit log' });
  await visible(table.getByRole('row', { name: /token\.revoke/ }));
  const text = await table.textContent();
  for (const action of ['user.create', 'user.update', 'user.delete', 'credential.create', 'credential.update', 'token.create', 'token.revoke', 'agent-token.create', 'agent-token.revoke', 'auth.login']) expect(text).toContain(action);
  expect(await table.getByRole('row', { name: new RegExp(`token\\.create.*${TECH.username}|${TECH.username}.*token\\.create`) }).count()).toBe(1);

  // the suggestions are every action the server records (GET /api/audit/actions), the merge dialog's and saved ranges' too
  await admin.getByRole('combobox', { name: 'Action' }).fill('device.distinct');
  await visible(admin.getByRole('option', { name: 'device.distinct.remove' }));
  await admin.getByRole('combobox', { name: 'Action' }).fill('scan-schedule');
  await visible(admin.getByRole('option', { name: 'scan-schedule.run' }));
  await admin.getByRole('combobox', { name: 'Object type' }).fill('saved');
  await visible(admin.getByRole('option', { name: 'saved-filter' }));
  await admin.getByRole('combobox', { name: 'Object type' }).fill('');
  await admin.getByRole('combobox', { name: 'Action' }).fill('credential.create');
  await admin.waitForURL(/action=credential\.create/);
  // the table follows the filter: only creations of credentials (a 400 is not a change: not audited)
  let rows: string[] = [];
  for (const end = Date.now() + 10_000; Date.now() < end; await admin.waitForTimeout(100)) {
    rows = (await table.getByRole('row').allTextContents()).slice(1);
    if (rows.length > 0 && rows.every((r) => r.includes('credential.create'))) break;
  }
  expect(rows).toEqual([expect.stringMatching(/credential\.create.*credential #\d+.*201/)]);
  await admin.reload();
  await visible(table.getByRole('row', { name: /credential #\d+/ }));
  expect(await admin.getByRole('combobox', { name: 'Action' }).inputValue()).toBe('credential.create');
  expect(await admin.content()).not.toContain(SECRET);

  await admin.goto(`/admin/audit?username=${TECH.username}&until=2000-01-01T00:00`);
  await visible(admin.getByText('Nothing matches these filters.'));
  await admin.goto(`/admin/audit?username=${TECH.username}`);
  await visible(table.getByRole('row', { name: /token\.create/ }));
  expect(await admin.getByRole('textbox', { name: 'User', exact: true }).inputValue()).toBe(TECH.username);
  await screenshot(admin, 'admin-audit');
});

it('a technician sees no Users, Agents or Audit log in the navigation and is told "Not allowed" there; a viewer is on credentials', async () => {
  const page = await env.login(TECH.username, TECH.password);
  const nav = page.getByRole('navigation', { name: 'Main navigation' });
  await nav.getByText('Admin', { exact: true }).click();
  await visible(nav.getByRole('link', { name: 'Credentials' }));
  await visible(nav.getByRole('link', { name: 'API tokens' }));
  expect(await nav.getByRole('link', { name: 'Users' }).count()).toBe(0);
  expect(await nav.getByRole('link', { name: 'Audit log' }).count()).toBe(0);
  expect(await nav.getByRole('link', { name: 'Agents' }).count()).toBe(0);

  for (const path of ['/admin/users', '/admin/audit', '/admin/agents']) {
    await page.goto(path);
    const alert = await visible(page.getByRole('alert'));
    expect(await alert.textContent()).toMatch(/^Not allowed/);
  }
  // technicians read the credentials (to pick one) but change none
  await page.goto('/admin/credentials');
  await visible(page.getByRole('table', { name: 'Credentials' }).getByRole('row', { name: /ui branch routers/ }));
  for (const name of ['New credential', /^Edit/, /^Delete/]) expect(await page.getByRole('button', { name }).count()).toBe(0);

  await createUser(env, 'ui-viewer', 'viewer');
  const viewer = await env.login('ui-viewer', 'ui-viewer-password-123');
  await viewer.goto('/admin/credentials');
  expect(await (await visible(viewer.getByRole('alert'))).textContent()).toMatch(/^Not allowed/);
  await viewer.goto('/admin/tokens');
  await visible(viewer.getByRole('button', { name: 'New token' }));
  // the Admin menu offers a viewer only what a viewer may open, and /admin lands there
  const viewerNav = viewer.getByRole('navigation', { name: 'Main navigation' });
  await viewer.goto('/');
  await viewerNav.getByText('Admin', { exact: true }).click();
  await visible(viewerNav.getByRole('link', { name: 'API tokens' }));
  expect(await viewerNav.getByRole('link', { name: 'Credentials' }).count()).toBe(0);
  await viewer.goto('/admin');
  await viewer.waitForURL((u) => u.pathname === '/admin/tokens');

  // a page past the last (a bookmark of a list that has shrunk) goes to the last page there is
  await page.goto('/admin/credentials?page=7');
  await page.waitForURL((u) => u.searchParams.get('page') === '1' || !u.searchParams.has('page'));
  await visible(page.getByRole('table', { name: 'Credentials' }).getByRole('row', { name: /ui branch routers/ }));
});

// last: its credential.create would be a second one in the audit log's filter above
it('an SNMPv3 credential edited down to authNoPriv loses its privacy key and protocol, and shows neither field', async () => {
  const token = bearer(env.t.adminToken);
  const id = (await env.t.http.post('/api/credentials').set(token).send({
    name: 'ui v3 core', kind: 'snmp-v3', username: 'monitor', securityLevel: 'authPriv', authProtocol: 'SHA-256', authKey: 'ui-auth-key-1234', privProtocol: 'AES-128', privKey: 'ui-priv-key-1234',
  }).expect(201)).body.id;
  await admin.goto('/admin/credentials');
  await admin.getByRole('table', { name: 'Credentials' }).getByRole('row', { name: /ui v3 core/ }).getByRole('button', { name: 'Edit ui v3 core' }).click();
  const dialog = admin.getByRole('dialog', { name: 'Edit ui v3 core' });
  await visible(dialog.getByRole('textbox', { name: 'Privacy key', exact: true }));
  await dialog.getByRole('combobox', { name: 'Security level' }).click();
  await admin.getByRole('option', { name: 'authNoPriv', exact: true }).click();
  await dialog.getByRole('textbox', { name: 'Privacy key', exact: true }).waitFor({ state: 'detached' });
  expect(await dialog.getByRole('combobox', { name: 'Privacy protocol' }).count()).toBe(0);
  await dialog.getByRole('button', { name: 'Save credential' }).click();
  await visible(admin.getByText('ui v3 core (SNMP v3) is updated.'));
  const stored = (await env.t.http.get(`/api/credentials/${id}`).set(token).expect(200)).body;
  expect(stored).toMatchObject({ securityLevel: 'authNoPriv', authProtocol: 'SHA-256', hasAuthKey: true, hasPrivKey: false });
  expect(stored.privProtocol ?? null).toBeNull();
});
