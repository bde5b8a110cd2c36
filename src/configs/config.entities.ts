// configs/: versioned configurations, the current state per device (its latest version, the
// text searched by "which devices still have …", the drift against its baseline), the rules an
// admin edits (normalization, compliance) and the baselines technicians pin.
import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, PrimaryGeneratedColumn, Relation } from 'typeorm';
import { BigRefColumn, IdColumn, LongJsonColumn, RefColumn, TextColumn, TimeColumn } from '../database/columns';
import { Device } from '../devices/device.entity';
import type { ConfigPlatform, RuleSeverity } from './types';

export const BACKUP_TRIGGERS = ['manual', 'schedule', 'push'] as const;
export type BackupTrigger = (typeof BACKUP_TRIGGERS)[number];

/** One version of a device's normalized configuration: a new row only when the text's SHA-256 changes. */
@Entity('config_versions')
@Index(['deviceId', 'id'])
export class ConfigVersion {
  @PrimaryGeneratedColumn({ type: 'bigint', unsigned: true }) id: string;
  @RefColumn() deviceId: number;
  @ManyToOne(() => Device, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'device_id' }) device?: Relation<Device>;
  @Column({ type: 'char', length: 64 }) sha256: string;
  /** the normalized text (volatile lines dropped, secrets masked), gzip */
  @Column({ type: 'mediumblob', select: false }) content: Buffer;
  @Column({ type: 'int', unsigned: true }) bytes: number;
  @Column({ type: 'int', unsigned: true }) lines: number;
  /** what produced it: `show running-config`, the Linux files read */
  @Column({ type: 'varchar', length: 1024 }) source: string;
  @Column({ type: 'varchar', length: 16 }) trigger: BackupTrigger;
  @RefColumn({ nullable: true }) jobRunId: number | null;
  @TimeColumn() collectedAt: Date;
}

/** Where each device stands: its latest version and last attempt, and its drift from its baseline. */
@Entity('device_configs')
export class DeviceConfig {
  @PrimaryColumn({ type: 'int', unsigned: true }) deviceId: number;
  @ManyToOne(() => Device, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'device_id' }) device?: Relation<Device>;
  /** indexed: counting the devices with a configuration must not read every configuration's text */
  @Index() @Column({ type: 'bigint', unsigned: true, nullable: true }) versionId: string | null;
  /** the latest version's normalized text, for search across current configs */
  @Column({ type: 'mediumtext', nullable: true, select: false }) currentText: string | null;
  @Column({ type: 'int', unsigned: true, default: 0 }) versions: number;
  /** the last backup attempt: when, and whether it worked (and why not) */
  @TimeColumn({ nullable: true }) lastAttemptAt: Date | null;
  @TextColumn(16) lastStatus: 'ok' | 'failed' | null;
  @TextColumn(1024) lastError: string | null;
  /** when the configuration last changed (the latest version's collectedAt) and was last confirmed unchanged */
  @TimeColumn({ nullable: true }) changedAt: Date | null;
  @TimeColumn({ nullable: true }) checkedAt: Date | null;
  /** drift: the baseline compared with, since when the device differs from it (null: in line), the diff */
  @RefColumn({ nullable: true }) baselineId: number | null;
  @Index() @TimeColumn({ nullable: true }) driftSince: Date | null;
  @Column({ type: 'mediumtext', nullable: true, select: false }) driftDiff: string | null;
  @Column({ type: 'int', unsigned: true, default: 0 }) driftAdded: number;
  @Column({ type: 'int', unsigned: true, default: 0 }) driftRemoved: number;
  @TextColumn(1024) driftError: string | null;
  @TimeColumn({ nullable: true }) evaluatedAt: Date | null;
  /** the ConfigGeneration its current version was last evaluated at; null: that version not yet evaluated */
  @Column({ type: 'bigint', unsigned: true, nullable: true }) evaluatedGeneration: string | null;
}

/**
 * One row (id 1): a number raised, in the same transaction, by every change to what an
 * evaluation reads besides the configuration — compliance rules, baselines, normalization
 * rules — deletions included. The re-evaluations such a change starts run in one process's
 * background, which a restart loses; a backup finds a device evaluated at a lower number and
 * evaluates it again, although its configuration did not change. A counter, not a time: the
 * processes that change rules and evaluate run on machines whose clocks differ.
 */
@Entity('config_generation')
export class ConfigGeneration {
  @PrimaryColumn({ type: 'tinyint', unsigned: true }) id: number;
  @Column({ type: 'bigint', unsigned: true }) generation: string;
}

/** An admin-editable normalization rule (see types.ts NormalizationRule); the defaults are seeded as `builtin`. */
@Entity('config_normalization_rules')
export class ConfigNormalizationRule {
  @IdColumn() id: number;
  @TextColumn(32) platform: ConfigPlatform | null;
  @Column({ type: 'varchar', length: 8 }) action: 'drop' | 'mask';
  @Column({ type: 'varchar', length: 500 }) pattern: string;
  @Column({ type: 'varchar', length: 255, default: '' }) description: string;
  @Column({ type: 'boolean', default: true }) enabled: boolean;
  @Column({ type: 'boolean', default: false }) builtin: boolean;
  @TimeColumn() createdAt: Date;
  @TimeColumn() updatedAt: Date;
}

/**
 * A baseline: a pinned version for one device, or a golden template (Handlebars) for a tag or a
 * platform. A device's baseline is its own pin, else the template of one of its tags (lowest
 * id first), else its platform's template. `ignore`: regexes of lines left out of the comparison.
 */
@Entity('config_baselines')
export class ConfigBaseline {
  @IdColumn() id: number;
  @Column({ type: 'varchar', length: 16 }) scope: 'device' | 'tag' | 'platform';
  @Index({ unique: true }) @RefColumn({ nullable: true }) deviceId: number | null;
  @ManyToOne(() => Device, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'device_id' }) device?: Relation<Device>;
  @Index({ unique: true }) @TextColumn(100) tag: string | null;
  @Index({ unique: true }) @TextColumn(32) platform: ConfigPlatform | null;
  @BigRefColumn({ nullable: true }) versionId: number | null;
  @Column({ type: 'mediumtext', nullable: true }) template: string | null;
  /** up to 100 regexes of 500 characters: more than a TEXT holds as JSON */
  @LongJsonColumn() ignore: string[];
  @TextColumn(64) createdBy: string | null;
  @TimeColumn() createdAt: Date;
  @TimeColumn() updatedAt: Date;
}

/** A compliance rule (see types.ts ComplianceRule), scoped to a platform and/or a tag when set. */
@Entity('config_rules')
export class ConfigRule {
  @IdColumn() id: number;
  @Column({ type: 'varchar', length: 200 }) name: string;
  @Column({ type: 'varchar', length: 20 }) kind: 'must-contain' | 'must-not-contain' | 'block';
  @Column({ type: 'varchar', length: 500 }) pattern: string;
  @TextColumn(500) blockStart: string | null;
  @TextColumn(500) blockWhere: string | null;
  @TextColumn(32) platform: ConfigPlatform | null;
  @TextColumn(100) tag: string | null;
  @Column({ type: 'varchar', length: 10 }) severity: RuleSeverity;
  @Column({ type: 'boolean', default: true }) enabled: boolean;
  @TimeColumn() createdAt: Date;
  @TimeColumn() updatedAt: Date;
}

/** A rule's latest result on a device's current configuration; `since`: when it last changed between pass and fail. */
@Entity('config_rule_results')
@Index(['ruleId', 'passed'])
export class ConfigRuleResult {
  @PrimaryColumn({ type: 'int', unsigned: true }) deviceId: number;
  @PrimaryColumn({ type: 'int', unsigned: true }) ruleId: number;
  @ManyToOne(() => Device, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'device_id' }) device?: Relation<Device>;
  @ManyToOne(() => ConfigRule, { onDelete: 'CASCADE' }) @JoinColumn({ name: 'rule_id' }) rule?: Relation<ConfigRule>;
  @Column({ type: 'boolean' }) passed: boolean;
  @Column({ type: 'text' }) detail: string;
  @Column({ type: 'simple-json' }) lines: number[];
  @TimeColumn() since: Date;
  @TimeColumn() evaluatedAt: Date;
}
