// agents/: HTTP for enrollment tokens. Admins only; every write audited.
import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Audit } from '../audit/audit.interceptor';
import { AuthUser, MinRole } from '../auth/roles';
import { CurrentUser } from '../common/current-user.decorator';
import { IdParam } from '../common/id-param';
import { AgentTokenList, CreateAgentTokenDto, CreatedAgentToken } from './agent-token.dto';
import { AgentTokensService } from './agent-tokens.service';

@ApiTags('agents')
@ApiBearerAuth()
@Controller('agents/tokens')
@MinRole('admin')
export class AgentTokensController {
  constructor(private readonly tokens: AgentTokensService) {}

  @Get()
  @ApiOkResponse({ type: AgentTokenList, description: 'every token, revoked ones too (newest first); never the secret' })
  async list(): Promise<AgentTokenList> {
    const items = await this.tokens.list();
    return { items, total: items.length };
  }

  @Post()
  @Audit('agent-token.create', 'agent-token')
  @ApiCreatedResponse({ type: CreatedAgentToken })
  create(@Body() dto: CreateAgentTokenDto, @CurrentUser() me: AuthUser): Promise<CreatedAgentToken> {
    return this.tokens.create(dto, me.id);
  }

  @Delete(':id')
  @HttpCode(204)
  @Audit('agent-token.revoke', 'agent-token')
  @ApiNoContentResponse({ description: 'revoked: reports with it answer 401 from now on' })
  @ApiNotFoundResponse({ description: 'no such token, or revoked already' })
  revoke(@IdParam('id') id: number): Promise<void> {
    return this.tokens.revoke(id);
  }
}
