// HTTPS straight from Teknisi: TEKNISI_TLS_CERT and TEKNISI_TLS_KEY, and the session cookie
// marked Secure when the connection is.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ADMIN_PASSWORD, createTestApp, TestApp } from './support/app';

describe('HTTPS', () => {
  let t: TestApp;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'teknisi-tls-'));
    execFileSync('openssl', [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
      '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'),
    ], { stdio: 'ignore' });
    t = await createTestApp({ env: { TEKNISI_TLS_CERT: path.join(dir, 'cert.pem'), TEKNISI_TLS_KEY: path.join(dir, 'key.pem') } });
  });
  afterAll(async () => {
    await t?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('serves the API over TLS and marks the session cookie Secure', async () => {
    const health = await t.http.get('/api/health').disableTLSCerts();
    expect(health.status).toBe(200);
    expect(health.request.url).toMatch(/^https:/);
    const login = await t.http.post('/api/auth/login').disableTLSCerts().send({ username: 'admin', password: ADMIN_PASSWORD });
    expect(login.status).toBe(200);
    const cookie = String(login.headers['set-cookie']);
    expect(cookie).toMatch(/teknisi_session=/);
    expect(cookie).toMatch(/; Secure/);
    expect(cookie).toMatch(/; HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
  });
});
