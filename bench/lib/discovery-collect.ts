// bench/discovery, part "collect": the full SNMP collection of one device (a lab snmpd that
// serves this machine's dpkg packages in hrSWInstalled) through the server's own
// collectSnmp(), next to net-snmp's snmpbulkwalk of the same subtrees. Which subtrees and
// scalars those are is read off collectSnmp itself (its client's walk/get calls are
// recorded), so the peer follows the collector as it grows.
import * as dgram from 'node:dgram';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { collectSnmp } from '../../src/discovery/snmp.collector';
import { InventoryReport } from '../../src/inventory/inventory-report';
import { SnmpClient } from '../../src/protocols/snmp/snmp.client';
import { linuxProfile, SnmpdAgent } from '../../test/lab/snmpd';
import { runMeasured, which } from './discovery-proc';
import { UdpDelayRelay } from './udp-delay';
import { fmtMs, round1, summarize, Summary, table } from './stats';

export interface CollectParams {
  address: string;
  community: string;
  iterations: number;
  warmup: number;
  maxRepetitions: number;
  timeoutMs: number;
  retries: number;
  /** also time both sides through a relay that adds this round-trip time (ms; 0: not) */
  rttMs?: number;
}

/** Both sides again through a relay that holds each datagram rttMs/2 each way. */
export interface CollectOverRtt {
  rttMs: number;
  relay: string;
  teknisi: Summary;
  /** the same tables, one snmpbulkwalk -Cr<maxRepetitions> after another */
  peerSequential: Summary;
  maxRepetitions: number;
  iterations: number;
}

export interface CollectResult {
  address: string;
  /** what collectSnmp asked for, in order: the columns it walked… */
  walks: string[];
  /** …in this many walks (the columns of a table go together) */
  walkCalls: number;
  /** datagrams it sent */
  requests: number;
  gets: string[][];
  /** what the "same tables" peer walks: a table whose columns the collector walks, else the column */
  tables: string[];
  values: { teknisi: number; snmpbulkwalk: number; snmpbulkwalkTables: number; perSubtree: Array<{ oid: string; teknisi: number; snmpbulkwalk: number }> };
  report: { software: number; interfaces: number; hardware: number; dpkgInstalled: number | null };
  teknisi: Summary;
  teknisiCpuMs: Summary;
  /** the same tables: one snmpbulkwalk (or snmpget) process after another, as a shell script would */
  peerSequential: Summary;
  /** the same tables, all at once (the collector also walks concurrently) */
  peerConcurrent: Summary;
  /** exactly the collector's walks, one process each, one after another */
  peerExactSequential: Summary;
  /** as many trivial snmpgets as peerExactSequential runs processes: start-up alone */
  peerStartup: Summary;
  /** median of (peerExactSequential - peerStartup) per iteration: net-snmp's walking alone */
  peerWalkingMs: number;
  /** collectSnmp p50 / peerWalkingMs */
  strictRatio: number;
  /** snmpbulkwalk of hrSWInstalledName alone, the biggest table */
  peerSoftwareOnly: Summary;
  peerPeakRssMb: number;
  overRtt?: CollectOverRtt;
  goal: string;
  ratio: number;
  pass: boolean;
}

const HR_SW_INSTALLED_NAME = '1.3.6.1.2.1.25.6.3.1.2';
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

/**
 * Wraps a client so that its walks (walkColumns, which walk() goes through too) and gets are
 * recorded: each column walked with how many values it brought, and the walks themselves.
 */
function recording(client: SnmpClient) {
  const walks: Array<{ oid: string; values: number }> = [];
  const gets: string[][] = [];
  const got = { values: 0, walks: 0 };
  const walkColumns = client.walkColumns.bind(client);
  const get = client.get.bind(client);
  client.walkColumns = async (...args: Parameters<SnmpClient['walkColumns']>) => {
    const entries = args[0].map((oid) => ({ oid, values: 0 }));
    walks.push(...entries);
    got.walks++;
    const out = await walkColumns(...args);
    out.forEach((values, i) => (entries[i].values = values.size));
    return out;
  };
  client.get = async (...args: Parameters<SnmpClient['get']>) => {
    gets.push(args[0]);
    const out = await get(...args);
    for (const v of out.values()) if (v !== null) got.values++;
    return out;
  };
  return { walks, gets, got };
}

function dpkgInstalledCount(): Promise<number | null> {
  return runMeasured('dpkg-query', ['-W', '-f=${db:Status-Abbrev}\n']).then(
    (r) => (r.code === 0 ? r.stdout.split('\n').filter((l) => l.startsWith('ii')).length : null),
    () => null,
  );
}

export async function benchCollect(p: CollectParams, log: (s: string) => void): Promise<CollectResult> {
  for (const cmd of ['snmpbulkwalk', 'snmpget']) if (!which(cmd)) throw new Error(`${cmd} is missing: apt-get install snmp`);
  const profile = linuxProfile(p.address, 'bench-collect');
  profile.community = p.community;
  const agent = new SnmpdAgent(profile);
  await agent.start();
  try {
    const cred = { kind: 'snmp-v2c' as const, community: p.community };
    const teknisi = async (host = p.address) => {
      const cpu = process.cpuUsage();
      const t = process.hrtime.bigint();
      const client = new SnmpClient({ host, timeoutMs: p.timeoutMs, retries: p.retries }, cred);
      let report: InventoryReport;
      try {
        report = await collectSnmp(client, host);
      } finally {
        client.close();
      }
      const took = ms(t);
      const c = process.cpuUsage(cpu);
      return { ms: took, cpuMs: (c.user + c.system) / 1000, report };
    };

    // what the collector asks for: one recorded collection
    const client = new SnmpClient({ host: p.address, timeoutMs: p.timeoutMs, retries: p.retries }, cred);
    const rec = recording(client);
    let report: InventoryReport;
    // its requests: the datagrams it sends (the agent's work and the round trips go by them)
    const send = dgram.Socket.prototype.send;
    let requests = 0;
    dgram.Socket.prototype.send = function (this: dgram.Socket, ...args: unknown[]) {
      requests++;
      return (send as (...a: unknown[]) => void).apply(this, args);
    } as typeof send;
    try {
      report = await collectSnmp(client, p.address);
    } finally {
      dgram.Socket.prototype.send = send;
      client.close();
    }
    // net-snmp's command-line tools: numeric OIDs, no MIB files to load. Each peer is one
    // `sh -c` script (node spawns once), as an administrator would run it.
    const env = { ...process.env, MIBS: '', MIBDIRS: '/nonexistent' };
    const base = ['-v2c', '-c', p.community, '-On'];
    const bulkwalk = (oid: string, host = p.address) => ({ cmd: 'snmpbulkwalk', args: [...base, `-Cr${p.maxRepetitions}`, host, oid], oid });
    const getsAt = (host: string) => rec.gets.map((oids) => ({ cmd: 'snmpget', args: [...base, host, ...oids], oid: `get ${oids.length} OIDs` }));
    const gets = getsAt(p.address);
    // (1) the same tables: one snmpbulkwalk per table whose columns the collector walks
    //     (the whole table: also the columns it skips), a lone column by itself
    const parent = (oid: string) => oid.slice(0, oid.lastIndexOf('.'));
    const siblings = new Map<string, number>();
    for (const w of rec.walks) siblings.set(parent(w.oid), (siblings.get(parent(w.oid)) ?? 0) + 1);
    const tableOids = [...new Set(rec.walks.map((w) => ((siblings.get(parent(w.oid)) ?? 0) > 1 ? parent(w.oid) : w.oid)))];
    const tables = [...gets, ...tableOids.map((oid) => bulkwalk(oid))];
    // (2) exactly the collector's walks, one process each
    const exact = [...gets, ...rec.walks.map((w) => bulkwalk(w.oid))];
    const q = (a: string) => (/^[\w./:=-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
    const line = (c: { cmd: string; args: string[] }) => [c.cmd, ...c.args].map(q).join(' ');
    const sequential = (cmds: typeof tables) => cmds.map((c) => `${line(c)} || exit 1`).join('\n');
    const concurrent = (cmds: typeof tables) => `${cmds.map((c, i) => `${line(c)} > "$D/${i}" &`).join('\n')}\nwait\ncat "$D"/*`;
    // process start-up alone: as many trivial snmpgets (one scalar) as (2) runs processes
    const trivial = { cmd: 'snmpget', args: [...base, p.address, '1.3.6.1.2.1.1.3.0'] };
    const startupScript = exact.map(() => `${line(trivial)} > /dev/null || exit 1`).join('\n');
    const varbinds = (out: string) => (out.match(/^\.[\d.]+ = (?!No Such|No more)/gm) ?? []).length;
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'teknisi-bench-collect-'));
    let peerRss = 0;
    const sh = async (script: string) => {
      const r = await runMeasured('sh', ['-c', script], { env: { ...env, D: tmp }, timeoutMs: 60_000 });
      if (r.code !== 0) throw new Error(`peer script failed (${r.code}): ${r.stderr.slice(0, 300)}\n${script.slice(0, 500)}`);
      return r;
    };
    const scripts = { tablesSeq: sequential(tables), tablesConc: concurrent(tables), exactSeq: sequential(exact), startup: startupScript, software: line(bulkwalk(HR_SW_INSTALLED_NAME)) };

    // one checked run of each command alone: values per walk, and each process's peak RSS
    const count = async (cmds: typeof tables) => {
      const out: number[] = [];
      for (const c of cmds) {
        const r = await runMeasured(c.cmd, c.args, { env, timeoutMs: 30_000 });
        if (r.code !== 0) throw new Error(`${line(c)} failed (${r.code}): ${r.stderr.slice(0, 300)}`);
        peerRss = Math.max(peerRss, r.peakRssMb);
        out.push(varbinds(r.stdout));
      }
      return out;
    };
    const exactCounts = await count(exact);
    const tableCounts = await count(tables);
    const getValues = rec.got.values;
    const perWalk = rec.walks.map((w, i) => ({ oid: w.oid, teknisi: w.values, snmpbulkwalk: exactCounts[gets.length + i] }));
    const values = {
      teknisi: getValues + rec.walks.reduce((a, w) => a + w.values, 0),
      snmpbulkwalk: exactCounts.reduce((a, b) => a + b, 0),
      snmpbulkwalkTables: tableCounts.reduce((a, b) => a + b, 0),
      perSubtree: perWalk,
    };
    for (const w of perWalk) {
      if (w.teknisi !== w.snmpbulkwalk) log(`  note: ${w.oid}: collectSnmp got ${w.teknisi} values, snmpbulkwalk ${w.snmpbulkwalk}`);
    }
    const dpkg = await dpkgInstalledCount();
    log(`  collectSnmp on ${p.address}: ${rec.got.walks} walks of ${rec.walks.length} columns + ${rec.gets.length} gets in ${requests} requests, ${values.teknisi} values; ` +
      `${report.software?.length ?? 0} packages (dpkg says ${dpkg ?? '?'} installed), ${report.interfaces?.length ?? 0} interfaces; ` +
      `the same tables: ${tables.length} net-snmp processes, ${values.snmpbulkwalkTables} values`);

    const timed = { teknisi: [] as number[], cpu: [] as number[], tablesSeq: [] as number[], tablesConc: [] as number[], exactSeq: [] as number[], startup: [] as number[], software: [] as number[] };
    const peers = async (keep: boolean) => {
      for (const k of ['tablesSeq', 'tablesConc', 'exactSeq', 'startup', 'software'] as const) {
        const r = await sh(scripts[k]);
        if (keep) timed[k].push(r.ms);
      }
    };
    const runTeknisi = async (keep: boolean) => {
      const r = await teknisi();
      if (keep) timed.teknisi.push(r.ms), timed.cpu.push(r.cpuMs);
    };
    for (let i = 0; i < p.warmup; i++) (await runTeknisi(false), await peers(false));
    for (let i = 0; i < p.iterations; i++) {
      // the order flips each iteration so that neither side always runs on a warm agent
      if (i % 2 === 0) await runTeknisi(true);
      await peers(true);
      if (i % 2 === 1) await runTeknisi(true);
    }
    fs.rmSync(tmp, { recursive: true, force: true });

    // over a network: both sides through a relay that adds a round-trip time to each request
    let overRtt: CollectOverRtt | undefined;
    if (p.rttMs) {
      const relayAddress = p.address.replace(/\d+$/, (o) => String((Number(o) % 254) + 1));
      const relay = new UdpDelayRelay(relayAddress, 161, { address: p.address, port: 161 }, p.rttMs);
      await relay.start();
      try {
        const script = sequential([...getsAt(relayAddress), ...tableOids.map((oid) => bulkwalk(oid, relayAddress))]);
        const iterations = Math.min(p.iterations, 5);
        const rtt = { teknisi: [] as number[], peer: [] as number[] };
        await teknisi(relayAddress);
        for (let i = 0; i < iterations; i++) {
          const t = await teknisi(relayAddress);
          if ((t.report.software?.length ?? 0) !== (report.software?.length ?? 0)) throw new Error(`through the relay collectSnmp read ${t.report.software?.length ?? 0} packages, not ${report.software?.length ?? 0}`);
          rtt.teknisi.push(t.ms);
          rtt.peer.push((await sh(script)).ms);
        }
        overRtt = { rttMs: p.rttMs, relay: relayAddress, teknisi: summarize(rtt.teknisi), peerSequential: summarize(rtt.peer), maxRepetitions: p.maxRepetitions, iterations };
        log(`  through a relay adding ${p.rttMs} ms a round trip (${relayAddress}): collectSnmp p50 ${fmtMs(overRtt.teknisi.p50)} ms, the same tables by snmpbulkwalk one after another ${fmtMs(overRtt.peerSequential.p50)} ms`);
      } finally {
        relay.stop();
      }
    }
    const T = summarize(timed.teknisi);
    const S = summarize(timed.tablesSeq);
    // the walks themselves, without process start-up: the strictest yardstick. The median of
    // paired differences (same iteration) keeps load that drifts during the run out of it.
    const walking = Math.max(1, summarize(timed.exactSeq.map((x, i) => x - timed.startup[i])).p50);
    const ratio = T.p50 / S.p50;
    return {
      address: p.address,
      walks: rec.walks.map((w) => w.oid),
      walkCalls: rec.got.walks,
      requests,
      gets: rec.gets,
      tables: tableOids,
      values,
      report: { software: report.software?.length ?? 0, interfaces: report.interfaces?.length ?? 0, hardware: report.hardware?.length ?? 0, dpkgInstalled: dpkg },
      teknisi: T,
      teknisiCpuMs: summarize(timed.cpu),
      peerSequential: S,
      peerConcurrent: summarize(timed.tablesConc),
      peerExactSequential: summarize(timed.exactSeq),
      peerStartup: summarize(timed.startup),
      peerWalkingMs: round1(walking),
      strictRatio: Math.round((T.p50 / walking) * 100) / 100,
      peerSoftwareOnly: summarize(timed.software),
      peerPeakRssMb: round1(peerRss),
      overRtt,
      goal: 'collectSnmp p50 <= 2x snmpbulkwalk of the same tables, one after another (p50)',
      ratio: Math.round(ratio * 100) / 100,
      pass: ratio <= 2,
    };
  } finally {
    await agent.stop();
  }
}

export function collectTable(r: CollectResult): string {
  const row = (label: string, s: Summary, extra = '') => [label, `${fmtMs(s.p50)} ms`, `${fmtMs(s.p95)} ms`, extra];
  const nTables = r.tables.length + r.gets.length;
  const nExact = r.walks.length + r.gets.length;
  return table(['collection of one device', 'p50', 'p95', ''], [
    row(`Teknisi collectSnmp: ${r.walkCalls} walks + ${r.gets.length} gets (${r.requests} requests), ${r.report.software} packages`, r.teknisi, `${r.values.teknisi} values, node CPU p50 ${fmtMs(r.teknisiCpuMs.p50)} ms`),
    row(`net-snmp, the same tables: ${nTables} snmpbulkwalk/snmpget one after another`, r.peerSequential, `${r.values.snmpbulkwalkTables} values`),
    row(`net-snmp, the same tables, all at once`, r.peerConcurrent, `peak RSS ${r.peerPeakRssMb} MB per process`),
    row(`net-snmp, exactly the collector's ${nExact} columns and gets, a process each, one after another`, r.peerExactSequential, `${r.values.snmpbulkwalk} values`),
    row(`  ${nExact} trivial snmpgets (process start-up alone)`, r.peerStartup, `walking alone = ${fmtMs(r.peerWalkingMs)} ms`),
    row('  snmpbulkwalk of hrSWInstalledName alone', r.peerSoftwareOnly, ''),
    [`goal: ${r.goal}`, `${r.ratio}x`, '', r.pass ? 'pass' : 'FAIL'],
    ['strict: collectSnmp p50 / net-snmp walking alone (start-ups subtracted)', `${r.strictRatio}x`, '', ''],
    ...(r.overRtt ? [
      row(`over ${r.overRtt.rttMs} ms round trips (a relay): Teknisi collectSnmp`, r.overRtt.teknisi, `${r.overRtt.iterations} runs`),
      row(`over ${r.overRtt.rttMs} ms round trips: the same tables, snmpbulkwalk -Cr${r.overRtt.maxRepetitions} one after another`, r.overRtt.peerSequential, ''),
    ] : []),
  ]);
}
