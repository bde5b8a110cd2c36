// bench/fanout: Teknisi's side. The built server (TEKNISI_ROLE=all, scratch database and Redis
// prefix) learns the lab hosts as a technician would (an SSH credential, a discovery scan that
// pins host keys and remembers the credential), then runs `command` jobs on them at each
// concurrency, timed from POST to `completed`. Beside it, for the profile: the same SSH work
// through the server's own SshClient in this process (no queue, no database). And a `noop` run
// for 5,000 generated devices on an API-only server (nothing drains the queue), timed until
// every target row is queued and every lane is in Redis.
import { Queue } from 'bullmq';
import { createConnection } from 'mysql2/promise';
import * as crypto from 'node:crypto';
import { bullConnection } from '../../src/common/redis.module';
import { laneJobId } from '../../src/jobs/jobs.service';
import { buildPosixCommand } from '../../src/jobs/command';
import { SshClient } from '../../src/protocols/ssh/ssh.client';
import { QueueName } from '../../src/queue/queue.constants';
import { cpuSeconds, median } from './fanout-proc';
import { BenchClient, BenchServer, RssSampler } from './server';

export const ADMIN_PASSWORD = 'bench-admin-password-teknisi';
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const sleep = (n: number) => new Promise((r) => setTimeout(r, n));

export interface LabTarget {
  address: string;
  hostname: string;
  username: string;
  password: string;
  port: number;
}

interface TargetView {
  deviceId: number;
  hostname: string | null;
  status: string;
  reason: string | null;
  exitCode: number | null;
  startedAt: string | null;
  finishedAt: string | null;
}

interface JobDetail {
  id: number;
  status: string;
  runId: number | null;
  counts: Record<string, number>;
  targets: TargetView[];
}

export interface TeknisiRun {
  concurrency: number;
  targets: number;
  /** POST /api/jobs to the first GET that says completed */
  seconds: number;
  /** POST to its 201 */
  postMs: number;
  /** the run's own startedAt → finishedAt */
  serverSeconds: number;
  counts: Record<string, number>;
  /** targets whose stored output was their own hostname */
  answered: number;
  failures: string[];
  /** per target, startedAt → finishedAt (claim to final state), ms */
  targetMs: { p50: number; max: number; sum: number };
  /** run startedAt → first target started; last target finished → the first completed GET */
  firstClaimMs: number;
  tailMs: number;
  polls: number;
  peakRssMb: number;
  cpuS: number;
}

export interface RawSshRun {
  concurrency: number;
  seconds: number;
  ok: number;
  /** per target: TCP connect + handshake + password login; the exec and its reply; close */
  connectMs: { p50: number; max: number };
  execMs: { p50: number; max: number };
  cpuS: number;
}

export interface QueueRun {
  by: 'tag' | 'deviceIds';
  targets: number;
  lanes: number;
  /** POST to its 201 */
  postMs: number;
  /** POST until this process saw every target row queued and every lane job in Redis */
  queuedMs: number;
  rows: number;
  lanesInRedis: number;
  bodyBytes: number;
}

function spread(xs: number[]): { p50: number; max: number; sum: number } {
  return { p50: Math.round(median(xs)), max: Math.round(Math.max(...xs)), sum: Math.round(xs.reduce((a, b) => a + b, 0)) };
}

/** The built server with its own database and Redis prefix; login as admin. */
export class TeknisiServer {
  readonly client: BenchClient;
  readonly rss: RssSampler;
  idleRssMb = 0;
  startSeconds = 0;

  private constructor(readonly server: BenchServer) {
    this.client = new BenchClient(server.port);
    this.rss = new RssSampler(server.pid, 100);
  }

  static async start(o: { databaseUrl: string; redisUrl: string; queuePrefix: string; role: 'all' | 'api'; env?: Record<string, string>; nodeArgs: string[] }): Promise<TeknisiServer> {
    const t = process.hrtime.bigint();
    const server = await BenchServer.start({
      databaseUrl: o.databaseUrl, redisUrl: o.redisUrl, adminPassword: ADMIN_PASSWORD, queuePrefix: o.queuePrefix,
      env: { TEKNISI_ROLE: o.role, ...o.env }, nodeArgs: o.nodeArgs,
    });
    const t2 = new TeknisiServer(server);
    t2.startSeconds = Math.round(ms(t) / 100) / 10;
    t2.idleRssMb = Math.round(t2.rss.read() / 1024);
    t2.rss.start();
    const login = await t2.client.request('POST', '/api/auth/login', { body: { username: 'admin', password: ADMIN_PASSWORD } });
    if (login.status !== 200) throw new Error(`admin login failed (${login.status}): ${login.body?.toString('utf8')}`);
    t2.client.token = JSON.parse(login.body!.toString('utf8')).accessToken;
    return t2;
  }

  async post<T>(path: string, body: unknown, want: number): Promise<T> {
    const r = await this.client.request('POST', path, { body });
    if (r.status !== want) throw new Error(`POST ${path} answered ${r.status}: ${r.body?.toString('utf8').slice(0, 500)}`);
    return JSON.parse(r.body!.toString('utf8')) as T;
  }

  async stop(): Promise<void> {
    this.rss.stop();
    this.client.close();
    await this.server.stop();
  }
}

/** An SSH credential for the lab user (the same user and password on every lab host). */
export async function createCredential(t: TeknisiServer, host: LabTarget): Promise<number> {
  const cred = await t.post<{ id: number }>('/api/credentials', {
    name: `bench fanout ${crypto.randomBytes(3).toString('hex')}`, kind: 'ssh', username: host.username, password: host.password, port: host.port,
  }, 201);
  return cred.id;
}

interface ScanView {
  id: number;
  status: string;
  results?: Array<{ address: string; status: string; reason?: string | null; deviceId?: number | null }>;
}

/**
 * Discovery scans of the hosts (each address once; those not identified are scanned again, up to
 * `attempts` scans): address → device id, and each scan's wall time.
 */
export async function discover(t: TeknisiServer, addresses: string[], credentialId: number, attempts: number, log: (s: string) => void): Promise<{ devices: Map<string, number>; scans: Array<{ addresses: number; seconds: number; identified: number; reasons: string[] }> }> {
  const devices = new Map<string, number>();
  const scans: Array<{ addresses: number; seconds: number; identified: number; reasons: string[] }> = [];
  for (let a = 0; a < attempts && devices.size < addresses.length; a++) {
    const todo = addresses.filter((x) => !devices.has(x));
    const start = process.hrtime.bigint();
    const { id } = await t.post<{ id: number }>('/api/discovery/scans', { targets: todo, credentialIds: [credentialId], options: { timeoutMs: 15_000, retries: 1 } }, 202);
    let view: ScanView;
    for (;;) {
      const r = await t.client.json<ScanView>(`/api/discovery/scans/${id}?resultsLimit=0`);
      view = r.data;
      if (!['queued', 'running'].includes(view.status)) break;
      if (ms(start) > 600_000) throw new Error(`scan ${id} still ${view.status} after 600 s`);
      await sleep(200);
    }
    const seconds = Math.round(ms(start) / 10) / 100;
    const full = await t.client.json<ScanView>(`/api/discovery/scans/${id}?resultsLimit=5000`);
    const reasons: string[] = [];
    let identified = 0;
    for (const r of full.data.results ?? []) {
      if (r.status === 'identified' && r.deviceId) (devices.set(r.address, r.deviceId), identified++);
      else reasons.push(`${r.address} ${r.status}: ${r.reason ?? ''}`);
    }
    scans.push({ addresses: todo.length, seconds, identified, reasons: reasons.slice(0, 5) });
    log(`  discovery scan of ${todo.length} addresses: ${view.status} in ${seconds} s, ${identified} identified${reasons.length ? ` (${reasons.slice(0, 3).join('; ')})` : ''}`);
  }
  return { devices, scans };
}

/** One `command` job on the devices, POST to completed, with its per-target timings and outputs checked. */
/**
 * One job on the devices, POST to completed, with its per-target timings and outputs checked.
 * `noop` (script null) goes through the same claims, leases, logs and polling without SSH: the
 * job machinery alone.
 */
export async function commandRun(t: TeknisiServer, script: string | null, deviceIds: number[], hostnames: Map<number, string>, concurrency: number, pollMs: number, timeoutS: number): Promise<TeknisiRun> {
  t.rss.windowPeakMb();
  const cpu0 = cpuSeconds(t.server.pid);
  const start = process.hrtime.bigint();
  const res = await t.client.request('POST', '/api/jobs', {
    body: { name: `bench fanout c=${concurrency}`, ...(script === null ? { kind: 'noop', params: {} } : { kind: 'command', params: { script } }), target: { deviceIds }, concurrency, retries: 0 },
  });
  const postMs = ms(start);
  if (res.status !== 201) throw new Error(`POST /api/jobs answered ${res.status}: ${res.body?.toString('utf8').slice(0, 500)}`);
  const { id, runId } = JSON.parse(res.body!.toString('utf8')) as { id: number; runId: number };
  let view: JobDetail;
  let polls = 0;
  for (;;) {
    const r = await t.client.json<JobDetail>(`/api/jobs/${id}`);
    polls++;
    view = r.data;
    if (view.status === 'completed' || view.status === 'cancelled') break;
    if (ms(start) > timeoutS * 1000) throw new Error(`job ${id} still ${view.status} after ${timeoutS} s: ${JSON.stringify(view.counts)}`);
    await sleep(pollMs);
  }
  const seconds = ms(start) / 1000;
  const completedAt = Date.now();
  const cpuS = cpuSeconds(t.server.pid) - cpu0;
  const peakRssMb = Math.round(t.rss.windowPeakMb());
  const run = (await t.client.json<{ startedAt: string; finishedAt: string }>(`/api/jobs/${id}/runs/${runId}`)).data;
  // every target's stored output must be its own hostname
  const failures: string[] = [];
  let answered = 0;
  for (const tv of view.targets) {
    if (tv.status !== 'succeeded') {
      failures.push(`device ${tv.deviceId}: ${tv.status} ${tv.reason ?? ''}`.slice(0, 300));
      continue;
    }
    if (script === null) {
      answered++;
      continue;
    }
    const logRes = await t.client.request('GET', `/api/jobs/${id}/targets/${tv.deviceId}/log`);
    const text = logRes.body?.toString('utf8') ?? '';
    if (text.split('\n').some((l) => l.trim() === hostnames.get(tv.deviceId))) answered++;
    else failures.push(`device ${tv.deviceId}: output without its hostname ${hostnames.get(tv.deviceId)}: ${text.slice(0, 200)}`);
  }
  const startedAt = Date.parse(run.startedAt);
  const finishedAt = Date.parse(run.finishedAt);
  const tStarts = view.targets.map((x) => Date.parse(x.startedAt ?? '')).filter(Number.isFinite);
  const tEnds = view.targets.map((x) => Date.parse(x.finishedAt ?? '')).filter(Number.isFinite);
  const durations = view.targets.filter((x) => x.startedAt && x.finishedAt).map((x) => Date.parse(x.finishedAt!) - Date.parse(x.startedAt!));
  return {
    concurrency, targets: deviceIds.length, seconds: Math.round(seconds * 1000) / 1000, postMs: Math.round(postMs), serverSeconds: (finishedAt - startedAt) / 1000,
    counts: view.counts, answered, failures: failures.slice(0, 10), targetMs: spread(durations),
    firstClaimMs: Math.min(...tStarts) - startedAt, tailMs: completedAt - Math.max(...tEnds), polls, peakRssMb, cpuS: Math.round(cpuS * 100) / 100,
  };
}

/**
 * The SSH part of a target without the job machinery: the server's own SshClient in this
 * process, `concurrency` lanes over the hosts, each connecting with the password, running the
 * command exactly as the command kind sends it (buildPosixCommand: the script on a held-open
 * stdin to the tether of jobs/command) and closing.
 */
export async function rawSsh(hosts: LabTarget[], script: string, concurrency: number): Promise<RawSshRun> {
  const exec: number[] = [];
  let ok = 0;
  const run = await sshLanes(hosts, concurrency, async (c, h) => {
    const t1 = process.hrtime.bigint();
    try {
      const built = buildPosixCommand({ script }, false);
      const r = await c.exec(built.command, { stdin: built.stdin, holdStdin: built.holdStdin, timeoutMs: 60_000 });
      if (r.code === 0 && r.stdout.trim() === h.hostname) ok++;
    } finally {
      exec.push(ms(t1));
    }
  });
  const s = (xs: number[]) => ({ p50: Math.round(median(xs)), max: Math.round(Math.max(...xs)) });
  return { concurrency, seconds: run.seconds, ok, connectMs: s(run.connectMs), execMs: s(exec), cpuS: run.cpuS };
}

/**
 * The bench process's own SSH fan-out: `concurrency` lanes over the targets, each connecting
 * with the password (any host key accepted: lab hosts), running `work` and closing. Connect
 * times, wall time and this process's CPU.
 */
export async function sshLanes<T extends { address: string; port: number; username: string; password: string }>(
  targets: T[], concurrency: number, work: (c: SshClient, target: T) => Promise<void>,
): Promise<{ seconds: number; connectMs: number[]; cpuS: number }> {
  const accept = { verify: async () => ({ ok: true as const }) };
  const connectMs: number[] = [];
  const cpu0 = process.cpuUsage();
  const start = process.hrtime.bigint();
  const queue = [...targets];
  const lane = async () => {
    for (let t = queue.shift(); t; t = queue.shift()) {
      const t0 = process.hrtime.bigint();
      const c = await SshClient.connect({ host: t.address, port: t.port, username: t.username, password: t.password, timeoutMs: 30_000, hostKeys: accept });
      connectMs.push(ms(t0));
      try {
        await work(c, t);
      } finally {
        c.close();
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  const cpu = process.cpuUsage(cpu0);
  return { seconds: Math.round(ms(start)) / 1000, connectMs, cpuS: Math.round((cpu.user + cpu.system) / 1e4) / 100 };
}

/** 5,000 (`n`) generated devices carrying `tag`, addresses from 198.18.0.0/15 as data only. */
export async function insertDevices(databaseUrl: string, n: number, tag: string): Promise<number[]> {
  const conn = await createConnection({ uri: databaseUrl });
  try {
    const now = new Date();
    const ids: number[] = [];
    for (let i = 0; i < n; i += 1000) {
      const rows = Array.from({ length: Math.min(1000, n - i) }, (_, k) => {
        const j = i + k + 1;
        return [`bench-q${String(j).padStart(5, '0')}`, 'workstation', 'linux', 'linux', 'Debian GNU/Linux', '12', 'active', `198.18.${j >> 8}.${j & 255}`, now, now, now, now];
      });
      const [res] = await conn.query(
        'INSERT INTO devices (hostname, type, platform, os_family, os_name, os_version, status, primary_ip, first_seen, last_seen, created_at, updated_at) VALUES ?',
        [rows],
      );
      const first = Number((res as { insertId: number }).insertId);
      for (let k = 0; k < rows.length; k++) ids.push(first + k);
    }
    for (let i = 0; i < ids.length; i += 1000) await conn.query('INSERT INTO device_tags (device_id, tag) VALUES ?', [ids.slice(i, i + 1000).map((id) => [id, tag])]);
    return ids;
  } finally {
    await conn.end();
  }
}

/** POST of a noop run for every device of `target`, then until its rows and lanes are all there. */
export async function queueRun(t: TeknisiServer, databaseUrl: string, redisUrl: string, queuePrefix: string, by: QueueRun['by'], target: { tags?: string[]; deviceIds?: number[] }, expect: number, concurrency: number): Promise<QueueRun> {
  const conn = await createConnection({ uri: databaseUrl });
  const queue = new Queue(QueueName.Jobs, { connection: bullConnection(redisUrl), prefix: queuePrefix });
  try {
    await conn.query('SELECT 1');
    await queue.getJobCounts('waiting');
    const body = { name: `bench fanout queue ${by}`, kind: 'noop', params: {}, target, concurrency };
    const bodyBytes = Buffer.byteLength(JSON.stringify(body));
    const start = process.hrtime.bigint();
    const res = await t.client.request('POST', '/api/jobs', { body });
    const postMs = ms(start);
    if (res.status !== 201) throw new Error(`POST /api/jobs (${by}) answered ${res.status}: ${res.body?.toString('utf8').slice(0, 500)}`);
    const { runId } = JSON.parse(res.body!.toString('utf8')) as { runId: number };
    const lanes = Math.min(concurrency, expect);
    let rows = 0;
    let inRedis = 0;
    for (;;) {
      const [[r]] = (await conn.query(`SELECT COUNT(*) AS n FROM job_run_targets WHERE run_id = ? AND status = 'queued'`, [runId])) as unknown as [[{ n: number }]];
      rows = Number(r.n);
      const jobs = await Promise.all(Array.from({ length: lanes }, (_, k) => queue.getJob(laneJobId(runId, k))));
      inRedis = jobs.filter(Boolean).length;
      if ((rows >= expect && inRedis >= lanes) || ms(start) > 60_000) break;
      await sleep(10);
    }
    return { by, targets: expect, lanes, postMs: Math.round(postMs), queuedMs: Math.round(ms(start)), rows, lanesInRedis: inRedis, bodyBytes };
  } finally {
    await queue.close();
    await conn.end();
  }
}
