// The dashboard's figures (GET /api/stats) as chart slices: each with the words it shows, a colour,
// and the filtered list a click opens where that list can filter by it.
import type { Schemas } from '../../api/client';
import { DeviceStatus, DeviceType, STATUS_COLORS, STATUS_LABELS, TYPE_LABELS } from '../devices/device-labels';

export type Stats = Schemas['StatsView'];
export type KeyCount = Schemas['KeyCount'];

export interface Slice {
  key: string;
  label: string;
  count: number;
  color: string;
  /** the list the slice opens; none where the list cannot narrow to it (e.g. an unknown OS family) */
  href?: string;
}

const TYPE_COLORS: Record<DeviceType, string> = {
  workstation: 'indigo.6', laptop: 'blue.5', server: 'teal.6', switch: 'cyan.6', router: 'grape.6', firewall: 'red.6',
  'access-point': 'lime.6', printer: 'orange.5', phone: 'pink.5', 'virtual-machine': 'violet.5', other: 'gray.6',
};

const OS_FAMILY_LABELS: Record<string, string> = {
  linux: 'Linux', windows: 'Windows', macos: 'macOS', bsd: 'BSD', unix: 'Unix', 'network-os': 'Network OS', embedded: 'Embedded', other: 'Other',
};

const OS_FAMILY_COLORS: Record<string, string> = {
  linux: 'yellow.6', windows: 'blue.6', macos: 'gray.5', bsd: 'red.6', unix: 'orange.6', 'network-os': 'cyan.6', embedded: 'lime.6', other: 'gray.6',
};

/** Colours the status badges elsewhere use, at chart strength. */
const statusColor = (s: string) => `${STATUS_COLORS[s as DeviceStatus] ?? 'gray'}.6`;

const devicesWhere = (param: string, value: string) => `/devices?${new URLSearchParams({ [param]: value })}`;

export function typeSlices(rows: KeyCount[]): Slice[] {
  return rows.map((r) => {
    const key = r.key ?? 'other';
    return { key, label: TYPE_LABELS[key as DeviceType] ?? key, count: r.count, color: TYPE_COLORS[key as DeviceType] ?? 'gray.6', href: devicesWhere('type', key) };
  });
}

export function osFamilySlices(rows: KeyCount[]): Slice[] {
  return rows.map((r) =>
    r.key === null || r.key === undefined || r.key === ''
      ? { key: '', label: 'Unknown', count: r.count, color: 'gray.4', href: devicesWhere('osFamily', 'unknown') }
      : { key: r.key, label: OS_FAMILY_LABELS[r.key] ?? r.key, count: r.count, color: OS_FAMILY_COLORS[r.key] ?? 'gray.6', href: devicesWhere('osFamily', r.key) },
  );
}

export function statusSlices(rows: KeyCount[]): Slice[] {
  return rows.map((r) => {
    const key = r.key ?? 'active';
    return { key, label: STATUS_LABELS[key as DeviceStatus] ?? key, count: r.count, color: statusColor(key), href: devicesWhere('status', key) };
  });
}

/** The figures of a chart in one sentence, for the chart's text alternative. */
export function describe(title: string, slices: Slice[]): string {
  return slices.length ? `${title}: ${slices.map((s) => `${s.label} ${s.count.toLocaleString()}`).join(', ')}` : `${title}: none`;
}

/** Whether the install has no device at all yet, retired ones included. */
export function isFreshInstall(s: Stats): boolean {
  return s.devices.byStatus.reduce((n, r) => n + r.count, 0) === 0;
}
