// bench/: `npm run bench -- <name> [flags]` runs one benchmark; `npm run bench` lists them.
import 'reflect-metadata';
import { ensureLabPackages } from '../test/lab/packages';

interface Bench {
  description: string;
  /** starts device-lab daemons (snmpd, sshd...): their Debian packages must be there first */
  lab?: boolean;
  load: () => Promise<{ main(argv: string[]): Promise<number> }>;
}

const BENCHES: Record<string, Bench> = {
  'devices-list': {
    description: 'device list, search, filters, deep page and CSV export on 100k devices / 15M installs: API vs raw SQL, server RSS',
    load: () => import('./devices-list'),
  },
  'software-catalogue': {
    description: 'software catalogue pages, devices-with-title pages and the worker recount on the devices-list data',
    load: () => import('./software-catalogue'),
  },
  discovery: {
    description: 'discovery [sweep|collect|ingest]: lab /24 and /22 scans vs onesixtyone and nmap, collectSnmp vs snmpbulkwalk, ingest vs raw INSERT',
    lab: true,
    load: () => import('./discovery'),
  },
  fanout: {
    description: 'fanout [hosts|queue]: a command on 50 lab SSH hosts at c=10/25/50 vs ansible -m raw and xargs -P ssh; a 5,000-target noop run queued',
    lab: true,
    load: () => import('./fanout'),
  },
  ui: {
    description: 'the web UI in headless Chromium on the devices-list data: grid, search, filters, deep page, sort, device, software, dashboard',
    load: () => import('./ui'),
  },
  configs: {
    description: 'configs [backups|diff]: backups of 200 lab IOS routers at c=10/25/50 vs xargs -P ssh; diff and normalize of 5,000-line configs',
    lab: true,
    load: () => import('./configs'),
  },
  windows: {
    description: 'maintenance windows: nextAllowed for a 5,000-target run over windows in several zones, first pass and memoized',
    load: () => import('./windows'),
  },
};

async function run(): Promise<number> {
  const [name, ...argv] = process.argv.slice(2);
  const bench = name ? BENCHES[name] : undefined;
  if (!bench) {
    if (name && name !== '--help') process.stderr.write(`Unknown benchmark "${name}".\n`);
    process.stderr.write(`Usage: npm run bench -- <name> [--flags]  (--help after the name lists its flags)\n\n`);
    for (const [n, b] of Object.entries(BENCHES)) process.stderr.write(`  ${n.padEnd(16)} ${b.description}\n`);
    return name && name !== '--help' ? 2 : 0;
  }
  // as the test set-up does: installed when missing and running as root, else a message naming them
  // (without it a fresh machine's first run died on "spawn /usr/sbin/snmpd ENOENT")
  if (bench.lab && !argv.includes('--help')) ensureLabPackages();
  return (await bench.load()).main(argv);
}

run().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${err?.stack ?? err}\n`);
    process.exit(1);
  },
);
