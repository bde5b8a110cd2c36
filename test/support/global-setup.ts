// Before any spec: MariaDB and Redis must answer, or the run stops with a message saying which.
import { createConnection } from 'mysql2/promise';
import { checkDatabaseReachable } from '../../src/database/data-source';
import { checkRedisReachable } from '../../src/common/redis.module';
import { ensureLabPackages } from '../lab/packages';
import { TEST_DATABASE_SERVER, TEST_REDIS_URL } from './env';

export default async function globalSetup(): Promise<void> {
  const probe = 'teknisi_test_probe';
  await checkDatabaseReachable(`${TEST_DATABASE_SERVER}/${probe}`);
  const conn = await createConnection({ uri: `${TEST_DATABASE_SERVER}/` });
  await conn.query(`DROP DATABASE IF EXISTS \`${probe}\``);
  await conn.end();
  await checkRedisReachable(TEST_REDIS_URL);
  ensureLabPackages();
}
