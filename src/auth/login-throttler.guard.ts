// auth/: the login rate limit. Guards run before interceptors, so the audit interceptor never
// sees a refused attempt: this guard records it itself, then answers 429.
import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import { AuditService } from '../audit/audit.service';
import type { AuthedRequest } from './roles';

@Injectable()
export class LoginThrottlerGuard extends ThrottlerGuard {
  @Inject(AuditService) private readonly audit: AuditService;

  protected async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    await this.audit.record({
      userId: null, username: String(req.body?.username ?? '').slice(0, 64) || null, action: 'auth.login', objectType: 'user',
      summary: req.body, ip: req.ip ?? null, requestId: req.id ?? null, statusCode: 429,
    });
    return super.throwThrottlingException(context, detail);
  }
}
