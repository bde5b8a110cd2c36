import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { MinRole } from '../auth/roles';
import { AUDIT_ACTIONS, AUDIT_OBJECT_TYPES } from './audit-actions';
import { AuditPage, AuditQuery, AuditVocabulary } from './audit.dto';
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

  /** The names the filters can take, for the audit page's suggestions. */
  @Get('actions')
  @MinRole('admin')
  @ApiOkResponse({ type: AuditVocabulary })
  vocabulary(): AuditVocabulary {
    return { actions: [...AUDIT_ACTIONS], objectTypes: [...AUDIT_OBJECT_TYPES] };
  }
}
