// auth/: the global guard. Every route needs a bearer token or the session cookie unless it
// is @Public(); then the caller's role must reach the route's @MinRole (reads: viewer,
// writes: admin when the route does not say).
import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
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
      throw new ForbiddenException(`This needs the ${needed} role; you are ${user.role}`);
    }
    return true;
  }
}
