// npm run migration:run: applies pending migrations (the server also does so at start-up).
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadEnv, run } from '../src/bootstrap';
import { checkDatabaseReachable, dataSourceOptions, runMigrations } from '../src/database/data-source';

run(async () => {
  const config = loadEnv();
  const flavor = await checkDatabaseReachable(config.databaseUrl);
  const ds = new DataSource(dataSourceOptions(config.databaseUrl, flavor));
  await ds.initialize();
  try {
    const applied = await runMigrations(ds, (m) => console.log(m));
    console.log(applied.length ? `${applied.length} migration(s) applied` : 'database is up to date');
  } finally {
    await ds.destroy();
  }
});
