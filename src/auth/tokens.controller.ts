import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../common/current-user.decorator';
import { Audit } from '../audit/audit.interceptor';
import { CreatedToken, CreateTokenDto, TokenList } from './auth.dto';
import { AuthUser, MinRole } from './roles';
import { TokensService } from './tokens.service';
import { IdParam } from '../common/id-param';

/** Everyone manages their own API tokens. */
@ApiTags('tokens')
@ApiBearerAuth()
@Controller('tokens')
@MinRole('viewer')
export class TokensController {
  constructor(private readonly tokens: TokensService) {}

  @Get()
  @ApiOkResponse({ type: TokenList })
  async list(@CurrentUser() me: AuthUser): Promise<TokenList> {
    const items = await this.tokens.list(me.id);
    return { items, total: items.length };
  }

  @Post()
  @Audit('token.create', 'token')
  @ApiCreatedResponse({ type: CreatedToken })
  create(@CurrentUser() me: AuthUser, @Body() dto: CreateTokenDto): Promise<CreatedToken> {
    return this.tokens.create(me.id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @Audit('token.revoke', 'token')
  revoke(@CurrentUser() me: AuthUser, @IdParam('id') id: number): Promise<void> {
    return this.tokens.revoke(me.id, id);
  }
}
