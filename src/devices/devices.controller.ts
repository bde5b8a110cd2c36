import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiBearerAuth, ApiBody, ApiConflictResponse, ApiConsumes, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse,
  ApiOperation, ApiProduces, ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { sendCsv } from '../common/csv-download';
import { AuthUser, MinRole } from '../auth/roles';
import { Audit, AuditableRequest } from '../audit/audit.interceptor';
import { CurrentUser } from '../common/current-user.decorator';
import {
  BulkTagDto, BulkTagResult, CreateDeviceDto, DeviceDetailView, DeviceFilterQuery, DevicePage, HistoryPage, HistoryQuery, ImportReport, OtherDeviceDto,
  TagList, TagsQuery, UpdateDeviceDto,
} from './device.dto';
import { DevicesBulkService } from './devices-bulk.service';
import { DevicesCsvService } from './devices-csv.service';
import { DevicesMergeService } from './devices-merge.service';
import { DevicesService } from './devices.service';
import { IdParam } from '../common/id-param';

@ApiTags('devices')
@ApiBearerAuth()
@Controller()
export class DevicesController {
  constructor(
    private readonly devices: DevicesService,
    private readonly csv: DevicesCsvService,
    private readonly merges: DevicesMergeService,
    private readonly bulk: DevicesBulkService,
  ) {}

  @Get('devices')
  @ApiOkResponse({ type: DevicePage })
  list(@Query() q: DeviceFilterQuery) {
    return this.devices.list(q);
  }

  @Get('tags')
  @ApiOperation({ summary: 'Tags in use with their device counts, for suggestions where tags are typed' })
  @ApiOkResponse({ type: TagList })
  tags(@Query() q: TagsQuery): Promise<TagList> {
    return this.devices.tags(q);
  }

  @Get('devices.csv')
  @ApiProduces('text/csv')
  async export(@Query() q: DeviceFilterQuery, @Res() res: Response): Promise<void> {
    await sendCsv(res, `devices-${new Date().toISOString().slice(0, 10)}.csv`, this.csv.export(q));
  }

  @Post('devices/import')
  @MinRole('technician')
  @HttpCode(200)
  @Audit('device.import', 'device')
  @ApiConsumes('text/csv')
  @ApiBody({ schema: { type: 'string', example: 'hostname,serial,type,tags\npc-042,ABC123,workstation,lab;floor-2' } })
  @ApiOkResponse({ type: ImportReport })
  async import(@Body() text: string, @CurrentUser() me: AuthUser, @Req() req: AuditableRequest): Promise<ImportReport> {
    const report = await this.csv.import(text, me);
    req.auditSummary = { created: report.created, updated: report.updated, failed: report.failed };
    return report;
  }

  @Post('devices')
  @MinRole('technician')
  @Audit('device.create', 'device')
  @ApiCreatedResponse({ type: DeviceDetailView })
  create(@Body() dto: CreateDeviceDto, @CurrentUser() me: AuthUser) {
    return this.devices.create(dto, me);
  }

  @Patch('devices')
  @MinRole('technician')
  @Audit('device.bulk-tag', 'device')
  @ApiOperation({ summary: 'Add and remove tags on many devices: the listed ids, or every device a filter matches' })
  @ApiOkResponse({ type: BulkTagResult })
  async bulkTag(@Body() dto: BulkTagDto, @CurrentUser() me: AuthUser, @Req() req: AuditableRequest): Promise<BulkTagResult> {
    const result = await this.bulk.tags(dto, me);
    // 100,000 ids would only be cut off in the audit log: their count says enough
    req.auditSummary = { ...(dto.ids ? { ids: dto.ids.length } : { filter: dto.filter }), addTags: dto.addTags, removeTags: dto.removeTags, ...result };
    return result;
  }

  @Get('devices/:id')
  @ApiOkResponse({ type: DeviceDetailView })
  get(@IdParam('id') id: number) {
    return this.devices.get(id);
  }

  @Patch('devices/:id')
  @MinRole('technician')
  @Audit('device.update', 'device')
  @ApiOkResponse({ type: DeviceDetailView })
  update(@IdParam('id') id: number, @Body() dto: UpdateDeviceDto, @CurrentUser() me: AuthUser) {
    return this.devices.update(id, dto, me);
  }

  @Delete('devices/:id')
  @MinRole('technician')
  @HttpCode(204)
  @Audit('device.retire', 'device')
  retire(@IdParam('id') id: number, @CurrentUser() me: AuthUser) {
    return this.devices.retire(id, me);
  }

  @Post('devices/:id/merge')
  @MinRole('technician')
  @HttpCode(200)
  @Audit('device.merge', 'device')
  @ApiOperation({ summary: 'Merge device otherId into this one (its identifiers, software, history…); otherId is deleted' })
  @ApiOkResponse({ type: DeviceDetailView })
  @ApiNotFoundResponse({ description: 'either device does not exist' })
  @ApiConflictResponse({ description: 'the two are marked as distinct machines' })
  merge(@IdParam('id') id: number, @Body() dto: OtherDeviceDto, @CurrentUser() me: AuthUser) {
    return this.merges.merge(id, dto.otherId, me);
  }

  @Post('devices/:id/distinct')
  @MinRole('technician')
  @HttpCode(200)
  @Audit('device.distinct', 'device')
  @ApiOperation({ summary: 'Mark two devices as different machines, so that ingest never gives one the other\'s reports' })
  @ApiOkResponse({ type: DeviceDetailView })
  markDistinct(@IdParam('id') id: number, @Body() dto: OtherDeviceDto, @CurrentUser() me: AuthUser) {
    return this.merges.markDistinct(id, dto.otherId, me);
  }

  @Delete('devices/:id/distinct/:otherId')
  @MinRole('technician')
  @HttpCode(204)
  @Audit('device.distinct.remove', 'device')
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'the two are not marked as distinct' })
  unmarkDistinct(@IdParam('id') id: number, @IdParam('otherId') otherId: number, @CurrentUser() me: AuthUser, @Req() req: AuditableRequest) {
    req.auditSummary = { otherId };
    return this.merges.unmarkDistinct(id, otherId, me);
  }

  @Get('devices/:id/history')
  @ApiOkResponse({ type: HistoryPage })
  history(@IdParam('id') id: number, @Query() q: HistoryQuery) {
    return this.devices.history(id, q.kind, q.q, q.page, q.limit);
  }
}
