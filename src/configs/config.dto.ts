// configs/: request and response shapes of the configs API. Requests are validated here
// (class-validator) except the compliance rule's body, which compliance.ts validates (400 per
// field) and which is only documented here; responses describe what the service returns, for
// the OpenAPI document and the web UI's types generated from it.
import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { MaxChars, Omittable } from '../common/dto-fields';
import { PageQuery } from '../common/pagination';
import { JobTargetDto } from '../jobs/job.dto';
import { RULE_KINDS, RULE_SEVERITIES } from './compliance';
import { BACKUP_TRIGGERS } from './config.entities';
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
  @IsOptional() @IsString() @MaxChars(500) text?: string;
  @ApiPropertyOptional({ description: 'a regex (RE2 syntax: no backreferences or lookaround; `(?i)` ignores case) matched against each line' })
  @IsOptional() @IsString() @MaxChars(500) regex?: string;
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
  @ApiPropertyOptional({ description: 'a golden template for devices with this tag' }) @IsOptional() @IsString() @MaxChars(64) tag?: string;
  @ApiPropertyOptional({ enum: CONFIG_PLATFORMS, description: 'a golden template for this platform' }) @IsOptional() @IsString() platform?: string;
  @ApiPropertyOptional({ description: 'Handlebars text; variables: hostname, primaryIp, platform, serial, model, vendor, location, tags, tag.<name>, addresses, addressOn.[<interface>]' })
  @IsOptional() @IsString() @MaxLength(1_000_000) template?: string;
  @ApiPropertyOptional({ type: [String], description: 'regexes (RE2 syntax) of lines left out of the comparison' })
  @IsOptional() @IsArray() @ArrayMaxSize(100) @IsString({ each: true }) ignore?: string[];
}

export class NormalizationRuleDto {
  @ApiPropertyOptional({ enum: CONFIG_PLATFORMS, nullable: true }) @IsOptional() @IsIn([...CONFIG_PLATFORMS, null]) platform?: (typeof CONFIG_PLATFORMS)[number] | null;
  @ApiPropertyOptional({ enum: ['drop', 'mask'] }) @Omittable() @IsIn(['drop', 'mask']) action?: 'drop' | 'mask';
  @ApiPropertyOptional({ description: 'a regex (RE2 syntax) tested against one line; mask: each capture group is masked' }) @Omittable() @IsString() @MaxChars(500) pattern?: string;
  @ApiPropertyOptional() @Omittable() @IsString() @MaxChars(255) description?: string;
  @ApiPropertyOptional() @Omittable() @IsBoolean() enabled?: boolean;
}

/**
 * A backup schedule is a job (kind config.backup): its deviceIds and tags are a job target's,
 * checked by the very decorators of JobTargetDto, so that what POST /api/jobs refuses with a
 * 400 naming the field is refused here too rather than stored.
 */
export class BackupScheduleDto extends PickType(JobTargetDto, ['deviceIds', 'tags'] as const) {
  @ApiPropertyOptional({ default: DEFAULT_BACKUP_CRON, description: 'five-field cron; default daily at 03:00' }) @IsOptional() @IsString() @MaxChars(128) cron?: string;
  @ApiPropertyOptional({ default: 'UTC', description: 'IANA time zone of the cron' }) @IsOptional() @IsString() @MaxChars(64) timezone?: string;
  @ApiPropertyOptional({ type: [String], description: 'Linux/Unix hosts: the files to back up (default /etc/ssh/sshd_config)' })
  @IsOptional() @IsArray() files?: string[];
  // the bounds of a job's (CreateJobDto): the schedule is a job, stored in the same columns
  @ApiPropertyOptional({ default: 10, minimum: 1, maximum: 1000, description: 'devices backed up at once, over all workers' })
  @IsOptional() @IsInt() @Min(1) @Max(1000)
  concurrency?: number;
  @ApiPropertyOptional({ type: [Number], description: 'maintenance windows' })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @IsInt({ each: true }) @Min(1, { each: true }) @Max(4_294_967_295, { each: true })
  windowIds?: number[];
}

export class RemediateDto {
  @ApiPropertyOptional({ description: 'only show what would be pushed', default: false }) @IsOptional() @IsBoolean() dryRun?: boolean;
}

// --- responses ---------------------------------------------------------------------------------

export class ConfigVersionView {
  @ApiProperty() id: number;
  @ApiProperty() deviceId: number;
  @ApiProperty({ description: 'SHA-256 of the normalized text' }) sha256: string;
  @ApiProperty() bytes: number;
  @ApiProperty() lines: number;
  @ApiProperty({ description: 'what produced it: `show running-config`, the Linux files read' }) source: string;
  @ApiProperty({ enum: BACKUP_TRIGGERS }) trigger: string;
  @ApiPropertyOptional({ nullable: true, type: Number }) jobRunId: number | null;
  @ApiProperty() collectedAt: Date;
}

export class ConfigVersionPage {
  @ApiProperty({ type: [ConfigVersionView], description: 'newest first' }) items: ConfigVersionView[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() limit: number;
}

export class ConfigVersionContent extends ConfigVersionView {
  @ApiProperty({ description: 'the normalized text: volatile lines dropped, secrets shown as <masked>' }) content: string;
}

export class ConfigDiffView {
  @ApiPropertyOptional({ nullable: true, type: () => ConfigVersionView, description: 'null: `to` is the first version (everything added)' }) from: ConfigVersionView | null;
  @ApiPropertyOptional({ nullable: true, type: () => ConfigVersionView, description: 'null: the device has no version yet' }) to: ConfigVersionView | null;
  @ApiProperty({ description: 'unified diff (`---`/`+++` headers, `@@` hunks, 3 lines of context); empty when equal' }) diff: string;
  @ApiProperty() added: number;
  @ApiProperty() removed: number;
}

export class SearchLine {
  @ApiProperty({ description: '1-based line number' }) line: number;
  @ApiProperty() text: string;
}

export class ConfigSearchItem {
  @ApiProperty() deviceId: number;
  @ApiPropertyOptional({ nullable: true, type: String }) hostname: string | null;
  @ApiProperty() platform: string;
  @ApiProperty({ description: 'the current version searched' }) versionId: number;
  @ApiProperty({ type: [SearchLine], description: 'the matching lines (at most 50)' }) lines: SearchLine[];
}

export class ConfigSearchPage {
  @ApiProperty({ type: [ConfigSearchItem] }) items: ConfigSearchItem[];
  @ApiProperty({ description: 'configurations with matching lines (of those scanned, when truncated)' }) total: number;
  @ApiProperty() page: number;
  @ApiProperty() limit: number;
  @ApiProperty({ description: 'the search stopped before the last configuration: it scanned TEKNISI_CONFIG_SEARCH_MAX_MB of text or ran 10 s. Narrow it with text or platform' }) truncated: boolean;
}

export class BaselineView {
  @ApiProperty() id: number;
  @ApiProperty({ enum: ['device', 'tag', 'platform'], description: 'a pinned version of one device, or a golden template for a tag or a platform' }) scope: 'device' | 'tag' | 'platform';
  @ApiPropertyOptional({ nullable: true, type: Number }) deviceId: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'the pinned version' }) versionId: number | null;
  @ApiPropertyOptional({ nullable: true, type: String }) tag: string | null;
  @ApiPropertyOptional({ nullable: true, enum: CONFIG_PLATFORMS }) platform: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'Handlebars text (templates only)' }) template: string | null;
  @ApiProperty({ type: [String], description: 'regexes of lines left out of the comparison' }) ignore: string[];
  @ApiPropertyOptional({ nullable: true, type: String }) createdBy: string | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
}

export class ComplianceRuleView {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty({ enum: RULE_KINDS }) kind: string;
  @ApiProperty({ description: 'a regex (RE2 syntax) tested against each line' }) pattern: string;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'block rules: the pattern of a block\'s first line' }) blockStart: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'block rules: only blocks with a line matching this' }) blockWhere: string | null;
  @ApiPropertyOptional({ nullable: true, enum: CONFIG_PLATFORMS, description: 'scope: only devices of this platform' }) platform: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'scope: only devices with this tag' }) tag: string | null;
  @ApiProperty({ enum: RULE_SEVERITIES }) severity: string;
  @ApiProperty() enabled: boolean;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
}

class RuleBlockInput {
  @ApiProperty({ description: 'regex of the first line of each block checked, e.g. `^interface Loopback`' }) start: string;
  @ApiPropertyOptional({ description: 'only blocks that have a line matching this regex' }) where?: string;
}

class RuleScopeInput {
  @ApiPropertyOptional({ enum: CONFIG_PLATFORMS }) platform?: string;
  @ApiPropertyOptional({ maxLength: 64 }) tag?: string;
}

/** The body of POST /api/configs/rules (all of it) and PATCH (any part of it). */
export class ComplianceRuleInput {
  @ApiPropertyOptional({ maxLength: 200, description: 'required on create' }) name?: string;
  @ApiPropertyOptional({ enum: RULE_KINDS, description: 'required on create' }) kind?: string;
  @ApiPropertyOptional({ description: 'a regex (RE2 syntax: no backreferences or lookaround; `(?i)` ignores case); required on create' }) pattern?: string;
  @ApiPropertyOptional({ type: () => RuleBlockInput, nullable: true, description: 'kind block only, and required there' }) block?: RuleBlockInput | null;
  @ApiPropertyOptional({ type: () => RuleScopeInput, description: 'which devices the rule applies to (default: all)' }) scope?: RuleScopeInput;
  @ApiPropertyOptional({ enum: RULE_SEVERITIES, default: 'medium' }) severity?: string;
  @ApiPropertyOptional({ default: true }) enabled?: boolean;
}

export class NormalizationRuleView {
  @ApiProperty() id: number;
  @ApiPropertyOptional({ nullable: true, enum: CONFIG_PLATFORMS, description: 'null: every platform' }) platform: string | null;
  @ApiProperty({ enum: ['drop', 'mask'] }) action: 'drop' | 'mask';
  @ApiProperty() pattern: string;
  @ApiProperty() description: string;
  @ApiProperty() enabled: boolean;
  @ApiProperty({ description: 'one of the seeded defaults' }) builtin: boolean;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
}

export class DriftDetail {
  @ApiProperty({ description: 'since when the device differs from its baseline' }) since: Date;
  @ApiProperty({ description: 'lines the device has that its baseline lacks' }) added: number;
  @ApiProperty({ description: 'baseline lines the device lacks' }) removed: number;
  @ApiPropertyOptional({ description: 'unified diff baseline → current (absent with diff=false)' }) diff?: string;
}

export class RuleViolation {
  @ApiProperty() ruleId: number;
  @ApiProperty() name: string;
  @ApiProperty({ enum: RULE_SEVERITIES }) severity: string;
  @ApiProperty({ description: 'what is missing or what matched, with line numbers' }) detail: string;
  @ApiProperty({ description: 'since when the rule fails on this device' }) since: Date;
}

export class DriftItemView {
  @ApiProperty() deviceId: number;
  @ApiPropertyOptional({ nullable: true, type: String }) hostname: string | null;
  @ApiProperty() platform: string;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'the current version (null: no backup has worked yet)' }) versionId: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'the baseline compared with' }) baselineId: number | null;
  @ApiPropertyOptional({ nullable: true, type: () => DriftDetail, description: 'null: in line with its baseline (or none)' }) drift: DriftDetail | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'why the baseline could not be compared (a template that does not render, a deleted version)' }) baselineError: string | null;
  @ApiProperty({ type: [RuleViolation], description: 'the compliance rules the current configuration breaks' }) violations: RuleViolation[];
  @ApiPropertyOptional({ nullable: true, type: Date, description: 'the earliest of drift.since and the violations\' since' }) since: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Date, description: 'when the configuration last changed' }) changedAt?: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) evaluatedAt?: Date | null;
  @ApiPropertyOptional({ nullable: true, enum: ['ok', 'failed'], description: 'the last backup attempt (null: none yet); failed: drift and violations are those of the last good configuration' }) lastStatus: 'ok' | 'failed' | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'why the last backup failed' }) lastError: string | null;
  @ApiPropertyOptional({ nullable: true, type: Date, description: 'when a backup was last attempted' }) lastAttemptAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Date, description: 'when a backup last worked (a new version or the same again)' }) checkedAt: Date | null;
}

export class DriftPage {
  @ApiProperty({ type: [DriftItemView], description: 'devices that differ from their baseline, break a rule or whose last backup failed, by device id' }) items: DriftItemView[];
  @ApiPropertyOptional({ nullable: true, type: Number }) total: number | null;
  @ApiProperty() page: number;
  @ApiProperty() limit: number;
  @ApiProperty({ description: 're-evaluations after a rule or template change still queued or running: 0 when the report is up to date' }) pendingEvaluations: number;
}

export class RemediationJob {
  @ApiProperty() id: number;
  @ApiPropertyOptional({ nullable: true, type: Number }) runId: number | null;
}

export class RemediationView {
  @ApiProperty() deviceId: number;
  @ApiProperty() baselineId: number;
  @ApiProperty({ description: 'what the baseline is, in words' }) baseline: string;
  @ApiProperty({ type: [String], description: 'the baseline\'s missing lines under their parent lines: what a push applies' }) lines: string[];
  @ApiProperty({ type: [String], description: 'lines the device has beyond its baseline (never removed automatically)' }) extra: string[];
  @ApiProperty({ type: [String], description: 'baseline lines to set by hand: with masked secrets the device lacks, or of an access list that adding entries would leave in the wrong order' }) withheld: string[];
  @ApiProperty({ type: [String], description: 'why lines were withheld (one per access list)' }) notes: string[];
  @ApiProperty({ description: 'true: nothing was pushed' }) dryRun: boolean;
  @ApiPropertyOptional({ nullable: true, type: () => RemediationJob, description: 'the config.push job, when one was started' }) job: RemediationJob | null;
  @ApiPropertyOptional({ description: 'why nothing was pushed, when there was nothing to push' }) message?: string;
}
