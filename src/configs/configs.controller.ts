// configs/: HTTP for configuration backups, versions, diffs, search, baselines, compliance and
// normalization rules, the drift report (JSON or CSV) and remediation. Everyone reads;
// technicians back up, pin baselines and remediate; admins edit rules (see ARCHITECTURE.md).
import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query, Req, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Audit, AuditableRequest } from '../audit/audit.interceptor';
import { AuthUser, MinRole, roleAtLeast } from '../auth/roles';
import { CurrentUser } from '../common/current-user.decorator';
import { IdParam } from '../common/id-param';
import { PageQuery } from '../common/pagination';
import { csvLine, neutralizeCell } from '../devices/devices-csv.service';
import { CreateJobDto, JobCreated, JobPage } from '../jobs/job.dto';
import { JobsService } from '../jobs/jobs.service';
import {
  BackupScheduleDto, BaselineDto, BaselineView, ComplianceRuleInput, ComplianceRuleView, ConfigDiffView, ConfigSearchPage, ConfigVersionContent, ConfigVersionPage,
  DEFAULT_BACKUP_CRON, DiffQuery, DriftItemView, DriftPage, DriftQuery, NormalizationRuleDto, NormalizationRuleView, RemediateDto, RemediationView, SearchQuery,
} from './config.dto';
import { ConfigBaselinesService } from './config-baselines.service';
import { ConfigSearchService } from './config-search.service';
import { ConfigsService } from './configs.service';

@ApiTags('configs')
@ApiBearerAuth()
@Controller()
export class ConfigsController {
  constructor(
    private readonly configs: ConfigsService,
    private readonly configSearch: ConfigSearchService,
    private readonly configBaselines: ConfigBaselinesService,
    private readonly jobs: JobsService,
  ) {}

  @Post('devices/:id/configs/backup')
  @HttpCode(202)
  @MinRole('technician')
  @Audit('config.backup', 'device')
  @ApiAcceptedResponse({ type: JobCreated, description: 'the backup job, started' })
  async backup(@IdParam('id') id: number, @CurrentUser() me: AuthUser): Promise<{ id: number; runId: number | null }> {
    const d = await this.configs.device(id);
    const job = { name: `Config backup of ${d.hostname ?? `device ${id}`}`.slice(0, 128), kind: 'config.backup', params: {}, target: { deviceIds: [id] }, retries: 1, retryDelaySec: 10 };
    return this.jobs.create(job as unknown as CreateJobDto, me.username);
  }

  /** A backup schedule is a cron job of kind config.backup: listed, cancelled and watched under /api/jobs too. */
  @Post('configs/schedules')
  @MinRole('technician')
  @Audit('job.create', 'job')
  @ApiCreatedResponse({ type: JobCreated })
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
  @ApiOkResponse({ type: JobPage })
  schedules(@Query() q: PageQuery) {
    return this.jobs.list({ kind: 'config.backup', state: 'active', scheduled: 'true', page: q.page, limit: q.limit });
  }

  @Get('devices/:id/configs')
  @MinRole('viewer')
  @ApiOkResponse({ type: ConfigVersionPage })
  versions(@IdParam('id') id: number, @Query() q: PageQuery) {
    return this.configs.versions(id, q.page, q.limit);
  }

  @Get('devices/:id/configs/diff')
  @MinRole('viewer')
  @ApiOkResponse({ type: ConfigDiffView })
  diff(@IdParam('id') id: number, @Query() q: DiffQuery) {
    return this.configs.diff(id, q.from, q.to);
  }

  @Get('configs/versions/:id')
  @MinRole('viewer')
  @ApiOkResponse({ type: ConfigVersionContent })
  async version(@IdParam('id') id: number) {
    const v = await this.configs.versionText(id);
    return { ...v.version, content: v.content };
  }

  @Get('configs/search')
  @MinRole('viewer')
  @ApiOkResponse({ type: ConfigSearchPage })
  search(@Query() q: SearchQuery) {
    return this.configSearch.search(q);
  }

  /** Templates may hold secrets: shown masked to all but admins. */
  @Get('configs/baselines')
  @MinRole('viewer')
  @ApiOkResponse({ type: [BaselineView], description: 'templates with their secrets masked, but for admins' })
  baselines(@CurrentUser() me: AuthUser) {
    return this.configBaselines.listBaselines({ masked: !roleAtLeast(me.role, 'admin') });
  }

  @Post('configs/baselines')
  @MinRole('technician')
  @Audit('config.baseline', 'baseline')
  @ApiCreatedResponse({ type: BaselineView })
  async pin(@Body() dto: BaselineDto, @CurrentUser() me: AuthUser, @Req() req: AuditableRequest) {
    req.auditSummary = await this.configBaselines.auditSummary(dto);
    return this.configBaselines.pinBaseline(dto, me.username);
  }

  @Delete('configs/baselines/:id')
  @HttpCode(204)
  @MinRole('technician')
  @Audit('config.baseline.delete', 'baseline')
  async unpin(@IdParam('id') id: number): Promise<void> {
    await this.configBaselines.deleteBaseline(id);
  }

  @Get('configs/rules')
  @MinRole('viewer')
  @ApiOkResponse({ type: [ComplianceRuleView] })
  rules() {
    return this.configs.listRules();
  }

  /** {name, kind: must-contain|must-not-contain|block, pattern, block?: {start, where?}, scope?: {platform?, tag?}, severity?, enabled?} (validated by the compliance module: 400 per field) */
  @Post('configs/rules')
  @MinRole('admin')
  @Audit('config.rule.create', 'rule')
  @ApiBody({ type: ComplianceRuleInput })
  @ApiCreatedResponse({ type: ComplianceRuleView })
  createRule(@Body() body: Record<string, unknown>) {
    return this.configs.saveRule(null, body);
  }

  @Patch('configs/rules/:id')
  @MinRole('admin')
  @Audit('config.rule.update', 'rule')
  @ApiBody({ type: ComplianceRuleInput })
  @ApiOkResponse({ type: ComplianceRuleView })
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
  @ApiOkResponse({ type: [NormalizationRuleView] })
  normalizationRules() {
    return this.configs.listNormalizationRules();
  }

  @Post('configs/normalization-rules')
  @MinRole('admin')
  @Audit('config.normalization.create', 'normalization-rule')
  @ApiCreatedResponse({ type: NormalizationRuleView })
  createNormalizationRule(@Body() dto: NormalizationRuleDto) {
    return this.configs.saveNormalizationRule(null, dto);
  }

  @Patch('configs/normalization-rules/:id')
  @MinRole('admin')
  @Audit('config.normalization.update', 'normalization-rule')
  @ApiOkResponse({ type: NormalizationRuleView })
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
  @ApiOkResponse({ type: DriftPage, description: 'JSON; with format=csv a text/csv download of the same rows' })
  async drift(@Query() q: DriftQuery, @Res({ passthrough: true }) res: Response) {
    if (q.format !== 'csv') return this.configs.drift({ page: q.page, limit: q.limit, withDiff: q.diff !== 'false' });
    const lines = [csvLine(['device_id', 'hostname', 'platform', 'version_id', 'drift_since', 'lines_added', 'lines_removed', 'baseline_error', 'violations', 'since', 'backup_status', 'backup_error', 'last_good_backup'])];
    for (let page = 1; ; page++) {
      const { items } = await this.configs.drift({ page, limit: 500, withDiff: false, withTotal: false });
      for (const d of items) {
        lines.push(csvLine([
          String(d.deviceId), d.hostname ?? '', d.platform, d.versionId === null ? '' : String(d.versionId), d.drift ? new Date(d.drift.since).toISOString() : '', String(d.drift?.added ?? 0), String(d.drift?.removed ?? 0),
          d.baselineError ?? '', d.violations.map((v) => `${v.severity}: ${v.name}`).join('; '), d.since ? new Date(d.since).toISOString() : '',
          d.lastStatus ?? '', d.lastError ?? '', d.checkedAt ? new Date(d.checkedAt).toISOString() : '',
        ].map(neutralizeCell)));
      }
      if (items.length < 500) break;
    }
    res.type('text/csv; charset=utf-8').setHeader('Content-Disposition', `attachment; filename="config-drift-${new Date().toISOString().slice(0, 10)}.csv"`);
    return lines.join('');
  }

  @Get('configs/drift/:deviceId')
  @MinRole('viewer')
  @ApiOkResponse({ type: DriftItemView })
  async driftOf(@IdParam('deviceId') deviceId: number) {
    await this.configs.device(deviceId);
    const { items } = await this.configs.drift({ page: 1, limit: 1, deviceId });
    // no backup attempted yet
    return items[0] ?? { deviceId, drift: null, violations: [], baselineError: null, since: null, lastStatus: null, lastError: null, lastAttemptAt: null, checkedAt: null };
  }

  @Post('configs/drift/:deviceId/remediate')
  @MinRole('technician')
  @Audit('config.remediate', 'device')
  @ApiOkResponse({ type: RemediationView, description: 'a preview (dryRun, or nothing to push)' })
  @ApiAcceptedResponse({ type: RemediationView, description: 'the config.push job started' })
  async remediate(@IdParam('deviceId') deviceId: number, @Body() dto: RemediateDto, @CurrentUser() me: AuthUser, @Res({ passthrough: true }) res: Response) {
    const { device, baseline, plan, inLine } = await this.configs.remediation(deviceId);
    const preview = { deviceId, baselineId: baseline.baseline.id, baseline: baseline.label, lines: plan.add, extra: plan.extra, withheld: plan.withheld, notes: plan.notes };
    if (dto.dryRun || plan.add.length === 0) {
      res.status(200);
      const message = inLine
        ? 'nothing to push: the device is in line with its baseline'
        : 'nothing Teknisi can push: the device still differs from its baseline (lines of its own, lines in another order or withheld lines: see extra, withheld and notes)';
      return { ...preview, dryRun: true, job: null, ...(plan.add.length === 0 ? { message } : {}) };
    }
    const job = { name: `Remediate ${device.hostname ?? `device ${deviceId}`}`.slice(0, 128), kind: 'config.push', params: { lines: plan.add, baselineId: baseline.baseline.id }, target: { deviceIds: [deviceId] }, retries: 0 };
    const created = await this.jobs.create(job as unknown as CreateJobDto, me.username);
    res.status(202);
    return { ...preview, dryRun: false, job: created };
  }
}
