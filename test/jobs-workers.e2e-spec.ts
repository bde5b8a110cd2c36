// Jobs across real worker processes (issue 4): the compiled server with TEKNISI_ROLE=worker, as
// an admin runs it. Two workers share one run and the per-device lock holds across them; a
// worker killed with SIGKILL mid-run loses no target and none runs to completion twice; Redis
// losing everything mid-run (a redis-server of this spec's own, flushed) loses nothing either.
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generatedIdentity } from './lab/identities';
import { LAB_USER_HOME, LabSshHost } from './lab/sshd';
import { buildServer, MAIN } from './support/build';
import { makeDevice } from './support/factories';
import { freePort } from './support/net';
import { flushRedis, startRedis, stopRedis } from './support/redis';
import { bearer, createTestApp, TestApp } from './support/app';
import { until as untilWithin } from './support/until';
import { scanToEnd } from './support/scan';

jest.setTimeout(240_000);

interface Worker {
  proc: ChildProcess;
  output: () => string;
  exited: Promise<unknown>;
}

const workers: Worker[] = [];
const alive = (w: Worker) => w.proc.exitCode === null && w.proc.signalCode === null;
const scratch: string[] = [];

/** A worker process on the spec app's database, queue prefix and secret key. */
function startWorker(t: TestApp, env: Record<string, string> = {}): Worker {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'teknisi-worker-'));
  scratch.push(dataDir);
  const proc = spawn(process.execPath, [MAIN], {
    cwd: dataDir,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_ENV: 'development', TEKNISI_ROLE: 'worker', PORT: '0', HOST: '127.0.0.1',
      DATABASE_URL: t.config.databaseUrl, REDIS_URL: t.config.redisUrl, TEKNISI_QUEUE_PREFIX: t.config.queuePrefix,
      TEKNISI_SECRET_KEY: t.config.secretKey!, TEKNISI_DATA_DIR: dataDir, LOG_LEVEL: 'info',
      TEKNISI_JOB_LEASE_MS: '3000', TEKNISI_JOB_RECONCILE_MS: '300', ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout!.on('data', (d) => (out += String(d)));
  proc.stderr!.on('data', (d) => (out += String(d)));
  const w = { proc, output: () => out, exited: new Promise((r) => proc.once('exit', r)) };
  workers.push(w);
  return w;
}

async function ready(w: Worker): Promise<void> {
  const end = Date.now() + 60_000;
  while (!/consuming .*jobs/.test(w.output())) {
    if (w.proc.exitCode !== null) throw new Error(`worker exited: ${w.output().slice(-2000)}`);
    if (Date.now() > end) throw new Error(`worker did not start: ${w.output().slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function kill9(w: Worker): Promise<void> {
  w.proc.kill('SIGKILL');
  await w.exited;
}

/** this spec's waits: up to 90 s, looking every 100 ms */
const until = <T>(what: string, fn: () => Promise<T | undefined | null | false>, ms = 90_000) => untilWithin(what, fn, ms, 100);

function jobsOf(t: TestApp) {
  const admin = bearer(t.adminToken);
  const job = async (id: number) => (await t.http.get(`/api/jobs/${id}`).set(admin).expect(200)).body;
  return {
    create: async (body: object) => {
      const res = await t.http.post('/api/jobs').set(admin).send(body);
      if (res.status !== 201) throw new Error(`POST /api/jobs: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.id as number;
    },
    job,
    finished: (id: number, ms?: number) => until(`job ${id} to finish`, async () => {
      const j = await job(id);
      return ['completed', 'cancelled'].includes(j.status) && j.counts.running === 0 && j;
    }, ms),
    log: async (id: number, deviceId: number) => (await t.http.get(`/api/jobs/${id}/targets/${deviceId}/log`).set(admin).expect(200)).text,
  };
}

function maxOverlap(intervals: Array<[number, number]>): number {
  const edges = intervals.flatMap(([a, b]) => [[a, 1], [b, -1]] as Array<[number, number]>).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  let cur = 0;
  let max = 0;
  for (const [, d] of edges) max = Math.max(max, (cur += d));
  return max;
}

beforeAll(async () => {
  await buildServer();
}, 300_000);

afterAll(async () => {
  for (const w of workers) if (alive(w)) w.proc.kill('SIGKILL');
  await Promise.all(workers.map((w) => w.exited));
  for (const d of scratch) fs.rmSync(d, { recursive: true, force: true });
});

describe('two worker processes', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await createTestApp({ consume: false });
  });
  afterAll(async () => {
    for (const w of workers) if (alive(w)) w.proc.kill('SIGKILL');
    await t?.close();
  });

  it('share one run, and the per-device lock holds across them', async () => {
    const [w1, w2] = [startWorker(t), startWorker(t)];
    await Promise.all([ready(w1), ready(w2)]);
    const ids: number[] = [];
    for (let i = 0; i < 12; i++) ids.push(await makeDevice(t.db, { hostname: `shared-${i}` }));
    const api = jobsOf(t);
    const a = await api.create({ kind: 'noop', params: { sleepMs: 400 }, target: { deviceIds: ids }, concurrency: 6 });
    const b = await api.create({ kind: 'noop', params: { sleepMs: 400 }, target: { deviceIds: ids }, concurrency: 6 });
    const [ja, jb] = [await api.finished(a), await api.finished(b)];
    expect(ja.counts.succeeded).toBe(12);
    expect(jb.counts.succeeded).toBe(12);
    const rows: Array<{ runId: number; deviceId: number; s: Date; f: Date }> = await t.db.query(
      'SELECT run_id AS runId, device_id AS deviceId, started_at AS s, finished_at AS f FROM job_run_targets WHERE run_id IN (?, ?)', [ja.runId, jb.runId]);
    for (const id of ids) expect(maxOverlap(rows.filter((r) => r.deviceId === id).map((r) => [new Date(r.s).getTime(), new Date(r.f).getTime()]))).toBe(1);
    for (const runId of [ja.runId, jb.runId]) expect(maxOverlap(rows.filter((r) => r.runId === runId).map((r) => [new Date(r.s).getTime(), new Date(r.f).getTime()]))).toBeLessThanOrEqual(6);
    // both processes did some of the work
    const by = new Set<string>();
    for (const id of ids) by.add(/by worker \S+:(\d+):/.exec(await api.log(a, id))![1]);
    expect([...by].sort()).toEqual([String(w1.proc.pid), String(w2.proc.pid)].sort());
  });

  describe('a worker killed with SIGKILL mid-run, on lab hosts', () => {
    const hosts = [0, 1, 2].map((i) => new LabSshHost({ address: `127.96.0.${11 + i}`, identity: generatedIdentity(`lab-kill-${i}`, 0x9611 + i) }));
    const stamp = `${process.pid}-${Date.now()}`;
    const marks = hosts.map((h) => path.join(LAB_USER_HOME, `teknisi-kill9-${h.identity.hostname}-${stamp}`));
    beforeAll(() => Promise.all(hosts.map((h) => h.start())));
    afterAll(async () => {
      await Promise.allSettled(hosts.map((h) => h.stop()));
      for (const m of marks) fs.rmSync(m, { force: true });
    });

    it('every target reaches a final state and none runs to completion twice', async () => {
      for (const w of workers) if (alive(w)) await kill9(w);
      const w1 = startWorker(t);
      await ready(w1);
      const admin = bearer(t.adminToken);
      const c = hosts[0].credentials;
      const cred = (await t.http.post('/api/credentials').set(admin).send({ name: 'lab kill9', kind: 'ssh', username: c.username, password: c.password }).expect(201)).body.id;
      const done = await scanToEnd(t.http, admin, { targets: hosts.map((h) => h.address), credentialIds: [cred] }, 90_000);
      const deviceIds = done.results.map((r) => r.deviceId);
      if (done.status !== 'completed' || !deviceIds.every(Boolean)) throw new Error(`the scan did not identify every lab host: ${done.status} ${JSON.stringify(done.results)}`);

      const api = jobsOf(t);
      const id = await api.create({ kind: 'command', params: { script: `sleep 4; echo done >> "$HOME/teknisi-kill9-$(hostname)-${stamp}"` }, target: { deviceIds }, concurrency: 3 });
      await until('all three to run', async () => (await api.job(id)).counts.running === 3);
      await new Promise((r) => setTimeout(r, 500));
      await kill9(w1);
      const w2 = startWorker(t);
      await ready(w2);
      const j = await api.finished(id, 60_000);
      expect(j).toMatchObject({ status: 'completed', counts: { succeeded: 3, failed: 0 } });
      for (const target of j.targets) expect(target.attempts).toBe(2);
      // each script ran to its end exactly once: the killed worker's sessions died with it
      for (const m of marks) expect(fs.readFileSync(m, 'utf8')).toBe('done\n');
      expect(w2.output()).toMatch(/job runs reconciled/);
    });
  });
});

describe('Redis losing everything mid-run', () => {
  let port: number;
  let redis: ChildProcess;
  let t: TestApp;
  beforeAll(async () => {
    port = await freePort();
    redis = await startRedis(port);
    t = await createTestApp({ consume: false, env: { REDIS_URL: `redis://127.0.0.1:${port}` } });
  });
  afterAll(async () => {
    for (const w of workers) if (alive(w)) w.proc.kill('SIGKILL');
    await t?.close();
    await stopRedis(port, redis);
  });

  it('flushed while targets run: every unfinished target comes back and runs once', async () => {
    const w1 = startWorker(t);
    await ready(w1);
    const ids: number[] = [];
    for (let i = 0; i < 8; i++) ids.push(await makeDevice(t.db, { hostname: `flush-${i}` }));
    const api = jobsOf(t);
    const id = await api.create({ kind: 'noop', params: { sleepMs: 1500 }, target: { deviceIds: ids }, concurrency: 2 });
    await until('two targets to run', async () => (await api.job(id)).counts.running === 2);
    // Redis forgets every queue job, and the worker holding the running targets dies with it
    await flushRedis(port);
    await kill9(w1);
    const w2 = startWorker(t);
    await ready(w2);
    const j = await api.finished(id, 90_000);
    expect(j).toMatchObject({ status: 'completed', counts: { succeeded: 8, failed: 0, queued: 0 } });
    const attempts: Array<{ attempts: number }> = await t.db.query('SELECT attempts FROM job_run_targets WHERE run_id = ?', [j.runId]);
    // the two that were running when everything went are run again; the others once
    expect(attempts.map((a) => Number(a.attempts)).sort()).toEqual([1, 1, 1, 1, 1, 1, 2, 2]);
  });

  it('flushed while targets wait (no lane anywhere): the reconciler enqueues them again', async () => {
    const w = workers.find(alive) ?? startWorker(t);
    await ready(w);
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push(await makeDevice(t.db, { hostname: `flush-wait-${i}` }));
    const api = jobsOf(t);
    // retries wait in MySQL, not in Redis: a device another run holds makes the targets wait
    const blocker = await api.create({ kind: 'noop', params: { sleepMs: 4000 }, target: { deviceIds: ids }, concurrency: 3 });
    await until('the blocker to run', async () => (await api.job(blocker)).counts.running === 3);
    const id = await api.create({ kind: 'noop', target: { deviceIds: ids }, concurrency: 3 });
    await until('the targets to wait', async () => /is working on this device/.test((await api.job(id)).targets[0]?.reason ?? ''));
    await flushRedis(port);
    const j = await api.finished(id, 60_000);
    expect(j.counts.succeeded).toBe(3);
    expect((await api.finished(blocker)).counts.succeeded).toBe(3);
  });
});
