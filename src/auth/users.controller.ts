import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser } from '../common/current-user.decorator';
import { PageQuery } from '../common/pagination';
import { Audit, AuditableRequest } from '../audit/audit.interceptor';
import { CreateUserDto, TokenList, UpdateUserDto, UserPage, UserView } from './auth.dto';
import { AuthUser, MinRole } from './roles';
import { TokensService } from './tokens.service';
import { toUserView, UsersService } from './users.service';
import { IdParam } from '../common/id-param';

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
@MinRole('admin')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly tokens: TokensService,
  ) {}

  @Get()
  @ApiOkResponse({ type: UserPage })
  list(@Query() q: PageQuery) {
    return this.users.list(q.page, q.limit);
  }

  @Get(':id')
  @ApiOkResponse({ type: UserView })
  async get(@IdParam('id') id: number): Promise<UserView> {
    return toUserView(await this.users.get(id));
  }

  @Post()
  @Audit('user.create', 'user')
  @ApiCreatedResponse({ type: UserView })
  create(@Body() dto: CreateUserDto): Promise<UserView> {
    return this.users.create(dto);
  }

  @Patch(':id')
  @Audit('user.update', 'user')
  @ApiOkResponse({ type: UserView })
  update(@IdParam('id') id: number, @Body() dto: UpdateUserDto, @CurrentUser() me: AuthUser): Promise<UserView> {
    return this.users.update(id, dto, me.id);
  }

  @Delete(':id')
  @HttpCode(204)
  @Audit('user.delete', 'user')
  remove(@IdParam('id') id: number): Promise<void> {
    return this.users.remove(id);
  }

  /**
   * A user's API tokens (never their secrets). A password reset ends sessions, not tokens: an
   * admin who resets a password because the account was compromised revokes its tokens here.
   */
  @Get(':id/tokens')
  @ApiOkResponse({ type: TokenList })
  async tokensOf(@IdParam('id') id: number): Promise<TokenList> {
    await this.users.get(id);
    const items = await this.tokens.list(id);
    return { items, total: items.length };
  }

  @Delete(':id/tokens/:tokenId')
  @HttpCode(204)
  @Audit('token.revoke', 'token')
  async revokeTokenOf(@IdParam('id') id: number, @IdParam('tokenId') tokenId: number, @Req() req: AuditableRequest): Promise<void> {
    req.auditObjectId = tokenId;
    await this.users.get(id);
    await this.tokens.revoke(id, tokenId);
  }
}
