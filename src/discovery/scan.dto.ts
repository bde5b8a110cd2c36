// discovery/: request and response shapes of scans and saved ranges.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, ArrayNotEmpty, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateNested,
} from 'class-validator';
import { MaxChars, Omittable, trimmed } from '../common/dto-fields';
import { CREDENTIAL_KINDS, CredentialKind } from '../credentials/credential.entity';
import { PageQuery } from '../common/pagination';
import { DEVICE_CHANGES, DeviceChange, SCAN_RESULT_STATUSES, SCAN_STATUSES, ScanOptions, ScanResultStatus, ScanStatus } from './scan.entity';

export const DEFAULT_SCAN_OPTIONS: ScanOptions = { snmpPort: 161, sshPort: 22, timeoutMs: 1500, retries: 1, concurrency: 256 };

/** What a scan's targets or exclusions may take as JSON: a MySQL TEXT column. */
export const MAX_LIST_BYTES = 65_535;
/** Exclusions of a scan's own: TEKNISI_SCAN_EXCLUDE's and the addresses listed after a host name are not counted (ScansService.validate). */
export const MAX_OWN_EXCLUSIONS = 1000;
/**
 * Entries an `exclude` may have in a request: as many as a scan can keep (each takes at least 4
 * of its MAX_LIST_BYTES). A scan's exclude lists, beside the technician's own, what each host name
 * resolved to and the server's list; "Scan again" sends all of it back, and a cap of 1,000 refused
 * a scan that had been accepted. The service counts the technician's own against MAX_OWN_EXCLUSIONS.
 */
export const MAX_EXCLUDE_ENTRIES = Math.floor((MAX_LIST_BYTES - 1) / 4);

export class ScanOptionsDto {
  @ApiPropertyOptional({ default: 161 }) @IsOptional() @IsInt() @Min(1) @Max(65535) snmpPort?: number;
  @ApiPropertyOptional({ default: 22 }) @IsOptional() @IsInt() @Min(1) @Max(65535) sshPort?: number;
  @ApiPropertyOptional({ default: 1500, minimum: 100, maximum: 30000, description: 'per SNMP request and SSH connection' })
  @IsOptional() @IsInt() @Min(100) @Max(30000) timeoutMs?: number;
  @ApiPropertyOptional({ default: 1, minimum: 0, maximum: 5, description: 'SNMP retries after a timeout' })
  @IsOptional() @IsInt() @Min(0) @Max(5) retries?: number;
  @ApiPropertyOptional({ default: 256, minimum: 1, maximum: 4096, description: 'addresses probed at once by each worker' })
  @IsOptional() @IsInt() @Min(1) @Max(4096) concurrency?: number;
}

export class CreateScanDto {
  @ApiProperty({ example: ['192.0.2.0/24', '192.0.2.5-192.0.2.9', 'host.example'], description: 'CIDR blocks, ranges (a-b or a-lastOctet), addresses, host names' })
  @IsArray() @ArrayNotEmpty() @ArrayMaxSize(1000) @IsString({ each: true }) @MaxLength(300, { each: true })
  targets: string[];

  @ApiPropertyOptional({
    example: ['192.0.2.1', '192.0.2.200-254', 'ups.example'],
    description: 'what the scan leaves out, in the same forms: never contacted, and a host name target that resolves into it is not contacted either. A host name here is resolved as the scan starts and its addresses are left out too (one that does not resolve is a 400); a CIDR block covers all of it, network and broadcast addresses included. '
      + `At most ${MAX_OWN_EXCLUSIONS} of the scan's own: a scan's exclude as GET shows it can be sent back as it is, since neither the server's TEKNISI_SCAN_EXCLUDE entries nor the addresses listed right after a host name are counted`,
    maxItems: MAX_EXCLUDE_ENTRIES,
  })
  @IsOptional() @IsArray() @ArrayMaxSize(MAX_EXCLUDE_ENTRIES) @IsString({ each: true }) @MaxLength(300, { each: true })
  exclude?: string[];

  @ApiProperty({ type: [Number], example: [1, 2], description: 'SNMP and SSH credentials to try; the one that worked for a device is tried first next time' })
  @IsArray() @ArrayNotEmpty() @ArrayMaxSize(50) @IsInt({ each: true }) @Min(1, { each: true })
  credentialIds: number[];

  @ApiPropertyOptional({ type: ScanOptionsDto })
  @IsOptional() @ValidateNested() @Type(() => ScanOptionsDto)
  options?: ScanOptionsDto;
}

export class ScanListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: SCAN_STATUSES }) @IsOptional() @IsIn(SCAN_STATUSES) status?: ScanStatus;
}

/** Which of a scan's results: by status, or by what they did to the inventory. */
export class ScanResultFilter {
  @ApiPropertyOptional({ enum: SCAN_RESULT_STATUSES, description: 'only results with this status' })
  @IsOptional() @IsIn(SCAN_RESULT_STATUSES) resultStatus?: ScanResultStatus;
  @ApiPropertyOptional({ enum: DEVICE_CHANGES, description: 'only identified addresses whose device this scan added (new), changed, or found as it was' })
  @IsOptional() @IsIn(DEVICE_CHANGES) change?: DeviceChange;
}

export class ScanDetailQuery extends ScanResultFilter {
  @ApiPropertyOptional({ default: 0, minimum: 0, maximum: 16_777_216 }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(16_777_216) resultsOffset: number = 0;
  @ApiPropertyOptional({ default: 1000, minimum: 0, maximum: 5000 }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(5000) resultsLimit: number = 1000;
}

export class ScanProgress {
  @ApiProperty({ description: 'addresses finished' }) done: number;
  @ApiProperty({ description: 'addresses in the scan' }) total: number;
  @ApiProperty({ description: 'addresses identified as a device' }) found: number;
}

export class ScanResultView {
  @ApiProperty({ example: '192.0.2.7' }) address: string;
  @ApiProperty({ enum: SCAN_RESULT_STATUSES }) status: ScanResultStatus;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'no reply on UDP 161 (SNMP) within 1500 ms × 2 tries; TCP 22 (SSH) refused' })
  reason: string | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) deviceId: number | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'lab-web01', description: 'the hostname of that device now' }) deviceName?: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'snmp+ssh', description: 'what identified it' }) via: string | null;
  @ApiPropertyOptional({ nullable: true, enum: DEVICE_CHANGES, description: 'identified addresses: what this scan did to the device, over every address it answered at: first seen (new), its record changed (see its history), or found as it was; null for the others, and for results stored before this was kept' })
  change: DeviceChange | null;
  @ApiProperty() durationMs: number;
  @ApiProperty() at: Date;
}

/** Finished addresses per result status; a status no address has yet is absent. */
export class ScanCounts {
  @ApiPropertyOptional() identified?: number;
  @ApiPropertyOptional() 'no-response'?: number;
  @ApiPropertyOptional() 'auth-failed'?: number;
  @ApiPropertyOptional() refused?: number;
  @ApiPropertyOptional() error?: number;
  @ApiPropertyOptional({ description: 'host names that resolved into the exclusions' }) excluded?: number;
}

/** The devices the scan identified by what it did to them, each once however many addresses it answered at; a kind no device has is absent. */
export class ScanDeviceCounts {
  @ApiPropertyOptional({ description: 'devices this scan found first' }) new?: number;
  @ApiPropertyOptional({ description: 'devices whose record this scan changed' }) changed?: number;
  @ApiPropertyOptional({ description: 'devices found as they were' }) unchanged?: number;
}

/** The completed scan before this one over the same range, and what answered it but not this one. */
export class ScanComparison {
  @ApiProperty({ description: 'the last completed scan before this one with the same targets, exclusions and credentials (each in any order) and SNMP and SSH ports, whoever started it' }) previousScanId: number;
  @ApiProperty({ description: 'devices that scan identified and this one did not: GET /api/discovery/scans/{id}/gone lists them' }) gone: number;
}

const SKIPPED_FIRINGS = 'firings of its saved range that came while it was still queued or running: skipped, so that a scan that outlasts its schedule is not joined by a second one of the same range';

/** A credential a scan names, by what it is called: never a secret. */
export class ScanCredentialView {
  @ApiProperty() id: number;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'office v2c', description: 'its name now; null once it has been deleted' }) name: string | null;
  @ApiPropertyOptional({ nullable: true, enum: CREDENTIAL_KINDS, description: 'null once it has been deleted' }) kind: CredentialKind | null;
}

export class ScanView {
  @ApiProperty() id: number;
  @ApiProperty({ enum: SCAN_STATUSES }) status: ScanStatus;
  @ApiProperty({ type: [String] }) targets: string[];
  @ApiProperty({ type: [String], description: 'what the scan leaves out: its own exclusions, then the server\'s TEKNISI_SCAN_EXCLUDE, each host name followed by the addresses it resolved to; not counted in progress.total' }) exclude: string[];
  @ApiProperty({ type: [Number] }) credentialIds: number[];
  @ApiProperty({ type: [ScanCredentialView], description: 'credentialIds by name and kind, in the same order, for every role: a viewer, who cannot list credentials, reads which were tried; a deleted one has name and kind null' })
  credentials: ScanCredentialView[];
  @ApiProperty({ type: ScanOptionsDto }) options: ScanOptions;
  @ApiProperty({ type: ScanProgress }) progress: ScanProgress;
  @ApiProperty({ type: ScanCounts, description: 'finished addresses per result status', example: { identified: 3, 'no-response': 250 } })
  counts: Partial<Record<ScanResultStatus, number>>;
  @ApiProperty({ type: ScanDeviceCounts, description: 'identified addresses by what they did to the inventory', example: { new: 2, changed: 1, unchanged: 17 } })
  devices: Partial<Record<DeviceChange, number>>;
  @ApiPropertyOptional({ nullable: true, type: Number }) scheduleId: number | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'the saved range\'s name (null once it is deleted)' }) scheduleName: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: 'who started it: a user, or schedule:<name> when a saved range fired on its own' }) createdBy: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) error: string | null;
  @ApiProperty({ description: SKIPPED_FIRINGS }) skippedFirings: number;
  @ApiProperty() createdAt: Date;
  @ApiPropertyOptional({ nullable: true, type: Date }) startedAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Date }) finishedAt: Date | null;
}

export class ScanDetailView extends ScanView {
  @ApiProperty({ type: [ScanResultView], description: 'one page of results (resultsOffset, resultsLimit) in address order: 192.0.2.2 before 192.0.2.10, IPv4 before IPv6, host names last' }) results: ScanResultView[];
  @ApiProperty({ description: 'results that match resultStatus and change, on every page (a change filter lists each address of its devices)' }) resultsTotal: number;
  @ApiPropertyOptional({ nullable: true, type: ScanComparison, description: 'a completed scan against the previous completed scan of the same range; null while it runs, when it did not complete, and when no completed scan of the range used the same credentials and ports' })
  comparison: ScanComparison | null;
}

export class AddressAnswer {
  @ApiProperty({ enum: SCAN_RESULT_STATUSES }) status: ScanResultStatus;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'UDP 161 closed (ICMP port unreachable); TCP 22 (SSH) refused' }) reason: string | null;
}

export class GoneAddress {
  @ApiProperty({ example: '192.0.2.7', description: 'where the device answered the previous scan' }) address: string;
  @ApiPropertyOptional({ nullable: true, type: AddressAnswer, description: 'what that address answered this scan; null when this scan has no result for it' })
  now: AddressAnswer | null;
}

export class GoneDeviceView {
  @ApiProperty() deviceId: number;
  @ApiPropertyOptional({ nullable: true, type: String, example: 'lab-web01' }) deviceName: string | null;
  @ApiProperty({ example: 'active', description: 'the device\'s status now (active, stale, retired)' }) deviceStatus: string;
  @ApiPropertyOptional({ nullable: true, type: Date, description: 'its last sighting by any source (an agent may still report it)' }) lastSeen: Date | null;
  @ApiProperty({ type: [GoneAddress] }) addresses: GoneAddress[];
}

export class GonePage {
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'the scan compared with; null (and no items) when there is none' }) previousScanId: number | null;
  @ApiProperty({ type: [GoneDeviceView], description: 'by hostname' }) items: GoneDeviceView[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() limit: number;
}

export class ScanPage {
  @ApiProperty({ type: [ScanView] }) items: ScanView[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() limit: number;
}

export class ScanCreated {
  @ApiProperty() id: number;
}

export class RescanCreated extends ScanCreated {
  @ApiProperty({ type: [Number], description: 'credentials of the scan that identified the device deleted since, left out of this one: it may not identify the device without them' })
  deletedCredentialIds: number[];
}

// saved ranges

export class CreateScheduleDto extends CreateScanDto {
  @ApiProperty({ example: 'Office LAN nightly' }) @trimmed() @IsString() @MinLength(1, { message: 'name must not be empty' }) @MaxChars(128) name: string;
  @ApiProperty({ example: '0 2 * * *', description: 'five-field cron expression (minute hour day month weekday)' })
  @IsString() @MaxLength(128) @Matches(/^\S+(\s+\S+){4}$/, { message: 'cron must have five fields: minute hour day-of-month month day-of-week' })
  cron: string;
  @ApiPropertyOptional({ example: 'Europe/Berlin', default: 'UTC' }) @IsOptional() @IsString() @MaxLength(64) timezone?: string;
  @ApiPropertyOptional({ default: true }) @IsOptional() @IsBoolean() enabled?: boolean;
}

export class UpdateScheduleDto {
  @ApiPropertyOptional() @Omittable() @trimmed() @IsString() @MinLength(1, { message: 'name must not be empty' }) @MaxChars(128) name?: string;
  @ApiPropertyOptional({ type: [String] }) @Omittable() @IsArray() @ArrayNotEmpty() @ArrayMaxSize(1000) @IsString({ each: true }) @MaxLength(300, { each: true }) targets?: string[];
  @ApiPropertyOptional({ type: [String], maxItems: MAX_EXCLUDE_ENTRIES, description: `replaces the exclusions; [] excludes nothing; at most ${MAX_OWN_EXCLUSIONS} of its own, counted as a scan's are` }) @IsOptional() @IsArray() @ArrayMaxSize(MAX_EXCLUDE_ENTRIES) @IsString({ each: true }) @MaxLength(300, { each: true }) exclude?: string[];
  @ApiPropertyOptional({ type: [Number] }) @Omittable() @IsArray() @ArrayNotEmpty() @ArrayMaxSize(50) @IsInt({ each: true }) @Min(1, { each: true }) credentialIds?: number[];
  @ApiPropertyOptional({ type: ScanOptionsDto }) @Omittable() @ValidateNested() @Type(() => ScanOptionsDto) options?: ScanOptionsDto;
  @ApiPropertyOptional() @Omittable() @IsString() @MaxLength(128) @Matches(/^\S+(\s+\S+){4}$/, { message: 'cron must have five fields: minute hour day-of-month month day-of-week' }) cron?: string;
  @ApiPropertyOptional() @Omittable() @IsString() @MaxLength(64) timezone?: string;
  @ApiPropertyOptional() @Omittable() @IsBoolean() enabled?: boolean;
}

/** A scan in a few figures: a saved range's last one. */
export class ScanSummary {
  @ApiProperty() id: number;
  @ApiProperty({ enum: SCAN_STATUSES }) status: ScanStatus;
  @ApiProperty({ description: 'addresses identified' }) found: number;
  @ApiProperty({ type: ScanDeviceCounts }) devices: Partial<Record<DeviceChange, number>>;
  @ApiPropertyOptional({ nullable: true, type: Number, description: 'devices the scan before it identified and it did not (see its /gone); null when it did not complete or has nothing to compare with' }) gone: number | null;
  @ApiProperty({ description: SKIPPED_FIRINGS }) skippedFirings: number;
  @ApiPropertyOptional({ nullable: true, type: Date }) finishedAt: Date | null;
}

export class ScheduleView {
  @ApiProperty() id: number;
  @ApiProperty() name: string;
  @ApiProperty({ type: [String] }) targets: string[];
  @ApiProperty({ type: [String] }) exclude: string[];
  @ApiProperty({ type: [Number] }) credentialIds: number[];
  @ApiProperty({ type: ScanOptionsDto }) options: Partial<ScanOptions>;
  @ApiProperty() cron: string;
  @ApiProperty() timezone: string;
  @ApiProperty() enabled: boolean;
  @ApiPropertyOptional({ nullable: true, type: Date }) nextRunAt: Date | null;
  @ApiPropertyOptional({ nullable: true, type: Number }) lastScanId: number | null;
  @ApiPropertyOptional({ nullable: true, type: ScanSummary, description: 'that scan in a few figures; null before the first, and once it is deleted' }) lastScan: ScanSummary | null;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
}

export class SchedulePage {
  @ApiProperty({ type: [ScheduleView] }) items: ScheduleView[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() limit: number;
}
