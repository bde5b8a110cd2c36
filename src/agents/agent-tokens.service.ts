// agents/: enrollment tokens — made by admins, shown once, stored as a SHA-256, and good only
// for sending inventory reports. Their prefix (tka_) differs from personal API tokens (tkn_),
// so the global guard never takes one for a user: every other endpoint answers 401.
import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import * as crypto from 'node:crypto';
import { sha256 } from '../auth/tokens';
import { AgentToken } from './agent-token.entity';
import { AgentTokenView, CreateAgentTokenDto, CreatedAgentToken, DEFAULT_REPORTS_PER_MINUTE } from './agent-token.dto';
import { AgentTokensRepository } from './agent-tokens.repository';

export const AGENT_TOKEN_PREFIX = 'tka_';

export function newAgentToken(): { token: string; hash: string; prefix: string } {
  const token = AGENT_TOKEN_PREFIX + crypto.randomBytes(32).toString('base64url');
  return { token, hash: sha256(token), prefix: token.slice(0, 12) };
}

const view = (t: AgentToken): AgentTokenView => ({
  id: t.id, name: t.name, prefix: t.prefix, reportsPerMinute: t.reportsPerMinute, createdBy: t.createdBy,
  createdAt: t.createdAt, expiresAt: t.expiresAt, revokedAt: t.revokedAt, lastUsedAt: t.lastUsedAt,
});

/** Why a presented enrollment token is refused, in words an admin reading an agent's log understands. */
export type TokenCheck = { ok: true; token: AgentToken } | { ok: false; reason: string };

@Injectable()
export class AgentTokensService {
  constructor(private readonly repo: AgentTokensRepository) {}

  async list(): Promise<AgentTokenView[]> {
    return (await this.repo.listNewestFirst()).map(view);
  }

  async create(dto: CreateAgentTokenDto, createdBy: number): Promise<CreatedAgentToken> {
    if (dto.expiresAt && dto.expiresAt.getTime() <= Date.now()) {
      throw new BadRequestException({ message: 'expiresAt: must be in the future', details: [{ field: 'expiresAt', messages: ['must be in the future'] }] });
    }
    const { token, hash, prefix } = newAgentToken();
    const row = await this.repo.insertToken({
      name: dto.name, tokenHash: hash, prefix, reportsPerMinute: dto.reportsPerMinute ?? DEFAULT_REPORTS_PER_MINUTE,
      createdBy, createdAt: new Date(), expiresAt: dto.expiresAt ?? null,
    });
    return { ...view(row), token };
  }

  async revoke(id: number): Promise<void> {
    if (await this.repo.revoke(id, new Date())) return;
    const t = await this.repo.findById(id);
    throw new NotFoundException(t ? `Enrollment token ${id} was revoked already` : `Enrollment token ${id} does not exist`);
  }

  /** The live token a bearer value stands for, or why it is refused. */
  async check(presented: string): Promise<TokenCheck> {
    const t = await this.repo.findByHash(sha256(presented));
    if (!t) return { ok: false, reason: 'Unknown enrollment token' };
    const now = new Date();
    if (t.revokedAt) return { ok: false, reason: `Enrollment token ${t.prefix}… was revoked on ${t.revokedAt.toISOString()}` };
    if (t.expiresAt && t.expiresAt.getTime() <= now.getTime()) return { ok: false, reason: `Enrollment token ${t.prefix}… expired on ${t.expiresAt.toISOString()}` };
    await this.repo.touch(t.id, now);
    return { ok: true, token: t };
  }
}
