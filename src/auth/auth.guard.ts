// auth/: the global guard. Every route needs a bearer token or the session cookie unless it
// is @Public(); then the caller's role must reach the route's @MinRole (reads: viewer,
// writes: admin when the route does not say).
import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { auditedWrite } from '../audit/audit.interceptor';
import { AuditService } from '../audit/audit.service';
import { AuthService } from './auth.service';
import { AuthedRequest, IS_PUBLIC, MIN_ROLE, roleAtLeast } from './roles';
import { readCookie, SESSION_COOKIE } from './tokens';
import { UserRole } from './user.entity';

export function bearerOrCookie(req: AuthedRequest): string | undefined {
  const header = req.headers.authorization;
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    return m ? m[1] : undefined;
  }
  return readCookie(req.headers.cookie, SESSION_COOKIE);
}

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly audit: AuditService,
  ) {}

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const targets = [ctx.getHandler(), ctx.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, targets)) return true;
    const req = ctx.switchToHttp().getRequest<AuthedRequest>();
    const token = bearerOrCookie(req);
    const user = token ? await this.auth.authenticate(token) : null;
    if (!user) throw new UnauthorizedException('Log in first: send a bearer token or the session cookie');
    req.user = user;
    const declared = this.reflector.getAllAndOverride<UserRole | undefined>(MIN_ROLE, targets);
    const needed: UserRole = declared ?? (['GET', 'HEAD'].includes(req.method) ? 'viewer' : 'admin');
    if (!roleAtLeast(user.role, needed)) {
      // a write refused for its role is worth the audit log (a viewer trying to read secrets'
      // routes, a technician deleting users): the interceptor that logs writes never sees it, as
      // it runs after this guard. Refusals without a user (401) are not: anyone can make them
      await this.recordRefusal(ctx, req, user);
      throw new ForbiddenException(`This needs the ${needed} role; you are ${user.role}`);
    }
    return true;
  }

  private async recordRefusal(ctx: ExecutionContext, req: AuthedRequest, user: { id: number; username: string }): Promise<void> {
    const named = auditedWrite(this.reflector, ctx, req);
    if (!named) return;
    const params = (req as { params?: Record<string, string> }).params;
    await this.audit.record({
      userId: user.id, username: user.username, ...named,
      // the route's id, or its parameters together (a host key's address:port), as its handler names it
      objectId: params?.id ?? (Object.values(params ?? {}).join(':') || null), summary: undefined,
      ip: req.ip ?? null, requestId: (req as { id?: string }).id ?? null, statusCode: 403,
    });
  }
}
