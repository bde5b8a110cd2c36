// How jobs, runs and targets read and are coloured, and the job kinds the wizard offers: one place
// for the jobs pages.
import type { Schemas } from '../../api/client';
import { formatTime, noun, plural } from '../../lib/format';

export type Job = Schemas['JobView'];
export type JobStatus = Job['status'];
export type TargetStatus = Schemas['TargetView']['status'];
export type Counts = Schemas['TargetCounts'];

export const JOB_STATUS_COLOR: Record<JobStatus, string> = {
  scheduled: 'grape', running: 'blue', paused: 'yellow', completed: 'green', cancelled: 'orange',
};

export const TARGET_STATUSES: TargetStatus[] = ['queued', 'waiting-for-window', 'running', 'succeeded', 'skipped', 'failed', 'cancelled', 'missed'];

export const TARGET_LABEL: Record<TargetStatus, string> = {
  queued: 'Queued', 'waiting-for-window': 'Waiting for window', running: 'Running', succeeded: 'Succeeded', skipped: 'Skipped', failed: 'Failed', cancelled: 'Cancelled', missed: 'Missed',
};

export const TARGET_COLOR: Record<TargetStatus, string> = {
  queued: 'gray', 'waiting-for-window': 'grape', running: 'blue', succeeded: 'green', skipped: 'teal', failed: 'red', cancelled: 'orange', missed: 'yellow',
};

/** The counts object's key for a target status (waiting-for-window → waitingForWindow). */
export const COUNT_KEY: Record<TargetStatus, keyof Counts> = {
  queued: 'queued', 'waiting-for-window': 'waitingForWindow', running: 'running', succeeded: 'succeeded', skipped: 'skipped', failed: 'failed', cancelled: 'cancelled', missed: 'missed',
};

export const totalOf = (c: Counts) => TARGET_STATUSES.reduce((n, s) => n + (c[COUNT_KEY[s]] ?? 0), 0);
export const finishedOf = (c: Counts) => c.succeeded + c.skipped + c.failed + c.cancelled + c.missed;

export interface KindInfo {
  value: string;
  label: string;
  description: string;
  /** cancel stops a running target of this kind; a package manager finishes instead unless forced */
  stopsOnCancel: boolean;
}

/** The kinds the wizard offers (the server's registry also has config.push, started from drift remediation). */
export const KINDS: KindInfo[] = [
  { value: 'software.install', label: 'Install software', description: 'install named packages with the device’s package manager', stopsOnCancel: false },
  { value: 'software.upgrade', label: 'Upgrade / patch', description: 'upgrade named packages, or every pending update when none is named', stopsOnCancel: false },
  { value: 'software.uninstall', label: 'Uninstall software', description: 'remove named packages', stopsOnCancel: false },
  { value: 'command', label: 'Run a command', description: 'a script in sh, bash or PowerShell, with parameters passed as environment variables', stopsOnCancel: true },
  { value: 'config.backup', label: 'Back up configuration', description: 'fetch the running configuration (or files on Linux hosts) and store a version when it changed', stopsOnCancel: true },
  { value: 'inventory.refresh', label: 'Refresh inventory', description: 're-collect hardware, OS, interfaces and software over SSH now', stopsOnCancel: true },
  { value: 'noop', label: 'No-op (try a schedule)', description: 'contacts nothing: tries out schedules, windows and concurrency', stopsOnCancel: true },
];

/** Kinds started elsewhere: a remediation's push, from a device's configuration drift. */
const OTHER_KIND_LABELS: Record<string, string> = { 'config.push': 'Push configuration' };

export const kindLabel = (kind: string) => KINDS.find((k) => k.value === kind)?.label ?? OTHER_KIND_LABELS[kind] ?? kind;

/** The wizard has fields for this kind's params (not for config.push's lines: an edit keeps them as they are). */
export const wizardHasParams = (kind: string) => KINDS.some((k) => k.value === kind);

export const PACKAGE_MANAGERS = ['apt', 'dnf', 'yum', 'zypper', 'apk', 'pacman', 'brew', 'winget', 'choco'];

/** When a job runs, in words. */
export function scheduleSummary(j: Pick<Job, 'schedule' | 'nextRunAt' | 'status'>): string {
  if (j.schedule.cron) return `cron ${j.schedule.cron} (${j.schedule.timezone})`;
  if (j.schedule.runAt) return `at ${formatTime(j.schedule.runAt)}`;
  return 'now';
}

/** A job's parameters in one line of text (never HTML: they may hold anything a user typed). */
export function paramsSummary(kind: string, p: Record<string, unknown>): string {
  if (kind.startsWith('software.')) {
    const pkgs = Array.isArray(p.packages) ? (p.packages as string[]) : [];
    return pkgs.length ? pkgs.join(', ') : 'every pending update';
  }
  if (kind === 'command') return String(p.script ?? '').split('\n')[0].slice(0, 80);
  if (kind === 'config.backup') return Array.isArray(p.files) ? (p.files as string[]).join(', ') : 'default source';
  if (kind === 'noop') return p.sleepMs ? `waits ${p.sleepMs} ms` : '';
  return '';
}

/** A target selector in words: "2 devices, tags web, db, filter q=ubuntu". */
export function targetSummary(t: Schemas['JobTargetDto']): string {
  const parts: string[] = [];
  if (t.deviceIds?.length) parts.push(plural(t.deviceIds.length, 'device'));
  if (t.tags?.length) parts.push(`${noun(t.tags.length, 'tag')} ${t.tags.join(', ')}`);
  if (t.filter) {
    const f = Object.entries(t.filter).filter(([k, v]) => v !== undefined && v !== '' && !['page', 'limit', 'sort'].includes(k));
    if (f.length) parts.push(`filter ${f.map(([k, v]) => `${k}=${String(v)}`).join(' ')}`);
  }
  return parts.join(' + ') || 'no targets';
}
