// Start-up as an admin meets it: the compiled server run as a child process, its messages when
// MySQL, Redis or the configuration are wrong, and the first start's generated secrets.
import { ChildProcess, spawn } from 'node:child_process';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { buildServer, MAIN } from './support/build';
import { freePort } from './support/net';
import { createTestApp, deleteRedisKeys, dropDatabase, TestApp } from './support/app';
import { TEST_DATABASE_SERVER, TEST_REDIS_URL } from './support/env';


interface Run {
  proc: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const scratch: string[] = [];

/** Runs the compiled server in an empty directory (no .env, no ./data) with only the given environment. */
function startServer(env: Record<string, string>): Run {
  const cwd = fs.mkdtempSync(path.join(os.tmpdir(), 'teknisi-start-'));
  scratch.push(cwd);
  const proc = spawn(process.execPath, [MAIN], { cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (d) => (out += String(d)));
  proc.stderr!.on('data', (d) => (err += String(d)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  return { proc, stdout: () => out, stderr: () => err, exited };
}

async function runToExit(env: Record<string, string>, timeoutMs = 30_000) {
  const run = startServer(env);
  const timer = setTimeout(() => run.proc.kill('SIGKILL'), timeoutMs);
  const result = await run.exited;
  clearTimeout(timer);
  return { ...result, stdout: run.stdout(), stderr: run.stderr() };
}

const noStackTrace = (text: string) => expect(text).not.toMatch(/^\s+at .+[(:]\d+/m);

beforeAll(async () => {
  // the child runs what `npm start` runs: the compiled server
  await buildServer();
}, 200_000);

afterAll(() => {
  for (const dir of scratch) fs.rmSync(dir, { recursive: true, force: true });
});

describe('the compiled server refuses to start, in one readable message', () => {
  it('when MySQL does not answer: says where, how to start one, and keeps the password out', async () => {
    const port = await freePort();
    const r = await runToExit({ DATABASE_URL: `mysql://root:hunter2@127.0.0.1:${port}/x` });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Cannot reach MySQL/MariaDB at mysql://root:***@127.0.0.1:${port}/x (ECONNREFUSED)`);
    expect(r.stderr).toMatch(/start MySQL or MariaDB .*or point DATABASE_URL at a running server/);
    expect(r.stderr + r.stdout).not.toContain('hunter2');
    noStackTrace(r.stderr);
    expect(r.stdout).not.toContain('listening');
  });

  it('when Redis does not answer: says where and how to start one', async () => {
    const port = await freePort();
    const db = `teknisi_test_start_${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
    try {
      const r = await runToExit({ DATABASE_URL: `${TEST_DATABASE_SERVER}/${db}`, REDIS_URL: `redis://:hunter2@127.0.0.1:${port}` });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`Cannot reach Redis at redis://:***@127.0.0.1:${port} (ECONNREFUSED)`);
      expect(r.stderr).toMatch(/start Redis .*or point REDIS_URL at a running server/);
      expect(r.stderr + r.stdout).not.toContain('hunter2');
      noStackTrace(r.stderr);
    } finally {
      await dropDatabase(db);
    }
  });

  it('when the configuration is invalid: every problem at once', async () => {
    const r = await runToExit({ PORT: 'abc', TEKNISI_ROLE: 'bogus' });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^Invalid configuration:\n/);
    expect(r.stderr).toContain('  - PORT must be an integer from 0 to 65535 (got "abc")');
    expect(r.stderr).toContain('  - TEKNISI_ROLE must be api, worker or all (got "bogus")');
    expect(r.stderr).toContain('See README.md (Configuration) or .env.example.');
    noStackTrace(r.stderr);
  });

  it('when a secret-bearing variable is invalid: names it without echoing it', async () => {
    const r = await runToExit({ DATABASE_URL: 'postgres://root:hunter2@127.0.0.1/x', NODE_ENV: 'production' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('DATABASE_URL must be a URL starting with mysql:// or mariadb://');
    expect(r.stderr).toContain('TEKNISI_SECRET_KEY is required when NODE_ENV=production');
    expect(r.stderr).not.toContain('hunter2');
  });
});

describe('the compiled server on a first start', () => {
  const db = `teknisi_test_start_${process.pid}_${crypto.randomBytes(3).toString('hex')}`;
  const prefix = `{teknisi-test-start-${process.pid}}`;
  let run: Run | undefined;
  let dataDir: string;

  afterAll(async () => {
    if (run && run.proc.exitCode === null && run.proc.signalCode === null) {
      run.proc.kill('SIGKILL');
      await run.exited;
    }
    await dropDatabase(db);
    await deleteRedisKeys(prefix);
  });

  it('serves, writes its generated key and admin password 0600 without logging them, and stops on SIGTERM', async () => {
    const port = await freePort();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'teknisi-data-'));
    scratch.push(dataDir);
    run = startServer({
      HOST: '127.0.0.1', PORT: String(port), DATABASE_URL: `${TEST_DATABASE_SERVER}/${db}`, REDIS_URL: TEST_REDIS_URL,
      TEKNISI_QUEUE_PREFIX: prefix, TEKNISI_DATA_DIR: dataDir,
    });
    const listening = `listening on http://127.0.0.1:${port}`;
    for (let i = 0; i < 300 && !run.stdout().includes(listening) && run.proc.exitCode === null; i++) await new Promise((r) => setTimeout(r, 100));
    expect(run.stderr()).toBe('');
    expect(run.stdout()).toContain(`Teknisi API and worker ${listening}`);

    const health = await fetch(`http://127.0.0.1:${port}/api/health`);
    expect(health.status).toBe(200);

    const keyFile = path.join(dataDir, 'secret.key');
    const passwordFile = path.join(dataDir, 'admin-password.txt');
    expect(fs.statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(fs.statSync(passwordFile).mode & 0o777).toBe(0o600);
    const key = fs.readFileSync(keyFile, 'utf8').trim();
    const password = fs.readFileSync(passwordFile, 'utf8').trim();
    expect(key.length).toBeGreaterThanOrEqual(32);
    expect(password.length).toBeGreaterThanOrEqual(16);

    const login = await fetch(`http://127.0.0.1:${port}/api/auth/login`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }),
    });
    expect(login.status).toBe(200);

    const output = run.stdout() + run.stderr();
    expect(output).toContain(keyFile);
    expect(output).toContain(passwordFile);
    expect(output).not.toContain(key);
    expect(output).not.toContain(password);

    run.proc.kill('SIGTERM');
    const timer = setTimeout(() => run!.proc.kill('SIGKILL'), 15_000);
    const { signal, code } = await run.exited;
    clearTimeout(timer);
    expect(signal === 'SIGTERM' || code === 0).toBe(true);
  });
});

describe('first start of the admin account (in-process)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ env: { TEKNISI_ADMIN_PASSWORD: '' } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('writes a generated password to <dataDir>/admin-password.txt (0600) and logs the path, never the password', async () => {
    expect(t.config.adminPassword).toBeUndefined();
    const file = path.join(t.config.dataDir, 'admin-password.txt');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const password = fs.readFileSync(file, 'utf8').trim();
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);

    // the harness logged in with it
    const me = await t.http.get('/api/auth/me').set('Authorization', `Bearer ${t.adminToken}`);
    expect(me.body).toMatchObject({ username: 'admin', role: 'admin' });

    const logs = t.logs.join('');
    const line = t.logs.find((l) => l.includes('Created user \\"admin\\"'));
    expect(line).toBeDefined();
    expect(line).toContain(file);
    expect(JSON.parse(line!).level).toBe(40);
    expect(logs).not.toContain(password);
  });
});
