// bench/fanout: issue 4's figures. A command on 50 lab SSH hosts at concurrency 10, 25 and 50
// through Teknisi's jobs API (POST to completed), in the same run as `ansible all -m raw` with
// the same forks and plain OpenSSH `ssh` through `xargs -P`, on the same hosts; and the POST of
// a noop run for 5,000 devices, timed until every target is queued (parts: `hosts`, `queue`).
// Only loopback addresses (127.0.0.0/8) are contacted; the 5,000 devices' addresses are data.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createConnection } from 'mysql2/promise';
import { deleteKeysWithPrefix } from '../src/common/redis.module';
import { LabFleet, labAddresses } from '../test/lab/fleet';
import { FlagSpec, Flags } from './lib/args';
import { ensureDebianPackage, waitForLoad } from './lib/discovery-proc';
import { Peers, PeerRun } from './lib/fanout-peers';
import { listenersOn, median, stopRunning, which } from './lib/fanout-proc';
import {
  commandRun, createCredential, discover, insertDevices, LabTarget, queueRun, QueueRun, rawSsh, RawSshRun, TeknisiRun, TeknisiServer,
} from './lib/fanout-teknisi';
import { benchDatabaseGuard } from './lib/seed';
import { REPO_ROOT } from './lib/server';
import { round1, round2, table } from './lib/stats';

const PARTS = ['hosts', 'queue'] as const;
type Part = (typeof PARTS)[number];
const QUEUE_TAG = 'bench-fanout-5k';

const FLAGS: FlagSpec[] = [
  { name: 'first-host', help: 'address of the first lab host (the others follow it; loopback only)', default: '127.91.0.1' },
  { name: 'hosts', help: 'lab SSH hosts', default: '50' },
  { name: 'concurrency', help: 'concurrencies measured (job concurrency = ansible forks = xargs -P), comma-separated', default: '10,25,50' },
  { name: 'iterations', help: 'timed runs of each tool at each concurrency (the median is reported)', default: '3' },
  { name: 'script', help: 'the command run on every host', default: 'uname -n' },
  { name: 'poll-ms', help: 'GET /api/jobs/:id every this many ms until completed', default: '50' },
  { name: 'single', help: 'single `ssh host true` runs for the floor', default: '10' },
  { name: 'job-max-parallel', help: 'TEKNISI_JOB_MAX_PARALLEL of the server (0: the largest --concurrency, at least 50)', default: '0' },
  { name: 'ansible-ssh-args', help: 'ANSIBLE_SSH_ARGS (unset: Ansible\'s default, ControlPersist in a fresh directory per run)' },
  { name: 'install-ansible', help: 'apt-get install ansible-core when ansible is missing and we are root', boolean: true, default: 'true' },
  { name: 'queue-targets', help: 'devices of the queued-run part', default: '5000' },
  { name: 'queue-iterations', help: 'timed POSTs of the queued-run part, by tag and by deviceIds each', default: '3' },
  { name: 'queue-concurrency', help: 'concurrency (lanes) of the queued run', default: '50' },
  { name: 'db-server', help: 'MySQL/MariaDB server URL without a database', default: 'mysql://root@127.0.0.1:3306' },
  { name: 'redis-url', help: 'Redis for the server (keys under its own prefix, deleted afterwards)', default: 'redis://127.0.0.1:6379' },
  { name: 'server-node-args', help: 'node flags for the server, space-separated', default: '' },
  { name: 'max-load', help: 'wait (up to 10 min) until the 1-minute load average is at most this before measuring' },
  { name: 'results-dir', help: 'where the JSON result goes', default: 'bench/results' },
  { name: 'help', help: 'this list', boolean: true },
];

type Tool = 'teknisi' | 'ssh' | 'ansible' | 'ssh2' | 'noop';

interface Row {
  concurrency: number;
  tool: Tool;
  runs: number;
  /** median wall time, s */
  seconds: number;
  all: number[];
  /** median wall × concurrency / hosts: a lane's time per target, ms */
  perTargetMs: number;
  /** median of each run's peak RSS: the server's VmRSS (teknisi), the process tree's sum (peers) */
  rssMb: number;
  /** peers: GNU time's %M (largest single process) */
  maxProcRssMb?: number;
  cpuS: number;
  complete: boolean;
}

export async function main(argv: string[]): Promise<number> {
  const partArgs = argv.filter((a) => (PARTS as readonly string[]).includes(a)) as Part[];
  const flags = new Flags(FLAGS, argv.filter((a) => !(PARTS as readonly string[]).includes(a)));
  if (flags.bool('help')) {
    process.stdout.write(`npm run bench -- fanout [${PARTS.join('|')}]... [flags]   (no part: both)\n${Flags.usage(FLAGS)}\n`);
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
  const nHosts = flags.int('hosts', 1);
  const addresses = labAddresses(flags.str('first-host'), nHosts);
  const outside = addresses.find((a) => !/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a));
  if (outside) throw new Error(`the bench contacts loopback addresses only (127.0.0.0/8); ${outside} is not one`);
  const concurrencies = flags.str('concurrency').split(',').map((s) => Number(s.trim())).filter((n) => Number.isInteger(n) && n > 0);
  if (!concurrencies.length) throw new Error('--concurrency needs at least one whole number');
  const iterations = flags.int('iterations', 1);
  const script = flags.str('script');
  const pollMs = flags.int('poll-ms', 1);
  const maxParallel = flags.int('job-max-parallel') || Math.max(50, ...concurrencies);
  const nodeArgs = flags.str('server-node-args').split(/\s+/).filter(Boolean);
  const maxLoad = flags.opt('max-load');
  const command = ['npm run bench -- fanout', ...(partArgs.length ? parts : []), ...flags.explicit()].join(' ');

  const database = `teknisi_bench_fanout_${process.pid}`;
  benchDatabaseGuard(database);
  const databaseUrl = `${dbServer}/${database}`;
  const prefixes = [`{teknisi-bench-fanout-${process.pid}}`, `{teknisi-bench-fanout-${process.pid}-api}`];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'teknisi-bench-fanout-'));

  // everything started is stopped at the end, on failure and on SIGINT/SIGTERM too
  let fleet: LabFleet | undefined;
  let server: TeknisiServer | undefined;
  let cleaned: Promise<void> | undefined;
  const cleanup = () => (cleaned ??= (async () => {
    stopRunning();
    if (server) await server.stop().catch((e) => log(`could not stop the server: ${e.message}`));
    if (server) server.server.cleanup();
    server = undefined;
    if (fleet) await fleet.stop().catch((e) => log(`could not stop the lab hosts: ${e.message}`));
    fleet = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
    await dropDatabase(dbServer, database).catch((e) => log(`could not drop ${database}: ${e.message}`));
    for (const p of prefixes) await deleteKeysWithPrefix(redisUrl, p).catch((e) => log(`could not delete Redis keys ${p}*: ${e.message}`));
  })());
  const onSignal = (sig: NodeJS.Signals) => {
    log(`\n${sig}: stopping the lab hosts and the server...`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const result: Record<string, unknown> = { bench: 'fanout', date: new Date().toISOString(), command, parts };
  const loads: Record<string, number[]> = { before: os.loadavg().map(round1) };
  const rows: Row[] = [];
  const goals: Array<{ goal: string; value: string; pass: boolean }> = [];
  const started = Date.now();
  try {
    if (parts.includes('hosts')) {
      const busy = await listenersOn(addresses);
      if (busy.length) throw new Error(`something already listens on the lab addresses (another lab?); pick others with --first-host:\n  ${busy.join('\n  ')}`);
      const ansible = ensureAnsible(flags.bool('install-ansible'), log);
      log(`fanout: ${nHosts} lab hosts on ${addresses[0]} … ${addresses[addresses.length - 1]}...`);
      const t0 = Date.now();
      fleet = await LabFleet.start({ addresses, hostnamePrefix: 'bench-fan', concurrency: 8 });
      log(`  started in ${round1((Date.now() - t0) / 1000)} s`);
      const hosts: LabTarget[] = fleet.hosts.map((h) => ({ address: h.address, hostname: h.identity.hostname, ...pick(h.credentials) }));
      const peers = new Peers(dir, fleet.hosts.map((h) => ({ address: h.address, hostname: h.identity.hostname, username: h.credentials.username, port: h.credentials.port, privateKey: h.credentials.privateKey })), script, flags.opt('ansible-ssh-args'));

      await waitForLoad(maxLoad === undefined ? undefined : Number(maxLoad), log);
      loads.hostsStart = os.loadavg().map(round1);
      peers.single('true', 1);
      const floorTrue = peers.single('true', flags.int('single', 1));
      const floorCmd = peers.single(script, flags.int('single', 1));
      log(`  floor: one \`ssh host true\` p50 ${Math.round(median(floorTrue))} ms, \`ssh host ${script}\` p50 ${Math.round(median(floorCmd))} ms`);

      server = await TeknisiServer.start({ databaseUrl, redisUrl, queuePrefix: prefixes[0], role: 'all', env: { TEKNISI_JOB_MAX_PARALLEL: String(maxParallel) }, nodeArgs });
      log(`  server (TEKNISI_ROLE=all, TEKNISI_JOB_MAX_PARALLEL=${maxParallel}) up in ${server.startSeconds} s, ${server.idleRssMb} MB`);
      const credentialId = await createCredential(server, hosts[0]);
      const found = await discover(server, addresses, credentialId, 3, log);
      if (found.devices.size < hosts.length) throw new Error(`the discovery scans identified ${found.devices.size} of ${hosts.length} lab hosts`);
      const deviceIds = addresses.map((a) => found.devices.get(a)!);
      const hostnames = new Map(hosts.map((h) => [found.devices.get(h.address)!, h.hostname]));
      if (new Set(deviceIds).size !== hosts.length) throw new Error(`the ${hosts.length} lab hosts became ${new Set(deviceIds).size} devices`);

      const raw: Record<Tool, Array<TeknisiRun | PeerRun | RawSshRun>> = { teknisi: [], ssh: [], ansible: [], ssh2: [], noop: [] };
      const top = Math.max(...concurrencies);
      const once = async (tool: Tool, c: number, keep: boolean) => {
        let r: TeknisiRun | PeerRun | RawSshRun;
        let line: string;
        if (tool === 'teknisi' || tool === 'noop') {
          const t = await commandRun(server!, tool === 'noop' ? null : script, deviceIds, hostnames, c, pollMs, 600);
          r = t;
          line = `${t.seconds.toFixed(2)} s (server ${t.serverSeconds.toFixed(2)} s), ${t.counts.succeeded}/${t.targets} succeeded, ${t.answered} answered, POST ${t.postMs} ms, first claim +${t.firstClaimMs} ms, target p50 ${t.targetMs.p50} ms (sum ${t.targetMs.sum} ms), last finish → seen ${t.tailMs} ms, ${t.polls} polls, peak RSS ${t.peakRssMb} MB, CPU ${t.cpuS} s${t.failures.length ? `; ${t.failures[0]}` : ''}`;
        } else if (tool === 'ssh2') {
          const t = await rawSsh(hosts, script, c);
          r = t;
          line = `${t.seconds.toFixed(2)} s, ${t.ok}/${hosts.length} ok, connect p50 ${t.connectMs.p50} ms, exec p50 ${t.execMs.p50} ms, CPU ${t.cpuS} s`;
        } else {
          if (tool === 'ansible' && !ansible) return;
          const t = tool === 'ssh' ? await peers.ssh(c) : await peers.ansible(c);
          r = t;
          line = `${t.seconds.toFixed(2)} s, ${t.answered}/${hosts.length} answered, tree RSS ${t.treeRssMb} MB (largest process ${t.maxProcRssMb} MB, ${t.maxProcs} processes), CPU ${t.cpuS} s${t.failures.length ? `; ${t.failures[0]}` : ''}`;
        }
        log(`  ${keep ? '' : 'warm-up '}${tool} c=${c}: ${line}`);
        if (keep) raw[tool].push(r);
      };
      log('  warm-up (not counted):');
      for (const tool of ['teknisi', 'ssh', 'ansible', 'ssh2', 'noop'] as Tool[]) await once(tool, top, false);
      const order: Tool[] = ['teknisi', 'ssh', 'ansible', 'ssh2'];
      for (let it = 0; it < iterations; it++) {
        log(`  iteration ${it + 1}/${iterations} (load ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}):`);
        // the tools take turns, the order rotating, so that load from other work falls on all
        const turn: Tool[] = [...order.slice(it % 3, 3), ...order.slice(0, it % 3), 'ssh2', 'noop'];
        for (const c of concurrencies) for (const tool of turn) await once(tool, c, true);
      }
      loads.hostsEnd = os.loadavg().map(round1);
      const server1 = server;
      const vmHwm = vmHwmMb(server1.server.pid);
      await server1.stop();
      server1.server.cleanup();
      server = undefined;
      await fleet.stop();
      fleet = undefined;

      for (const c of concurrencies) {
        for (const tool of ['teknisi', 'ssh', 'ansible', 'ssh2', 'noop'] as Tool[]) {
          const runs = raw[tool].filter((r) => r.concurrency === c);
          if (!runs.length) continue;
          const secs = runs.map((r) => r.seconds);
          const complete = runs.every((r) => tool === 'teknisi' || tool === 'noop' ? (r as TeknisiRun).answered === hosts.length : tool === 'ssh2' ? (r as RawSshRun).ok === hosts.length : (r as PeerRun).answered === hosts.length);
          const rss = tool === 'teknisi' || tool === 'noop' ? runs.map((r) => (r as TeknisiRun).peakRssMb) : tool === 'ssh2' ? [] : runs.map((r) => (r as PeerRun).treeRssMb);
          rows.push({
            concurrency: c, tool, runs: runs.length, seconds: round3(median(secs)), all: secs, perTargetMs: Math.round((median(secs) * 1000 * c) / hosts.length),
            rssMb: Math.round(median(rss)), maxProcRssMb: tool === 'ssh' || tool === 'ansible' ? round1(median(runs.map((r) => (r as PeerRun).maxProcRssMb))) : undefined,
            cpuS: round3(median(runs.map((r) => r.cpuS))), complete,
          });
        }
        const get = (tool: Tool) => rows.find((r) => r.concurrency === c && r.tool === tool);
        const tk = get('teknisi');
        const an = get('ansible');
        const ss = get('ssh');
        goals.push({
          goal: `c=${c}: Teknisi (POST to completed, all ${hosts.length} answered) faster than ansible -m raw -f ${c}`,
          value: tk && an ? `${tk.seconds.toFixed(2)} s vs ${an.seconds.toFixed(2)} s (${round2(tk.seconds / an.seconds)}x)${tk.complete ? '' : ', Teknisi incomplete'}` : `not measured${an ? '' : ': ansible missing'}`,
          pass: !!(tk && an && tk.complete && tk.seconds < an.seconds),
        });
        goals.push({
          goal: `c=${c}: Teknisi no slower than ssh through xargs -P ${c}`,
          value: tk && ss ? `${tk.seconds.toFixed(2)} s vs ${ss.seconds.toFixed(2)} s (${round2(tk.seconds / ss.seconds)}x)${tk.complete ? '' : ', Teknisi incomplete'}` : 'not measured',
          pass: !!(tk && ss && tk.complete && tk.seconds <= ss.seconds),
        });
      }
      result.hosts = {
        addresses: [addresses[0], addresses[addresses.length - 1]], count: hosts.length, script,
        commands: {
          teknisi: `POST /api/jobs {kind: 'command', params: {script: ${JSON.stringify(script)}}, target: {deviceIds: [${hosts.length} ids]}, concurrency: N, retries: 0}, GET /api/jobs/:id every ${pollMs} ms until completed`,
          ssh: peers.sshCommandLine(0).replace('-P 0', '-P N'), ansible: peers.ansibleCommandLine(0).replace('-f 0', '-f N'),
          noop: `the same POST with {kind: 'noop', params: {}}: claims, leases, logs and polling without SSH`,
          ssh2: 'in the bench process: SshClient.connect (password) + exec of the command as the command kind builds it (buildPosixCommand: the script on a held-open stdin), N lanes',
          ansibleSshArgs: flags.opt('ansible-ssh-args') ?? 'default (-C -o ControlMaster=auto -o ControlPersist=60s), ANSIBLE_SSH_CONTROL_PATH_DIR fresh per run, its masters stopped after each run',
        },
        floor: { sshTrueMs: Math.round(median(floorTrue)), sshScriptMs: Math.round(median(floorCmd)), samples: floorTrue.map(Math.round) },
        server: { startSeconds: server1.startSeconds, idleRssMb: server1.idleRssMb, vmHwmMb: vmHwm, jobMaxParallel: maxParallel },
        discovery: found.scans,
        summary: rows,
        runs: raw,
        ansibleVersion: ansible,
        sshVersion: sshV(),
      };
      log(`\n${hostsTable(rows, hosts.length)}`);
      log(`floor: one \`ssh host true\` ${Math.round(median(floorTrue))} ms, \`ssh host ${script}\` ${Math.round(median(floorCmd))} ms (p50 of ${floorTrue.length})`);
    }

    if (parts.includes('queue')) {
      const n = flags.int('queue-targets', 1);
      const qc = flags.int('queue-concurrency', 1);
      log(`\nqueue: ${n} generated devices, a noop run for all of them on an API-only server (no worker drains the queue)...`);
      // an API-only server first migrates the database (when the hosts part did not)
      server = await TeknisiServer.start({ databaseUrl, redisUrl, queuePrefix: prefixes[1], role: 'api', nodeArgs });
      const ids = await insertDevices(databaseUrl, n, QUEUE_TAG);
      log(`  ${ids.length} devices inserted (198.18.0.0/15 as data; tag ${QUEUE_TAG})`);
      const runs: QueueRun[] = [];
      const q = async (by: QueueRun['by'], keep: boolean) => {
        const r = await queueRun(server!, databaseUrl, redisUrl, prefixes[1], by, by === 'tag' ? { tags: [QUEUE_TAG] } : { deviceIds: ids }, n, qc);
        log(`  ${keep ? '' : 'warm-up '}by ${by}: 201 after ${r.postMs} ms, ${r.rows} rows queued and ${r.lanesInRedis}/${r.lanes} lanes in Redis at ${r.queuedMs} ms (body ${r.bodyBytes} bytes)`);
        if (keep) runs.push(r);
      };
      await q('tag', false);
      await q('deviceIds', false);
      loads.queueStart = os.loadavg().map(round1);
      for (let i = 0; i < flags.int('queue-iterations', 1); i++) for (const by of ['tag', 'deviceIds'] as const) await q(by, true);
      loads.queueEnd = os.loadavg().map(round1);
      const rss = Math.round(server.rss.peakKb / 1024);
      await server.stop();
      server.server.cleanup();
      server = undefined;
      const summary = (['tag', 'deviceIds'] as const).map((by) => {
        const rs = runs.filter((r) => r.by === by);
        return { by, runs: rs.length, postMs: Math.round(median(rs.map((r) => r.postMs))), queuedMs: Math.round(median(rs.map((r) => r.queuedMs))), all: rs.map((r) => r.queuedMs), complete: rs.every((r) => r.rows === n && r.lanesInRedis === r.lanes) };
      });
      for (const s of summary) {
        goals.push({
          goal: `${n} targets (by ${s.by}) queued in <= 2 s: POST until every row is queued and every lane is in Redis`,
          value: `${(s.queuedMs / 1000).toFixed(2)} s (201 after ${(s.postMs / 1000).toFixed(2)} s)${s.complete ? '' : ', incomplete'}`,
          pass: s.complete && s.queuedMs <= 2000,
        });
      }
      result.queue = { targets: n, concurrency: qc, tag: QUEUE_TAG, serverPeakRssMb: rss, summary, runs };
      log(`\n${table(['5,000-target noop run', 'POST → 201', 'all queued', 'runs'], summary.map((s) => [`by ${s.by}`, `${s.postMs} ms`, `${s.queuedMs} ms`, String(s.runs)]))}`);
    }
  } finally {
    await cleanup();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }

  loads.after = os.loadavg().map(round1);
  const [{ v: dbVersion }] = await dbVersionOf(dbServer);
  result.machine = { loadAverage: loads, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, memoryMb: Math.round(os.totalmem() / 2 ** 20), node: process.version, db: dbVersion };
  result.seconds = Math.round((Date.now() - started) / 1000);
  result.goals = goals;
  result.pass = goals.every((g) => g.pass);
  const date = new Date().toISOString().slice(0, 10);
  const outDir = path.resolve(REPO_ROOT, flags.str('results-dir'));
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `fanout-${date}.json`);
  // one file per day: the latest run in full, the earlier runs of that day by their summaries
  try {
    const prev = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown> & { earlier?: unknown[]; hosts?: { summary?: unknown; floor?: unknown }; queue?: { summary?: unknown } };
    result.earlier = [...(prev.earlier ?? []), {
      date: prev.date, command: prev.command, loadAverage: (prev.machine as { loadAverage?: unknown } | undefined)?.loadAverage,
      hosts: prev.hosts?.summary, floor: prev.hosts?.floor, queue: prev.queue?.summary, goals: prev.goals, pass: prev.pass,
    }];
  } catch {
    // the first run of the day
  }
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  log('\ngoals:');
  for (const g of goals) log(`  ${g.pass ? 'pass' : 'FAIL'}  ${g.goal}: ${g.value}`);
  log(`load average (1/5/15 min): ${Object.entries(loads).map(([k, v]) => `${k} ${v.join(' ')}`).join('; ')}; ${os.cpus().length} CPUs`);
  log(`results: ${path.relative(process.cwd(), file) || file}`);
  log(`reproduce: ${command}`);
  return result.pass ? 0 : 1;
}

function pick(c: { username: string; password: string; port: number }): { username: string; password: string; port: number } {
  return { username: c.username, password: c.password, port: c.port };
}

const round3 = (x: number) => Math.round(x * 1000) / 1000;

function sshV(): string {
  try {
    return execFileSync('ssh', ['-V'], { encoding: 'utf8', stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (err) {
    return String((err as { stderr?: string }).stderr ?? '').trim();
  }
}

function vmHwmMb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

/** ansible's version line, installing Debian's ansible-core first when allowed; null when it is missing. */
function ensureAnsible(install: boolean, log: (s: string) => void): string | null {
  if (install) ensureDebianPackage('ansible', 'ansible-core', log);
  if (!which('ansible')) return null;
  return execFileSync('ansible', ['--version'], { encoding: 'utf8' }).split('\n')[0].trim();
}

function hostsTable(rows: Row[], hosts: number): string {
  const name: Record<Tool, string> = {
    teknisi: 'Teknisi job (POST → completed)', ansible: 'ansible -m raw', ssh: 'xargs -P + ssh',
    ssh2: '(profile) SshClient in-process, no jobs', noop: '(profile) noop job: machinery, no SSH',
  };
  return table(
    ['c', 'tool', 'wall p50', 'per target', 'peak RSS', 'CPU', `all ${hosts}`, 'runs (s)'],
    rows.map((r) => [
      String(r.concurrency), name[r.tool], `${r.seconds.toFixed(2)} s`, `${r.perTargetMs} ms`,
      r.tool === 'ssh2' ? '-' : r.tool === 'teknisi' || r.tool === 'noop' ? `${r.rssMb} MB` : `${r.rssMb} MB (1 proc ${r.maxProcRssMb} MB)`,
      `${r.cpuS.toFixed(2)} s`, r.complete ? 'yes' : 'NO', r.all.map((x) => x.toFixed(2)).join(' '),
    ]),
  );
}

async function dropDatabase(dbServer: string, name: string): Promise<void> {
  benchDatabaseGuard(name);
  const conn = await createConnection({ uri: `${dbServer}/` });
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await conn.end();
  }
}

async function dbVersionOf(dbServer: string): Promise<Array<{ v: string }>> {
  const conn = await createConnection({ uri: `${dbServer}/` });
  try {
    const [rows] = await conn.query('SELECT VERSION() AS v');
    return rows as Array<{ v: string }>;
  } finally {
    await conn.end();
  }
}
