// bench/configs: Teknisi's side and the plain-ssh peer. A `config.backup` job on the lab routers,
// POST to completed, its versions checked in MySQL; beside it, for the profile, the same fetch
// in this process (the server's SshClient, the IOS source, normalize; no queue, no database);
// and `xargs -P N ssh … 'show running-config'` into one file per router.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Connection } from 'mysql2/promise';
import { DEFAULT_NORMALIZATION_RULES, normalize } from '../../src/configs/normalize';
import { ciscoIosSource, extractIosConfig } from '../../src/configs/sources/cisco-ios';
import { Peers } from './fanout-peers';
import { cpuSeconds, median, runTree } from './fanout-proc';
import { sshLanes, TeknisiServer } from './fanout-teknisi';
import { round2 } from './stats';

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const sleep = (n: number) => new Promise((r) => setTimeout(r, n));

/** changed: every router's configuration really changed since the last backup; unchanged: none did; first: no version yet */
export type BackupMode = 'first' | 'changed' | 'unchanged' | 'noop';

export interface BackupRun {
  mode: BackupMode;
  concurrency: number;
  targets: number;
  /** POST /api/jobs to the first poll that saw it completed */
  seconds: number;
  postMs: number;
  /** the run's own startedAt → finishedAt */
  serverSeconds: number;
  counts: Record<string, number>;
  succeeded: number;
  /** targets whose reason says "new version …" / "unchanged since version …" */
  newVersions: number;
  unchanged: number;
  /** config_versions rows stored by this run */
  versionsStored: number;
  /** devices whose current text holds their own hostname and this run's marker */
  verified: number;
  failures: string[];
  targetMs: { p50: number; max: number; sum: number };
  firstClaimMs: number;
  tailMs: number;
  polls: number;
  peakRssMb: number;
  cpuS: number;
}

interface TargetView {
  deviceId: number;
  status: string;
  reason: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

/** Polls the newest job of the list (no targets in it) until `id` is completed: cheaper than GET /api/jobs/:id with 200 targets. */
async function untilCompleted(t: TeknisiServer, id: number, pollMs: number, timeoutS: number, start: bigint): Promise<number> {
  for (let polls = 1; ; polls++) {
    const { data } = await t.client.json<{ items: Array<{ id: number; status: string; counts: Record<string, number> }> }>('/api/jobs?limit=1');
    const job = data.items[0]?.id === id ? data.items[0] : (await t.client.json<{ id: number; status: string; counts: Record<string, number> }>(`/api/jobs/${id}`)).data;
    if (job.status === 'completed' || job.status === 'cancelled') return polls;
    if (ms(start) > timeoutS * 1000) throw new Error(`job ${id} still ${job.status} after ${timeoutS} s: ${JSON.stringify(job.counts)}`);
    await sleep(pollMs);
  }
}

/**
 * One job on the devices (config.backup, or noop for the job machinery alone), POST to
 * completed, then checked: every target succeeded, and (backups) every device's current text in
 * MySQL holds its own `hostname` line and `marker`, the line this run's change put there.
 */
export async function backupRun(t: TeknisiServer, db: Connection, mode: BackupMode, deviceIds: number[], marker: string, concurrency: number, pollMs: number, timeoutS: number): Promise<BackupRun> {
  t.rss.windowPeakMb();
  const cpu0 = cpuSeconds(t.server.pid);
  const start = process.hrtime.bigint();
  const res = await t.client.request('POST', '/api/jobs', {
    body: { name: `bench configs ${mode} c=${concurrency}`, kind: mode === 'noop' ? 'noop' : 'config.backup', params: {}, target: { deviceIds }, concurrency, retries: 0 },
  });
  const postMs = ms(start);
  if (res.status !== 201) throw new Error(`POST /api/jobs answered ${res.status}: ${res.body?.toString('utf8').slice(0, 500)}`);
  const { id, runId } = JSON.parse(res.body!.toString('utf8')) as { id: number; runId: number };
  const polls = await untilCompleted(t, id, pollMs, timeoutS, start);
  const seconds = ms(start) / 1000;
  const completedAt = Date.now();
  const cpuS = cpuSeconds(t.server.pid) - cpu0;
  const peakRssMb = Math.round(t.rss.windowPeakMb());
  const view = (await t.client.json<{ counts: Record<string, number>; targets: TargetView[] }>(`/api/jobs/${id}`)).data;
  const run = (await t.client.json<{ startedAt: string; finishedAt: string }>(`/api/jobs/${id}/runs/${runId}`)).data;
  const failures = view.targets.filter((x) => x.status !== 'succeeded').map((x) => `device ${x.deviceId}: ${x.status} ${x.reason ?? ''}`.slice(0, 300));
  const reasons = view.targets.map((x) => x.reason ?? '');
  let versionsStored = 0;
  let verified = view.targets.length - failures.length;
  if (mode !== 'noop') {
    const [[v]] = (await db.query('SELECT COUNT(*) AS n FROM config_versions WHERE job_run_id = ?', [runId])) as unknown as [[{ n: number }]];
    versionsStored = Number(v.n);
    const [[c]] = (await db.query(
      `SELECT COUNT(*) AS n FROM device_configs c JOIN devices d ON d.id = c.device_id
       WHERE c.device_id IN (?) AND c.last_status = 'ok' AND LOCATE(CONCAT('\nhostname ', d.hostname, '\n'), c.current_text) > 0 AND LOCATE(?, c.current_text) > 0`,
      [deviceIds, marker])) as unknown as [[{ n: number }]];
    verified = Number(c.n);
  }
  const tStarts = view.targets.map((x) => Date.parse(x.startedAt ?? '')).filter(Number.isFinite);
  const tEnds = view.targets.map((x) => Date.parse(x.finishedAt ?? '')).filter(Number.isFinite);
  const durations = view.targets.filter((x) => x.startedAt && x.finishedAt).map((x) => Date.parse(x.finishedAt!) - Date.parse(x.startedAt!));
  return {
    mode, concurrency, targets: deviceIds.length, seconds: Math.round(seconds * 1000) / 1000, postMs: Math.round(postMs),
    serverSeconds: (Date.parse(run.finishedAt) - Date.parse(run.startedAt)) / 1000, counts: view.counts,
    succeeded: view.targets.length - failures.length, newVersions: reasons.filter((r) => r.startsWith('new version')).length,
    unchanged: reasons.filter((r) => r.startsWith('unchanged since')).length, versionsStored, verified, failures: failures.slice(0, 10),
    targetMs: { p50: Math.round(median(durations)), max: Math.max(...durations), sum: durations.reduce((a, b) => a + b, 0) },
    firstClaimMs: Math.min(...tStarts) - Date.parse(run.startedAt), tailMs: completedAt - Math.max(...tEnds), polls, peakRssMb, cpuS: round2(cpuS),
  };
}

export interface RouterTarget {
  address: string;
  hostname: string;
  username: string;
  password: string;
  port: number;
}

export interface InProcessRun {
  concurrency: number;
  seconds: number;
  ok: number;
  /** TCP connect + handshake + password login; the shell (terminal length 0, show running-config) and extraction; normalize */
  connectMs: { p50: number; max: number };
  fetchMs: { p50: number; max: number };
  normalizeMs: { p50: number; max: number };
  cpuS: number;
}

/**
 * The SSH part of a backup without the job machinery or MySQL: in this process, N lanes, each
 * target as the config.backup kind does it (SshClient.connect with the password, the IOS
 * source's fetch over one shell, normalize with the default rules), checked for its hostname.
 * What-if for the profile: `via: 'exec'`, the show over one exec channel as plain ssh does (IOS
 * may refuse a second exec, and paging needs `terminal length 0` in the same session).
 */
export async function inProcessBackups(routers: RouterTarget[], concurrency: number, o: { via?: 'shell' | 'exec' } = {}): Promise<InProcessRun> {
  const fetch: number[] = [];
  const norm: number[] = [];
  let ok = 0;
  const run = await sshLanes(routers, concurrency, async (c, r) => {
    const t1 = process.hrtime.bigint();
    const opts = { timeoutMs: 120_000, maxBytes: 8 * 1024 * 1024 };
    const got = o.via === 'exec'
      ? { text: extractIosConfig((await c.exec('show running-config', opts)).stdout) }
      : await ciscoIosSource.fetch({ exec: (cmd, x) => c.exec(cmd, x), shell: (cmds, x) => c.shellEach(cmds, x) }, opts);
    fetch.push(ms(t1));
    const t2 = process.hrtime.bigint();
    const n = normalize(got.text, 'cisco-ios', DEFAULT_NORMALIZATION_RULES);
    norm.push(ms(t2));
    if (n.text.includes(`\nhostname ${r.hostname}\n`)) ok++;
  });
  const s = (xs: number[]) => ({ p50: Math.round(median(xs) * 10) / 10, max: Math.round(Math.max(...xs) * 10) / 10 });
  return { concurrency, seconds: run.seconds, ok, connectMs: s(run.connectMs), fetchMs: s(fetch), normalizeMs: s(norm), cpuS: run.cpuS };
}

export interface SshFilesRun {
  concurrency: number;
  command: string;
  seconds: number;
  /** files holding a whole configuration (from "Building configuration" to "end") with the router's hostname */
  complete: number;
  failures: string[];
  treeRssMb: number;
  maxProcRssMb: number;
  maxProcs: number;
  cpuS: number;
}

const SSH_OPTS = '-o BatchMode=yes -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null -o LogLevel=ERROR';

/** The shell line xargs runs per router ($1 the address, $2 the output directory). */
function perRouter(peers: Peers): string {
  return `exec ssh -F ${peers.sshConfig} ${SSH_OPTS} ${peers.hosts[0].username}@"$1" 'show running-config' > "$2/$1.cfg"`;
}

export function sshFilesCommandLine(peers: Peers, n: number): string {
  return `xargs -a HOSTS -P ${n} -I{} sh -c '${perRouter(peers).replace(peers.sshConfig, 'SSH_CONFIG').replace(/'/g, `'\\''`)}' sh {} OUT`;
}

/** `xargs -P n` over the routers, one `sh -c 'exec ssh … > OUT/<address>.cfg'` each, the files checked. */
export async function sshToFiles(peers: Peers, n: number, outDir: string): Promise<SshFilesRun> {
  fs.rmSync(outDir, { recursive: true, force: true });
  fs.mkdirSync(outDir, { recursive: true });
  const r = await runTree('xargs', ['-a', peers.hostsFile, '-P', String(n), '-I{}', 'sh', '-c', perRouter(peers), 'sh', '{}', outDir], { timeoutMs: 600_000 });
  const failures: string[] = [];
  let complete = 0;
  for (const h of peers.hosts) {
    let text = '';
    try {
      text = fs.readFileSync(path.join(outDir, `${h.address}.cfg`), 'utf8');
    } catch {
      // missing: counted below
    }
    if (text.startsWith('Building configuration') && /\nend\n*$/.test(text) && text.includes(`\nhostname ${h.hostname}\n`)) complete++;
    else failures.push(`${h.address}: ${text ? `incomplete (${text.length} bytes)` : 'no file'}`);
  }
  if (r.stderr.trim()) failures.push(...r.stderr.trim().split('\n').slice(0, 5));
  fs.rmSync(outDir, { recursive: true, force: true });
  return {
    concurrency: n, command: sshFilesCommandLine(peers, n), seconds: Math.round(r.ms) / 1000, complete, failures: failures.slice(0, 10),
    treeRssMb: Math.round(r.treeRssMb), maxProcRssMb: Math.round(r.maxProcRssMb * 10) / 10, maxProcs: r.maxProcs, cpuS: round2(r.cpuS),
  };
}
