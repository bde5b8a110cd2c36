// discovery/: HTTP for pinned SSH host keys: everyone may read them; a technician forgets one
// after checking that the machine really was reinstalled, and that act is audited.
import { Controller, Delete, Get, HttpCode, NotFoundException, Param, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Audit, AuditableRequest } from '../audit/audit.interceptor';
import { MinRole } from '../auth/roles';
import { IntParam } from '../common/id-param';
import { HostKeyPage, HostKeyQuery } from './host-key.dto';
import { HostKeysRepository } from './host-keys.repository';

@ApiTags('discovery')
@ApiBearerAuth()
@Controller('discovery/host-keys')
export class HostKeysController {
  constructor(private readonly keys: HostKeysRepository) {}

  @Get()
  @MinRole('viewer')
  @ApiOkResponse({ type: HostKeyPage })
  list(@Query() q: HostKeyQuery): Promise<HostKeyPage> {
    return this.keys.list(q);
  }

  @Delete(':host/:port')
  @HttpCode(204)
  @MinRole('technician')
  @Audit('ssh-host-key.forget', 'ssh-host-key')
  @ApiNoContentResponse({ description: 'forgotten: the next scan pins the key the host offers then' })
  @ApiNotFoundResponse({ description: 'no key is pinned for that host and port' })
  async forget(@Param('host') host: string, @IntParam('port', 1, 65535) port: number, @Req() req: AuditableRequest): Promise<void> {
    req.auditObjectId = `${host}:${port}`.slice(0, 64);
    const pinned = await this.keys.find(host, port);
    if (!pinned || !(await this.keys.forget(host, port))) throw new NotFoundException(`no host key is pinned for ${host}:${port}`);
    req.auditSummary = { fingerprint: pinned.fingerprint, rejectedFingerprint: pinned.rejectedFingerprint };
  }
}
