// auth/: personal API tokens. Each user manages only their own; a token carries its owner's role.
import { BadRequestException, Injectable, NotFoundException } from '@nestjs/common';
import { CreatedToken, CreateTokenDto, TokenView } from './auth.dto';
import { ApiToken } from './api-token.entity';
import { newApiToken } from './tokens';
import { UsersRepository } from './users.repository';

const view = (t: ApiToken): TokenView => ({
  id: t.id, name: t.name, prefix: t.prefix, createdAt: t.createdAt, expiresAt: t.expiresAt, lastUsedAt: t.lastUsedAt,
});

@Injectable()
export class TokensService {
  constructor(private readonly repo: UsersRepository) {}

  async list(userId: number): Promise<TokenView[]> {
    return (await this.repo.listTokensOf(userId)).map(view);
  }

  async create(userId: number, dto: CreateTokenDto): Promise<CreatedToken> {
    if (dto.expiresAt && dto.expiresAt.getTime() <= Date.now()) {
      throw new BadRequestException({ message: 'expiresAt must be in the future', details: [{ field: 'expiresAt', messages: ['must be in the future'] }] });
    }
    const { token, hash, prefix } = newApiToken();
    const row = await this.repo.insertToken({ userId, name: dto.name, tokenHash: hash, prefix, createdAt: new Date(), expiresAt: dto.expiresAt ?? null });
    return { ...view(row), token };
  }

  async revoke(userId: number, id: number): Promise<void> {
    if (!(await this.repo.deleteTokenOf(userId, id))) throw new NotFoundException(`Token ${id} does not exist`);
  }
}
