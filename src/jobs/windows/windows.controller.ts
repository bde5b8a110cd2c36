// jobs/windows/: HTTP for maintenance windows. Everyone reads; writes need WRITE_ROLE; every
// write is audited.
import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Audit } from '../../audit/audit.interceptor';
import { MinRole } from '../../auth/roles';
import { UserRole } from '../../auth/user.entity';
import { IdParam } from '../../common/id-param';
import { CreateWindowDto, UpdateWindowDto, WindowListQuery, WindowPage, WindowView } from './window.dto';
import { WindowsService } from './windows.service';

/**
 * ARCHITECTURE.md's roles table puts maintenance windows with credentials and compliance rules:
 * created, changed and deleted by admins (technicians start jobs; windows are the policy that
 * holds those jobs back).
 */
const WRITE_ROLE: UserRole = 'admin';

@ApiTags('windows')
@ApiBearerAuth()
@Controller('windows')
export class WindowsController {
  constructor(private readonly windows: WindowsService) {}

  @Get()
  @MinRole('viewer')
  @ApiOkResponse({ type: WindowPage })
  list(@Query() q: WindowListQuery): Promise<WindowPage> {
    return this.windows.list(q);
  }

  @Get(':id')
  @MinRole('viewer')
  @ApiOkResponse({ type: WindowView })
  get(@IdParam('id') id: number): Promise<WindowView> {
    return this.windows.get(id);
  }

  @Post()
  @MinRole(WRITE_ROLE)
  @Audit('window.create', 'window')
  @ApiCreatedResponse({ type: WindowView })
  create(@Body() dto: CreateWindowDto): Promise<WindowView> {
    return this.windows.create(dto);
  }

  @Patch(':id')
  @MinRole(WRITE_ROLE)
  @Audit('window.update', 'window')
  @ApiOkResponse({ type: WindowView })
  update(@IdParam('id') id: number, @Body() dto: UpdateWindowDto): Promise<WindowView> {
    return this.windows.update(id, dto);
  }

  @Delete(':id')
  @HttpCode(204)
  @MinRole(WRITE_ROLE)
  @Audit('window.delete', 'window')
  @ApiNoContentResponse()
  @ApiConflictResponse({ description: 'the window is used by job(s)' })
  remove(@IdParam('id') id: number): Promise<void> {
    return this.windows.remove(id);
  }
}
