// discovery/: HTTP for pinned SSH host keys: everyone may read them; a technician accepts the
// changed key a host offered, having compared it with the machine's own, or forgets the pinned
// one; both acts are audited.
import { Body, ConflictException, Controller, Delete, Get, HttpCode, NotFoundException, Param, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiConflictResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { Audit, AuditableRequest } from '../audit/audit.interceptor';
import { MinRole } from '../auth/roles';
import { IntParam } from '../common/id-param';
import { AcceptHostKeyDto, HostKeyPage, HostKeyQuery, HostKeyView } from './host-key.dto';
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

  @Post(':host/:port/accept')
  @HttpCode(200)
  @MinRole('technician')
  @Audit('ssh-host-key.accept', 'ssh-host-key')
  @ApiOkResponse({ type: HostKeyView, description: 'the refused key is now the pinned one' })
  @ApiNotFoundResponse({ description: 'no key is pinned for that host and port' })
  @ApiConflictResponse({ description: 'the host offered no different key, or not the one given (another one since, or accepted meanwhile)' })
  async accept(@Param('host') host: string, @IntParam('port', 1, 65535) port: number, @Body() body: AcceptHostKeyDto, @Req() req: AuditableRequest): Promise<HostKeyView> {
    req.auditObjectId = `${host}:${port}`.slice(0, 64);
    const out = await this.keys.acceptRejected(host, port, body.fingerprint);
    if ('why' in out) {
      if (out.why === 'missing') throw new NotFoundException(`no host key is pinned for ${host}:${port}`);
      if (out.why === 'nothing-refused') throw new ConflictException(`${host}:${port} has offered no key other than the pinned one: there is nothing to accept`);
      const message = `is not the key ${host}:${port} offered last (${out.rejectedFingerprint}): compare that one with the machine's own before accepting it`;
      throw new ConflictException({ message: `fingerprint: ${message}`, details: [{ field: 'fingerprint', messages: [message] }] });
    }
    req.auditSummary = { previousFingerprint: out.previous.fingerprint, fingerprint: out.now.fingerprint };
    return (await this.keys.view(host, port)) ?? { ...out.now, deviceName: null };
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
