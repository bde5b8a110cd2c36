// devices/: one row per machine, whatever sources saw it.
import { Column, Entity, Index, OneToMany, Relation } from 'typeorm';
import { IdColumn, TextColumn, TimeColumn } from '../database/columns';
import { DeviceAddress } from './device-address.entity';
import { DeviceSource } from './device-source.entity';
import { DeviceTag } from './device-tag.entity';

export const DEVICE_TYPES = [
  'workstation', 'laptop', 'server', 'switch', 'router', 'firewall', 'access-point',
  'printer', 'phone', 'virtual-machine', 'other',
] as const;
export type DeviceType = (typeof DEVICE_TYPES)[number];

export const PLATFORMS = [
  'linux', 'windows', 'macos', 'cisco-ios', 'cisco-nxos', 'junos', 'eos', 'procurve',
  'routeros', 'fortios', 'printer', 'other',
] as const;
export type Platform = (typeof PLATFORMS)[number];

export const DEVICE_STATUSES = ['active', 'stale', 'retired'] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];

export const OS_FAMILIES = ['linux', 'windows', 'macos', 'bsd', 'unix', 'network-os', 'embedded', 'other'] as const;
/** The device filters' value for "no OS family known" (os_family NULL or empty); no family has this name. */
export const UNKNOWN_OS_FAMILY = 'unknown';

@Entity('devices')
@Index(['status', 'lastSeen'])
@Index(['osFamily', 'status'])
// the list's sort columns carry id and status so that pages, deep ones too, are index walks
@Index(['hostname', 'id', 'status'])
@Index(['lastSeen', 'id', 'status'])
// the dashboard counts devices by type, platform and OS family, each with its status, from an index alone
@Index(['type', 'status'])
@Index(['platform', 'status'])
export class Device {
  @IdColumn() id: number;
  @TextColumn(255) hostname: string | null;
  @Index() @TextColumn(255) fqdn: string | null;
  @Column({ type: 'varchar', length: 32, default: 'other' }) type: DeviceType;
  @Column({ type: 'varchar', length: 32, default: 'other' }) platform: Platform;
  @Index() @TextColumn(128) vendor: string | null;
  @Index() @TextColumn(255) model: string | null;
  @Index() @TextColumn(128) serial: string | null;
  @TextColumn(32) osFamily: string | null;
  @TextColumn(255) osName: string | null;
  @TextColumn(128) osVersion: string | null;
  @Column({ type: 'varchar', length: 16, default: 'active' }) status: DeviceStatus;
  @Index() @TextColumn(255) location: string | null;
  @TextColumn(255) assignedTo: string | null;
  @Column({ type: 'text', nullable: true }) notes: string | null;
  @Index() @TextColumn(45) primaryIp: string | null;
  @Index() @TimeColumn() firstSeen: Date;
  @TimeColumn() lastSeen: Date;
  @TimeColumn({ nullable: true }) retiredAt: Date | null;
  @TimeColumn() createdAt: Date;
  @TimeColumn() updatedAt: Date;

  @OneToMany(() => DeviceTag, (t) => t.device) tags?: Relation<DeviceTag[]>;
  @OneToMany(() => DeviceSource, (s) => s.device) sources?: Relation<DeviceSource[]>;
  @OneToMany(() => DeviceAddress, (a) => a.device) addresses?: Relation<DeviceAddress[]>;
}
