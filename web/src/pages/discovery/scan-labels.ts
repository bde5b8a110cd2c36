// How scan and per-address statuses read and are coloured, in one place for the discovery pages.
import type { Schemas } from '../../api/client';
import { plural } from '../../lib/format';

export type ScanStatus = Schemas['ScanView']['status'];
export type ResultStatus = Schemas['ScanResultView']['status'];

export const SCAN_STATUS_COLOR: Record<ScanStatus, string> = {
  queued: 'gray', running: 'blue', completed: 'green', failed: 'red', cancelled: 'orange',
};

export const RESULT_STATUSES: ResultStatus[] = ['identified', 'no-response', 'auth-failed', 'refused', 'error', 'excluded'];

export const RESULT_LABEL: Record<ResultStatus, string> = {
  identified: 'Identified', 'no-response': 'No response', 'auth-failed': 'Auth failed', refused: 'Refused', error: 'Error', excluded: 'Excluded',
};

export const RESULT_COLOR: Record<ResultStatus, string> = {
  identified: 'green', 'no-response': 'gray', 'auth-failed': 'orange', refused: 'yellow', error: 'red', excluded: 'violet',
};

export type DeviceChange = NonNullable<Schemas['ScanResultView']['change']>;

export const DEVICE_CHANGES: DeviceChange[] = ['new', 'changed', 'unchanged'];

export const CHANGE_LABEL: Record<DeviceChange, string> = { new: 'New', changed: 'Changed', unchanged: 'Unchanged' };

export const CHANGE_COLOR: Record<DeviceChange, string> = { new: 'teal', changed: 'blue', unchanged: 'gray' };

/**
 * How many devices a scan identified, in words: a machine found at two addresses (SNMP at one,
 * SSH at another) is one device. Scans stored before device counts were kept say addresses.
 */
export function devicesFound(devices: Schemas['ScanView']['devices'], addresses: number): string {
  const n = Object.values(devices).reduce((a, b) => a + (b ?? 0), 0);
  return n || !addresses ? plural(n, 'device') : plural(addresses, 'address', 'addresses');
}

/** What a scan did to the inventory in a few words ("3 new · 1 changed"); empty when it added and changed nothing. */
export function devicesSummary(devices: Schemas['ScanView']['devices']): string {
  return (['new', 'changed'] as const).filter((k) => devices[k]).map((k) => `${devices[k]!.toLocaleString('en')} ${k}`).join(' · ');
}

export const isActiveScan = (s: ScanStatus | undefined) => s === 'queued' || s === 'running';

/** Targets as the form takes them: one per line, or separated by commas or spaces ("192.0.2.1 - 192.0.2.9" is one range). */
export function parseTargets(text: string): string[] {
  return text.replace(/\s*-\s*/g, '-').split(/[\s,;]+/).map((t) => t.trim()).filter(Boolean);
}

/** A scan's targets in one short line: the first few and how many more, and how many exclusions. */
export function targetsSummary(targets: string[], exclude: string[] = [], max = 3): string {
  const shown = targets.length <= max ? targets.join(', ') : `${targets.slice(0, max).join(', ')} +${targets.length - max} more`;
  return exclude.length ? `${shown} (excluding ${exclude[0]}${exclude.length > 1 ? ` +${exclude.length - 1} more` : ''})` : shown;
}

/**
 * Who started a scan, in the same words on every page: a user, a saved range on its schedule,
 * or a user running a saved range now.
 */
export function startedBy(s: Pick<Schemas['ScanView'], 'scheduleId' | 'scheduleName' | 'createdBy'>): string {
  if (!s.scheduleId) return s.createdBy ?? '—';
  const range = s.scheduleName ? `saved range "${s.scheduleName}"` : `saved range ${s.scheduleId} (deleted)`;
  if (!s.createdBy || s.createdBy.startsWith('schedule:')) return `${range}, on its schedule`;
  return `${s.createdBy}, running ${range}`;
}
