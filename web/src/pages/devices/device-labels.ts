// The words the devices pages use for the API's enums. Each table is a Record over the type the
// OpenAPI document generates, so a value the server adds fails the type check until it has words.
import type { Schemas } from '../../api/client';

export type Device = Schemas['DeviceView'];
export type DeviceDetail = Schemas['DeviceDetailView'];
export type DeviceType = Device['type'];
export type Platform = Device['platform'];
export type DeviceStatus = Device['status'];

export const TYPE_LABELS: Record<DeviceType, string> = {
  workstation: 'Workstation', laptop: 'Laptop', server: 'Server', switch: 'Switch', router: 'Router', firewall: 'Firewall',
  'access-point': 'Access point', printer: 'Printer', phone: 'Phone', 'virtual-machine': 'Virtual machine', other: 'Other',
};

export const PLATFORM_LABELS: Record<Platform, string> = {
  linux: 'Linux', windows: 'Windows', macos: 'macOS', 'cisco-ios': 'Cisco IOS', 'cisco-nxos': 'Cisco NX-OS', junos: 'Junos', eos: 'Arista EOS',
  procurve: 'HPE ProCurve', routeros: 'MikroTik RouterOS', fortios: 'FortiOS', printer: 'Printer', other: 'Other',
};

export const STATUS_LABELS: Record<DeviceStatus, string> = { active: 'Active', stale: 'Stale', retired: 'Retired' };
export const STATUS_COLORS: Record<DeviceStatus, string> = { active: 'green', stale: 'yellow', retired: 'gray' };

/** OS families as ingest classifies them (src/devices/device.entity.ts OS_FAMILIES). */
export const OS_FAMILIES = ['linux', 'windows', 'macos', 'bsd', 'unix', 'network-os', 'embedded', 'other'] as const;

/**
 * Platforms Teknisi can back up a configuration from (src/configs/types.ts CONFIG_PLATFORMS):
 * only these show "Back up config". The server refuses others anyway.
 */
export const CONFIG_PLATFORMS: ReadonlySet<Platform> = new Set<Platform>(['cisco-ios', 'cisco-nxos', 'junos', 'eos', 'procurve', 'routeros', 'fortios', 'linux']);

export const options = <K extends string>(labels: Record<K, string>) => (Object.keys(labels) as K[]).map((value) => ({ value, label: labels[value] }));

/** The name a device goes by where it has no hostname. */
export function deviceName(d: { id?: number; deviceId?: number; hostname?: string | null; primaryIp?: string | null; serial?: string | null }): string {
  return d.hostname || d.primaryIp || d.serial || `device ${d.id ?? d.deviceId}`;
}
