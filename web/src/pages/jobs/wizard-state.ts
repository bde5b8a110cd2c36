// The new-job wizard's state: read from the URL (so /jobs/new?deviceIds=1,2&kind=software.install
// prefills it, and a reload or a shared link keeps the step and every short field), written back
// to it (the long ones, a script, its parameters and files, kept apart: wizard-draft.ts), checked
// step by step, and turned into the POST /api/jobs body.
import type { Schemas } from '../../api/client';

export type CreateJob = Schemas['CreateJobDto'];
type JobView = Schemas['JobView'];
export type DeviceFilter = Schemas['DeviceFilterQuery'];

/** The device list's filter fields a job may save (the server keeps these and drops the rest). */
export const FILTER_FIELDS = ['q', 'type', 'platform', 'osFamily', 'vendor', 'tag', 'location', 'status'] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];

export type When = 'now' | 'at' | 'cron';

export interface WizardState {
  kind: string;
  name: string;
  packages: string;
  manager: string;
  reboot: string;
  script: string;
  shell: string;
  timeoutSec: string;
  sudo: boolean;
  parameters: string;
  files: string;
  sleepMs: string;
  deviceIds: number[];
  tags: string[];
  filter: Partial<Record<FilterField, string>>;
  when: When;
  runAt: string;
  cron: string;
  timezone: string;
  windowIds: number[];
  concurrency: string;
  retries: string;
  retryDelaySec: string;
  deadlineMinutes: string;
  credentialId: string;
}

const ids = (s: string | undefined) => (s ?? '').split(',').map((x) => Number(x.trim())).filter((n) => Number.isInteger(n) && n > 0);
const list = (s: string | undefined) => (s ?? '').split(',').map((x) => x.trim()).filter(Boolean);

export function fromParams(p: Record<string, string>, defaultTimezone: string): WizardState {
  const filter: Partial<Record<FilterField, string>> = {};
  for (const f of FILTER_FIELDS) if (p[`f.${f}`]) filter[f] = p[`f.${f}`];
  const when = p.when === 'at' || p.when === 'cron' ? p.when : 'now';
  return {
    kind: p.kind || 'software.install',
    name: p.name ?? '',
    packages: p.packages ?? '',
    manager: p.manager ?? '',
    reboot: p.reboot || 'never',
    script: p.script ?? '',
    shell: p.shell || 'sh',
    timeoutSec: p.timeoutSec ?? '',
    sudo: p.sudo === 'true',
    parameters: p.parameters ?? '',
    files: p.files ?? '',
    sleepMs: p.sleepMs ?? '',
    deviceIds: [...new Set(ids(p.deviceIds))],
    tags: list(p.tags),
    filter,
    when,
    runAt: p.runAt ?? '',
    cron: p.cron ?? '',
    timezone: p.tz || defaultTimezone,
    windowIds: ids(p.windowIds),
    concurrency: p.concurrency ?? '10',
    retries: p.retries ?? '3',
    retryDelaySec: p.retryDelaySec ?? '30',
    deadlineMinutes: p.deadlineMinutes ?? '',
    credentialId: p.credentialId ?? '',
  };
}

/** A time as a datetime-local input holds it: the browser's zone, to the minute. */
function localInput(iso: string): string {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/**
 * A saved job as the wizard's fields, to edit it: its params as the server keeps them (defaults
 * applied), its target, schedule and settings. A one-off job whose start has passed has none
 * left ("now": it runs when asked).
 */
export function stateFromJob(j: JobView): WizardState {
  const p = j.params as Record<string, unknown>;
  const text = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  const target = j.target as { deviceIds?: number[]; tags?: string[]; filter?: Record<string, unknown> };
  const filter: Partial<Record<FilterField, string>> = {};
  for (const f of FILTER_FIELDS) if (target.filter?.[f] !== undefined) filter[f] = text(target.filter[f]);
  const pending = j.schedule.runAt && j.nextRunAt ? j.schedule.runAt : null;
  return {
    kind: j.kind,
    name: j.name ?? '',
    packages: Array.isArray(p.packages) ? p.packages.join(' ') : '',
    manager: text(p.manager),
    reboot: text(p.reboot) || 'never',
    script: text(p.script),
    shell: text(p.shell) || 'sh',
    timeoutSec: text(p.timeoutSec),
    sudo: p.sudo === true,
    parameters: p.parameters && typeof p.parameters === 'object' ? Object.entries(p.parameters).map(([k, v]) => `${k}=${text(v)}`).join('\n') : '',
    files: Array.isArray(p.files) ? p.files.join('\n') : '',
    sleepMs: text(p.sleepMs),
    deviceIds: target.deviceIds ?? [],
    tags: target.tags ?? [],
    filter,
    when: j.schedule.cron ? 'cron' : pending ? 'at' : 'now',
    runAt: pending ? localInput(pending) : '',
    cron: j.schedule.cron ?? '',
    timezone: j.schedule.timezone,
    windowIds: j.windowIds,
    concurrency: String(j.concurrency),
    retries: String(j.retries),
    retryDelaySec: String(j.retryDelaySec),
    deadlineMinutes: j.deadlineMinutes ? String(j.deadlineMinutes) : '',
    credentialId: j.credentialId ? String(j.credentialId) : '',
  };
}

/**
 * The wizard's address for changing a saved job: the job's id alone, its fields filled from the
 * job as it loads. In the URL, a long script made an address that the server refuses (431).
 */
export function editHref(j: Pick<JobView, 'id'>): string {
  return `/jobs/new?edit=${j.id}`;
}

/**
 * The URL's view of the state: every key present, empty ones as undefined (which removes them).
 * The long fields are always undefined: a script may be 64 KiB, past what a request's headers may
 * hold (wizard-draft.ts keeps them); one in a link, /jobs/new?script=…, is read and moved there.
 */
export function toParams(s: WizardState): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {
    kind: s.kind, name: s.name, packages: s.packages, manager: s.manager, reboot: s.reboot === 'never' ? undefined : s.reboot,
    script: undefined, shell: s.shell === 'sh' ? undefined : s.shell, timeoutSec: s.timeoutSec, sudo: s.sudo ? 'true' : undefined,
    parameters: undefined, files: undefined, sleepMs: s.sleepMs,
    deviceIds: s.deviceIds.join(','), tags: s.tags.join(','),
    when: s.when === 'now' ? undefined : s.when, runAt: s.runAt, cron: s.cron, tz: s.timezone,
    windowIds: s.windowIds.join(','), concurrency: s.concurrency === '10' ? undefined : s.concurrency,
    retries: s.retries === '3' ? undefined : s.retries, retryDelaySec: s.retryDelaySec === '30' ? undefined : s.retryDelaySec,
    deadlineMinutes: s.deadlineMinutes, credentialId: s.credentialId,
  };
  for (const f of FILTER_FIELDS) out[`f.${f}`] = s.filter[f];
  for (const k of Object.keys(out)) if (out[k] === '') out[k] = undefined;
  return out;
}

export const isSoftware = (kind: string) => kind.startsWith('software.');
export const splitPackages = (text: string) => text.split(/[\s,]+/).map((x) => x.trim()).filter(Boolean);
const lines = (text: string) => text.split('\n').map((x) => x.trim()).filter(Boolean);

/** NAME=value lines → an object; a line without "=" is a problem named by its line number. */
export function parseParameters(text: string): { values: Record<string, string>; problems: string[] } {
  const values: Record<string, string> = {};
  const problems: string[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    const eq = line.indexOf('=');
    if (eq <= 0) problems.push(`line ${i + 1}: write NAME=value`);
    else values[line.slice(0, eq).trim()] = line.slice(eq + 1);
  });
  return { values, problems };
}

export function activeFilter(s: WizardState): Partial<Record<FilterField, string>> | undefined {
  const f = Object.fromEntries(Object.entries(s.filter).filter(([, v]) => v !== undefined && v !== ''));
  return Object.keys(f).length ? f : undefined;
}

export function paramsOf(s: WizardState): Record<string, unknown> {
  if (isSoftware(s.kind)) {
    return { packages: splitPackages(s.packages), ...(s.manager ? { manager: s.manager } : {}), reboot: s.reboot };
  }
  if (s.kind === 'command') {
    const { values } = parseParameters(s.parameters);
    return {
      script: s.script,
      shell: s.shell,
      ...(s.timeoutSec ? { timeoutSec: Number(s.timeoutSec) } : {}),
      ...(Object.keys(values).length ? { parameters: values } : {}),
      ...(s.sudo ? { sudo: true } : {}),
    };
  }
  if (s.kind === 'config.backup') return lines(s.files).length ? { files: lines(s.files) } : {};
  if (s.kind === 'noop') return s.sleepMs ? { sleepMs: Number(s.sleepMs) } : {};
  return {};
}

/** What is missing or wrong on a step, in words; empty when the step may be left. */
export function stepProblems(step: number, s: WizardState): string[] {
  const p: string[] = [];
  if (step === 1) {
    if (!s.kind) p.push('Pick what the job does.');
    if ((s.kind === 'software.install' || s.kind === 'software.uninstall') && !splitPackages(s.packages).length) p.push('Name at least one package.');
    if (s.kind === 'command') {
      if (!s.script.trim()) p.push('Write the script to run.');
      p.push(...parseParameters(s.parameters).problems.map((x) => `Parameters, ${x}.`));
    }
  }
  if (step === 2 && !s.deviceIds.length && !s.tags.length && !activeFilter(s)) p.push('Pick devices, tags or a filter.');
  if (step === 3) {
    if (s.when === 'at' && (!s.runAt || Number.isNaN(new Date(s.runAt).getTime()))) p.push('Choose the date and time to start.');
    if (s.when === 'cron' && !s.cron.trim()) p.push('Write the cron schedule.');
  }
  return p;
}

const num = (v: string) => (v.trim() === '' ? undefined : Number(v));

export function buildBody(s: WizardState): CreateJob {
  const filter = activeFilter(s);
  const schedule =
    s.when === 'at' ? { runAt: new Date(s.runAt).toISOString(), timezone: s.timezone } : s.when === 'cron' ? { cron: s.cron.trim(), timezone: s.timezone } : undefined;
  return {
    ...(s.name.trim() ? { name: s.name.trim() } : {}),
    kind: s.kind,
    params: paramsOf(s),
    target: {
      ...(s.deviceIds.length ? { deviceIds: s.deviceIds } : {}),
      ...(s.tags.length ? { tags: s.tags } : {}),
      // only the filter's own fields: the server keeps these (paging and sort have no meaning here)
      ...(filter ? { filter: filter as DeviceFilter } : {}),
    },
    ...(schedule ? { schedule } : {}),
    ...(s.windowIds.length ? { windowIds: s.windowIds } : {}),
    concurrency: num(s.concurrency) ?? 10,
    retries: num(s.retries) ?? 3,
    retryDelaySec: num(s.retryDelaySec) ?? 30,
    ...(num(s.deadlineMinutes) !== undefined ? { deadlineMinutes: num(s.deadlineMinutes) } : {}),
    ...(s.credentialId ? { credentialId: Number(s.credentialId) } : {}),
  };
}

/** Which step holds a field the server named in a 400 (params.* → 1, target.* → 2, the rest → 3). */
export function stepOfField(field: string): number {
  if (field === 'kind' || field === 'name' || field.startsWith('params')) return 1;
  if (field.startsWith('target')) return 2;
  return 3;
}
