// auth/: login rate-limit counters kept in Redis, so that every API replica counts together.
// If Redis is down the counters fall back to this process's memory rather than lock everyone out.
import { Logger } from '@nestjs/common';
import { ThrottlerStorage, ThrottlerStorageService } from '@nestjs/throttler';
import type { ThrottlerStorageRecord } from '@nestjs/throttler/dist/throttler-storage-record.interface';
import { Redis } from 'ioredis';

const INCR = `
local hits = redis.call('INCR', KEYS[1])
if hits == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return {hits, redis.call('PTTL', KEYS[1])}
`;

export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly logger = new Logger('RateLimit');
  private readonly fallback = new ThrottlerStorageService();

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number, name: string): Promise<ThrottlerStorageRecord> {
    try {
      const [hits, pttl] = (await this.redis.eval(INCR, 1, `${this.prefix}:throttle:${name}:${key}`, String(ttl))) as [number, number];
      const timeToExpire = Math.max(1, Math.ceil(pttl / 1000));
      const isBlocked = hits > limit;
      return { totalHits: hits, timeToExpire, isBlocked, timeToBlockExpire: isBlocked ? timeToExpire : 0 };
    } catch (err) {
      this.logger.warn({ err: (err as Error).message }, 'Redis unavailable for rate limiting; counting in memory');
      return this.fallback.increment(key, ttl, limit, blockDuration, name);
    }
  }

  /** Forgets one counter (a user name's attempts after it signed in); in-memory counts are left to expire. */
  async forget(name: string, key: string): Promise<void> {
    await this.redis.del(`${this.prefix}:throttle:${name}:${key}`).catch((err: Error) => this.logger.warn({ err: err.message }, 'could not reset a login counter'));
  }
}
