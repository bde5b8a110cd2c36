// auth/: the global guard. Every route needs a bearer token or the session cookie unless it
// is @Public(); a write by the cookie must come from Teknisi's own pages; then the caller's
// role must reach the route's @MinRole (reads: viewer, writes: admin when the route does not say).
import { CanActivate, ExecutionContext, ForbiddenException, Injectable, Logger, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
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

/**
 * A write (not GET, HEAD or OPTIONS) that the session cookie authenticates and that another page
 * made the browser send. SameSite=Strict keeps the cookie from other sites, but a page on another
 * port of this host, or on a sibling subdomain, is the same site: its plain HTML form (to any
 * route; as text/plain, to the CSV import) went out with the cookie. Browsers name where a
 * request comes from in Sec-Fetch-Site: "same-origin" for the web UI's own requests, "none" for
 * one a user started (typing the address); older browsers only in Origin, which must then name
 * this host and port. A bearer token is never sent by a browser on its own, and is not checked.
 */
export function crossSiteCookieWrite(req: AuthedRequest): boolean {
  if (req.headers.authorization || ['GET', 'HEAD', 'OPTIONS'].includes(req.method)) return false;
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined) return site !== 'same-origin' && site !== 'none';
  const origin = req.headers.origin;
  return origin !== undefined && !sameHost(origin, req.host);
}

export const CROSS_SITE_WRITE = 'Refused: a page that is not Teknisi\'s own sent this write with your session cookie; '
  + 'use Teknisi\'s pages, or send Authorization: Bearer <token>';

/** Whether an Origin ("https://teknisi.example:8443") names the host and port the request was sent to (trust proxy's X-Forwarded-Host, else Host). */
function sameHost(origin: string, host: string | undefined): boolean {
  if (!host) return false;
  try {
    const o = new URL(origin); // "null" (a sandboxed page, a file) throws: another site
    return o.host === new URL(`${o.protocol}//${host}`).host; // a default port said or not
  } catch {
    return false;
  }
}

/**
 * How often a response still open (a progress stream: a recurring job's never ends) checks that
 * the credentials it was opened with still sign in. Tests shorten it.
 */
export const OPEN_RESPONSE_REAUTH = { everyMs: 30_000 };

@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('Auth');

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
    if (crossSiteCookieWrite(req)) {
      await this.recordRefusal(ctx, req, user, { refused: 'cross-site' });
      throw new ForbiddenException(CROSS_SITE_WRITE);
    }
    const declared = this.reflector.getAllAndOverride<UserRole | undefined>(MIN_ROLE, targets);
    const needed: UserRole = declared ?? (['GET', 'HEAD'].includes(req.method) ? 'viewer' : 'admin');
    if (!roleAtLeast(user.role, needed)) {
      // a write refused for its role is worth the audit log (a viewer trying to read secrets'
      // routes, a technician deleting users): the interceptor that logs writes never sees it, as
      // it runs after this guard. Refusals without a user (401) are not: anyone can make them
      await this.recordRefusal(ctx, req, user);
      throw new ForbiddenException(`This needs the ${needed} role; you are ${user.role}`);
    }
    this.endWhenSignedOut(req, ctx.switchToHttp().getResponse<Response>(), token!);
    return true;
  }

  /**
   * Cuts the response, as if its client had left, once the token or cookie it came with no longer
   * signs in: the user was disabled or deleted, logged out, or the token was revoked. A progress
   * stream went on for such a user, a recurring job's for good.
   */
  private endWhenSignedOut(req: AuthedRequest, res: Response, token: string): void {
    if (res.destroyed) return; // the client left already: its 'close' has been
    let closed = false;
    let timer: NodeJS.Timeout | undefined;
    const later = () => {
      timer = setTimeout(check, OPEN_RESPONSE_REAUTH.everyMs).unref();
    };
    const check = () => {
      this.auth.authenticate(token).then(
        (still) => {
          if (closed) return;
          if (still) return later();
          this.logger.log({ userId: req.user?.id, path: req.path }, 'cut a response still open: its credentials no longer sign in');
          res.destroy();
        },
        later, // no verdict (the database unreachable): ask again later
      );
    };
    res.once('close', () => {
      closed = true;
      clearTimeout(timer);
    });
    later();
  }

  private async recordRefusal(ctx: ExecutionContext, req: AuthedRequest, user: { id: number; username: string }, summary?: object): Promise<void> {
    const named = auditedWrite(this.reflector, ctx, req);
    if (!named) return;
    const params = (req as { params?: Record<string, string> }).params;
    await this.audit.record({
      userId: user.id, username: user.username, ...named,
      // the route's id, or its parameters together (a host key's address:port), as its handler names it
      objectId: params?.id ?? (Object.values(params ?? {}).join(':') || null), summary,
      ip: req.ip ?? null, requestId: (req as { id?: string }).id ?? null, statusCode: 403,
    });
  }
}
