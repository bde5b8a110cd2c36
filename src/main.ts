// Entry point. TEKNISI_ROLE=all (the default, what `npm start` runs) serves the API and
// consumes the queues in one process; api serves only; worker delegates to worker.ts.
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { createHttpApp, loadEnv, prepareRuntime, run } from './bootstrap';
import { checkStoredKey } from './credentials/key-check';
import { QueueService } from './queue/queue.service';
import { startWorker } from './worker';

run(async () => {
  const config = loadEnv();
  if (config.role === 'worker') return startWorker(config);
  const rt = await prepareRuntime(config);
  const logger = new Logger('Main');
  const app = await createHttpApp(rt, config.role === 'all');
  if (rt.rootKey.generated) logger.warn(`Generated the secret key file ${rt.rootKey.origin} (mode 0600); back it up: credentials cannot be read without it`);
  // unlike a worker, the API starts even with a key that opens no credential (the admin may
  // need the UI meanwhile), but says so now rather than at the first scan that fails
  const mismatch = await checkStoredKey(app.get(DataSource), rt.rootKey, config.dataDir);
  if (mismatch?.noneReadable) logger.error(mismatch.message);
  else if (mismatch) logger.warn(mismatch.message);
  await app.listen(config.port, config.host);
  const scheme = config.tlsCert ? 'https' : 'http';
  logger.log(`Teknisi ${config.role === 'all' ? 'API and worker' : 'API'} listening on ${scheme}://${config.host}:${config.port} (docs at /api/docs)`);
  if (config.role === 'api') {
    const queues = app.get(QueueService);
    const check = async () => {
      const n = await queues.workerCount().catch(() => -1);
      if (n === 0) logger.warn('No worker is connected to the queues: start one with TEKNISI_ROLE=worker, or jobs will wait');
    };
    setTimeout(check, 15_000).unref();
    setInterval(check, 5 * 60_000).unref();
  }
});
