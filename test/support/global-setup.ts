// Before any spec: MariaDB and Redis must answer, or the run stops with a message saying which.
import { checkDatabaseReachable } from '../../src/database/data-source';
import { checkRedisReachable } from '../../src/common/redis.module';
import { TEST_DATABASE_SERVER, TEST_REDIS_URL } from './env';

export default async function globalSetup(): Promise<void> {
  await checkDatabaseReachable(`${TEST_DATABASE_SERVER}/teknisi_test_probe`);
  await checkRedisReachable(TEST_REDIS_URL);
}
