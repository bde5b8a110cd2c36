// Entry point of a worker process (TEKNISI_ROLE=worker): consumes the queues, serves no HTTP.
// Run as many as the work needs, on as many machines, against the same MySQL and Redis.
import { Logger } from '@nestjs/common';
import { AppConfig } from './config/env';
import { createWorkerContext, loadEnv, prepareRuntime, run } from './bootstrap';

export async function startWorker(config: AppConfig): Promise<void> {
  const rt = await prepareRuntime(config);
  await createWorkerContext(rt);
  new Logger('Worker').log('Teknisi worker started');
}

if (require.main === module) {
  run(async () => startWorker({ ...loadEnv(), role: 'worker' }));
}
