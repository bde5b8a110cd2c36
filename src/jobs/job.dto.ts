// jobs/: request and response shapes of jobs, runs and run targets.
import { ApiProperty, ApiPropertyOptional, PartialType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsDate, IsIn, IsInt, IsObject, IsOptional, IsString, Matches, Max, Min, MinLength, ValidateNested,
} from 'class-validator';
import { MaxChars, StorableDate, STORABLE_DATES_TEXT, trimmed } from '../common/dto-fields';
import { PageQuery } from '../common/pagination';
import { DeviceFilterQuery, ONE_LINE, TAG } from '../devices/device.dto';
import { RUN_STATUSES, RUN_TRIGGERS, RunStatus, TARGET_STATUSES, TargetStatus } from './job.entity';

/** The device filter fields a job may save (the device list's, without paging and sort). */
export const FILTER_FIELDS = ['q', 'type', 'platform', 'osFamily', 'vendor', 'tag', 'location', 'status', 'lastSeenBefore', 'lastSeenAfter'] as const;

export class JobTargetDto {
  @ApiPropertyOptional({ type: [Number], description: 'these devices' })
  @IsOptional() @IsArray() @ArrayMaxSize(100_000) @IsInt({ each: true }) @Min(1, { each: true }) @Max(4_294_967_295, { each: true })
  deviceIds?: number[];

  @ApiPropertyOptional({ type: [String], description: 'devices carrying any of these tags' })
  @IsOptional() @IsArray() @ArrayMaxSize(50) @IsString({ each: true }) @Matches(TAG, { each: true, message: 'each tag is 1 to 64 letters, digits, spaces or _ . : / - starting with a letter or digit' })
  tags?: string[];

  @ApiPropertyOptional({ type: DeviceFilterQuery, description: 'a saved inventory filter (the device list\'s query fields), evaluated when each run starts' })
  @IsOptional() @IsObject() @ValidateNested() @Type(() => DeviceFilterQuery)
  filter?: DeviceFilterQuery;
}

export class JobScheduleDto {
  @ApiPropertyOptional({ description: 'ISO 8601; a one-off job starts then (now when absent)' })
  @IsOptional() @Type(() => Date) @IsDate({ message: 'schedule.runAt must be an ISO 8601 date-time' })
  @StorableDate({ message: `schedule.runAt must be a date ${STORABLE_DATES_TEXT}` })
  runAt?: Date;

  @ApiPropertyOptional({ example: '0 2 * * 0', description: 'five-field cron (or six, with seconds); a run per firing' })
  @IsOptional() @IsString() @MinLength(1) @MaxChars(128) @Matches(ONE_LINE, { message: 'schedule.cron must be one line' })
  cron?: string;

  @ApiPropertyOptional({ example: 'Europe/Berlin', default: 'UTC', description: 'IANA time zone of the cron expression' })
  @IsOptional() @IsString() @MaxChars(64)
  timezone?: string;
}

export class CreateJobDto {
  @ApiPropertyOptional({ example: 'Install 7-Zip in the lab', description: 'trimmed; not blank' })
  @IsOptional() @trimmed() @IsString() @MinLength(1, { message: 'name must not be blank' }) @MaxChars(128) @Matches(ONE_LINE, { message: 'name must be one line' })
  name?: string;

  @ApiProperty({ example: 'software.install', description: 'software.install, software.uninstall, software.upgrade, command, inventory.refresh, noop, and kinds other modules register' })
  @IsString() @MaxChars(64)
  kind: string;

  @ApiPropertyOptional({
    type: 'object', additionalProperties: true,
    example: { packages: ['htop'] },
    description: 'software kinds: {packages: [..] (empty for upgrade = all pending updates), manager?, reboot?: never|if-required|always}; command: {script, shell?: sh|bash|powershell, timeoutSec?, parameters?: {NAME: value}}',
  })
  @IsOptional() @IsObject()
  params?: Record<string, unknown>;

  @ApiProperty({ type: JobTargetDto })
  @IsObject() @ValidateNested() @Type(() => JobTargetDto)
  target: JobTargetDto;

  @ApiPropertyOptional({ type: JobScheduleDto, description: 'absent: now' })
  @IsOptional() @IsObject() @ValidateNested() @Type(() => JobScheduleDto)
  schedule?: JobScheduleDto;

  @ApiPropertyOptional({ type: [Number], description: 'maintenance windows: a target starts only while one of them is open (and while a window of each of its tags is)' })
  @IsOptional() @IsArray() @ArrayMaxSize(20) @IsInt({ each: true }) @Min(1, { each: true })
  windowIds?: number[];

  @ApiPropertyOptional({ default: 10, minimum: 1, maximum: 1000, description: 'targets of one run at once, over all workers' })
  @IsOptional() @IsInt() @Min(1) @Max(1000)
  concurrency?: number;

  @ApiPropertyOptional({ description: 'ISO 8601: targets not started by then become missed' })
  @IsOptional() @Type(() => Date) @IsDate({ message: 'deadline must be an ISO 8601 date-time' }) @StorableDate()
  deadline?: Date;

  @ApiPropertyOptional({ minimum: 1, maximum: 40320, description: 'minutes after each run starts after which unstarted targets become missed' })
  @IsOptional() @IsInt() @Min(1) @Max(40320)
  deadlineMinutes?: number;

  @ApiPropertyOptional({ default: 3, minimum: 0, maximum: 10, description: 'retries of a transient failure (unreachable, timeout, lock held)' })
  @IsOptional() @IsInt() @Min(0) @Max(10)
  retries?: number;

  @ApiPropertyOptional({ default: 30, minimum: 1, maximum: 3600, description: 'seconds before the first retry, doubled for each next one (capped at an hour)' })
  @IsOptional() @IsInt() @Min(1) @Max(3600)
  retryDelaySec?: number;

  @ApiPropertyOptional({ description: 'SSH credential to use on every target; default: the one that last worked for each device in a scan' })
  @IsOptional() @IsInt() @Min(1) @Max(4_294_967_295)
  credentialId?: number;
}

/** The fields that change (PATCH): name, schedule, deadline, deadlineMinutes and credentialId may be null, to clear them. */
export class UpdateJobDto extends PartialType(CreateJobDto) {}

export class JobListQuery extends PageQuery {
  @ApiPropertyOptional() @IsOptional() @IsString() @MaxChars(64) kind?: string;
  @ApiPropertyOptional({ enum: ['active', 'cancelled'] }) @IsOptional() @IsIn(['active', 'cancelled']) state?: 'active' | 'cancelled';
  @ApiPropertyOptional({ description: 'in the name' }) @IsOptional() @IsString() @MaxChars(128) q?: string;
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'true: only jobs with a cron schedule; false: only one-off jobs' }) @IsOptional() @IsIn(['true', 'false']) scheduled?: 'true' | 'false';
  @ApiPropertyOptional({ enum: ['running', 'paused'], description: 'only jobs with a run in progress in this status (what the dashboard counts as running jobs)' })
  @IsOptional() @IsIn(['running', 'paused'], { message: 'status must be running or paused' }) status?: 'running' | 'paused';
  @ApiPropertyOptional({ description: 'only jobs with a run that targeted this device' })
  @IsOptional() @Type(() => Number) @IsInt({ message: 'deviceId must be a device id (an integer)' }) @Min(1) @Max(4_294_967_295)
  deviceId?: number;
}

export class TargetsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: TARGET_STATUSES }) @IsOptional() @IsIn(TARGET_STATUSES) status?: TargetStatus;
}

export class RunNowDto {
  @ApiPropertyOptional({ enum: ['failed'], description: 'failed: only the devices whose targets failed or were missed in the latest run (a device merged since: the one it was merged into; trigger retry); absent: every device the target selector picks now' })
  @IsOptional() @IsIn(['failed']) only?: 'failed';
}

export class CancelQuery {
  @ApiPropertyOptional({ enum: ['true', 'false'], description: 'also stop running targets of kinds that normally finish (package managers)' })
  @IsOptional() @IsIn(['true', 'false']) force?: 'true' | 'false';
}

export class JobCreated {
  @ApiProperty() id: number;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'the run started now, if any' }) runId: number | null;
}

export class TargetCounts {
  @ApiProperty() queued: number;
  @ApiProperty() waitingForWindow: number;
  @ApiProperty() running: number;
  @ApiProperty() succeeded: number;
  @ApiProperty() skipped: number;
  @ApiProperty() failed: number;
  @ApiProperty() cancelled: number;
  @ApiProperty() missed: number;
}

export class TargetView {
  @ApiProperty() deviceId: number;
  @ApiPropertyOptional({ nullable: true, type: String }) hostname: string | null;
  @ApiProperty({ enum: TARGET_STATUSES }) status: TargetStatus;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'outside maintenance window "Sunday night"; next opening 2026-11-29T01:00:00.000Z' }) reason: string | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) exitCode: number | null;
  @ApiProperty() attempts: number;
  @ApiPropertyOptional({ nullable: true, type: Date, description: 'not before this (retry backoff, window opening, busy device)' }) nextAttemptAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) startedAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) finishedAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'the device that deviceId was merged into: deviceId no longer exists' }) mergedInto: number | null;
}

const SKIPPED_FIRINGS = 'firings of the job\'s schedule that came while the run was still running or paused, and were skipped (no second run over the same machines)';

export class RunView {
  @ApiProperty() id: number;
  @ApiProperty() jobId: number;
  @ApiProperty({ enum: RUN_STATUSES }) status: RunStatus;
  @ApiProperty({ enum: RUN_TRIGGERS, description: 'now: a one-off job\'s start; schedule: a firing; manual: Run now; retry: the previous run\'s failed and missed targets again' }) trigger: string;
  @ApiProperty() firedAt: Date;
  @ApiProperty() concurrency: number;
  @ApiPropertyOptional({ nullable: true, type: Date }) deadlineAt: Date | null;
  @ApiProperty() total: number;
  @ApiProperty({ type: TargetCounts }) counts: TargetCounts;
  @ApiPropertyOptional({ nullable: true, type: String }) createdBy: string | null;
  @ApiProperty() startedAt: Date;
  @ApiPropertyOptional({ nullable: true, type: Date }) finishedAt: Date | null;
  @ApiProperty({ description: SKIPPED_FIRINGS }) skippedFirings: number;
}

export class RunDetailView extends RunView {
  @ApiProperty({ type: [TargetView], description: 'the first 1,000 targets; page through /targets for the rest' }) targets: TargetView[];
}

export class JobScheduleView {
  @ApiPropertyOptional({ nullable: true, type: Date, description: 'a one-off job\'s start' }) runAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'a recurring job\'s cron expression' }) cron: string | null;
  @ApiProperty({ example: 'Europe/Berlin', description: 'IANA time zone of the cron expression' }) timezone: string;
}

export class JobView {
  @ApiProperty() id: number;
  @ApiPropertyOptional({ nullable: true, type: String }) name: string | null;
  @ApiProperty() kind: string;
  @ApiProperty({ enum: ['scheduled', 'running', 'paused', 'completed', 'cancelled'], description: 'completed once every target of the latest run is final, whatever each outcome' })
  status: 'scheduled' | 'running' | 'paused' | 'completed' | 'cancelled';
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'the kind\'s parameters, with defaults applied' }) params: Record<string, unknown>;
  @ApiProperty({ type: JobTargetDto }) target: Record<string, unknown>;
  @ApiProperty({ type: JobScheduleView }) schedule: JobScheduleView;
  @ApiPropertyOptional({ nullable: true, type: Date }) nextRunAt: Date | null;
  @ApiProperty({ type: [Number] }) windowIds: number[];
  @ApiProperty() concurrency: number;
  @ApiPropertyOptional({ nullable: true, type: Date }) deadline: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) deadlineMinutes: number | null;
  @ApiProperty() retries: number;
  @ApiProperty() retryDelaySec: number;
  @ApiPropertyOptional({ nullable: true, type: Number }) credentialId: number | null;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'the latest run' }) runId: number | null;
  @ApiProperty({ type: TargetCounts, description: 'of the latest run (all zero before the first)' }) counts: TargetCounts;
  @ApiProperty({ description: `the latest run's: ${SKIPPED_FIRINGS}` }) skippedFirings: number;
  @ApiPropertyOptional({ nullable: true, type: String }) createdBy: string | null;
  @ApiProperty() createdAt: Date;
}

export class JobDetailView extends JobView {
  @ApiProperty({ type: [TargetView], description: 'the latest run\'s first 1,000 targets' }) targets: TargetView[];
}

export class JobPage {
  @ApiProperty({ type: [JobView] }) items: JobView[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() limit: number;
}

export class RunPage {
  @ApiProperty({ type: [RunView] }) items: RunView[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() limit: number;
}

export class TargetPage {
  @ApiProperty({ type: [TargetView] }) items: TargetView[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() limit: number;
}
