// bench/discovery, part "sweep": ~20 lab snmpd agents on loopback addresses, then in one run
// (a) Teknisi: the real server (TEKNISI_ROLE=all, its own scratch database) scanning each range
//     through its API — POST /api/discovery/scans, polled until completed — which identifies,
//     collects and ingests every agent; its RSS and CPU while it does;
// (b) onesixtyone -c FILE -i HOSTS -w 0 over the same addresses;
// (c) nmap -sU -p161 -Pn -n --script snmp-sysdescr over the same addresses.
// The peers only find agents (one GET of sysDescr); Teknisi's figure includes collection and
// ingest. Every address is checked to lie in 127.0.0.0/8 before anything is sent.
import { createConnection } from 'mysql2/promise';
import * as crypto from 'node:crypto';
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { deleteKeysWithPrefix } from '../../src/common/redis.module';
import { expandTargets, parseTargets } from '../../src/common/targets';
import { linuxProfile, SnmpdAgent } from '../../test/lab/snmpd';
import { ensureDebianPackage, runMeasured, vmHwmKb, which } from './discovery-proc';
import { cpuSeconds } from './fanout-proc';
import { benchDatabaseGuard } from './seed';
import { BenchClient, BenchServer, RssSampler } from './server';
import { round1, round2, table } from './stats';

export interface SweepParams {
  agents: number;
  firstAgent: string;
  ranges: string[];
  community: string;
  timeoutMs: number;
  retries: number;
  scanTimeoutS: number;
  dbServer: string;
  redisUrl: string;
  serverNodeArgs: string[];
  /** give each agent MACs of its own, so that the agents are distinct machines to ingest */
  distinctMacs: boolean;
  /** addresses in the first range that swallow UDP 161 for the last rescan (0: none) */
  silent: number;
  silentFirst: string;
  pollMs?: number;
}

export interface ScanRun {
  label: string;
  targets: string[];
  addresses: number;
  /** POST to the first GET that says completed */
  seconds: number;
  /** the scan's own createdAt to finishedAt */
  serverSeconds?: number;
  status: string;
  error?: string;
  progress: { done: number; total: number; found: number };
  /** results by status (identified, no-response, refused, ...) */
  byStatus: Record<string, number>;
  devices: number;
  /** the server's peak VmRSS while this scan ran (100 ms samples), MB */
  peakRssMb: number;
  /** the server's CPU time (user + system) during the scan, s */
  serverCpuS: number;
  /** the lab agents' CPU time (all snmpd processes) during the scan, s */
  agentsCpuS?: number;
  /** the database server's (mariadbd's) CPU time during the scan, s: shared with anything else using it */
  databaseCpuS?: number;
  /** what the first unidentified results said, for the record */
  sampleReasons: string[];
  /** addresses that swallowed UDP 161 during this scan */
  silent?: number;
}

export interface PeerRun {
  tool: 'onesixtyone' | 'nmap';
  range: string;
  /** e.g. "with 20 silent" */
  variant?: string;
  addresses: number;
  command: string;
  seconds: number;
  found: number;
  peakRssMb: number;
  exitCode: number | null;
}

export interface SweepBenchResult {
  agents: string[];
  /** UDP 161 listeners in the swept ranges that the bench did not start (they skew "found" and the peers' times) */
  foreignListeners?: string[];
  available: boolean;
  unavailableReason?: string;
  scans: ScanRun[];
  peers: PeerRun[];
  server?: { vmHwmMb: number; idleRssMb: number; startSeconds: number };
  /**
   * What addresses without an agent cost Teknisi: "refused" = a range rescan minus the rescan of
   * the live agents alone (loopback answers ICMP port-unreachable); "silent" = the /24 rescan
   * with --silent addresses that swallow UDP 161 minus the same rescan without them.
   */
  silentWait: Array<{ range: string; kind: 'refused' | 'silent'; addresses: number; seconds: number }>;
  /**
   * The first scan's floor on this machine: the CPU the lab agents and the database spent on
   * it, spread over every CPU, is wall time no server could go below (the server's own CPU
   * comes on top, and the agents share the CPUs with it).
   */
  floor?: { agentsCpuS: number; databaseCpuS: number; cpus: number; seconds: number };
  goals: Array<{ goal: string; value: string; pass: boolean }>;
}

const ADMIN_PASSWORD = 'bench-admin-password-teknisi';
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

function loopbackAddresses(targets: string[]): string[] {
  const parsed = parseTargets(targets, 1 << 20);
  if (parsed.errors.length) throw new Error(`bad range: ${parsed.errors.join('; ')}`);
  const addrs = expandTargets(parsed.targets);
  const outside = addrs.find((a) => !/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(a));
  if (outside) throw new Error(`the bench contacts loopback addresses only (127.0.0.0/8); ${outside} is not one`);
  return addrs;
}

/** UDP port 161 listeners on these addresses (or on all addresses) that are not ours: they answer the sweeps too. */
async function foreignListeners(addrs: Set<string>, ours: Set<string>): Promise<string[]> {
  const r = await runMeasured('ss', ['-Hnlup']).catch(() => null);
  if (!r || r.code !== 0) return [];
  return r.stdout.split('\n').filter((l) => {
    const m = /\s(\S+):161\s/.exec(l);
    return m && !ours.has(m[1]) && (addrs.has(m[1]) || m[1] === '0.0.0.0' || m[1] === '*');
  }).map((l) => l.trim().replace(/\s+/g, ' '));
}

const hex2 = (n: number) => (n & 255).toString(16).padStart(2, '0');

/** This machine's interfaces with a MAC (what a lab snmpd reports in ifPhysAddress), by ifIndex. */
function machineInterfaces(): Array<{ name: string; ifIndex: number }> {
  const out: Array<{ name: string; ifIndex: number }> = [];
  for (const name of fs.readdirSync('/sys/class/net')) {
    try {
      const mac = fs.readFileSync(`/sys/class/net/${name}/address`, 'utf8').trim();
      const ifIndex = Number(fs.readFileSync(`/sys/class/net/${name}/ifindex`, 'utf8'));
      if (/^[0-9a-f:]{17}$/.test(mac) && mac !== '00:00:00:00:00:00' && ifIndex > 0) out.push({ name, ifIndex });
    } catch {
      // an interface that vanished meanwhile
    }
  }
  return out;
}

/** A UDP socket on address:161 that reads every request and answers none. */
function swallow(address: string): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const sock = dgram.createSocket('udp4');
    sock.once('error', reject);
    sock.on('message', () => undefined);
    sock.bind(161, address, () => resolve(sock));
  });
}

function nthAddress(first: string, k: number): string {
  const n = first.split('.').reduce((a, o) => a * 256 + Number(o), 0) + k;
  const addr = [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
  if (!addr.startsWith('127.')) throw new Error(`agent address ${addr} is outside 127.0.0.0/8`);
  return addr;
}

/** The database server's process (mariadbd, or mysqld), to read its CPU time; undefined when not on this machine. */
function databasePid(): number | undefined {
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (/^(mariadbd|mysqld)$/.test(fs.readFileSync(`/proc/${entry}/comm`, 'utf8').trim())) return Number(entry);
    } catch {
      // a process that ended meanwhile
    }
  }
  return undefined;
}

/** The CPU time of the processes besides the server that a scan makes work: the lab agents and the database. */
export interface OtherCpu {
  agents: number[];
  database?: number;
}

async function runPeers(range: string, addrs: string[], community: string, dir: string): Promise<PeerRun[]> {
  const hosts = path.join(dir, `hosts-${range.replace(/\W/g, '_')}`);
  const comms = path.join(dir, 'communities');
  fs.writeFileSync(hosts, `${addrs.join('\n')}\n`);
  fs.writeFileSync(comms, `${community}\n`);
  const out: PeerRun[] = [];
  if (which('onesixtyone')) {
    const args = ['-c', comms, '-i', hosts, '-w', '0'];
    const r = await runMeasured('onesixtyone', args, { timeoutMs: 600_000 });
    // a hit: "127.0.0.20 [community] Linux ..."
    const found = new Set((r.stdout.match(/^(\d+\.\d+\.\d+\.\d+) \[/gm) ?? []).map((l) => l.split(' ')[0])).size;
    out.push({ tool: 'onesixtyone', range, addresses: addrs.length, command: `onesixtyone ${args.join(' ')}`, seconds: Math.round(r.ms / 10) / 100, found, peakRssMb: round1(r.peakRssMb), exitCode: r.code });
  }
  if (which('nmap')) {
    // nmap 7.x takes the community from its credentials library (creds.snmp=user:pass, the
    // pass being the community); the old snmpcommunity argument is ignored, leaving "public"
    // and each script waiting out its 5 s timeout
    const args = ['-sU', '-p161', '-Pn', '-n', '--script', 'snmp-sysdescr', '--script-args', `creds.snmp=:${community}`, '-iL', hosts];
    const r = await runMeasured('nmap', args, { timeoutMs: 1_800_000 });
    const found = (r.stdout.match(/^\| snmp-sysdescr: /gm) ?? []).length;
    out.push({ tool: 'nmap', range, addresses: addrs.length, command: `nmap ${args.join(' ')}`, seconds: Math.round(r.ms / 10) / 100, found, peakRssMb: round1(r.peakRssMb), exitCode: r.code });
  }
  return out;
}

interface ScanView {
  id: number;
  status: string;
  progress: { done: number; total: number; found: number };
  counts?: Record<string, number>;
  error?: string | null;
  createdAt?: string;
  finishedAt?: string | null;
  results?: Array<{ address: string; status: string; reason?: string | null; deviceId?: number | null }>;
}

export async function runScan(client: BenchClient, server: BenchServer, label: string, targets: string[], credentialId: number, p: SweepParams, rss: RssSampler, others?: OtherCpu): Promise<ScanRun> {
  const addresses = loopbackAddresses(targets).length;
  rss.windowPeakMb();
  const agentsCpu = () => (others?.agents ?? []).reduce((sum, pid) => sum + cpuSeconds(pid), 0);
  const agentsCpu0 = agentsCpu();
  const dbCpu0 = others?.database ? cpuSeconds(others.database) : 0;
  const cpu0 = cpuSeconds(server.pid);
  const t = process.hrtime.bigint();
  const res = await client.request('POST', '/api/discovery/scans', {
    body: { targets, credentialIds: [credentialId], options: { timeoutMs: p.timeoutMs, retries: p.retries } },
  });
  if (res.status !== 202) throw new Error(`POST /api/discovery/scans answered ${res.status}: ${res.body?.toString('utf8').slice(0, 500)}`);
  const { id } = JSON.parse(res.body!.toString('utf8')) as { id: number };
  // polls ask for no result rows (resultsLimit=0) when the server allows it; the rows are read once, after
  let pollPath = `/api/discovery/scans/${id}?resultsLimit=0`;
  let view: ScanView;
  for (;;) {
    const r = await client.request('GET', pollPath);
    if (r.status === 400 && pollPath.includes('?')) {
      pollPath = `/api/discovery/scans/${id}`;
      continue;
    }
    if (r.status !== 200) throw new Error(`GET ${pollPath} answered ${r.status}: ${r.body?.toString('utf8').slice(0, 300)}`);
    view = JSON.parse(r.body!.toString('utf8')) as ScanView;
    if (!['queued', 'running'].includes(view.status)) break;
    if (ms(t) > p.scanTimeoutS * 1000) throw new Error(`scan ${id} (${label}) still ${view.status} after ${p.scanTimeoutS} s: ${JSON.stringify(view.progress)}`);
    await new Promise((r) => setTimeout(r, p.pollMs ?? 100));
  }
  const seconds = ms(t) / 1000;
  const cpu = cpuSeconds(server.pid) - cpu0;
  const agentsCpuS = others?.agents.length ? round2(agentsCpu() - agentsCpu0) : undefined;
  const databaseCpuS = others?.database ? round2(cpuSeconds(others.database) - dbCpu0) : undefined;
  const peakRssMb = Math.round(rss.windowPeakMb());
  const full = await client.request('GET', `/api/discovery/scans/${id}?resultsLimit=5000`);
  const results = full.status === 200 ? ((JSON.parse(full.body!.toString('utf8')) as ScanView).results ?? []) : (view.results ?? []);
  const byStatus: Record<string, number> = { ...(view.counts ?? {}) };
  if (!view.counts) for (const r of results) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  const devices = new Set(results.map((r) => r.deviceId).filter((d) => d !== null && d !== undefined)).size;
  const reasons = [...new Set(results.filter((r) => r.status !== 'identified').map((r) => `${r.status}: ${r.reason ?? ''}`))].slice(0, 5);
  const serverSeconds = view.finishedAt && view.createdAt ? (Date.parse(view.finishedAt) - Date.parse(view.createdAt)) / 1000 : undefined;
  return {
    label, targets, addresses, seconds: Math.round(seconds * 100) / 100, serverSeconds, status: view.status, error: view.error ?? undefined,
    progress: view.progress, byStatus, devices, peakRssMb, serverCpuS: round1(cpu), agentsCpuS, databaseCpuS, sampleReasons: reasons,
  };
}

export async function benchSweep(p: SweepParams, log: (s: string) => void): Promise<SweepBenchResult> {
  const agentAddrs = Array.from({ length: p.agents }, (_, k) => nthAddress(p.firstAgent, k));
  const rangeAddrs = new Map(p.ranges.map((r) => [r, loopbackAddresses([r])]));
  const liveTarget = `${agentAddrs[0]}-${agentAddrs[agentAddrs.length - 1]}`;
  loopbackAddresses([liveTarget]);
  const result: SweepBenchResult = { agents: agentAddrs, available: true, scans: [], peers: [], silentWait: [], goals: [] };
  // the peers (Debian packages): installed here when missing, rather than quietly left out
  ensureDebianPackage('onesixtyone', 'onesixtyone', log);
  ensureDebianPackage('nmap', 'nmap', log);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'teknisi-bench-sweep-'));
  const macs = p.distinctMacs ? machineInterfaces() : [];
  const agents = agentAddrs.map((a, k) => {
    const profile = linuxProfile(a, `bench-sw${String(k).padStart(2, '0')}`);
    profile.community = p.community;
    if (macs.length) {
      // Every lab snmpd reports this machine's interfaces, so 20 agents would be one machine
      // to identity matching (same MACs) and their 20 ingests would queue on one device's
      // lock. Each agent gets MACs of its own (52:54:00:5a:<agent>:<ifIndex>) through snmpd
      // `override` lines; SnmpdProfile has no field for extra lines, and sysContact is
      // written as the last line but one of snmpd.conf, so they ride on it.
      const lines = macs.map((m) => `override 1.3.6.1.2.1.2.2.1.6.${m.ifIndex} octet_str 0x5254005a${hex2(k)}${hex2(m.ifIndex)}`);
      profile.sysContact = [profile.sysContact, ...lines].join('\n');
    }
    return new SnmpdAgent(profile);
  });
  const database = `teknisi_bench_discovery_${process.pid}_sweep`;
  benchDatabaseGuard(database);
  const queuePrefix = `{teknisi-bench-${process.pid}}`;
  let server: BenchServer | undefined;
  let failed: Error | undefined;
  const swallowers: dgram.Socket[] = [];
  const [first, ...others] = p.ranges;
  const peers = async (range: string, addrs: string[], variant?: string) => {
    for (const peer of await runPeers(range, addrs, p.community, dir)) {
      if (variant) peer.variant = variant;
      result.peers.push(peer);
      log(`  ${peer.tool} ${range}${variant ? ` ${variant}` : ''}: ${peer.seconds} s, found ${peer.found}/${peer.addresses}, peak RSS ${peer.peakRssMb} MB`);
    }
  };
  try {
    for (let i = 0; i < agents.length; i += 5) await Promise.all(agents.slice(i, i + 5).map((a) => a.start()));
    log(`  ${agents.length} agents up (${agentAddrs[0]} … ${agentAddrs[agentAddrs.length - 1]}), community from --community`);
    const swept = new Set([...rangeAddrs.values()].flat());
    result.foreignListeners = await foreignListeners(swept, new Set(agentAddrs));
    if (result.foreignListeners.length) {
      log(`  note: other SNMP listeners answer in the swept ranges (someone else's lab?); they count as found or cost the peers their timeouts:\n    ${result.foreignListeners.join('\n    ')}`);
    }

    // (a) Teknisi
    const t0 = process.hrtime.bigint();
    server = await BenchServer.start({
      databaseUrl: `${p.dbServer}/${database}`, redisUrl: p.redisUrl, adminPassword: ADMIN_PASSWORD, queuePrefix,
      env: { TEKNISI_ROLE: 'all' }, nodeArgs: p.serverNodeArgs,
    });
    const startSeconds = ms(t0) / 1000;
    const idleRssMb = new RssSampler(server.pid).read() / 1024;
    const rss = new RssSampler(server.pid, 100);
    rss.start();
    const client = new BenchClient(server.port);
    const labCpu: OtherCpu = { agents: agents.map((a) => a.pid).filter((pid): pid is number => pid !== undefined), database: databasePid() };
    try {
      const login = await client.request('POST', '/api/auth/login', { body: { username: 'admin', password: ADMIN_PASSWORD } });
      if (login.status !== 200) throw new Error(`admin login failed (${login.status}): ${login.body?.toString('utf8')}`);
      client.token = JSON.parse(login.body!.toString('utf8')).accessToken;
      const probe = await client.request('GET', '/api/discovery/scans');
      if (probe.status === 404) {
        result.available = false;
        result.unavailableReason = 'the server has no /api/discovery/scans yet';
        log(`  ${result.unavailableReason}: Teknisi's side is skipped, the peers still run`);
      } else {
        const cred = await client.request('POST', '/api/credentials', { body: { name: `bench v2c ${crypto.randomBytes(3).toString('hex')}`, kind: 'snmp-v2c', community: p.community } });
        if (cred.status !== 201) throw new Error(`POST /api/credentials answered ${cred.status}: ${cred.body?.toString('utf8').slice(0, 300)}`);
        const credentialId = (JSON.parse(cred.body!.toString('utf8')) as { id: number }).id;
        const scan = async (label: string, targets: string[], silent = false) => {
          const run = await runScan(client, server!, label, targets, credentialId, p, rss, labCpu);
          if (silent) run.silent = p.silent;
          result.scans.push(run);
          log(`  Teknisi ${label}: ${run.seconds.toFixed(2)} s, ${run.status}, found ${run.progress.found}/${run.addresses} ` +
            `(${Object.entries(run.byStatus).map(([k, v]) => `${k} ${v}`).join(', ')}), ${run.devices} devices, peak RSS ${run.peakRssMb} MB, server CPU ${run.serverCpuS} s`);
        };
        // first sighting of the agents (devices created), a second pass for whatever the first
        // could not store, then rescans of known devices: the live agents alone, the range, the rest
        const plan: Array<[string, string[]]> = [];
        if (first) plan.push([`${first} (first scan: devices created)`, [first]], [`${first} (second scan)`, [first]]);
        plan.push([`${liveTarget} (the ${agents.length} live agents only, rescan)`, [liveTarget]]);
        if (first) plan.push([`${first} (rescan)`, [first]]);
        for (const r of others) plan.push([`${r} (rescan)`, [r]]);
        for (const [label, targets] of plan) await scan(label, targets);

        // (b), (c): the peers over the same addresses, with the agents still up
        for (const [range, addrs] of rangeAddrs) await peers(range, addrs);

        // silent addresses: UDP sockets that read and never answer, like a host behind a
        // firewall that drops (on loopback a free address answers at once with ICMP)
        if (p.silent > 0 && first) {
          const silentAddrs = Array.from({ length: p.silent }, (_, k) => nthAddress(p.silentFirst, k));
          loopbackAddresses(silentAddrs);
          const inRange = new Set(rangeAddrs.get(first));
          const clash = silentAddrs.find((a) => !inRange.has(a) || agentAddrs.includes(a));
          if (clash) throw new Error(`silent address ${clash} must lie in ${first} and not be an agent's`);
          swallowers.push(...(await Promise.all(silentAddrs.map(swallow))));
          const label = `${first} with ${p.silent} silent addresses (rescan)`;
          log(`  ${p.silent} silent addresses (${silentAddrs[0]} … ${silentAddrs[silentAddrs.length - 1]}) swallow UDP 161`);
          await scan(label, [first], true);
          await peers(first, rangeAddrs.get(first)!, `with ${p.silent} silent`);
        }
      }
      result.server = { vmHwmMb: Math.round(vmHwmKb(server.pid) / 1024), idleRssMb: Math.round(idleRssMb), startSeconds: round1(startSeconds) };
    } finally {
      rss.stop();
      client.close();
    }
    if (!result.available) for (const [range, addrs] of rangeAddrs) await peers(range, addrs);
  } catch (err) {
    failed = err as Error;
  } finally {
    if (server) {
      await server.stop();
      if (failed) log(`server log tail:\n${server.tail(20)}`);
      server.cleanup();
    }
    for (const sock of swallowers) sock.close();
    await Promise.all(agents.map((a) => a.stop().catch(() => undefined)));
    fs.rmSync(dir, { recursive: true, force: true });
    await dropDatabase(p.dbServer, database).catch((e) => log(`could not drop ${database}: ${e.message}`));
    await deleteKeysWithPrefix(p.redisUrl, queuePrefix).catch((e) => log(`could not delete Redis keys ${queuePrefix}*: ${e.message}`));
  }
  if (failed) throw failed;

  // what the addresses without an agent cost: a range rescan minus the live-only scan (on
  // loopback those addresses refuse at once), and the rescan with silent addresses minus the
  // same rescan without them
  const live = result.scans.find((s) => s.targets[0] === liveTarget);
  for (const s of result.scans.filter((x) => x.label.endsWith(' (rescan)') && !x.silent)) {
    if (live) result.silentWait.push({ range: s.targets[0], kind: 'refused', addresses: s.addresses - live.addresses, seconds: Math.round((s.seconds - live.seconds) * 100) / 100 });
  }
  const withSilent = result.scans.find((s) => s.silent);
  const plain = result.scans.find((s) => s.label === `${first} (rescan)`);
  if (withSilent && plain) result.silentWait.push({ range: first, kind: 'silent', addresses: withSilent.silent!, seconds: Math.round((withSilent.seconds - plain.seconds) * 100) / 100 });
  // goal: the first /24-or-whatever scan, collection included, faster than each peer's bare sweep
  const firstRange = p.ranges[0];
  const headline = result.scans[0];
  if (headline?.agentsCpuS !== undefined && headline.databaseCpuS !== undefined) {
    const cpus = os.availableParallelism();
    result.floor = { agentsCpuS: headline.agentsCpuS, databaseCpuS: headline.databaseCpuS, cpus, seconds: round2((headline.agentsCpuS + headline.databaseCpuS) / cpus) };
  }
  if (!result.available && firstRange) {
    result.goals.push({ goal: `Teknisi scan of ${firstRange} incl. collection faster than each peer's bare sweep`, value: `not measured: ${result.unavailableReason}`, pass: false });
  }
  if (headline && firstRange) {
    for (const peer of result.peers.filter((x) => x.range === firstRange && !x.variant)) {
      // a scan that lost agents (e.g. to ingest errors) is not a faster one
      const all = headline.status === 'completed' && headline.progress.found >= result.agents.length;
      result.goals.push({
        goal: `Teknisi scan of ${firstRange} incl. collection, every agent identified and stored, faster than ${peer.tool}'s bare sweep (${peer.seconds} s)`,
        value: `${headline.seconds.toFixed(2)} s = ${round1(headline.seconds / peer.seconds)}x of ${peer.tool}, ${headline.progress.found}/${result.agents.length} agents stored`,
        pass: all && headline.seconds < peer.seconds,
      });
    }
  }
  for (const tool of ['onesixtyone', 'nmap'] as const) {
    if (firstRange && !result.peers.some((x) => x.tool === tool && x.range === firstRange)) {
      result.goals.push({ goal: `Teknisi scan of ${firstRange} incl. collection faster than ${tool}'s bare sweep`, value: `not measured: ${tool} is missing`, pass: false });
    }
  }
  return result;
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

export function sweepTable(r: SweepBenchResult): string {
  const rows: string[][] = [];
  for (const s of r.scans) {
    rows.push([`Teknisi ${s.label}`, String(s.addresses), `${s.seconds.toFixed(2)} s`, `${s.progress.found}`, `${s.peakRssMb} MB`, `server CPU ${s.serverCpuS} s${s.agentsCpuS !== undefined ? `, agents ${s.agentsCpuS} s` : ''}${s.databaseCpuS !== undefined ? `, MariaDB ${s.databaseCpuS} s` : ''}, ${s.devices} devices${s.byStatus.error ? `, ${s.byStatus.error} errors` : ''}`]);
  }
  if (!r.available) rows.push([`Teknisi: ${r.unavailableReason}`, '', '', '', '', '']);
  for (const p of r.peers) rows.push([`${p.tool} ${p.range}${p.variant ? ` ${p.variant}` : ''}`, String(p.addresses), `${p.seconds.toFixed(2)} s`, String(p.found), `${p.peakRssMb} MB`, p.exitCode === 0 ? '' : `exit ${p.exitCode}`]);
  let out = table(['sweep', 'addresses', 'wall', 'found', 'peak RSS', ''], rows);
  for (const w of r.silentWait) {
    out += w.kind === 'refused'
      ? `\n${w.addresses} addresses of ${w.range} without an agent (ICMP port-unreachable): ${w.seconds.toFixed(2)} s (rescan minus the live-only scan)`
      : `\n${w.addresses} silent addresses in ${w.range} (UDP 161 swallowed): ${w.seconds.toFixed(2)} s (rescan with them minus without)`;
  }
  if (r.floor) {
    out += `\nfirst scan's floor here: the agents' CPU ${r.floor.agentsCpuS} s + MariaDB's ${r.floor.databaseCpuS} s over ${r.floor.cpus} CPUs = ${r.floor.seconds.toFixed(2)} s of wall before any of the server's own work`;
  }
  if (r.server) out += `\nserver: started in ${r.server.startSeconds} s, ${r.server.idleRssMb} MB after start, VmHWM ${r.server.vmHwmMb} MB`;
  return out;
}
