// Where the integration specs find MariaDB and Redis (this machine's, by default).
export const TEST_DATABASE_SERVER = (process.env.TEST_DATABASE_SERVER ?? 'mysql://root@127.0.0.1:3306').replace(/\/$/, '');
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
