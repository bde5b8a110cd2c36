// bench/configs: issue 5's figures. Config backups of 200 emulated IOS routers at concurrency 10,
// 25 and 50 through Teknisi's jobs API (POST to completed), in the same run as plain OpenSSH
// `ssh … 'show running-config'` through `xargs -P` into one file per router (part `backups`);
// and diffConfigs / normalize on generated 5,000-line configurations, plus GET …/configs/diff
// of two stored 5,000-line versions when both parts run (part `diff`). Only 127.0.0.0/8 is contacted.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Connection, createConnection } from 'mysql2/promise';
import { deleteKeysWithPrefix } from '../src/common/redis.module';
import { diffConfigs } from '../src/configs/diff';
import { DEFAULT_NORMALIZATION_RULES, normalize } from '../src/configs/normalize';
import { labAddresses } from '../test/lab/fleet';
import { initialRunningConfig, iosIdentity } from '../test/lab/ios';
import { LabIosFleet } from '../test/lab/ios-fleet';
import { FlagSpec, Flags } from './lib/args';
import { largeConfig, markRun, scatterChanges, showRunningHeader } from './lib/configs-gen';
import { backupRun, BackupMode, BackupRun, inProcessBackups, InProcessRun, RouterTarget, sshFilesCommandLine, SshFilesRun, sshToFiles } from './lib/configs-teknisi';
import { vmHwmKb, waitForLoad } from './lib/discovery-proc';
import { Peers } from './lib/fanout-peers';
import { listenersOn, median, stopRunning } from './lib/fanout-proc';
import { createCredential, discover, TeknisiServer } from './lib/fanout-teknisi';
import { benchDatabaseGuard } from './lib/seed';
import { BenchClient, REPO_ROOT } from './lib/server';
import { round1, round2, summarize, table } from './lib/stats';

const PARTS = ['backups', 'diff'] as const;
type Part = (typeof PARTS)[number];
const DIFF_GOAL_MS = 50;

const FLAGS: FlagSpec[] = [
  { name: 'first-router', help: 'address of the first lab router (the others follow it; loopback only)', default: '127.99.0.1' },
  { name: 'routers', help: 'emulated IOS routers', default: '200' },
  { name: 'concurrency', help: 'concurrencies measured (job concurrency = xargs -P), comma-separated', default: '10,25,50' },
  { name: 'iterations', help: 'timed runs of each at each concurrency (the median is reported)', default: '3' },
  { name: 'poll-ms', help: 'poll the job every this many ms until completed', default: '50' },
  { name: 'single', help: 'single `ssh router show running-config` runs for the floor', default: '10' },
  { name: 'job-max-parallel', help: 'TEKNISI_JOB_MAX_PARALLEL of the server (0: the largest --concurrency, at least 50)', default: '0' },
  { name: 'config-lines', help: 'lines of the generated configurations of the diff part', default: '5000' },
  { name: 'changes', help: 'scattered changes of the light diff', default: '50' },
  { name: 'heavy-changes', help: 'scattered changes of the heavy diff (10% of the lines)', default: '500' },
  { name: 'diff-iterations', help: 'timed diffConfigs / normalize calls (after 10 untimed)', default: '200' },
  { name: 'http-iterations', help: 'timed GET /api/devices/:id/configs/diff (after 3 untimed)', default: '30' },
  { name: 'db-server', help: 'MySQL/MariaDB server URL without a database', default: 'mysql://root@127.0.0.1:3306' },
  { name: 'redis-url', help: 'Redis for the server (keys under its own prefix, deleted afterwards)', default: 'redis://127.0.0.1:6379' },
  { name: 'server-node-args', help: 'node flags for the server, space-separated', default: '' },
  { name: 'max-load', help: 'wait (up to 10 min) until the 1-minute load average is at most this before measuring' },
  { name: 'results-dir', help: 'where the JSON result goes', default: 'bench/results' },
  { name: 'help', help: 'this list', boolean: true },
];

type Tool = 'changed' | 'unchanged' | 'ssh' | 'inproc' | 'noop';
const TOOL_NAMES: Record<Tool, string> = {
  changed: 'Teknisi job, every config changed (200 new versions)', unchanged: 'Teknisi job, nothing changed (no version stored)',
  ssh: 'xargs -P + ssh > file', inproc: '(profile) SshClient + IOS source + normalize in-process',
  noop: '(profile) noop job: machinery, no SSH',
};

interface Row {
  concurrency: number;
  tool: Tool;
  runs: number;
  seconds: number;
  all: number[];
  /** median wall × concurrency / routers: a lane's time per router, ms */
  perTargetMs: number;
  /** the server's peak VmRSS (jobs), the process tree's largest sum (ssh) */
  rssMb: number | null;
  maxProcRssMb?: number;
  cpuS: number;
  complete: boolean;
}

type AnyRun = BackupRun | SshFilesRun | InProcessRun;

export async function main(argv: string[]): Promise<number> {
  const partArgs = argv.filter((a) => (PARTS as readonly string[]).includes(a)) as Part[];
  const flags = new Flags(FLAGS, argv.filter((a) => !(PARTS as readonly string[]).includes(a)));
  if (flags.bool('help')) {
    process.stdout.write(`npm run bench -- configs [${PARTS.join('|')}]... [flags]   (no part: both)\n${Flags.usage(FLAGS)}\n`);
    return 0;
  }
  const parts: Part[] = partArgs.length ? PARTS.filter((p) => partArgs.includes(p)) : [...PARTS];
  const log = (s: string) => process.stdout.write(`${s}\n`);
  const dbServer = flags.str('db-server').replace(/\/+$/, '');
  const redisUrl = flags.str('redis-url');
  for (const [url, what] of [[dbServer, '--db-server'], [redisUrl, '--redis-url']]) {
    const host = new URL(url).hostname;
    if (host !== '127.0.0.1' && host !== 'localhost') throw new Error(`${what} must point at 127.0.0.1 (got ${host})`);
  }
  const nRouters = flags.int('routers', 1);
  const addresses = labAddresses(flags.str('first-router'), nRouters);
  const concurrencies = flags.str('concurrency').split(',').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0);
  if (!concurrencies.length) throw new Error('--concurrency needs at least one whole number');
  const iterations = flags.int('iterations', 1);
  const pollMs = flags.int('poll-ms', 1);
  const maxParallel = flags.int('job-max-parallel') || Math.max(50, ...concurrencies);
  const maxLoad = flags.opt('max-load');
  const command = ['npm run bench -- configs', ...(partArgs.length ? parts : []), ...flags.explicit()].join(' ');

  const database = `teknisi_bench_configs_${process.pid}`;
  benchDatabaseGuard(database);
  const databaseUrl = `${dbServer}/${database}`;
  const prefix = `{teknisi-bench-configs-${process.pid}}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'teknisi-bench-configs-'));

  // everything started is stopped at the end, on failure and on SIGINT/SIGTERM too
  let fleet: LabIosFleet | undefined;
  let server: TeknisiServer | undefined;
  let db: Connection | undefined;
  let cleaned: Promise<void> | undefined;
  const cleanup = () => (cleaned ??= (async () => {
    stopRunning();
    if (db) await db.end().catch(() => undefined);
    db = undefined;
    if (server) await server.stop().catch((e) => log(`could not stop the server: ${e.message}`));
    if (server) server.server.cleanup();
    server = undefined;
    if (fleet) await fleet.stop().catch((e) => log(`could not stop the lab routers: ${e.message}`));
    fleet = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
    await onServer(dbServer, (c) => c.query(`DROP DATABASE IF EXISTS \`${database}\``)).catch((e) => log(`could not drop ${database}: ${e.message}`));
    await deleteKeysWithPrefix(redisUrl, prefix).catch((e) => log(`could not delete Redis keys ${prefix}*: ${e.message}`));
  })());
  const onSignal = (sig: NodeJS.Signals) => {
    log(`\n${sig}: stopping the lab routers and the server...`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const result: Record<string, unknown> = { bench: 'configs', date: new Date().toISOString(), command, parts };
  const loads: Record<string, number[]> = { before: os.loadavg().map(round1) };
  const goals: Array<{ goal: string; value: string; pass: boolean }> = [];
  const started = Date.now();
  // the generated configurations: the diff part's texts, and the stored pair of the HTTP diff
  const gen = generated(flags);
  try {
    await waitForLoad(maxLoad === undefined ? undefined : Number(maxLoad), log);
    if (parts.includes('diff')) {
      log(`diff: ${gen.a.split('\n').length - 1}-line configurations (${Math.round(Buffer.byteLength(gen.a) / 1024)} kB), ${gen.light.edited + gen.light.removed + gen.light.added} and ${gen.heavy.edited + gen.heavy.removed + gen.heavy.added} scattered changes...`);
      loads.diffStart = os.loadavg().map(round1);
      const d = diffPart(gen, flags.int('diff-iterations', 1));
      loads.diffEnd = os.loadavg().map(round1);
      result.diff = d;
      log(`\n${table(['5,000 lines', 'n', 'p50', 'p95', 'max', 'result'], d.timings.map((t) => [t.what, String(t.n), `${t.p50} ms`, `${t.p95} ms`, `${t.max} ms`, t.result]))}`);
      for (const t of d.timings.filter((x) => x.goal)) {
        goals.push({ goal: `diffConfigs of two ${d.lines.normalized}-line configurations (${t.what}) in <= ${DIFF_GOAL_MS} ms (p95 of ${t.n})`, value: `p50 ${t.p50} ms, p95 ${t.p95} ms, max ${t.max} ms`, pass: t.p95 <= DIFF_GOAL_MS });
      }
    }

    if (parts.includes('backups')) {
      const busy = await listenersOn(addresses);
      if (busy.length) throw new Error(`something already listens on the lab addresses (another lab?); pick others with --first-router:\n  ${busy.join('\n  ')}`);
      log(`\nbackups: ${nRouters} emulated IOS routers on ${addresses[0]} … ${addresses[addresses.length - 1]}...`);
      const t0 = Date.now();
      fleet = await LabIosFleet.start({ addresses, hostnamePrefix: 'bench-cfg' });
      log(`  started in ${round1((Date.now() - t0) / 1000)} s`);
      const cred = fleet.credentials;
      const routers: RouterTarget[] = fleet.devices.map((d) => ({ address: d.address, hostname: d.hostname, username: cred.username, password: cred.password, port: cred.port }));
      const peers = new Peers(dir, fleet.devices.map((d) => ({ address: d.address, hostname: d.hostname, username: cred.username, port: cred.port, privateKey: cred.privateKey })), 'show running-config', undefined);

      if (parts.includes('diff')) await waitForLoad(maxLoad === undefined ? undefined : Number(maxLoad), log);
      loads.backupsStart = os.loadavg().map(round1);
      peers.single('show running-config', 1);
      const floor = peers.single('show running-config', flags.int('single', 1));
      // and one backup at a time in this process: what a target costs on an idle machine
      const solo = await inProcessBackups(routers.slice(0, flags.int('single', 1)), 1);
      const soloExec = await inProcessBackups(routers.slice(0, flags.int('single', 1)), 1, { via: 'exec' });
      log(`  floor: one \`ssh router 'show running-config'\` p50 ${Math.round(median(floor))} ms; one in-process backup: connect p50 ${solo.connectMs.p50} ms, fetch p50 ${solo.fetchMs.p50} ms (over exec instead of the shell: ${soloExec.fetchMs.p50} ms), normalize p50 ${solo.normalizeMs.p50} ms`);

      server = await TeknisiServer.start({
        databaseUrl, redisUrl, queuePrefix: prefix, role: 'all', env: { TEKNISI_JOB_MAX_PARALLEL: String(maxParallel) },
        nodeArgs: flags.str('server-node-args').split(/\s+/).filter(Boolean),
      });
      log(`  server (TEKNISI_ROLE=all, TEKNISI_JOB_MAX_PARALLEL=${maxParallel}) up in ${server.startSeconds} s, ${server.idleRssMb} MB`);
      db = await createConnection({ uri: databaseUrl });
      const credentialId = await createCredential(server, { ...routers[0] });
      const found = await discover(server, addresses, credentialId, 3, log);
      if (found.devices.size < nRouters) throw new Error(`the discovery scans identified ${found.devices.size} of ${nRouters} lab routers`);
      const deviceIds = addresses.map((a) => found.devices.get(a)!);
      if (new Set(deviceIds).size !== nRouters) throw new Error(`the ${nRouters} lab routers became ${new Set(deviceIds).size} devices`);
      const [platforms] = (await db.query('SELECT platform, COUNT(*) AS n FROM devices WHERE id IN (?) GROUP BY platform', [deviceIds])) as unknown as [Array<{ platform: string; n: number }>];
      log(`  platforms: ${platforms.map((p) => `${p.platform} ${p.n}`).join(', ')}`);

      const raw: Record<Tool | 'first', AnyRun[]> = { first: [], changed: [], unchanged: [], ssh: [], inproc: [], noop: [] };
      let marker = 'Lab rack 2';
      let bumps = 0;
      // a real one-line change on every router (its snmp-server location), so that the next backup stores 200 versions
      const change = () => {
        marker = `bench-change-${++bumps}`;
        for (const d of fleet!.devices) d.setRunningConfig(markRun(d.runningConfig(), marker));
      };
      const once = async (tool: Tool | 'first', c: number, keep: boolean) => {
        let r: AnyRun;
        let line: string;
        if (tool === 'ssh') {
          const t = await sshToFiles(peers, c, path.join(dir, 'out'));
          r = t;
          line = `${t.seconds.toFixed(2)} s, ${t.complete}/${nRouters} files complete, tree RSS ${t.treeRssMb} MB (largest process ${t.maxProcRssMb} MB, ${t.maxProcs} processes), CPU ${t.cpuS} s${t.failures.length ? `; ${t.failures[0]}` : ''}`;
        } else if (tool === 'inproc') {
          const t = await inProcessBackups(routers, c);
          r = t;
          line = `${t.seconds.toFixed(2)} s, ${t.ok}/${nRouters} ok, connect p50 ${t.connectMs.p50} ms, fetch p50 ${t.fetchMs.p50} ms, normalize p50 ${t.normalizeMs.p50} ms, CPU ${t.cpuS} s`;
        } else {
          if (tool === 'changed' || tool === 'first') change();
          const t = await backupRun(server!, db!, tool as BackupMode, deviceIds, marker, c, pollMs, 900);
          r = t;
          line = `${t.seconds.toFixed(2)} s (server ${t.serverSeconds.toFixed(2)} s), ${t.succeeded}/${t.targets} succeeded, ${t.newVersions} new versions, ${t.unchanged} unchanged, ${t.versionsStored} stored, ${t.verified} verified, POST ${t.postMs} ms, first claim +${t.firstClaimMs} ms, target p50 ${t.targetMs.p50} ms, tail ${t.tailMs} ms, ${t.polls} polls, peak RSS ${t.peakRssMb} MB, CPU ${t.cpuS} s${t.failures.length ? `; ${t.failures[0]}` : ''}`;
        }
        log(`  ${keep ? '' : 'warm-up '}${tool} c=${c}: ${line}`);
        if (keep) raw[tool].push(r);
      };
      const top = Math.max(...concurrencies);
      log('  warm-up (not counted, but the first backup of every router is kept as "first"):');
      await once('first', top, true);
      for (const tool of ['unchanged', 'ssh', 'inproc', 'noop'] as Tool[]) await once(tool, top, false);
      const order: Tool[] = ['changed', 'ssh', 'unchanged'];
      for (let it = 0; it < iterations; it++) {
        log(`  iteration ${it + 1}/${iterations} (load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}):`);
        // the three take turns, the order rotating, so that load from other work falls on all
        const turn: Tool[] = [...order.slice(it % 3), ...order.slice(0, it % 3), 'inproc', 'noop'];
        for (const c of concurrencies) for (const tool of turn) await once(tool, c, true);
      }
      loads.backupsEnd = os.loadavg().map(round1);

      const rows = summarize_(raw, concurrencies, nRouters);
      for (const c of concurrencies) {
        const get = (tool: Tool) => rows.find((r) => r.concurrency === c && r.tool === tool);
        const ss = get('ssh');
        for (const tool of ['changed', 'unchanged'] as const) {
          const tk = get(tool);
          goals.push({
            goal: `c=${c}: Teknisi backup of ${nRouters} routers (${tool === 'changed' ? 'every config changed' : 'nothing changed'}; POST to completed, all stored and verified) no slower than ssh through xargs -P ${c}`,
            value: tk && ss ? `${tk.seconds.toFixed(2)} s vs ${ss.seconds.toFixed(2)} s (${round2(tk.seconds / ss.seconds)}x)${tk.complete ? '' : ', Teknisi incomplete'}${ss.complete ? '' : ', ssh incomplete'}` : 'not measured',
            pass: !!(tk && ss && tk.complete && tk.seconds <= ss.seconds),
          });
        }
      }
      const first = raw.first[0] as BackupRun;

      let httpDiff: Record<string, unknown> | undefined;
      if (parts.includes('diff')) httpDiff = await storedDiff(server, fleet, deviceIds[0], db, gen, pollMs, flags.int('http-iterations', 1), log);

      const server1 = server;
      const vmHwm = Math.round(vmHwmKb(server1.server.pid) / 1024);
      await server1.stop();
      server1.server.cleanup();
      server = undefined;
      await fleet.stop();
      fleet = undefined;

      result.backups = {
        addresses: [addresses[0], addresses[addresses.length - 1]], count: nRouters,
        commands: {
          teknisi: `POST /api/jobs {kind: 'config.backup', params: {}, target: {deviceIds: [${nRouters} ids]}, concurrency: N, retries: 0}; GET /api/jobs?limit=1 every ${pollMs} ms until it says completed`,
          changed: 'before each "changed" run every router\'s snmp-server location line is rewritten (a real change): 200 new versions; "unchanged" runs follow without a change: none stored',
          ssh: sshFilesCommandLine(peers, 0).replace('-P 0', '-P N'),
          inproc: 'in the bench process: SshClient.connect (password) + ciscoIosSource.fetch (one shell: terminal length 0, show running-config) + normalize (default rules), N lanes',
          noop: 'the same POST with {kind: \'noop\'}: claims, leases, logs and polling without SSH',
        },
        floor: { sshShowRunMs: Math.round(median(floor)), samples: floor.map(Math.round), inProcess: solo, inProcessExec: soloExec },
        server: { startSeconds: server1.startSeconds, idleRssMb: server1.idleRssMb, vmHwmMb: vmHwm, jobMaxParallel: maxParallel },
        discovery: found.scans,
        first: { concurrency: first.concurrency, seconds: first.seconds, newVersions: first.newVersions, verified: first.verified, peakRssMb: first.peakRssMb, cpuS: first.cpuS },
        summary: rows,
        runs: raw,
        httpDiff,
        sshVersion: spawnSync('ssh', ['-V'], { encoding: 'utf8' }).stderr.trim(),
      };
      log(`\n${backupsTable(rows, nRouters)}`);
      log(`first backup of every router (warm-up, c=${first.concurrency}): ${first.seconds.toFixed(2)} s, ${first.newVersions} first versions, peak RSS ${first.peakRssMb} MB, CPU ${first.cpuS} s`);
      log(`floor: one \`ssh router 'show running-config'\` ${Math.round(median(floor))} ms (p50 of ${floor.length}); one in-process backup ${round1(solo.connectMs.p50 + solo.fetchMs.p50 + solo.normalizeMs.p50)} ms (connect ${solo.connectMs.p50} + fetch ${solo.fetchMs.p50} + normalize ${solo.normalizeMs.p50}; the fetch over exec ${soloExec.fetchMs.p50})`);
    }
  } finally {
    await cleanup();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }

  loads.after = os.loadavg().map(round1);
  const dbVersion = await onServer(dbServer, async (c) => ((await c.query('SELECT VERSION() AS v')) as unknown as [[{ v: string }]])[0][0].v);
  result.machine = { loadAverage: loads, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryMb: Math.round(os.totalmem() / 2 ** 20), node: process.version, db: dbVersion };
  result.seconds = Math.round((Date.now() - started) / 1000);
  result.goals = goals;
  result.pass = goals.every((g) => g.pass);
  const file = writeResult(result, flags.str('results-dir'));
  log('\ngoals:');
  for (const g of goals) log(`  ${g.pass ? 'pass' : 'FAIL'}  ${g.goal}: ${g.value}`);
  log(`load average (1/5/15 min): ${Object.entries(loads).map(([k, v]) => `${k} ${v.join(' ')}`).join('; ')}; ${os.cpus().length} CPUs`);
  log(`results: ${path.relative(process.cwd(), file) || file}`);
  log(`reproduce: ${command}`);
  return result.pass ? 0 : 1;
}

interface Generated {
  /** raw configuration bodies (up to `end`), the light and heavy changes of `a` */
  a: string;
  light: ReturnType<typeof scatterChanges>;
  heavy: ReturnType<typeof scatterChanges>;
}

function generated(flags: Flags): Generated {
  const a = largeConfig(initialRunningConfig(iosIdentity()), flags.int('config-lines', 200), 1);
  return { a, light: scatterChanges(a, flags.int('changes', 1), 2), heavy: scatterChanges(a, flags.int('heavy-changes', 1), 3) };
}

/** Warm timings of one call: 10 untimed, then `n` timed. */
function timeCalls(n: number, fn: () => unknown): ReturnType<typeof summarize> {
  for (let i = 0; i < 10; i++) fn();
  const xs: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    fn();
    xs.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return summarize(xs);
}

function diffPart(g: Generated, n: number) {
  const rules = DEFAULT_NORMALIZATION_RULES;
  const rawA = showRunningHeader(g.a);
  const na = normalize(rawA, 'cisco-ios', rules);
  const nb = normalize(showRunningHeader(g.light.text), 'cisco-ios', rules).text;
  const nc = normalize(showRunningHeader(g.heavy.text), 'cisco-ios', rules).text;
  const labels = { from: 'v1', to: 'v2' };
  const light = diffConfigs(na.text, nb, labels);
  const heavy = diffConfigs(na.text, nc, labels);
  const r2 = (x: number) => Math.round(x * 100) / 100;
  const row = (what: string, s: ReturnType<typeof summarize>, res: string, goal: boolean) => ({ what, n: s.n, p50: r2(s.p50), p95: r2(s.p95), max: r2(s.max), mean: r2(s.mean), result: res, goal });
  const timings = [
    row(`diff, ${g.light.edited} edited + ${g.light.removed} removed + ${g.light.added} added lines`, timeCalls(n, () => diffConfigs(na.text, nb, labels)), `+${light.added} -${light.removed}, ${light.diff.split('\n').length - 1} diff lines`, true),
    row(`diff, ${g.heavy.edited} edited + ${g.heavy.removed} removed + ${g.heavy.added} added lines (10%)`, timeCalls(Math.max(20, Math.round(n / 4)), () => diffConfigs(na.text, nc, labels)), `+${heavy.added} -${heavy.removed}, ${heavy.diff.split('\n').length - 1} diff lines`, true),
    row('normalize (default rules, compiled)', timeCalls(n, () => normalize(rawA, 'cisco-ios', rules)), `${na.dropped} dropped, ${na.masked} masked`, false),
    // a new rules array each call: the rules are compiled again, as after an admin's edit (the server caches its list 5 s)
    row('normalize (default rules, compiled each call)', timeCalls(Math.max(20, Math.round(n / 4)), () => normalize(rawA, 'cisco-ios', [...rules])), `${na.dropped} dropped, ${na.masked} masked`, false),
  ];
  return { lines: { raw: rawA.split('\n').length - 1, normalized: na.text.split('\n').length - 1 }, bytes: Buffer.byteLength(na.text), timings };
}

/**
 * GET /api/devices/:id/configs/diff end to end: the first router's configuration grown to the
 * generated size and backed up (a job, through its real sshd), then the light change of it backed
 * up; then the diff of the two stored versions, timed. Its counts must equal diffConfigs' here.
 */
async function storedDiff(t: TeknisiServer, fleet: LabIosFleet, deviceId: number, db: Connection, g: Generated, pollMs: number, n: number, log: (s: string) => void): Promise<Record<string, unknown>> {
  const router = fleet.devices[0];
  const big = largeConfig(router.runningConfig(), g.a.split('\n').length - 1, 1);
  const changed = scatterChanges(big, g.light.edited + g.light.removed + g.light.added, 2);
  const backups: Array<{ seconds: number; newVersions: number }> = [];
  for (const text of [big, changed.text]) {
    router.setRunningConfig(text);
    const r = await backupRun(t, db, 'changed', [deviceId], 'BENCH-SERVICES', 1, pollMs, 300);
    if (r.newVersions !== 1 || r.verified !== 1) throw new Error(`the 5,000-line backup of ${router.hostname} did not store a version: ${JSON.stringify(r.failures)}`);
    backups.push({ seconds: r.seconds, newVersions: r.newVersions });
  }
  const norm = (x: string) => normalize(showRunningHeader(x), 'cisco-ios', DEFAULT_NORMALIZATION_RULES).text;
  const want = diffConfigs(norm(big), norm(changed.text), { from: 'a', to: 'b' });
  const client: BenchClient = t.client;
  const url = `/api/devices/${deviceId}/configs/diff`;
  const xs: number[] = [];
  let got: { added: number; removed: number; diff: string } | undefined;
  for (let i = 0; i < n + 3; i++) {
    const { res, data } = await client.json<{ added: number; removed: number; diff: string }>(url);
    if (i >= 3) xs.push(res.ms);
    got = data;
  }
  const s = summarize(xs);
  const same = got!.added === want.added && got!.removed === want.removed;
  log(`  GET ${url} (two stored ${g.a.split('\n').length - 1}-line versions): p50 ${s.p50.toFixed(1)} ms, p95 ${s.p95.toFixed(1)} ms (n ${s.n}); +${got!.added} -${got!.removed}${same ? '' : ` (diffConfigs here: +${want.added} -${want.removed})`}; the two backups ${backups.map((b) => `${b.seconds.toFixed(2)} s`).join(', ')}`);
  return { url, n: s.n, p50: round2(s.p50), p95: round2(s.p95), max: round2(s.max), added: got!.added, removed: got!.removed, matchesLocal: same, backupSeconds: backups.map((b) => b.seconds) };
}

function summarize_(raw: Record<Tool | 'first', AnyRun[]>, concurrencies: number[], n: number): Row[] {
  const rows: Row[] = [];
  for (const c of concurrencies) {
    for (const tool of ['changed', 'unchanged', 'ssh', 'inproc', 'noop'] as Tool[]) {
      const runs = raw[tool].filter((r) => r.concurrency === c);
      if (!runs.length) continue;
      const secs = runs.map((r) => r.seconds);
      const complete = runs.every((r) => {
        if (tool === 'ssh') return (r as SshFilesRun).complete === n;
        if (tool === 'inproc') return (r as InProcessRun).ok === n;
        const b = r as BackupRun;
        if (tool === 'noop') return b.succeeded === n;
        return b.succeeded === n && b.verified === n && (tool === 'changed' ? b.newVersions === n && b.versionsStored === n : b.unchanged === n && b.versionsStored === 0);
      });
      const rss = tool === 'ssh' ? runs.map((r) => (r as SshFilesRun).treeRssMb) : tool === 'inproc' ? [] : runs.map((r) => (r as BackupRun).peakRssMb);
      rows.push({
        concurrency: c, tool, runs: runs.length, seconds: round3(median(secs)), all: secs, perTargetMs: Math.round((median(secs) * 1000 * c) / n),
        rssMb: rss.length ? Math.round(median(rss)) : null, maxProcRssMb: tool === 'ssh' ? round1(median(runs.map((r) => (r as SshFilesRun).maxProcRssMb))) : undefined,
        cpuS: round3(median(runs.map((r) => r.cpuS))), complete,
      });
    }
  }
  return rows;
}

function backupsTable(rows: Row[], n: number): string {
  return table(
    ['c', 'tool', 'wall p50', 'per target', 'peak RSS', 'CPU', `all ${n}`, 'runs (s)'],
    rows.map((r) => [
      String(r.concurrency), TOOL_NAMES[r.tool], `${r.seconds.toFixed(2)} s`, `${r.perTargetMs} ms`,
      r.rssMb === null ? '-' : r.tool === 'ssh' ? `${r.rssMb} MB (1 proc ${r.maxProcRssMb} MB)` : `${r.rssMb} MB`,
      `${r.cpuS.toFixed(2)} s`, r.complete ? 'yes' : 'NO', r.all.map((x) => x.toFixed(2)).join(' '),
    ]),
  );
}

/** One file per day: the latest run in full, that day's earlier runs by their summaries. */
function writeResult(result: Record<string, unknown>, resultsDir: string): string {
  const outDir = path.resolve(REPO_ROOT, resultsDir);
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `configs-${new Date().toISOString().slice(0, 10)}.json`);
  try {
    const prev = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown> & { earlier?: unknown[]; backups?: { summary?: unknown; first?: unknown }; diff?: { timings?: unknown } };
    result.earlier = [...(prev.earlier ?? []), {
      date: prev.date, command: prev.command, loadAverage: (prev.machine as { loadAverage?: unknown } | undefined)?.loadAverage,
      backups: prev.backups?.summary, first: prev.backups?.first, diff: prev.diff?.timings, goals: prev.goals, pass: prev.pass,
    }];
  } catch {
    // the first run of the day
  }
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return file;
}

async function onServer<T>(dbServer: string, fn: (c: Connection) => Promise<T>): Promise<T> {
  const conn = await createConnection({ uri: `${dbServer}/` });
  try {
    return await fn(conn);
  } finally {
    await conn.end();
  }
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;
