// auth/: the login rate limit. Guards run before interceptors, so the audit interceptor never
// sees a refused attempt: this guard records the first refusal of each limit itself, then
// answers 429 saying which limit was hit and for how long. A successful login forgets its user
// name's attempts (the controller calls forget): the per-name limit is there to slow password
// guessing, and counting the right password too locked out a technician who signs in from
// several places. A name is limited per address, and ten times that from everywhere: a limit
// from everywhere alone let anyone lock a chosen user out with a few wrong passwords, from one
// address.
import { ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerLimitDetail } from '@nestjs/throttler';
import * as ipaddr from 'ipaddr.js';
import { AuditService } from '../audit/audit.service';
import { USERNAME } from './auth.dto';
import type { AuthedRequest } from './roles';

/** A login request as the guard leaves it: its keys in the per-user-name counters, by counter. */
export interface LoginThrottledRequest {
  loginUserKeys?: Map<string, string>;
}

/** a user name's attempts from anywhere: the limit times LOGIN_USER_SPREAD, so that one address cannot lock a user out */
export const LOGIN_USER_THROTTLER = 'login-user';
/** a user name's attempts from one address (a /64 for IPv6): the limit */
export const LOGIN_USER_ADDRESS_THROTTLER = 'login-user-address';
export const LOGIN_THROTTLERS_BY_NAME = [LOGIN_USER_THROTTLER, LOGIN_USER_ADDRESS_THROTTLER];
/** how many addresses' worth of attempts a user name takes before it is refused from every address */
export const LOGIN_USER_SPREAD = 10;

/**
 * A spelling of a name folded as the database compares it (utf8mb4_unicode_ci): case, accents,
 * full-width forms and trailing spaces do not count; with `dropIgnored`, neither do controls (NUL,
 * U+0001…) and invisible format characters (a zero-width space, a word joiner), which it ignores.
 */
function foldName(raw: unknown, dropIgnored: boolean): string {
  const decomposed = String(raw ?? '').normalize('NFKD').replace(/\p{M}/gu, '');
  return (dropIgnored ? decomposed.replace(/[\p{Cc}\p{Default_Ignorable_Code_Point}]/gu, '') : decomposed).toLowerCase().replace(/ +$/, '');
}

/**
 * The user name's counter, so that "admin", "ADMIN ", "ádmin", "ａｄｍｉｎ" and "adm\u200Bin",
 * which the database all takes for admin, share one. It folds what a login refuses anyway
 * (loginName) too, so that such a spelling is refused once its name's limit is spent.
 */
export function loginNameKey(raw: unknown): string {
  return foldName(raw, true).slice(0, 64);
}

/**
 * The user name a login looks up, or null when the spelling cannot be a user's name: folded as
 * above, it must be one that a user can be given (CreateUserDto's). The database takes more
 * spellings for the same name than any key here folds ("ß" is "ss", "œ" is "oe", a NUL is
 * nothing): each had a counter of its own, yet checked the real user's password, so guessing went
 * on past the limit. Such a name is now no one's, and its password is never checked.
 */
export function loginName(raw: unknown): string | null {
  const name = foldName(raw, false);
  return USERNAME.test(name) ? name : null;
}

/** The client's address for counting: an IPv6 client's /64 (one subscriber holds all of it), an IPv4 address as it is. */
export function loginAddressKey(ip: string | undefined): string {
  if (!ip || !ipaddr.isValid(ip)) return String(ip ?? '');
  const a = ipaddr.process(ip);
  if (a.kind() === 'ipv4') return a.toString();
  const parts = (a as ipaddr.IPv6).parts.slice(0, 4).map((p) => p.toString(16));
  return `${parts.join(':')}::/64`;
}

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
    if (LOGIN_THROTTLERS_BY_NAME.includes(name)) {
      const req = context.switchToHttp().getRequest<LoginThrottledRequest>();
      (req.loginUserKeys ??= new Map()).set(name, key);
    }
    return key;
  }

  protected async getErrorMessage(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<string> {
    const req = context.switchToHttp().getRequest<LoginThrottledRequest>();
    const which = [...(req.loginUserKeys?.values() ?? [])].includes(detail.key) ? 'for this user name' : 'from this address';
    return `Too many login attempts ${which}: try again in ${waitText(detail.timeToBlockExpire)}`;
  }

  protected async throwThrottlingException(context: ExecutionContext, detail: ThrottlerLimitDetail): Promise<void> {
    // the first refusal of each counter and window only: the attempts past it are refused alike,
    // and a row for each let one client add millions a day to the audit log
    if (detail.totalHits === detail.limit + 1) await this.recordRefusal(context);
    return super.throwThrottlingException(context, detail);
  }

  private async recordRefusal(context: ExecutionContext): Promise<void> {
    const req = context.switchToHttp().getRequest<AuthedRequest>();
    // the user name only: a body that is not the JSON the DTO takes (a string sent as text/plain)
    // would go into the log whole, password and all
    const username = req.body && typeof req.body === 'object' && typeof req.body.username === 'string' ? req.body.username.slice(0, 64) : null;
    await this.audit.record({
      userId: null, username: username || null, action: 'auth.login', objectType: 'user',
      summary: username ? { username } : null, ip: req.ip ?? null, requestId: req.id ?? null, statusCode: 429,
    });
  }
}
