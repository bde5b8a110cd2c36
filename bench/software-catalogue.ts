// bench/software-catalogue: the software pages on the data that devices-list seeds (run
// that first): the worker's device recount, a catalogue page sorted by name and by device
// count, and a page of the devices that have the most widespread title. Through the
// server's own SoftwareRepository on a real TypeORM DataSource; no HTTP.
import { DataSource } from 'typeorm';
import { dataSourceOptions } from '../src/database/data-source';
import { SoftwareRepository } from '../src/software/software.repository';
import { benchDatabaseGuard } from './lib/seed';
import { fmtMs, summarize, table } from './lib/stats';

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

async function time(n: number, fn: () => Promise<unknown>): Promise<number[]> {
  await fn();
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await fn();
    out.push(ms(t));
  }
  return out;
}

export async function main(argv: string[]): Promise<number> {
  const database = argv.find((a) => a.startsWith('--database='))?.split('=')[1] ?? 'teknisi_bench';
  const iterations = Number(argv.find((a) => a.startsWith('--iterations='))?.split('=')[1] ?? 20);
  benchDatabaseGuard(database);
  const ds = new DataSource(dataSourceOptions(`mysql://root@127.0.0.1:3306/${database}`, 'mariadb'));
  await ds.initialize();
  try {
    const [{ n: installs }] = await ds.query('SELECT COUNT(*) AS n FROM installed_software');
    if (Number(installs) === 0) {
      process.stderr.write(`${database} holds no installs: run \`npm run bench -- devices-list --seed-only\` first\n`);
      return 2;
    }
    const repo = new SoftwareRepository(ds);
    const t = process.hrtime.bigint();
    const titles = await repo.recountDevices(new Date());
    const recountMs = ms(t);
    const [top] = (await repo.catalogue(undefined, '-deviceCount', 0, 1)).rows;
    const page = async (sort: string) => {
      const { rows } = await repo.catalogue(undefined, sort, 0, 50);
      await repo.versions(rows.map((r) => r.id));
    };
    const cases: Array<[string, number[]]> = [
      ['catalogue page of 50, by name', await time(iterations, () => page('name'))],
      ['catalogue page of 50, most installed first', await time(iterations, () => page('-deviceCount'))],
      [`devices with "${top.name}" (${top.deviceCount}), page 1`, await time(iterations, () => repo.devicesWith(top.id, undefined, undefined, false, 0, 50))],
      [`devices with "${top.name}", page 100`, await time(iterations, () => repo.devicesWith(top.id, undefined, undefined, false, 99 * 50, 50))],
    ];
    process.stdout.write(`${Number(installs).toLocaleString('en')} installs; recount of ${titles} titles: ${fmtMs(recountMs)} ms\n\n`);
    process.stdout.write(
      `${table(['query', 'p50', 'p95'], cases.map(([label, samples]) => {
        const s = summarize(samples);
        return [label, `${fmtMs(s.p50)} ms`, `${fmtMs(s.p95)} ms`];
      }))}\n`,
    );
    process.stdout.write(`reproduce: npm run bench -- software-catalogue --database=${database}\n`);
    return 0;
  } finally {
    await ds.destroy();
  }
}
