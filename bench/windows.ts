// bench/windows: what a run's dispatcher pays per target to ask "when may this target start?"
// (nextAllowed over the maintenance windows of its tags), the first pass through a zone's days
// and the same days asked again. Pure computation: no server, no database, no lab.
import * as fs from 'fs';
import * as path from 'path';
import { nextAllowed, Window } from '../src/jobs/windows/window-time';
import { Flags, FlagSpec } from './lib/args';
import { REPO_ROOT } from './lib/server';
import { round1, summarize, table } from './lib/stats';

const FLAGS: FlagSpec[] = [
  { name: 'targets', help: 'targets of one run, each asked once', default: '5000' },
  { name: 'rounds', help: 'runs measured (the first pass fills the zones\u2019 memo)', default: '5' },
  { name: 'goal-ms', help: 'goal: one run\u2019s targets answered within this', default: '1000' },
  { name: 'results-dir', help: 'where the JSON result goes', default: 'bench/results' },
  { name: 'help', help: 'this list', boolean: true },
];

const win = (timezone: string, days: Window['ranges'][number]['days'], start: string, end: string): Window => ({ timezone, ranges: [{ days, start, end }] });
const WORKDAYS: Window['ranges'][number]['days'] = ['mon', 'tue', 'wed', 'thu', 'fri'];

/** targets' window groups, as a run with tags in three zones sees them */
const CASES: Array<[string, Window[][]]> = [
  ['one window (UTC)', [[win('UTC', WORKDAYS, '22:00', '04:00')]]],
  ['two groups, three zones', [[win('Europe/Berlin', WORKDAYS, '08:00', '18:00')], [win('UTC', WORKDAYS, '18:00', '23:00'), win('America/New_York', ['mon'], '01:00', '02:00')]]],
  ['overlap only after DST (weeks ahead)', [[win('Europe/Berlin', ['sun'], '00:30', '01:00')], [win('UTC', ['sat'], '22:00', '23:00')]]],
];

export async function main(argv: string[]): Promise<number> {
  const flags = new Flags(FLAGS, argv);
  if (flags.bool('help')) {
    process.stdout.write(`npm run bench -- windows [flags]\n${Flags.usage(FLAGS)}\n`);
    return 0;
  }
  const targets = flags.int('targets', 1);
  const rounds = flags.int('rounds', 1);
  const goalMs = flags.int('goal-ms', 1);
  const start = Date.UTC(2026, 1, 20);
  const rows: Array<{ case: string; firstMs: number; laterP50Ms: number; perTargetUs: number; pass: boolean }> = [];
  for (const [label, groups] of CASES) {
    const runs: number[] = [];
    for (let r = 0; r < rounds; r++) {
      // a minute apart, as a run's targets are dispatched; each round a week later, so the
      // first round of a case is the first pass through its days
      const base = start + (rows.length * rounds + r) * 7 * 86_400_000;
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < targets; i++) nextAllowed(groups, new Date(base + i * 60_000));
      runs.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    const later = summarize(runs.slice(1).length ? runs.slice(1) : runs);
    const worst = Math.max(...runs);
    rows.push({ case: label, firstMs: round1(runs[0]), laterP50Ms: round1(later.p50), perTargetUs: round1((worst * 1000) / targets), pass: worst <= goalMs });
  }
  process.stdout.write(`nextAllowed for ${targets} targets a minute apart, ${rounds} runs a case (goal: every run within ${goalMs} ms)\n`);
  process.stdout.write(`${table(['case', 'first run', 'later runs p50', 'worst per target', 'goal'], rows.map((r) => [r.case, `${r.firstMs} ms`, `${r.laterP50Ms} ms`, `${r.perTargetUs} µs`, r.pass ? 'pass' : 'FAIL']))}\n`);
  const outDir = path.resolve(REPO_ROOT, flags.str('results-dir'));
  fs.mkdirSync(outDir, { recursive: true });
  const file = path.join(outDir, `windows-${new Date().toISOString().slice(0, 10)}.json`);
  fs.writeFileSync(file, `${JSON.stringify({ date: new Date().toISOString(), command: `npm run bench -- windows ${argv.join(' ')}`.trim(), targets, rounds, goalMs, rows }, null, 2)}\n`);
  process.stdout.write(`result: ${path.relative(process.cwd(), file)}\n`);
  return rows.every((r) => r.pass) ? 0 : 1;
}
