// agents/: the queries on enrollment tokens.
import { Injectable } from '@nestjs/common';
import { DataSource, IsNull, Repository } from 'typeorm';
import { touchLastUsed } from '../common/last-used';
import { AgentToken } from './agent-token.entity';

@Injectable()
export class AgentTokensRepository {
  private readonly tokens: Repository<AgentToken>;

  constructor(ds: DataSource) {
    this.tokens = ds.getRepository(AgentToken);
  }

  async insertToken(t: Omit<AgentToken, 'id' | 'lastUsedAt' | 'revokedAt'>): Promise<AgentToken> {
    const res = await this.tokens.insert({ ...t, lastUsedAt: null, revokedAt: null });
    return (await this.tokens.findOneBy({ id: Number(res.identifiers[0].id) }))!;
  }

  findByHash(hash: string): Promise<AgentToken | null> {
    return this.tokens.findOneBy({ tokenHash: hash });
  }

  listNewestFirst(): Promise<AgentToken[]> {
    return this.tokens.find({ order: { createdAt: 'DESC', id: 'DESC' } });
  }

  findById(id: number): Promise<AgentToken | null> {
    return this.tokens.findOneBy({ id });
  }

  /** Revokes a live token; false when there is no such token or it was revoked already. */
  async revoke(id: number, at: Date): Promise<boolean> {
    const res = await this.tokens.update({ id, revokedAt: IsNull() }, { revokedAt: at });
    return (res.affected ?? 0) > 0;
  }

  /** Records use at most once a minute per token: a fleet reporting at once writes the row once. */
  touch(id: number, now: Date): Promise<void> {
    return touchLastUsed(this.tokens, id, now);
  }
}
