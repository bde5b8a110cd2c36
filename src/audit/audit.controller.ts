import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { MinRole } from '../auth/roles';
import { AuditPage, AuditQuery } from './audit.dto';
import { AuditService } from './audit.service';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  @Get()
  @MinRole('admin')
  @ApiOkResponse({ type: AuditPage })
  list(@Query() q: AuditQuery) {
    const { page, limit, ...filter } = q;
    return this.audit.list(filter, page, limit);
  }
}
