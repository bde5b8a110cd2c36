// npm run migration:run: applies pending migrations (the server also does so at start-up).
import 'reflect-metadata';
import { loadEnv, run } from '../src/bootstrap';
import { openDataSource, runMigrations } from '../src/database/data-source';

run(async () => {
  const config = loadEnv();
  const ds = await openDataSource(config.databaseUrl);
  try {
    const applied = await runMigrations(ds, (m) => console.log(m));
    console.log(applied.length ? `${applied.length} migration(s) applied` : 'database is up to date');
  } finally {
    await ds.destroy();
  }
});
