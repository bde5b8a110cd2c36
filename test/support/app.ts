// A real Teknisi application for one spec file: its own database (created, migrated,
// dropped), its own Redis key prefix (deleted afterwards), its own data directory, and
// every log line captured so that specs can assert what was (not) logged.
import { NestExpressApplication } from '@nestjs/platform-express';
import { createConnection } from 'mysql2/promise';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { __resetOutOfContextForTests } from 'nestjs-pino/PinoLogger';
import { createHttpApp, prepareRuntime } from '../../src/bootstrap';
import { deleteKeysWithPrefix } from '../../src/common/redis.module';
import { AppConfig, loadConfig } from '../../src/config/env';
import { TEST_DATABASE_SERVER, TEST_REDIS_URL } from './env';

export const ADMIN_PASSWORD = 'admin-password-for-tests';

export interface TestApp {
  app: NestExpressApplication;
  http: ReturnType<typeof request>;
  config: AppConfig;
  db: DataSource;
  logs: string[];
  dbName: string;
  /** Bearer token of the built-in admin. */
  adminToken: string;
  /** Creates a user with the role and returns a bearer token for it. */
  tokenFor(role: 'viewer' | 'technician' | 'admin', username?: string): Promise<string>;
  /** Stops the application only (its database and data directory stay until close()). */
  closeApp(): Promise<void>;
  /** Stops the application and removes what it made: its data directory, and its database and queue keys unless opts.env named another's. */
  close(): Promise<void>;
}

export interface TestAppOptions {
  /** Overrides; an empty string unsets a variable (e.g. TEKNISI_ADMIN_PASSWORD: '' for a generated admin password). */
  env?: Record<string, string>;
  consume?: boolean;
}

export async function createTestApp(opts: TestAppOptions = {}): Promise<TestApp> {
  const suffix = `${process.pid}_${crypto.randomBytes(4).toString('hex')}`;
  const dbName = `teknisi_test_${suffix}`;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'teknisi-test-'));
  const config = loadConfig({
    DATABASE_URL: `${TEST_DATABASE_SERVER}/${dbName}`,
    REDIS_URL: TEST_REDIS_URL,
    TEKNISI_QUEUE_PREFIX: `{teknisi-test-${suffix}}`,
    TEKNISI_DATA_DIR: dataDir,
    TEKNISI_ADMIN_PASSWORD: ADMIN_PASSWORD,
    TEKNISI_SECRET_KEY: crypto.randomBytes(32).toString('hex'),
    // argon2id at 4 MiB, not the default 64: the specs hash and verify hundreds of passwords,
    // ~0.4 s of CPU each at 64 MiB here (src/auth/password-hash.spec.ts checks the default)
    TEKNISI_PASSWORD_HASH_MEMORY_KIB: '4096',
    LOG_LEVEL: 'info',
    ...opts.env,
  });
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk, _enc, cb) {
      logs.push(String(chunk));
      cb();
    },
  });
  const rt = await prepareRuntime(config, logStream);
  // nestjs-pino keeps one process-wide logger for Nest's Logger, made by the first app: make
  // this app's stream the one that Nest's Logger lines (Logger('Users') etc.) go to.
  __resetOutOfContextForTests();
  const app = await createHttpApp(rt, opts.consume ?? false);
  await app.init();
  // Nest flushes the start-up log buffer on listen(), which specs never call
  app.flushLogs();
  const http = request(app.getHttpServer());
  const db = app.get(DataSource);
  // without TEKNISI_ADMIN_PASSWORD the first start writes a generated one to the data directory
  const adminPassword = config.adminPassword ?? fs.readFileSync(path.join(config.dataDir, 'admin-password.txt'), 'utf8').trim();
  // a self-signed test certificate must not stop the admin's login
  const login = await http.post('/api/auth/login').disableTLSCerts().send({ username: 'admin', password: adminPassword });
  if (login.status !== 200) {
    await app.close();
    if (!opts.env?.DATABASE_URL) await dropDatabase(dbName);
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`admin login failed: ${login.status} ${JSON.stringify(login.body)}`);
  }
  const adminToken = login.body.accessToken as string;
  let n = 0;
  let appClosed = false;
  const closeApp = async () => {
    if (appClosed) return;
    appClosed = true;
    await app.close();
  };
  return {
    app, http, config, db, logs, dbName, adminToken,
    async tokenFor(role, username) {
      const name = username ?? `${role}${++n}`;
      const password = `${name}-password-123`;
      const created = await http.post('/api/users').set('Authorization', `Bearer ${adminToken}`).send({ username: name, password, role });
      if (created.status !== 201) throw new Error(`user create failed: ${created.status} ${JSON.stringify(created.body)}`);
      const res = await http.post('/api/auth/login').send({ username: name, password });
      return res.body.accessToken as string;
    },
    closeApp,
    async close() {
      await closeApp();
      // a second application on another's database and queue (opts.env) leaves them to their owner
      if (!opts.env?.DATABASE_URL) await dropDatabase(dbName);
      if (!opts.env?.TEKNISI_QUEUE_PREFIX) await deleteRedisKeys(config.queuePrefix);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function dropDatabase(name: string): Promise<void> {
  const conn = await createConnection({ uri: `${TEST_DATABASE_SERVER}/` });
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await conn.end();
  }
}

export function deleteRedisKeys(prefix: string): Promise<void> {
  return deleteKeysWithPrefix(TEST_REDIS_URL, prefix);
}

export const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
