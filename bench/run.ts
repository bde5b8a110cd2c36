// bench/: `npm run bench -- <name> [flags]` runs one benchmark; `npm run bench` lists them.
import 'reflect-metadata';

interface Bench {
  description: string;
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
    load: () => import('./discovery'),
  },
  fanout: {
    description: 'fanout [hosts|queue]: a command on 50 lab SSH hosts at c=10/25/50 vs ansible -m raw and xargs -P ssh; a 5,000-target noop run queued',
    load: () => import('./fanout'),
  },
  ui: {
    description: 'the web UI in headless Chromium on the devices-list data: grid, search, filters, deep page, sort, device, software, dashboard',
    load: () => import('./ui'),
  },
  configs: {
    description: 'configs [backups|diff]: backups of 200 lab IOS routers at c=10/25/50 vs xargs -P ssh; diff and normalize of 5,000-line configs',
    load: () => import('./configs'),
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
  return (await bench.load()).main(argv);
}

run().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${err?.stack ?? err}\n`);
    process.exit(1);
  },
);
