// Entry point of a worker process (TEKNISI_ROLE=worker): consumes the queues, serves no HTTP.
// Run as many as the work needs, on as many machines, against the same MySQL and Redis, each
// with the API's secret key (TEKNISI_SECRET_KEY or a copy of its key file): a worker never
// makes its own, and refuses to start with one that opens none of the stored credentials.
import { INestApplicationContext, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AppConfig, ConfigError } from './config/env';
import { checkStoredKey, KeyMismatch } from './credentials/key-check';
import { dataSourceOptions } from './database/data-source';
import type { Runtime } from './app.module';
import { createWorkerContext, loadEnv, prepareRuntime, run } from './bootstrap';

export async function startWorker(config: AppConfig): Promise<INestApplicationContext> {
  const rt = await prepareRuntime(config);
  // checked before the context exists: it starts taking jobs as it initializes
  const mismatch = await checkKeyOnce(rt);
  if (mismatch?.noneReadable) throw new ConfigError([mismatch.message]);
  const ctx = await createWorkerContext(rt);
  const logger = new Logger('Worker');
  if (mismatch) logger.warn(mismatch.message);
  logger.log(`Teknisi worker started (secret key from ${rt.rootKey.origin})`);
  return ctx;
}

/** The key check on a connection of its own: the database was found reachable by prepareRuntime, whose flavor it takes. */
async function checkKeyOnce(rt: Runtime): Promise<KeyMismatch | null> {
  const ds = new DataSource(dataSourceOptions(rt.config.databaseUrl, rt.flavor));
  await ds.initialize();
  try {
    return await checkStoredKey(ds, rt.rootKey, rt.config.dataDir);
  } finally {
    await ds.destroy();
  }
}

if (require.main === module) {
  run(async () => startWorker({ ...loadEnv(), role: 'worker' }));
}
