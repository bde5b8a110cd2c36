import { Injectable } from '@nestjs/common';
import { DataSource, Repository } from 'typeorm';
import { touchLastUsed } from '../common/last-used';
import { withNamedLock } from '../database/named-lock';
import { ApiToken } from './api-token.entity';
import { Session } from './session.entity';
import { User, UserRole } from './user.entity';

/** users, sessions and API tokens. */
@Injectable()
export class UsersRepository {
  private readonly users: Repository<User>;
  private readonly sessions: Repository<Session>;
  private readonly tokens: Repository<ApiToken>;

  constructor(private readonly ds: DataSource) {
    this.users = ds.getRepository(User);
    this.sessions = ds.getRepository(Session);
    this.tokens = ds.getRepository(ApiToken);
  }

  countUsers(): Promise<number> {
    return this.users.count();
  }

  /**
   * Runs fn while no other process changes who is an active admin through it: the check that
   * one would remain and the change it allows happen as one. Two admins demoting each other at
   * the same moment both saw two admins, and both went.
   */
  async withAdminsLocked<T>(fn: () => Promise<T>): Promise<T> {
    const done = await withNamedLock(this.ds, 'active_admins', 10, fn);
    if (!done.got) throw new Error('another change of the admins took longer than 10 s; try again');
    return done.value;
  }

  countActiveAdmins(): Promise<number> {
    return this.users.count({ where: { role: 'admin', disabled: false } });
  }

  findById(id: number): Promise<User | null> {
    return this.users.findOneBy({ id });
  }

  findByUsername(username: string): Promise<User | null> {
    return this.users.findOneBy({ username });
  }

  listUsers(offset: number, limit: number): Promise<[User[], number]> {
    return this.users.findAndCount({ order: { username: 'ASC' }, skip: offset, take: limit });
  }

  /** Inserts unless the user name is taken; returns the new user or null. */
  async insertUser(u: Omit<User, 'id' | 'lastLoginAt'>): Promise<User | null> {
    const res = await this.ds
      .createQueryBuilder()
      .insert()
      .into(User)
      .values({ ...u, lastLoginAt: null })
      .orIgnore()
      .execute();
    const id = res.identifiers[0]?.id ?? res.raw?.insertId;
    if (!id || res.raw?.affectedRows === 0) return null;
    return this.findById(Number(id));
  }

  async updateUser(id: number, patch: Partial<Pick<User, 'displayName' | 'role' | 'passwordHash' | 'disabled'>>): Promise<void> {
    await this.users.update({ id }, { ...patch, updatedAt: new Date() });
  }

  async touchLogin(id: number): Promise<void> {
    await this.users.update({ id }, { lastLoginAt: new Date() });
  }

  async deleteUser(id: number): Promise<void> {
    await this.users.delete({ id });
  }

  /**
   * A session for the user as the login found them, or none (false) if, while their password
   * was being checked, they were disabled or given a new password: both end their sessions,
   * and a login that read the user before must not outlive that. One statement: the user's
   * row is read as it is when the session's goes in (a change after it deletes the session).
   */
  async createSessionIfUnchanged(s: Session, passwordHash: string): Promise<boolean> {
    const res: { affectedRows?: number } = await this.ds.query(
      'INSERT INTO sessions (id, user_id, created_at, expires_at, ip) SELECT ?, id, ?, ?, ? FROM users WHERE id = ? AND disabled = 0 AND password_hash = ?',
      [s.id, s.createdAt, s.expiresAt, s.ip, s.userId, passwordHash],
    );
    return res.affectedRows === 1;
  }

  /** The session with its user, if neither has ended. */
  async findLiveSession(id: string): Promise<(Session & { user: User }) | null> {
    const s = await this.sessions.findOne({ where: { id }, relations: { user: true } });
    if (!s || !s.user || s.expiresAt.getTime() <= Date.now() || s.user.disabled) return null;
    return s as Session & { user: User };
  }

  async deleteSession(id: string): Promise<void> {
    await this.sessions.delete({ id });
  }

  async deleteSessionsOf(userId: number): Promise<void> {
    await this.sessions.delete({ userId });
  }

  async purgeExpiredSessions(now: Date): Promise<number> {
    const res = await this.sessions.createQueryBuilder().delete().where('expires_at <= :now', { now }).execute();
    return res.affected ?? 0;
  }

  async insertToken(t: Omit<ApiToken, 'id' | 'lastUsedAt'>): Promise<ApiToken> {
    const res = await this.tokens.insert({ ...t, lastUsedAt: null });
    return (await this.tokens.findOneBy({ id: Number(res.identifiers[0].id) }))!;
  }

  findTokenByHash(hash: string): Promise<(ApiToken & { user: User }) | null> {
    return this.tokens.findOne({ where: { tokenHash: hash }, relations: { user: true } }) as Promise<(ApiToken & { user: User }) | null>;
  }

  listTokensOf(userId: number): Promise<ApiToken[]> {
    return this.tokens.find({ where: { userId }, order: { createdAt: 'DESC' } });
  }

  async deleteTokenOf(userId: number, id: number): Promise<boolean> {
    const res = await this.tokens.delete({ id, userId });
    return (res.affected ?? 0) > 0;
  }

  /** Records use at most once a minute per token, to keep reads cheap. */
  touchToken(id: number, now: Date): Promise<void> {
    return touchLastUsed(this.tokens, id, now);
  }
}

export type { UserRole };
