// agents/: who may send an inventory report, and how often. The route is @Public() to the
// global guard (which knows only users), and this guard decides instead: an enrollment token
// (tka_…), or a technician's or admin's own login or API token — technicians already edit
// devices and import CSV, so a report they upload by hand adds no power; viewers may not.
// Each token (or user) then has a per-minute budget counted in Redis, so that every API
// process shares it; past it the answer is 429 with Retry-After.
import { CanActivate, ExecutionContext, ForbiddenException, HttpException, HttpStatus, Inject, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import type { Response } from 'express';
import { Redis } from 'ioredis';
import { bearerOrCookie } from '../auth/auth.guard';
import { AuthService } from '../auth/auth.service';
import { RedisThrottlerStorage } from '../auth/redis-throttler.storage';
import { AuthedRequest, roleAtLeast } from '../auth/roles';
import { APP_CONFIG, AppConfig } from '../config/env';
import { REDIS } from '../common/redis.module';
import { DEFAULT_REPORTS_PER_MINUTE } from './agent-token.dto';
import { AGENT_TOKEN_PREFIX, AgentTokensService } from './agent-tokens.service';

/** Who sent a report: an enrollment token, or a user. */
export interface Reporter {
  /** the rate-limit key and the name in logs: agent-token:3, user:7 */
  key: string;
  label: string;
  perMinute: number;
  agentTokenId?: number;
}

export type ReportRequest = AuthedRequest & { reporter?: Reporter };

const WINDOW_MS = 60_000;

@Injectable()
export class ReportAuthGuard implements CanActivate {
  private readonly logger = new Logger('AgentReports');
  private readonly storage: RedisThrottlerStorage;

  constructor(
    private readonly tokens: AgentTokensService,
    private readonly auth: AuthService,
    @Inject(REDIS) redis: Redis,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.storage = new RedisThrottlerStorage(redis, config.queuePrefix);
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const req = ctx.switchToHttp().getRequest<ReportRequest>();
    // admitted already, before its body was read (reportGate): counted once
    if (!req.reporter) await this.admit(req, ctx.switchToHttp().getResponse<Response>());
    return true;
  }

  /** Who sent the report, within their budget (req.reporter); else a 401, 403 or 429 thrown. */
  async admit(req: ReportRequest, res: Response): Promise<void> {
    const reporter = await this.identify(req);
    req.reporter = reporter;
    const { totalHits, timeToExpire } = await this.storage.increment(reporter.key, WINDOW_MS, reporter.perMinute, 0, 'agent-report');
    if (totalHits > reporter.perMinute) {
      res.setHeader('Retry-After', String(timeToExpire));
      if (totalHits === reporter.perMinute + 1) this.logger.warn({ reporter: reporter.label, limit: reporter.perMinute }, 'report rate limit reached');
      throw new HttpException(
        `Too many reports for ${reporter.label}: at most ${reporter.perMinute} a minute; retry after ${timeToExpire} s` +
          (reporter.agentTokenId ? ' (an admin can raise the token\'s reportsPerMinute, or spread the agents\' schedules)' : ''),
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
  }

  private async identify(req: ReportRequest): Promise<Reporter> {
    const presented = bearerOrCookie(req);
    if (!presented) throw new UnauthorizedException('Send the enrollment token as Authorization: Bearer <token>');
    if (presented.startsWith(AGENT_TOKEN_PREFIX)) {
      const check = await this.tokens.check(presented);
      if (!check.ok) {
        this.logger.warn({ ip: req.ip, reason: check.reason }, 'report refused');
        throw new UnauthorizedException(`${check.reason}: ask an admin for a valid one (POST /api/agents/tokens)`);
      }
      const t = check.token;
      return { key: `agent-token:${t.id}`, label: `enrollment token "${t.name}" (${t.prefix}…)`, perMinute: t.reportsPerMinute, agentTokenId: t.id };
    }
    const user = await this.auth.authenticate(presented);
    if (!user) throw new UnauthorizedException('Unknown or expired token: agents send an enrollment token (tka_…) as Authorization: Bearer <token>');
    req.user = user;
    if (!roleAtLeast(user.role, 'technician')) throw new ForbiddenException(`Reports need an enrollment token, or a technician's or admin's token; you are ${user.role}`);
    return { key: `user:${user.id}`, label: `user ${user.username}`, perMinute: DEFAULT_REPORTS_PER_MINUTE };
  }
}
