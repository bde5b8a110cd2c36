// bench/discovery, part "collect": the full SNMP collection of one device (a lab snmpd that
// serves this machine's dpkg packages in hrSWInstalled) through the server's own
// collectSnmp(), next to net-snmp's snmpbulkwalk of the same subtrees. Which subtrees and
// scalars those are is read off collectSnmp itself (its client's walk/get calls are
// recorded), so the peer follows the collector as it grows.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { collectSnmp } from '../../src/discovery/snmp.collector';
import { InventoryReport } from '../../src/inventory/inventory-report';
import { SnmpClient } from '../../src/protocols/snmp/snmp.client';
import { linuxProfile, SnmpdAgent } from '../../test/lab/snmpd';
import { runMeasured, which } from './discovery-proc';
import { fmtMs, round1, summarize, Summary, table } from './stats';

export interface CollectParams {
  address: string;
  community: string;
  iterations: number;
  warmup: number;
  maxRepetitions: number;
  timeoutMs: number;
  retries: number;
}

export interface CollectResult {
  address: string;
  /** what collectSnmp asked for, in order */
  walks: string[];
  gets: string[][];
  values: { teknisi: number; snmpbulkwalk: number; perSubtree: Array<{ oid: string; teknisi: number; snmpbulkwalk: number }> };
  report: { software: number; interfaces: number; hardware: number; dpkgInstalled: number | null };
  teknisi: Summary;
  teknisiCpuMs: Summary;
  /** one snmpbulkwalk (or snmpget) process after another, as a shell script would */
  peerSequential: Summary;
  /** all of them at once (the collector also walks its tables concurrently) */
  peerConcurrent: Summary;
  /** as many trivial snmpgets as the script runs processes, one after another: start-up alone */
  peerStartup: Summary;
  /** median of (peerSequential - peerStartup) per iteration: the walks themselves */
  peerWalkingMs: number;
  /** snmpbulkwalk of hrSWInstalledName alone, the biggest table */
  peerSoftwareOnly: Summary;
  peerPeakRssMb: number;
  goal: string;
  ratio: number;
  pass: boolean;
}

const HR_SW_INSTALLED_NAME = '1.3.6.1.2.1.25.6.3.1.2';
const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

/** Wraps a client so that its walk/get calls are recorded along with how many values each brought. */
function recording(client: SnmpClient) {
  const walks: Array<{ oid: string; values: number }> = [];
  const gets: string[][] = [];
  const walk = client.walk.bind(client);
  const get = client.get.bind(client);
  client.walk = async (oid: string, maxRows?: number) => {
    const entry = { oid, values: 0 };
    walks.push(entry);
    const out = await walk(oid, maxRows);
    entry.values = out.size;
    return out;
  };
  client.get = (oids: string[]) => {
    gets.push(oids);
    return get(oids);
  };
  return { walks, gets };
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
    const teknisi = async () => {
      const cpu = process.cpuUsage();
      const t = process.hrtime.bigint();
      const client = new SnmpClient({ host: p.address, timeoutMs: p.timeoutMs, retries: p.retries }, cred);
      let report: InventoryReport;
      try {
        report = await collectSnmp(client, p.address);
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
    try {
      report = await collectSnmp(client, p.address);
    } finally {
      client.close();
    }
    const commands: Array<{ cmd: string; args: string[]; oid: string }> = [
      ...rec.gets.map((oids) => ({ cmd: 'snmpget', args: ['-v2c', '-c', p.community, '-On', p.address, ...oids], oid: `get ${oids.length} OIDs` })),
      ...rec.walks.map((w) => ({ cmd: 'snmpbulkwalk', args: ['-v2c', '-c', p.community, `-Cr${p.maxRepetitions}`, '-On', p.address, w.oid], oid: w.oid })),
    ];
    // net-snmp's command-line tools: numeric OIDs, no MIB files to load. Each side of the peer
    // is one `sh -c` script (node spawns once), as an administrator would run it.
    const env = { ...process.env, MIBS: '', MIBDIRS: '/nonexistent' };
    const q = (a: string) => (/^[\w./:=-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
    const line = (c: { cmd: string; args: string[] }) => [c.cmd, ...c.args].map(q).join(' ');
    const sequentialScript = commands.map((c) => `${line(c)} || exit 1`).join('\n');
    const concurrentScript = `${commands.map((c) => `${line(c)} > "$D/${commands.indexOf(c)}" &`).join('\n')}\nwait\ncat "$D"/*`;
    // start-up alone: as many trivial snmpgets (one scalar) as the script runs processes
    const trivial = ['snmpget', '-v2c', '-c', p.community, '-On', p.address, '1.3.6.1.2.1.1.3.0'];
    const startupScript = commands.map(() => `${trivial.map(q).join(' ')} > /dev/null || exit 1`).join('\n');
    const varbinds = (out: string) => (out.match(/^\.[\d.]+ = (?!No Such|No more)/gm) ?? []).length;
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'teknisi-bench-collect-'));
    let peerRss = 0;
    const sh = async (script: string) => {
      const r = await runMeasured('sh', ['-c', script], { env: { ...env, D: tmp }, timeoutMs: 60_000 });
      if (r.code !== 0) throw new Error(`peer script failed (${r.code}): ${r.stderr.slice(0, 300)}\n${script}`);
      return r;
    };
    const peerSequential = async () => (await sh(sequentialScript)).ms;
    const peerConcurrent = async () => (await sh(concurrentScript)).ms;
    const startup = async () => (await sh(startupScript)).ms;
    const softwareOnly = async () => (await sh(line({ cmd: 'snmpbulkwalk', args: ['-v2c', '-c', p.community, `-Cr${p.maxRepetitions}`, '-On', p.address, HR_SW_INSTALLED_NAME] }))).ms;

    // one checked run of each command alone: values per subtree, and each process's peak RSS
    const counts: number[] = [];
    for (const c of commands) {
      const r = await runMeasured(c.cmd, c.args, { env, timeoutMs: 30_000 });
      if (r.code !== 0) throw new Error(`${line(c)} failed (${r.code}): ${r.stderr.slice(0, 300)}`);
      peerRss = Math.max(peerRss, r.peakRssMb);
      counts.push(varbinds(r.stdout));
    }
    const all = await sh(concurrentScript);
    if (varbinds(all.stdout) !== counts.reduce((a, b) => a + b, 0)) throw new Error(`the concurrent peer script printed ${varbinds(all.stdout)} values, the commands alone ${counts.reduce((a, b) => a + b, 0)}`);
    const perSubtree = rec.walks.map((w, i) => ({ oid: w.oid, teknisi: w.values, snmpbulkwalk: counts[rec.gets.length + i] }));
    const getValues = rec.gets.reduce((a, g) => a + g.length, 0);
    const values = {
      teknisi: getValues + rec.walks.reduce((a, w) => a + w.values, 0),
      snmpbulkwalk: counts.reduce((a, b) => a + b, 0),
      perSubtree,
    };
    for (const s of perSubtree) {
      if (s.teknisi !== s.snmpbulkwalk) log(`  note: ${s.oid}: collectSnmp got ${s.teknisi} values, snmpbulkwalk ${s.snmpbulkwalk}`);
    }
    const dpkg = await dpkgInstalledCount();
    log(`  collectSnmp on ${p.address}: ${rec.walks.length} walks + ${rec.gets.length} gets, ${values.teknisi} values; ` +
      `${report.software?.length ?? 0} packages (dpkg says ${dpkg ?? '?'} installed), ${report.interfaces?.length ?? 0} interfaces`);

    for (let i = 0; i < p.warmup; i++) (await teknisi(), await peerSequential(), await peerConcurrent(), await startup());
    const tk: number[] = [];
    const cpu: number[] = [];
    const seq: number[] = [];
    const conc: number[] = [];
    const start: number[] = [];
    const sw: number[] = [];
    for (let i = 0; i < p.iterations; i++) {
      // the order flips each iteration so that neither side always runs on a warm agent
      const runTeknisi = async () => {
        const r = await teknisi();
        tk.push(r.ms), cpu.push(r.cpuMs);
      };
      if (i % 2 === 0) await runTeknisi();
      seq.push(await peerSequential());
      conc.push(await peerConcurrent());
      start.push(await startup());
      sw.push(await softwareOnly());
      if (i % 2 === 1) await runTeknisi();
    }
    fs.rmSync(tmp, { recursive: true, force: true });
    const T = summarize(tk);
    const S = summarize(seq);
    const C = summarize(conc);
    const U = summarize(start);
    // the walks themselves, without process start-up: the strictest yardstick. The median of
    // paired differences (same iteration) keeps load that drifts during the run out of it.
    const walking = Math.max(1, summarize(seq.map((x, i) => x - start[i])).p50);
    const ratio = T.p50 / walking;
    return {
      address: p.address,
      walks: rec.walks.map((w) => w.oid),
      gets: rec.gets,
      values,
      report: { software: report.software?.length ?? 0, interfaces: report.interfaces?.length ?? 0, hardware: report.hardware?.length ?? 0, dpkgInstalled: dpkg },
      teknisi: T,
      teknisiCpuMs: summarize(cpu),
      peerSequential: S,
      peerConcurrent: C,
      peerStartup: U,
      peerWalkingMs: round1(walking),
      peerSoftwareOnly: summarize(sw),
      peerPeakRssMb: round1(peerRss),
      goal: 'collectSnmp p50 <= 2x snmpbulkwalk (one after another, p50, minus the same number of process start-ups)',
      ratio: Math.round(ratio * 100) / 100,
      pass: ratio <= 2,
    };
  } finally {
    await agent.stop();
  }
}

export function collectTable(r: CollectResult): string {
  const row = (label: string, s: Summary, extra = '') => [label, `${fmtMs(s.p50)} ms`, `${fmtMs(s.p95)} ms`, extra];
  const n = r.walks.length + r.gets.length;
  return table(['collection of one device', 'p50', 'p95', ''], [
    row(`Teknisi collectSnmp: ${r.walks.length} walks + ${r.gets.length} gets, ${r.report.software} packages`, r.teknisi, `${r.values.teknisi} values, node CPU p50 ${fmtMs(r.teknisiCpuMs.p50)} ms`),
    row(`net-snmp: ${n} snmpbulkwalk/snmpget, one after another (sh)`, r.peerSequential, `${r.values.snmpbulkwalk} values`),
    row(`net-snmp: the same ${n} at once (sh, &)`, r.peerConcurrent, `peak RSS ${r.peerPeakRssMb} MB per process`),
    row(`  ${n} trivial snmpgets (process start-up alone)`, r.peerStartup, `walking = ${fmtMs(r.peerWalkingMs)} ms`),
    row('  snmpbulkwalk of hrSWInstalledName alone', r.peerSoftwareOnly, ''),
    [`goal: ${r.goal}`, `${r.ratio}x`, '', r.pass ? 'pass' : 'FAIL'],
  ]);
}
