// discovery/: a scan of address ranges, split into chunks that any worker may claim, and
// one result row per address saying what was found there or why nothing was.
import { createHash } from 'node:crypto';
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, Relation } from 'typeorm';
import { IdColumn, RefColumn, TextColumn, TimeColumn } from '../database/columns';

export const SCAN_STATUSES = ['queued', 'running', 'completed', 'failed', 'cancelled'] as const;
export type ScanStatus = (typeof SCAN_STATUSES)[number];

/** excluded: a host name target that resolved into the scan's exclusions (excluded addresses get no result) */
export const SCAN_RESULT_STATUSES = ['identified', 'no-response', 'auth-failed', 'refused', 'error', 'excluded'] as const;
export type ScanResultStatus = (typeof SCAN_RESULT_STATUSES)[number];

/**
 * What an identified address did to the inventory: a device first seen, one whose record changed
 * (a history row), or one found as it was. Addresses not identified have none.
 */
export const DEVICE_CHANGES = ['new', 'changed', 'unchanged'] as const;
export type DeviceChange = (typeof DEVICE_CHANGES)[number];

export const CHUNK_STATUSES = ['queued', 'running', 'done', 'cancelled'] as const;
export type ChunkStatus = (typeof CHUNK_STATUSES)[number];

export interface ScanOptions {
  snmpPort: number;
  sshPort: number;
  timeoutMs: number;
  retries: number;
  concurrency: number;
}

@Entity('scans')
@Index(['status', 'id'])
// a scan's previous one of the same range is one index lookup, however many other scans there are
@Index(['rangeKey', 'status', 'id'])
// one scan per firing of a saved range, however many processes fire it and however often one
// that died before it moved the schedule on fires it again
@Index(['scheduleId', 'firedAt'], { unique: true })
export class Scan {
  @IdColumn() id: number;
  @Column({ type: 'varchar', length: 16 }) status: ScanStatus;
  /** the targets as the technician wrote them (CIDRs, ranges, addresses, host names) */
  @Column({ type: 'simple-json' }) targets: string[];
  /** what the scan leaves out, in the same forms (null: nothing) */
  @Column({ type: 'simple-json', nullable: true }) exclude: string[] | null;
  @Column({ type: 'simple-json' }) credentialIds: number[];
  @Column({ type: 'simple-json' }) options: ScanOptions;
  /** scanRangeKey of the above: scans with the same key are compared with each other */
  @Column({ type: 'char', length: 64, nullable: true }) rangeKey: string | null;
  @Column({ type: 'int', unsigned: true, default: 0 }) total: number;
  @Column({ type: 'int', unsigned: true, default: 0 }) done: number;
  @Column({ type: 'int', unsigned: true, default: 0 }) found: number;
  /** results by status, stored when the scan ends (null before, and for scans that ended before it was kept) */
  @Column({ type: 'simple-json', nullable: true }) counts: Partial<Record<ScanResultStatus, number>> | null;
  /** identified addresses by what they did to the inventory, stored with counts */
  @Column({ type: 'simple-json', nullable: true }) deviceCounts: Partial<Record<DeviceChange, number>> | null;
  @Index() @RefColumn({ nullable: true }) scheduleId: number | null;
  @TextColumn(64) createdBy: string | null;
  /** the firing of its saved range it answers (null: started by hand, or before this was kept) */
  @TimeColumn({ nullable: true }) firedAt: Date | null;
  @TextColumn(1024) error: string | null;
  /** firings of its saved range that came while it was still queued or running, and were skipped */
  @Column({ type: 'int', unsigned: true, default: 0 }) skippedFirings: number;
  @TimeColumn() createdAt: Date;
  @TimeColumn({ nullable: true }) startedAt: Date | null;
  @TimeColumn({ nullable: true }) finishedAt: Date | null;
}

/**
 * What makes two scans comparable (what one identified and the other did not means a device is
 * gone): the same targets and exclusions, as written but in any order and case, the same
 * credentials in any order, and the same SNMP and SSH ports. Other options (timeouts,
 * concurrency) do not change what a scan can find.
 */
export function scanRangeKey(s: { targets: string[]; exclude?: string[] | null; credentialIds: number[]; options: Partial<ScanOptions> }): string {
  const set = (xs: string[]) => [...new Set(xs.map((x) => x.trim().toLowerCase()))].sort();
  const key = [set(s.targets), set(s.exclude ?? []), [...new Set(s.credentialIds)].sort((a, b) => a - b), s.options.snmpPort ?? null, s.options.sshPort ?? null];
  return createHash('sha256').update(JSON.stringify(key)).digest('hex');
}

/** A slice of a scan's expanded address list: the unit a worker claims under a lease. */
@Entity('scan_chunks')
@Index(['status', 'leaseUntil'])
export class ScanChunk {
  @PrimaryColumn({ type: 'int', unsigned: true }) scanId: number;
  @PrimaryColumn({ type: 'int', unsigned: true }) chunkNo: number;
  /** index of the chunk's first address in the scan's expanded target list */
  @Column({ type: 'int', unsigned: true }) firstIndex: number;
  @Column({ type: 'int', unsigned: true }) size: number;
  @Column({ type: 'varchar', length: 16 }) status: ChunkStatus;
  @TextColumn(64) leaseOwner: string | null;
  @TimeColumn({ nullable: true }) leaseUntil: Date | null;
  @Column({ type: 'int', unsigned: true, default: 0 }) attempts: number;
  @ManyToOne(() => Scan, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'scan_id' }) scan?: Relation<Scan>;
}

@Entity('scan_results')
@Index(['scanId', 'status'])
// which devices a scan identified: comparing two scans of a range looks devices up by scan
@Index(['scanId', 'deviceId'])
export class ScanResult {
  @PrimaryColumn({ type: 'int', unsigned: true }) scanId: number;
  /** an IP address, or the host name as given */
  @PrimaryColumn({ type: 'varchar', length: 255 }) address: string;
  @Column({ type: 'varchar', length: 16 }) status: ScanResultStatus;
  @TextColumn(1024) reason: string | null;
  @Index() @RefColumn({ nullable: true }) deviceId: number | null;
  /** which protocols identified it: snmp, ssh or both */
  @TextColumn(16) via: string | null;
  @TextColumn(16) deviceChange: DeviceChange | null;
  @Column({ type: 'int', unsigned: true, default: 0 }) durationMs: number;
  @TimeColumn() at: Date;
  @ManyToOne(() => Scan, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'scan_id' }) scan?: Relation<Scan>;
}

/** A saved range that rescans itself on a cron schedule. */
@Entity('scan_schedules')
export class ScanSchedule {
  @IdColumn() id: number;
  @Index({ unique: true }) @Column({ type: 'varchar', length: 128 }) name: string;
  @Column({ type: 'simple-json' }) targets: string[];
  @Column({ type: 'simple-json', nullable: true }) exclude: string[] | null;
  @Column({ type: 'simple-json' }) credentialIds: number[];
  @Column({ type: 'simple-json' }) options: Partial<ScanOptions>;
  @Column({ type: 'varchar', length: 128 }) cron: string;
  @Column({ type: 'varchar', length: 64, default: 'UTC' }) timezone: string;
  @Column({ type: 'boolean', default: true }) enabled: boolean;
  @Index() @TimeColumn({ nullable: true }) nextRunAt: Date | null;
  @RefColumn({ nullable: true }) lastScanId: number | null;
  @TimeColumn() createdAt: Date;
  @TimeColumn() updatedAt: Date;
}
