// health/: /api/health reports whether MySQL and Redis answer; 503 when either does not.
import { Controller, Get, Inject, Logger, ServiceUnavailableException } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { Redis } from 'ioredis';
import { DataSource } from 'typeorm';
import { Public } from '../auth/roles';
import { REDIS } from '../common/redis.module';

class NoAnswer extends Error {}

const within = <T>(ms: number, p: Promise<T>): Promise<T> =>
  Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new NoAnswer(`no answer within ${ms} ms`)), ms).unref())]);

@ApiTags('health')
@Controller('health')
export class HealthController {
  private readonly logger = new Logger('Health');

  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly ds: DataSource,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  @Get()
  @Public()
  @HealthCheck()
  async check(): Promise<HealthCheckResult> {
    try {
      return await this.health.check([
        () => this.probe('database', () => this.ds.query('SELECT 1')),
        () => this.probe('redis', () => this.redis.ping()),
      ]);
    } catch (err) {
      // Terminus puts what is down in the exception's response, which the global filter reduces
      // to {statusCode, error, message}: say it in the message and keep the result as details.
      if (!(err instanceof ServiceUnavailableException)) throw err;
      const result = err.getResponse() as HealthCheckResult;
      const down = Object.keys(result.error ?? {});
      throw new ServiceUnavailableException({ message: `Unhealthy: ${down.join(' and ') || 'a check'} down`, details: result.details });
    }
  }

  private async probe(key: string, fn: () => Promise<unknown>) {
    const i = this.indicator.check(key);
    const started = Date.now();
    try {
      await within(2000, fn());
      return i.up({ latencyMs: Date.now() - started });
    } catch (err) {
      // anyone may read this route: the driver's own words (an internal address, "Access denied
      // for user …") go to the log, not to the answer
      if (err instanceof NoAnswer) return i.down({ message: err.message });
      this.logger.warn({ check: key, err: (err as Error).message }, 'health check failed');
      return i.down({ message: 'failed (the server log says why)' });
    }
  }
}
