// npm run migration:generate -- <PascalVerbNoun>
// Applies the existing migrations to a scratch database, then writes what the
// entities still need as migrations/<unix-ms>-<Name>.ts for a human to read and tidy.
import 'reflect-metadata';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions, ensureDatabase, runMigrations } from '../src/database/data-source';
import { pendingSchemaChanges } from '../src/database/schema-drift';

async function main(): Promise<void> {
  const name = process.argv[2];
  if (!name || !/^[A-Z][A-Za-z0-9]+$/.test(name)) {
    console.error('usage: npm run migration:generate -- PascalVerbNoun');
    process.exit(2);
  }
  const base = process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/teknisi';
  const u = new URL(base);
  u.pathname = `/teknisi_migration_scratch_${process.pid}`;
  const url = u.toString();
  const flavor = await ensureDatabase(url);
  const ds = new DataSource(dataSourceOptions(url, flavor));
  await ds.initialize();
  try {
    await runMigrations(ds);
    const { up, down } = await pendingSchemaChanges(ds);
    if (up.length === 0) {
      console.log('The entities and migrations agree: nothing to generate.');
      return;
    }
    const ts = Date.now();
    const cls = `${name}${ts}`;
    const q = (s: string) => '`' + s.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${') + '`';
    const body = `import { MigrationInterface, QueryRunner } from 'typeorm';

export class ${cls} implements MigrationInterface {
  name = '${cls}';

  public async up(queryRunner: QueryRunner): Promise<void> {
${up.map((s) => `    await queryRunner.query(${q(s)});`).join('\n')}
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
${down.map((s) => `    await queryRunner.query(${q(s)});`).join('\n')}
  }
}
`;
    const file = path.join(__dirname.includes(`${path.sep}dist${path.sep}`) ? path.resolve(__dirname, '../../migrations') : path.resolve(__dirname, '../migrations'), `${ts}-${name}.ts`);
    fs.writeFileSync(file, body);
    console.log(`wrote ${file}: add it to migrations/index.ts after reading it`);
  } finally {
    await ds.query(`DROP DATABASE \`${new URL(url).pathname.slice(1)}\``);
    await ds.destroy();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
