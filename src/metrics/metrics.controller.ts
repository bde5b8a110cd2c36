import { Controller, Get, Header, Inject, Req, UnauthorizedException, ForbiddenException } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import * as crypto from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../config/env';
import { AuthService } from '../auth/auth.service';
import { bearerOrCookie } from '../auth/auth.guard';
import { AuthedRequest, Public } from '../auth/roles';
import { MetricsService } from './metrics.service';

/** /metrics: for an admin's token or TEKNISI_METRICS_TOKEN (what a Prometheus scraper holds). */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(
    private readonly metrics: MetricsService,
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @Public()
  @Header('Cache-Control', 'no-store')
  async scrape(@Req() req: AuthedRequest): Promise<string> {
    const token = bearerOrCookie(req);
    if (!token) throw new UnauthorizedException('Send an admin token or TEKNISI_METRICS_TOKEN as a bearer token');
    const expected = this.config.metricsToken;
    // digests, not the tokens: timingSafeEqual throws on buffers of different lengths, which a
    // token of as many characters but more bytes (é) made a 500 for anyone
    const digest = (s: string) => crypto.createHash('sha256').update(s).digest();
    const isScraper = !!expected && crypto.timingSafeEqual(digest(token), digest(expected));
    if (!isScraper) {
      const user = await this.auth.authenticate(token);
      if (!user) throw new UnauthorizedException('Unknown or expired token');
      if (user.role !== 'admin') throw new ForbiddenException('Metrics need the admin role or TEKNISI_METRICS_TOKEN');
    }
    req.res?.type(this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}
