// The SPA's frame in a real Chromium: sign-in, deep links that survive the sign-in, the
// global search, dark mode, the navigation from the keyboard, errors in words, and what the
// server sends with the page.
import { createUser, screenshot, startUi, UiEnv, visible, ADMIN_PASSWORD } from './support/ui';

let env: UiEnv;
beforeAll(async () => {
  env = await startUi();
});
afterAll(async () => {
  await env?.close();
});
afterEach(() => {
  expect(env.pageErrors).toEqual([]);
});

it('a wrong password is refused in words, and the right one opens the dashboard', async () => {
  const page = await env.newPage();
  await page.goto('/');
  await page.waitForURL(/\/login\?next=%2F$/);
  await screenshot(page, 'login');
  await page.getByLabel('User name').fill('admin');
  await page.getByLabel(/^Password/).fill('not-the-password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  const alert = await visible(page.getByRole('alert'));
  expect(await alert.textContent()).toMatch(/Sign-in failed.*(invalid|wrong|incorrect)/i);
  await page.getByLabel(/^Password/).fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${env.baseUrl}/`);
  await visible(page.getByRole('heading', { level: 1, name: 'Dashboard' }));
});

it('a deep link opened signed out comes back to the same view after sign-in', async () => {
  const page = await env.newPage();
  await page.goto('/devices?q=web&sort=-lastSeen');
  await page.waitForURL(/\/login\?next=/);
  await page.getByLabel('User name').fill('admin');
  await page.getByLabel(/^Password/).fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${env.baseUrl}/devices?q=web&sort=-lastSeen`);
});

it('a next= pointing at another site is ignored (no open redirect)', async () => {
  const page = await env.newPage();
  await page.goto('/login?next=//evil.example/x');
  await page.getByLabel('User name').fill('admin');
  await page.getByLabel(/^Password/).fill(ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${env.baseUrl}/`);
});

it('"/" focuses the search box and Enter searches the devices', async () => {
  const page = await env.login('admin', ADMIN_PASSWORD);
  // out of any field, as a person clicks on the page: on its heading, not the middle of <main>,
  // which on a loaded dashboard is a link (a device, the Devices card) that navigates away
  await page.getByRole('heading', { level: 1 }).click();
  await page.keyboard.press('/');
  const search = page.getByRole('textbox', { name: 'Search devices' });
  expect(await search.evaluate((el) => el === el.ownerDocument.activeElement)).toBe(true);
  await page.keyboard.type('openssh');
  await page.keyboard.press('Enter');
  await page.waitForURL(`${env.baseUrl}/devices?q=openssh`);
  // the query moved to the devices page's own box; the header's is empty for the next search
  expect(await search.inputValue()).toBe('');
  expect(await page.getByRole('textbox', { name: 'Search the device list' }).inputValue()).toBe('openssh');
});

it('dark mode switches and is remembered after a reload', async () => {
  const page = await env.login('admin', ADMIN_PASSWORD);
  const scheme = () => page.locator('html').getAttribute('data-mantine-color-scheme');
  const before = await scheme();
  await page.getByRole('button', { name: /Switch to (dark|light) mode/ }).click();
  const after = await scheme();
  expect(after).not.toBe(before);
  await page.reload();
  await visible(page.getByRole('navigation', { name: 'Main navigation' }));
  expect(await scheme()).toBe(after);
});

it('an unknown page says so; the API keeps answering JSON under /api', async () => {
  const page = await env.login('admin', ADMIN_PASSWORD);
  await page.goto('/no/such/page');
  await visible(page.getByRole('heading', { name: 'Page not found' }));
  const api = await env.t.http.get('/api/no-such-thing').set('Authorization', `Bearer ${env.t.adminToken}`);
  expect(api.status).toBe(404);
  expect(api.headers['content-type']).toMatch(/json/);
});

it('the page is sent with a Content-Security-Policy that allows only its own scripts', async () => {
  const res = await env.t.http.get('/devices/42');
  expect(res.status).toBe(200);
  expect(res.text).toContain('<div id="root">');
  expect(res.headers['content-security-policy']).toContain("script-src 'self'");
  expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
});

it('signing out ends the session: the next page asks to sign in again', async () => {
  await createUser(env, 'shell-viewer', 'viewer');
  const page = await env.login('shell-viewer', 'shell-viewer-password-123');
  await page.getByRole('button', { name: 'Account: shell-viewer' }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await page.waitForURL(/\/login/);
  await page.goto('/devices');
  await page.waitForURL(/\/login\?next=%2Fdevices/);
});

it('the navigation\'s groups (Configs, Admin) are reached and opened from the keyboard', async () => {
  const page = await env.login('admin', ADMIN_PASSWORD);
  await page.goto('/');
  await visible(page.getByRole('heading', { level: 1, name: 'Dashboard' }));
  const nav = page.getByRole('navigation', { name: 'Main navigation' });
  const focusedText = () => page.evaluate(() => ((globalThis as unknown as { document: { activeElement: { textContent: string | null } | null } }).document.activeElement?.textContent ?? '').trim());
  // Tab from the top of the page, as a person without a mouse does, until Admin has the focus
  let reached = false;
  for (let i = 0; i < 20 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = (await focusedText()) === 'Admin';
  }
  expect(reached).toBe(true);
  await visible(nav.getByRole('button', { name: 'Admin' }));
  await page.keyboard.press('Enter');
  await visible(nav.getByRole('link', { name: 'Audit log' }));
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  await page.waitForURL(`${env.baseUrl}/admin/users`);
});
