// auth/: the login rate limit. Guards run before interceptors, so the audit interceptor never
// sees a refused attempt: this guard records it itself, then answers 429 saying which limit
// was hit and for how long. A successful login forgets its user name's attempts (the
// controller calls forget): the per-name limit is there to slow password guessing, and
// counting the right password too locked out a technician who signs in from several places.
import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import { AuditService } from '../audit/audit.service';
import type { AuthedRequest } from './roles';

/** A login request as the guard leaves it: its key in the per-user-name counter. */
export interface LoginThrottledRequest {
  loginUserKey?: string;
}

export const LOGIN_USER_THROTTLER = 'login-user';

/** "45 seconds", "1 minute", "15 minutes" */
export function waitText(seconds: number): string {
  if (seconds < 60) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

@Injectable()
export class LoginThrottlerGuard extends ThrottlerGuard {
  @Inject(AuditService) private readonly audit: AuditService;

  protected generateKey(context: ExecutionContext, suffix: string, name: string): string {
    const key = super.generateKey(context, suffix, name);
    if (name === LOGIN_USER_THROTTLER) context.switchToHttp().getRequest<LoginThrottledRequest>().loginUserKey = key;
    return key;
  }

  protected async getErrorMessage(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<string> {
    const req = context.switchToHttp().getRequest<LoginThrottledRequest>();
    const which = detail.key === req.loginUserKey ? 'for this user name' : 'from this address';
    return `Too many login attempts ${which}: try again in ${waitText(detail.timeToBlockExpire)}`;
  }

  protected async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    await this.audit.record({
      userId: null, username: String(req.body?.username ?? '').slice(0, 64) || null, action: 'auth.login', objectType: 'user',
      summary: req.body, ip: req.ip ?? null, requestId: req.id ?? null, statusCode: 429,
    });
    return super.throwThrottlingException(context, detail);
  }
}
