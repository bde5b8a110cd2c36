// configs/: HTTP for configuration backups, versions, diffs, search, baselines, compliance and
// normalization rules, the drift report (JSON or CSV) and remediation. Everyone reads;
// technicians back up, pin baselines and remediate; admins edit rules (see ARCHITECTURE.md).
import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, MaxLength, Min, ArrayMaxSize } from 'class-validator';
import type { Response } from 'express';
import { Audit } from '../audit/audit.interceptor';
import { AuthUser, MinRole } from '../auth/roles';
import { CurrentUser } from '../common/current-user.decorator';
import { IdParam } from '../common/id-param';
import { PageQuery } from '../common/pagination';
import { csvLine, neutralizeCell } from '../devices/devices-csv.service';
import { CreateJobDto } from '../jobs/job.dto';
import { JobsService } from '../jobs/jobs.service';
import { ConfigsService } from './configs.service';
import { CONFIG_PLATFORMS } from './types';

export const DEFAULT_BACKUP_CRON = '0 3 * * *';

export class DiffQuery {
  @ApiPropertyOptional({ description: 'a version id of this device; default: the one before `to`' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) from?: number;
  @ApiPropertyOptional({ description: 'a version id of this device; default: the latest' })
  @IsOptional() @Type(() => Number) @IsInt() @Min(1) to?: number;
}

export class SearchQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'a substring of a line, e.g. `ip http server`' })
  @IsOptional() @IsString() @MaxLength(500) text?: string;
  @ApiPropertyOptional({ description: 'a JavaScript regex matched against each line' })
  @IsOptional() @IsString() @MaxLength(500) regex?: string;
  @ApiPropertyOptional({ enum: CONFIG_PLATFORMS }) @IsOptional() @IsIn(CONFIG_PLATFORMS) platform?: string;
}

export class DriftQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json' }) @IsOptional() @IsIn(['json', 'csv']) format?: 'json' | 'csv';
  @ApiPropertyOptional({ description: 'include each drift diff (default true)' })
  @IsOptional() @IsIn(['true', 'false']) diff?: 'true' | 'false';
}

export class BaselineDto {
  @ApiPropertyOptional({ description: 'pin a version of this device (with versionId)' }) @IsOptional() @IsInt() @Min(1) deviceId?: number;
  @ApiPropertyOptional() @IsOptional() @IsInt() @Min(1) versionId?: number;
  @ApiPropertyOptional({ description: 'a golden template for devices with this tag' }) @IsOptional() @IsString() @MaxLength(64) tag?: string;
  @ApiPropertyOptional({ enum: CONFIG_PLATFORMS, description: 'a golden template for this platform' }) @IsOptional() @IsString() platform?: string;
  @ApiPropertyOptional({ description: 'Handlebars text; variables: hostname, primaryIp, platform, serial, model, vendor, location, tags, tag.<name>, addresses, addressOn.[<interface>]' })
  @IsOptional() @IsString() @MaxLength(1_000_000) template?: string;
  @ApiPropertyOptional({ type: [String], description: 'regexes of lines left out of the comparison' })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) ignore?: string[];
}

export class NormalizationRuleDto {
  @ApiPropertyOptional({ enum: CONFIG_PLATFORMS, nullable: true }) @IsOptional() @IsIn([...CONFIG_PLATFORMS, null]) platform?: (typeof CONFIG_PLATFORMS)[number] | null;
  @ApiPropertyOptional({ enum: ['drop', 'mask'] }) @IsOptional() @IsIn(['drop', 'mask']) action?: 'drop' | 'mask';
  @ApiPropertyOptional({ description: 'a regex tested against one line; mask: each capture group is masked' }) @IsOptional() @IsString() @MaxLength(500) pattern?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxLength(255) description?: string;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() enabled?: boolean;
}

export class BackupScheduleDto {
  @ApiPropertyOptional({ type: [Number] }) @IsOptional() @IsArray() @ArrayMaxSize(10_000) @IsInt({ each: true }) @Min(1, { each: true }) deviceIds?: number[];
  @ApiPropertyOptional({ type: [String] }) @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) @MaxLength(64, { each: true }) tags?: string[];
  @ApiPropertyOptional({ default: DEFAULT_BACKUP_CRON, description: 'five-field cron; default daily at 03:00' }) @IsOptional() @IsString() @MaxLength(128) cron?: string;
  @ApiPropertyOptional({ default: 'UTC', description: 'IANA time zone of the cron' }) @IsOptional() @IsString() @MaxLength(64) timezone?: string;
  @ApiPropertyOptional({ type: [String], description: 'Linux/Unix hosts: the files to back up (default /etc/ssh/sshd_config)' })
  @IsOptional() @IsArray() files?: string[];
  @ApiPropertyOptional({ default: 10 }) @IsOptional() @IsInt() @Min(1) concurrency?: number;
  @ApiPropertyOptional({ type: [Number], description: 'maintenance windows' }) @IsOptional() @IsArray() @IsInt({ each: true }) windowIds?: number[];
}

export class RemediateDto {
  @ApiPropertyOptional({ description: 'only show what would be pushed', default: false }) @IsOptional() @IsBoolean() dryRun?: boolean;
}

@ApiTags('configs')
@ApiBearerAuth()
@Controller()
export class ConfigsController {
  constructor(
    private readonly configs: ConfigsService,
    private readonly jobs: JobsService,
  ) {}

  @Post('devices/:id/configs/backup')
  @HttpCode(202)
  @MinRole('technician')
  @Audit('config.backup', 'device')
  async backup(@IdParam('id') id: number, @CurrentUser() me: AuthUser): Promise<{ id: number; runId: number | null }> {
    const d = await this.configs.device(id);
    const job = { name: `Config backup of ${d.hostname ?? `device ${id}`}`.slice(0, 128), kind: 'config.backup', params: {}, target: { deviceIds: [id] }, retries: 1, retryDelaySec: 10 };
    return this.jobs.create(job as unknown as CreateJobDto, me.username);
  }

  /** A backup schedule is a cron job of kind config.backup: listed, cancelled and watched under /api/jobs too. */
  @Post('configs/schedules')
  @MinRole('technician')
  @Audit('job.create', 'job')
  schedule(@Body() dto: BackupScheduleDto, @CurrentUser() me: AuthUser): Promise<{ id: number; runId: number | null }> {
    const what = [dto.tags?.length ? `tags ${dto.tags.join(', ')}` : '', dto.deviceIds?.length ? `${dto.deviceIds.length} devices` : ''].filter(Boolean).join(' and ');
    const job = {
      name: `Config backup of ${what || 'nothing'}`.slice(0, 128), kind: 'config.backup', params: dto.files !== undefined ? { files: dto.files } : {},
      target: { ...(dto.deviceIds ? { deviceIds: dto.deviceIds } : {}), ...(dto.tags ? { tags: dto.tags } : {}) },
      schedule: { cron: dto.cron ?? DEFAULT_BACKUP_CRON, timezone: dto.timezone ?? 'UTC' },
      ...(dto.concurrency ? { concurrency: dto.concurrency } : {}), ...(dto.windowIds ? { windowIds: dto.windowIds } : {}), retries: 2, retryDelaySec: 60,
    };
    return this.jobs.create(job as unknown as CreateJobDto, me.username);
  }

  @Get('configs/schedules')
  @MinRole('viewer')
  schedules(@Query() q: PageQuery) {
    return this.jobs.list({ kind: 'config.backup', state: 'active', scheduled: 'true', page: q.page, limit: q.limit });
  }

  @Get('devices/:id/configs')
  @MinRole('viewer')
  versions(@IdParam('id') id: number, @Query() q: PageQuery) {
    return this.configs.versions(id, q.page, q.limit);
  }

  @Get('devices/:id/configs/diff')
  @MinRole('viewer')
  diff(@IdParam('id') id: number, @Query() q: DiffQuery) {
    return this.configs.diff(id, q.from, q.to);
  }

  @Get('configs/versions/:id')
  @MinRole('viewer')
  async version(@IdParam('id') id: number) {
    const v = await this.configs.versionText(id);
    return { ...v.version, content: v.content };
  }

  @Get('configs/search')
  @MinRole('viewer')
  search(@Query() q: SearchQuery) {
    return this.configs.search(q);
  }

  @Get('configs/baselines')
  @MinRole('viewer')
  baselines() {
    return this.configs.listBaselines();
  }

  @Post('configs/baselines')
  @MinRole('technician')
  @Audit('config.baseline', 'baseline')
  pin(@Body() dto: BaselineDto, @CurrentUser() me: AuthUser) {
    return this.configs.pinBaseline(dto, me.username);
  }

  @Delete('configs/baselines/:id')
  @HttpCode(204)
  @MinRole('technician')
  @Audit('config.baseline.delete', 'baseline')
  async unpin(@IdParam('id') id: number): Promise<void> {
    await this.configs.deleteBaseline(id);
  }

  @Get('configs/rules')
  @MinRole('viewer')
  rules() {
    return this.configs.listRules();
  }

  /** {name, kind: must-contain|must-not-contain|block, pattern, block?: {start, where?}, scope?: {platform?, tag?}, severity?, enabled?} (validated by the compliance module: 400 per field) */
  @Post('configs/rules')
  @MinRole('admin')
  @Audit('config.rule.create', 'rule')
  createRule(@Body() body: Record<string, unknown>) {
    return this.configs.saveRule(null, body);
  }

  @Patch('configs/rules/:id')
  @MinRole('admin')
  @Audit('config.rule.update', 'rule')
  updateRule(@IdParam('id') id: number, @Body() body: Record<string, unknown>) {
    return this.configs.saveRule(id, body);
  }

  @Delete('configs/rules/:id')
  @HttpCode(204)
  @MinRole('admin')
  @Audit('config.rule.delete', 'rule')
  async deleteRule(@IdParam('id') id: number): Promise<void> {
    await this.configs.deleteRule(id);
  }

  @Get('configs/normalization-rules')
  @MinRole('viewer')
  normalizationRules() {
    return this.configs.listNormalizationRules();
  }

  @Post('configs/normalization-rules')
  @MinRole('admin')
  @Audit('config.normalization.create', 'normalization-rule')
  createNormalizationRule(@Body() dto: NormalizationRuleDto) {
    return this.configs.saveNormalizationRule(null, dto);
  }

  @Patch('configs/normalization-rules/:id')
  @MinRole('admin')
  @Audit('config.normalization.update', 'normalization-rule')
  updateNormalizationRule(@IdParam('id') id: number, @Body() dto: NormalizationRuleDto) {
    return this.configs.saveNormalizationRule(id, dto);
  }

  @Delete('configs/normalization-rules/:id')
  @HttpCode(204)
  @MinRole('admin')
  @Audit('config.normalization.delete', 'normalization-rule')
  async deleteNormalizationRule(@IdParam('id') id: number): Promise<void> {
    await this.configs.deleteNormalizationRule(id);
  }

  @Get('configs/drift')
  @MinRole('viewer')
  @ApiProduces('application/json', 'text/csv')
  async drift(@Query() q: DriftQuery, @Res({ passthrough: true }) res: Response) {
    if (q.format !== 'csv') return this.configs.drift({ page: q.page, limit: q.limit, withDiff: q.diff !== 'false' });
    const lines = [csvLine(['device_id', 'hostname', 'platform', 'version_id', 'drift_since', 'lines_added', 'lines_removed', 'baseline_error', 'violations', 'since'])];
    for (let page = 1; ; page++) {
      const { items } = await this.configs.drift({ page, limit: 500, withDiff: false, withTotal: false });
      for (const d of items) {
        lines.push(csvLine([
          String(d.deviceId), d.hostname ?? '', d.platform, String(d.versionId), d.drift ? new Date(d.drift.since).toISOString() : '', String(d.drift?.added ?? 0), String(d.drift?.removed ?? 0),
          d.baselineError ?? '', d.violations.map((v) => `${v.severity}: ${v.name}`).join('; '), d.since ? new Date(d.since).toISOString() : '',
        ].map(neutralizeCell)));
      }
      if (items.length < 500) break;
    }
    res.type('text/csv; charset=utf-8').setHeader('Content-Disposition', `attachment; filename="config-drift-${new Date().toISOString().slice(0, 10)}.csv"`);
    return lines.join('');
  }

  @Get('configs/drift/:deviceId')
  @MinRole('viewer')
  async driftOf(@IdParam('deviceId') deviceId: number) {
    await this.configs.device(deviceId);
    const { items } = await this.configs.drift({ page: 1, limit: 1, deviceId });
    return items[0] ?? { deviceId, drift: null, violations: [], baselineError: null, since: null };
  }

  @Post('configs/drift/:deviceId/remediate')
  @MinRole('technician')
  @Audit('config.remediate', 'device')
  async remediate(@IdParam('deviceId') deviceId: number, @Body() dto: RemediateDto, @CurrentUser() me: AuthUser, @Res({ passthrough: true }) res: Response) {
    const { device, baseline, plan, withheld } = await this.configs.remediation(deviceId);
    const preview = { deviceId, baselineId: baseline.baseline.id, baseline: baseline.label, lines: plan.add, extra: plan.extra, withheld };
    if (dto.dryRun || plan.add.length === 0) {
      res.status(200);
      return { ...preview, dryRun: true, job: null, ...(plan.add.length === 0 ? { message: 'nothing to push: the device has every line of its baseline' } : {}) };
    }
    const job = { name: `Remediate ${device.hostname ?? `device ${deviceId}`}`.slice(0, 128), kind: 'config.push', params: { lines: plan.add, baselineId: baseline.baseline.id }, target: { deviceIds: [deviceId] }, retries: 0 };
    const created = await this.jobs.create(job as unknown as CreateJobDto, me.username);
    res.status(202);
    return { ...preview, dryRun: false, job: created };
  }
}
