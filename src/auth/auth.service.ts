// auth/: login sessions and token resolution. A login yields a signed JWT naming a session
// row, so that logout, disabling a user or deleting one ends it at once.
import { Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import * as argon2 from 'argon2';
import * as crypto from 'node:crypto';
import { APP_CONFIG, AppConfig } from '../config/env';
import { loginName } from './login-throttler.guard';
import { AuthUser } from './roles';
import { API_TOKEN_PREFIX, sha256 } from './tokens';
import { UsersRepository } from './users.repository';

/** Argon2id's memory in KiB (3 passes, 4 lanes): node-argon2's default, 64 MiB, unless TEKNISI_PASSWORD_HASH_MEMORY_KIB says otherwise. */
export const DEFAULT_PASSWORD_HASH_MEMORY_KIB = 65_536;
let hashOptions: argon2.HashOptions & { raw?: false } = { type: argon2.argon2id, memoryCost: DEFAULT_PASSWORD_HASH_MEMORY_KIB, timeCost: 3, parallelism: 4 };
// A hash of a random password, verified when the user name is unknown so that the
// answer takes as long as for a known user and does not reveal which names exist: made
// with the same cost as new hashes, ahead of the first login.
const newDummyHash = () => argon2.hash(crypto.randomBytes(16).toString('hex'), hashOptions);
let dummyHash = newDummyHash();

/**
 * The memory new password hashes take (config TEKNISI_PASSWORD_HASH_MEMORY_KIB). Existing
 * hashes keep theirs: each hash names its own parameters, and verifies with them.
 */
export function setPasswordHashMemory(kib: number): void {
  if (kib === hashOptions.memoryCost) return;
  hashOptions = { ...hashOptions, memoryCost: kib };
  dummyHash = newDummyHash();
}

@Injectable()
export class AuthService {
  constructor(
    private readonly repo: UsersRepository,
    private readonly jwt: JwtService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async login(username: string, password: string, ip: string | undefined): Promise<{ accessToken: string; expiresAt: Date; user: AuthUser }> {
    // a spelling the database would take for a name but that is none a user can have is no one's
    const name = loginName(username);
    const user = name === null ? null : await this.repo.findByUsername(name);
    const ok = user ? await verifyPassword(user.passwordHash, password) : (await verifyPassword(await dummyHash, password), false);
    if (!user || !ok || user.disabled) throw new UnauthorizedException('Wrong user name or password');
    const sid = crypto.randomBytes(16).toString('hex');
    const now = new Date();
    const expiresAt = new Date(now.getTime() + this.config.sessionTtlHours * 3600_000);
    // disabled or given a new password while the password was checked: refused as if it were wrong
    const created = await this.repo.createSessionIfUnchanged({ id: sid, userId: user.id, createdAt: now, expiresAt, ip: ip?.slice(0, 45) ?? null }, user.passwordHash);
    if (!created) throw new UnauthorizedException('Wrong user name or password');
    await this.repo.touchLogin(user.id);
    const accessToken = await this.jwt.signAsync({ sub: user.id, sid }, { expiresIn: this.config.sessionTtlHours * 3600 });
    return { accessToken, expiresAt, user: { id: user.id, username: user.username, role: user.role, via: 'session', sessionId: sid } };
  }

  async logout(user: AuthUser): Promise<void> {
    if (user.sessionId) await this.repo.deleteSession(user.sessionId);
  }

  /** The user a bearer token or session cookie stands for, or null. */
  async authenticate(token: string): Promise<AuthUser | null> {
    if (token.startsWith(API_TOKEN_PREFIX)) {
      const t = await this.repo.findTokenByHash(sha256(token));
      if (!t || t.user.disabled) return null;
      const now = new Date();
      if (t.expiresAt && t.expiresAt.getTime() <= now.getTime()) return null;
      await this.repo.touchToken(t.id, now);
      return { id: t.user.id, username: t.user.username, role: t.user.role, via: 'token', tokenId: t.id };
    }
    let payload: { sub?: number; sid?: string };
    try {
      payload = await this.jwt.verifyAsync(token);
    } catch {
      return null;
    }
    if (typeof payload.sid !== 'string') return null;
    const s = await this.repo.findLiveSession(payload.sid);
    if (!s || s.userId !== payload.sub) return null;
    return { id: s.user.id, username: s.user.username, role: s.user.role, via: 'session', sessionId: s.id };
  }
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, hashOptions);
}
