// bench/discovery: issue 3's discovery figures, each part selectable:
//   sweep   — Teknisi's scan of 127.0.0.0/24 and /22 with ~20 lab snmpd agents alive, through
//             the real server's API, beside onesixtyone and nmap over the same addresses;
//   collect — collectSnmp() of one device with ~800 packages beside snmpbulkwalk of the same tables;
//   ingest  — 1,000 reports x 800 packages through IngestService beside a raw batched INSERT.
// Only loopback addresses (127.0.0.0/8) are ever contacted.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createConnection } from 'mysql2/promise';
import { FlagSpec, Flags } from './lib/args';
import { benchCollect, collectTable, CollectResult } from './lib/discovery-collect';
import { benchIngest, ingestTable, IngestBenchResult } from './lib/discovery-ingest';
import { waitForLoad } from './lib/discovery-proc';
import { benchSweep, sweepTable, SweepBenchResult } from './lib/discovery-sweep';
import { REPO_ROOT } from './lib/server';
import { round1 } from './lib/stats';

const PARTS = ['sweep', 'collect', 'ingest'] as const;
type Part = (typeof PARTS)[number];

/** bench/results/discovery-<date>.json: the latest figures of each part that day, and the runs that made them. */
interface DiscoveryResults {
  bench: 'discovery';
  runs: Array<Record<string, unknown>>;
  sweep?: SweepBenchResult;
  collect?: CollectResult;
  ingest?: IngestBenchResult;
  goals: Array<{ goal: string; value: string; pass: boolean }>;
  pass: boolean;
}

const FLAGS: FlagSpec[] = [
  { name: 'community', help: 'v2c community of every lab agent', default: 'teknisi-bench' },
  // sweep
  { name: 'agents', help: 'lab snmpd agents alive during the sweep', default: '20' },
  // 127.90/16: the lab (`npm run lab`) holds 127.0.0.11-18 and the tests 127.77-80.x
  { name: 'first-agent', help: 'address of the first agent (the others follow it)', default: '127.90.0.20' },
  { name: 'ranges', help: 'ranges swept, comma-separated (loopback only); the first is the headline', default: '127.90.0.0/24,127.90.0.0/22' },
  { name: 'distinct-macs', help: 'give each sweep agent MACs of its own (snmpd override lines), so that they are distinct machines (--distinct-macs false: one machine, as the lab reports it)', boolean: true, default: 'true' },
  { name: 'silent', help: 'addresses in the first range that swallow UDP 161 for a last rescan (0: skip it)', default: '20' },
  { name: 'silent-first', help: 'the first silent address (the others follow it)', default: '127.90.0.100' },
  { name: 'timeout-ms', help: 'SNMP timeout per request, for the scan and collectSnmp (the peers keep their own)', default: '1000' },
  { name: 'retries', help: 'SNMP retries, for the scan and collectSnmp', default: '1' },
  { name: 'scan-timeout', help: 'seconds to wait for one scan to complete', default: '600' },
  { name: 'db-server', help: 'MySQL/MariaDB server URL without a database', default: 'mysql://root@127.0.0.1:3306' },
  { name: 'redis-url', help: 'Redis for the server (keys under its own prefix, deleted afterwards)', default: 'redis://127.0.0.1:6379' },
  { name: 'server-node-args', help: 'node flags for the server, space-separated', default: '' },
  // collect
  { name: 'collect-address', help: 'address of the lab agent collected from', default: '127.90.8.60' },
  { name: 'collect-iterations', help: 'timed collections per side', default: '15' },
  { name: 'collect-warmup', help: 'untimed collections per side first', default: '2' },
  { name: 'max-repetitions', help: 'snmpbulkwalk -Cr (GetBulk max-repetitions)', default: '25' },
  { name: 'collect-rtt', help: 'also time the collection (both sides) through a relay adding this round-trip time in ms, as over a network (0: skip)', default: '10' },
  // ingest
  { name: 'reports', help: 'InventoryReports ingested', default: '1000' },
  { name: 'packages', help: 'packages per report', default: '800' },
  { name: 'shared', help: 'share of each report\'s packages that (nearly) every machine has', default: '0.6' },
  { name: 'concurrency', help: 'parallel ingests in the second pairing (0 skips it)', default: '4' },
  { name: 'concurrent-reports', help: 'reports in the concurrent pairing (the first ones of the same fleet)', default: '400' },
  { name: 'seed', help: 'PRNG seed of the generated reports', default: '1' },
  { name: 'profile', help: 'time each SQL statement of ingest by shape (--profile false to skip)', boolean: true, default: 'true' },
  { name: 'what-if', help: 'also run ingest with cheaper variants of its repository or its catalogue counts (bench/lib/discovery-whatif.ts), each beside the raw INSERT', boolean: true },
  // all
  { name: 'max-load', help: 'wait (up to 10 min) until the 1-minute load average is at most this before measuring' },
  { name: 'results-dir', help: 'where the JSON result goes', default: 'bench/results' },
  { name: 'help', help: 'this list', boolean: true },
];

export async function main(argv: string[]): Promise<number> {
  const partArgs = argv.filter((a) => !a.startsWith('-') && (PARTS as readonly string[]).includes(a)) as Part[];
  const rest = argv.filter((a) => !(PARTS as readonly string[]).includes(a));
  const flags = new Flags(FLAGS, rest);
  if (flags.bool('help')) {
    process.stdout.write(`npm run bench -- discovery [${PARTS.join('|')}]... [flags]   (no part: all three)\n${Flags.usage(FLAGS)}\n`);
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
  const community = flags.str('community');
  const timeoutMs = flags.int('timeout-ms', 1);
  const retries = flags.int('retries');
  const maxLoad = flags.opt('max-load');
  await waitForLoad(maxLoad === undefined ? undefined : Number(maxLoad), log);
  const loadBefore = os.loadavg();
  const command = ['npm run bench -- discovery', ...(partArgs.length ? parts : []), ...flags.explicit()].join(' ');
  const started = Date.now();

  let sweep: SweepBenchResult | undefined;
  let collect: CollectResult | undefined;
  let ingest: IngestBenchResult | undefined;
  const load: Record<string, number[]> = {};
  const stamp = (part: string) => (load[part] = os.loadavg().map(round1));

  if (parts.includes('collect')) {
    log(`collect: one lab snmpd on ${flags.str('collect-address')} serving this machine's packages...`);
    collect = await benchCollect({
      address: flags.str('collect-address'), community, iterations: flags.int('collect-iterations', 1), warmup: flags.int('collect-warmup'),
      maxRepetitions: flags.int('max-repetitions', 1), timeoutMs, retries, rttMs: flags.int('collect-rtt'),
    }, log);
    stamp('collect');
    log(`\n${collectTable(collect)}\n`);
  }
  if (parts.includes('ingest')) {
    log(`ingest: ${flags.int('reports', 1)} reports x ${flags.int('packages', 1)} packages...`);
    ingest = await benchIngest({
      dbServer, reports: flags.int('reports', 1), packages: flags.int('packages', 1), shared: Number(flags.str('shared')),
      concurrency: flags.int('concurrency'), concurrentReports: flags.int('concurrent-reports', 2), seed: flags.int('seed'), profile: flags.bool('profile'), whatIf: flags.bool('what-if'),
    }, log);
    stamp('ingest');
    log(`\n${ingestTable(ingest)}\n`);
  }
  if (parts.includes('sweep')) {
    log(`sweep: ${flags.int('agents', 1)} lab agents from ${flags.str('first-agent')}, ranges ${flags.str('ranges')}...`);
    sweep = await benchSweep({
      agents: flags.int('agents', 1), firstAgent: flags.str('first-agent'), ranges: flags.str('ranges').split(',').map((s) => s.trim()).filter(Boolean),
      community, timeoutMs, retries, scanTimeoutS: flags.int('scan-timeout', 1), dbServer, redisUrl,
      serverNodeArgs: flags.str('server-node-args').split(/\s+/).filter(Boolean), silent: flags.int('silent'), distinctMacs: flags.bool('distinct-macs'), silentFirst: flags.str('silent-first'),
    }, log);
    stamp('sweep');
    log(`\n${sweepTable(sweep)}\n`);
  }

  const [{ v: dbVersion }] = await serverVersion(dbServer);
  const date = new Date().toISOString().slice(0, 10);
  const dir = path.resolve(REPO_ROOT, flags.str('results-dir'));
  fs.mkdirSync(dir, { recursive: true });
  // a --what-if run (long, and about src/ changes not made) keeps its own file
  const file = path.join(dir, `discovery-${flags.bool('what-if') ? 'whatif-' : ''}${date}.json`);
  // one file per day: a run of some parts keeps the other parts of an earlier run that day
  let previous: Partial<DiscoveryResults> = {};
  if (parts.length < PARTS.length) {
    try {
      previous = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch {
      previous = {};
    }
  }
  const runInfo = {
    date: new Date().toISOString(), command, seconds: Math.round((Date.now() - started) / 1000), parts,
    machine: {
      loadAverage: { before: loadBefore.map(round1), afterPart: load }, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model,
      memoryMb: Math.round(os.totalmem() / 2 ** 20), node: process.version, db: dbVersion,
    },
    params: { timeoutMs, retries },
  };
  const merged: DiscoveryResults = {
    bench: 'discovery',
    runs: [...(previous.runs ?? []), runInfo],
    sweep: sweep ?? previous.sweep,
    collect: collect ?? previous.collect,
    ingest: ingest ?? previous.ingest,
    goals: [],
    pass: false,
  };
  const goals = [
    ...(merged.sweep?.goals ?? []),
    ...(merged.collect ? [{ goal: merged.collect.goal, value: `${merged.collect.ratio}x`, pass: merged.collect.pass }] : []),
    ...(merged.ingest ? [{ goal: merged.ingest.goal, value: `${merged.ingest.ratio}x`, pass: merged.ingest.pass }] : []),
  ];
  merged.goals = goals;
  merged.pass = goals.every((g) => g.pass);
  fs.writeFileSync(file, `${JSON.stringify(merged, null, 2)}\n`);
  log('goals:');
  for (const g of goals) log(`  ${g.pass ? 'pass' : 'FAIL'}  ${g.goal}: ${g.value}`);
  log(`load average (1/5/15 min) before ${loadBefore.map((x) => x.toFixed(2)).join(' ')}; ${os.cpus().length} CPUs`);
  log(`results: ${path.relative(process.cwd(), file) || file}`);
  log(`reproduce: ${command}`);
  return merged.pass ? 0 : 1;
}

async function serverVersion(dbServer: string): Promise<Array<{ v: string }>> {
  const conn = await createConnection({ uri: `${dbServer}/` });
  try {
    const [rows] = await conn.query('SELECT VERSION() AS v');
    return rows as Array<{ v: string }>;
  } finally {
    await conn.end();
  }
}
