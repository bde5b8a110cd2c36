// jobs/drivers: one software task on one host — precheck, change, verify. Already in the wanted
// state → skipped, so that a retry or a re-run after a lost worker changes nothing.
import { ExecResult } from '../../protocols/ssh/ssh.client';
import { classify, Failure, sudoRefusal } from './classify';
import { Driver, Pending } from './driver';
import { HostSession, TaskAborted, TaskTimedOut } from './host';
import { validatePackageName } from './names';
import { apt } from './apt';
import { apk } from './apk';
import { brew } from './brew';
import { dnf, yum, zypper } from './rpm';
import { pacman } from './pacman';
import { choco, winget } from './windows';
import { HostAccess, PackageManager, SoftwareTask, TaskOutcome } from './types';

export const DRIVERS: Record<PackageManager, Driver> = { apt, dnf, yum, zypper, apk, pacman, brew, winget, choco };

/** A step that did not answer: ends the task with this failure. */
class StepFailed extends Error {
  constructor(readonly failure: Failure, readonly exitCode: number | null) {
    super(failure.reason);
  }
}

const described = (names: string[], versions: Map<string, string>) => names.map((n) => (versions.get(n) ? `${n} ${versions.get(n)}` : n)).join(', ');

export async function runSoftwareTask(host: HostAccess, manager: PackageManager, task: SoftwareTask): Promise<TaskOutcome> {
  const d = DRIVERS[manager] as Driver | undefined;
  if (!d) return { status: 'failed', transient: false, reason: `unknown package manager ${String(manager)}`, exitCode: null, log: '' };
  const s = new HostSession(host, !!d.powershell, task.timeoutMs, task.signal);
  const fail = (f: Failure, exitCode: number | null): TaskOutcome => ({ status: 'failed', transient: f.transient, reason: s.scrub(f.reason), exitCode, log: s.log() });
  const names = [...new Set(task.packages)];
  for (const n of names) {
    const problem = validatePackageName(n, manager);
    if (problem) return fail({ transient: false, reason: problem }, null);
  }
  if (!names.length && task.action !== 'upgrade') return fail({ transient: false, reason: `${task.action} needs at least one package name` }, null);

  /** runs a command; a non-answer (time-out, sudo refusal, missing tool) ends the task */
  const step = async (cmd: ReturnType<Driver['query']>, ok: (r: ExecResult) => boolean): Promise<ExecResult> => {
    const left = s.remainingMs();
    const r = await s.run(cmd);
    if (!ok(r)) throw new StepFailed(classify(d.tool, r, d.rules, cmd.query ? Math.min(left, 120_000) : left), r.code);
    return r;
  };
  // a query answers with any exit status (rpm -q counts missing packages in it) unless it did not run at all
  const answered = (r: ExecResult) => !r.timedOut && !r.truncated && r.code !== null && r.code !== 127 && !(r.code !== 0 && sudoRefusal(r));
  const query = async (list: string[]) => d.parseQuery(await step(d.query(list), (x) => answered(x) && (d.queryOk ? d.queryOk(x) : true)), list);
  const pending = async (list: string[] | null): Promise<Pending[]> => {
    const r = await step(d.pending(list), (x) => answered(x) && (d.pendingOk ? d.pendingOk(x) : x.code === 0));
    try {
      return d.parsePending(r, list);
    } catch {
      throw new StepFailed({ transient: false, reason: `${d.tool}: could not read the list of pending updates` }, r.code);
    }
  };

  try {
    const all = task.action === 'upgrade' && !names.length;
    const before = all ? new Map<string, string>() : await query(names);
    let targets: string[];
    let offered: Pending[] = [];

    // precheck
    if (task.action === 'install') {
      targets = names.filter((n) => !before.has(n));
      if (!targets.length) return { status: 'skipped', reason: `${described(names, before)} already installed`, log: s.log() };
    } else if (task.action === 'uninstall') {
      targets = names.filter((n) => before.has(n));
      if (!targets.length) return { status: 'skipped', reason: `${names.join(', ')} not installed`, log: s.log() };
    } else {
      const installed = names.filter((n) => before.has(n));
      if (!all && !installed.length) return { status: 'skipped', reason: `${names.join(', ')} not installed: nothing to upgrade`, log: s.log() };
      const refresh = d.refresh?.('upgrade', all);
      if (refresh) await refreshStep(s, refresh);
      offered = await pending(all ? null : installed);
      if (!offered.length) {
        return { status: 'skipped', reason: all ? 'no pending updates' : `${described(installed, before)}: no newer version available`, log: s.log() };
      }
      targets = all ? [] : offered.map((p) => p.name);
    }
    if (task.action === 'install') {
      const refresh = d.refresh?.('install', false);
      if (refresh) await refreshStep(s, refresh);
    }

    // change
    const changeCmd = d.change(task.action, targets);
    const r = await step(changeCmd, (x) => !x.timedOut && !x.truncated && (d.changeOk ? d.changeOk(x) : x.code === 0));
    const exitCode = r.code ?? 0;

    // verify
    const checkNames = all ? offered.map((p) => p.name) : targets;
    let changed: string[];
    let reason: string;
    if (all) {
      const still = new Set((await pending(null)).map((p) => p.name));
      const stuck = checkNames.filter((n) => still.has(n));
      if (stuck.length) return fail({ transient: false, reason: `${d.tool} finished, but updates are still pending for ${stuck.slice(0, 5).join(', ')}${stuck.length > 5 ? ` and ${stuck.length - 5} more` : ''}` }, exitCode);
      changed = checkNames;
      reason = `upgraded ${changed.length} package${changed.length === 1 ? '' : 's'}`;
    } else {
      const after = await query(checkNames);
      if (task.action === 'install') {
        const missing = checkNames.filter((n) => !after.has(n));
        if (missing.length) return fail({ transient: false, reason: `${missing.join(', ')} not installed after ${d.tool} finished (if the manager picked another package providing it, name that package)` }, exitCode);
        reason = `installed ${described(checkNames, after)}`;
      } else if (task.action === 'uninstall') {
        const left = checkNames.filter((n) => after.has(n));
        if (left.length) return fail({ transient: false, reason: `${described(left, after)} still installed after ${d.tool} finished` }, exitCode);
        reason = `removed ${described(checkNames, before)}`;
      } else {
        const same = checkNames.filter((n) => after.get(n) === before.get(n));
        if (same.length) {
          const p = offered.find((o) => o.name === same[0]);
          return fail({ transient: false, reason: `${same[0]} still at ${before.get(same[0])} after ${d.tool} finished${p?.to ? ` (${p.to} available)` : ''}` }, exitCode);
        }
        reason = `upgraded ${checkNames.map((n) => `${n} ${before.get(n)} → ${after.get(n)}`).join(', ')}`;
      }
      changed = checkNames.filter((n) => before.get(n) !== after.get(n));
    }

    let rebootRequired = d.changeNeedsReboot?.(r) ?? false;
    if (!rebootRequired && d.reboot) {
      const rr = await s.run(d.reboot.cmd);
      rebootRequired = d.reboot.required(rr);
    }
    return { status: 'succeeded', reason: s.scrub(reason + (rebootRequired ? '; reboot required' : '')), exitCode, log: s.log(), rebootRequired, changed };
  } catch (err) {
    if (err instanceof StepFailed) return fail(err.failure, err.exitCode);
    // cancelled between steps: the runner decides what a cancelled target becomes
    if (err instanceof TaskAborted) return fail({ transient: false, reason: 'cancelled' }, null);
    if (err instanceof TaskTimedOut) return fail({ transient: true, reason: `the task ran out of time (${Math.round(task.timeoutMs / 1000)} s)` }, null);
    // the connection went away mid-task: the precheck makes a retry safe
    const text = err instanceof Error ? err.message : String(err);
    s.note(`error: ${text}`);
    return fail({ transient: true, reason: `connection lost: ${text}` }, null);
  }
}

/**
 * A metadata refresh that fails is noted, not fatal: one broken third-party repository must not
 * block every install. If the change then fails, its own output says why. sudo refusing is
 * fatal all the same (nothing later can work).
 */
async function refreshStep(s: HostSession, cmd: ReturnType<Driver['query']>): Promise<void> {
  const r = await s.run(cmd);
  if (r.code === 0 && !r.timedOut) return;
  const refused = sudoRefusal(r);
  if (refused) throw new StepFailed(refused, r.code);
  s.note('metadata refresh failed; going on with the package lists as they are');
}
