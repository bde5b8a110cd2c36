// common/: one shared ioredis client for rate limits and health; BullMQ opens its own connections.
import { DynamicModule, Global, Inject, Module, OnApplicationShutdown } from '@nestjs/common';
import type { ConnectionOptions } from 'bullmq';
import IORedis, { Redis, RedisOptions } from 'ioredis';

export const REDIS = Symbol('REDIS');

/** Options for every connection Teknisi opens: fail fast, never queue commands forever. */
export function redisOptions(url: string, forWorker = false): RedisOptions {
  const u = new URL(url);
  return {
    // an IPv6 host keeps its brackets in a URL (redis://[::1]:6379): ioredis wants the bare address
    host: u.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: Number(u.port || 6379),
    username: u.username ? decodeURIComponent(u.username) : undefined,
    password: u.password ? decodeURIComponent(u.password) : undefined,
    db: u.pathname.length > 1 ? Number(u.pathname.slice(1)) : 0,
    tls: u.protocol === 'rediss:' ? {} : undefined,
    connectTimeout: 5000,
    // BullMQ workers must wait for Redis to come back rather than fail their blocking calls
    maxRetriesPerRequest: forWorker ? null : 1,
    enableOfflineQueue: forWorker,
    retryStrategy: (times) => Math.min(times * 200, 5000),
    lazyConnect: false,
  };
}

@Global()
@Module({})
export class RedisModule implements OnApplicationShutdown {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  static register(url: string): DynamicModule {
    return {
      module: RedisModule,
      providers: [{ provide: REDIS, useFactory: () => new IORedis(redisOptions(url)) }],
      exports: [REDIS],
    };
  }

  onApplicationShutdown(): void {
    this.redis.disconnect();
  }
}

/** The same options, typed for BullMQ (its RedisOptions is a structural copy of ioredis's). */
export function bullConnection(url: string, forWorker = false): ConnectionOptions {
  return redisOptions(url, forWorker) as ConnectionOptions;
}

export async function checkRedisReachable(url: string): Promise<void> {
  const client = new IORedis({ ...redisOptions(url), retryStrategy: () => null, lazyConnect: true });
  // connect() itself only rejects with "Connection is closed."; the socket error says why
  let cause: (Error & { code?: string }) | undefined;
  client.on('error', (err) => (cause ??= err));
  try {
    await client.connect();
    await client.ping();
  } catch (err) {
    const u = new URL(url);
    if (u.password) u.password = '***';
    throw new Error(
      `Cannot reach Redis at ${u.toString()} (${cause?.code ?? cause?.message ?? (err as Error).message}): start Redis (e.g. \`docker-compose -f docker/compose.yml up -d redis\`, or \`redis-server --daemonize yes\`) or point REDIS_URL at a running server.`,
    );
  } finally {
    client.disconnect();
  }
}

/** Deletes every key under a prefix (a test's or a bench run's queues), SCAN by SCAN. */
export async function deleteKeysWithPrefix(url: string, prefix: string): Promise<void> {
  const redis = new IORedis({ ...redisOptions(url), lazyConnect: true });
  await redis.connect();
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
