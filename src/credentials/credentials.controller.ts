// credentials/: HTTP for the vault. Technicians read (to pick a credential), admins write;
// no response ever carries a secret, and the audit log keeps only the names of secrets sent.
import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Audit, AuditableRequest } from '../audit/audit.interceptor';
import { MinRole } from '../auth/roles';
import { auditSummaryOf } from './credential-fields';
import { CreateCredentialDto, CredentialPage, CredentialQuery, CredentialView, UpdateCredentialDto } from './credential.dto';
import { CredentialsService } from './credentials.service';
import { IdParam } from '../common/id-param';

@ApiTags('credentials')
@ApiBearerAuth()
@Controller('credentials')
export class CredentialsController {
  constructor(private readonly credentials: CredentialsService) {}

  @Get()
  @MinRole('technician')
  @ApiOkResponse({ type: CredentialPage })
  list(@Query() q: CredentialQuery): Promise<CredentialPage> {
    return this.credentials.list(q);
  }

  @Get(':id')
  @MinRole('technician')
  @ApiOkResponse({ type: CredentialView })
  get(@IdParam('id') id: number): Promise<CredentialView> {
    return this.credentials.get(id);
  }

  @Post()
  @MinRole('admin')
  @Audit('credential.create', 'credential')
  @ApiCreatedResponse({ type: CredentialView })
  create(@Body() dto: CreateCredentialDto, @Req() req: AuditableRequest): Promise<CredentialView> {
    req.auditSummary = auditSummaryOf(dto);
    return this.credentials.create(dto);
  }

  @Patch(':id')
  @MinRole('admin')
  @Audit('credential.update', 'credential')
  @ApiOkResponse({ type: CredentialView })
  update(@IdParam('id') id: number, @Body() dto: UpdateCredentialDto, @Req() req: AuditableRequest): Promise<CredentialView> {
    req.auditSummary = auditSummaryOf(dto);
    return this.credentials.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @MinRole('admin')
  @Audit('credential.delete', 'credential')
  @ApiNoContentResponse()
  remove(@IdParam('id') id: number): Promise<void> {
    return this.credentials.remove(id);
  }
}
