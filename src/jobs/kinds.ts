// jobs/: the kinds jobs/ owns — software.install, software.uninstall, software.upgrade,
// command and noop. Each validates its parameters strictly (package names against each
// manager's pattern; nothing user-supplied reaches a shell unchecked) and runs through the
// host-side drivers over a session the registry's host opener gives it.
import { PACKAGE_MANAGERS, PackageManager, RebootPolicy, SoftwareAction, TaskOutcome } from './drivers/types';
import { pickManager } from './drivers/pick';
import { validatePackageName } from './drivers/names';
import { DRIVERS, runSoftwareTask } from './drivers';
import { runCommandTask, validateCommandParams } from './command';
import { HostSession, JobKind, KindContext, ParamProblem } from './job-kinds';
import { execOwn } from './drivers/host';
import { powershellCommand } from '../protocols/ssh/powershell';
import { ExecOptions, ExecResult } from '../protocols/ssh/ssh.client';

const REBOOT_POLICIES: RebootPolicy[] = ['never', 'if-required', 'always'];
const MAX_PACKAGES = 100;
/** a package manager's whole run on one machine */
const SOFTWARE_TIMEOUT_MS = 30 * 60_000;
/** how long a rebooted host may take to come back, and how often to try it (specs shorten them) */
export const REBOOT = { waitMs: 15 * 60_000, pollMs: 5_000 };

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function unknownKeys(p: Record<string, unknown>, allowed: string[]): ParamProblem[] {
  return Object.keys(p).filter((k) => !allowed.includes(k)).map((k) => ({ field: k, message: `params.${k.slice(0, 64)} is not a parameter of this kind (${allowed.join(', ')})` }));
}

export function validateSoftwareParams(action: SoftwareAction, raw: unknown): { params: Record<string, unknown>; problems: ParamProblem[] } {
  if (!isPlainObject(raw)) return { params: {}, problems: [{ field: '', message: 'params must be an object' }] };
  const problems = unknownKeys(raw, ['packages', 'manager', 'reboot']);
  const manager = raw.manager;
  if (manager !== undefined && !PACKAGE_MANAGERS.includes(manager as PackageManager)) {
    problems.push({ field: 'manager', message: `manager must be one of ${PACKAGE_MANAGERS.join(', ')}` });
  }
  const packages = raw.packages ?? [];
  if (!Array.isArray(packages)) problems.push({ field: 'packages', message: 'packages must be an array of package names' });
  else {
    if (packages.length > MAX_PACKAGES) problems.push({ field: 'packages', message: `at most ${MAX_PACKAGES} packages per job` });
    if (!packages.length && action !== 'upgrade') problems.push({ field: 'packages', message: `name at least one package to ${action === 'install' ? 'install' : 'uninstall'}` });
    packages.slice(0, MAX_PACKAGES).forEach((p, i) => {
      const err = typeof p === 'string' ? validatePackageName(p, PACKAGE_MANAGERS.includes(manager as PackageManager) ? (manager as PackageManager) : undefined) : 'a package name must be a string';
      if (err) problems.push({ field: `packages.${i}`, message: err });
    });
    if (new Set(packages).size !== packages.length) problems.push({ field: 'packages', message: 'packages lists a package twice' });
  }
  const reboot = raw.reboot ?? 'never';
  if (!REBOOT_POLICIES.includes(reboot as RebootPolicy)) problems.push({ field: 'reboot', message: `reboot must be one of ${REBOOT_POLICIES.join(', ')}` });
  return { params: { packages, ...(manager !== undefined ? { manager } : {}), reboot }, problems };
}

/** Windows: the last boot's time, which changes with each boot as Linux's boot id does. */
const WINDOWS_BOOT_ID = "(Get-CimInstance -ClassName Win32_OperatingSystem).LastBootUpTime.ToUniversalTime().ToString('o')";
/** Windows: the reboot; an administrator's OpenSSH session is elevated, as package changes need. */
const WINDOWS_REBOOT = 'Restart-Computer -Force';

/**
 * One command as the host's shell takes it: a PowerShell script on Windows, else fenced sh;
 * `own` is its own stdout (on Linux what follows the fence, null when none came: a greeting
 * that carries the time would pass for a new boot id).
 */
async function runOnHost(s: HostSession, windows: boolean, command: string, opts: ExecOptions): Promise<ExecResult & { own: string | null }> {
  return execOwn(s.access, windows ? powershellCommand(command) : command, windows, opts);
}

/** The host's boot id (Linux), or its last boot time (Windows). */
async function readBootId(s: HostSession, windows: boolean): Promise<string | null> {
  const r = await runOnHost(s, windows, windows ? WINDOWS_BOOT_ID : 'cat /proc/sys/kernel/random/boot_id', { timeoutMs: 15_000, maxBytes: 4096 }).catch(() => null);
  return (r && r.code === 0 ? r.own?.trim() : null) || null;
}

/** Reboots the host and waits for it to come back (a new boot id), or says why it did not. */
async function rebootAndWait(ctx: KindContext, s: HostSession, windows: boolean): Promise<{ ok: boolean; log: string; reason: string }> {
  const { sudo, sudoPassword } = s.access;
  const before = await readBootId(s, windows);
  const cmd = windows ? WINDOWS_REBOOT : `${sudo ? (sudoPassword ? "sudo -S -p '' -- " : 'sudo -n -- ') : ''}shutdown -r now`;
  let log = `$ ${cmd}\n`;
  const r = await runOnHost(s, windows, cmd, { timeoutMs: 30_000, stdin: !windows && sudo && sudoPassword ? `${sudoPassword}\n` : undefined, maxBytes: 64 * 1024 })
    .catch((e: Error) => ({ code: null, stdout: '', own: null, stderr: e.message }));
  log += `${r.own ?? r.stdout}${r.stderr}`;
  // the connection usually drops with the reboot; a clean non-zero exit is a refusal
  if (typeof r.code === 'number' && r.code !== 0) return { ok: false, log, reason: `reboot refused (exit code ${r.code}): ${r.stderr.trim().split('\n').pop() ?? ''}` };
  await s.close().catch(() => undefined);
  const deadline = Date.now() + REBOOT.waitMs;
  await new Promise((res) => setTimeout(res, REBOOT.pollMs));
  while (Date.now() < deadline && !ctx.signal.aborted) {
    const again = await ctx.open().catch(() => null);
    if (again) {
      try {
        const after = await readBootId(again, windows);
        if (after && after !== before) {
          await again.refreshInventory().catch(() => undefined);
          return { ok: true, log: `${log}host back after reboot (boot id ${after})\n`, reason: 'rebooted and back' };
        }
      } finally {
        await again.close().catch(() => undefined);
      }
    }
    await new Promise((res) => setTimeout(res, REBOOT.pollMs));
  }
  return { ok: false, log, reason: `the host did not come back within ${Math.round(REBOOT.waitMs / 1000)} s after the reboot` };
}

function softwareKind(action: SoftwareAction): JobKind {
  return {
    name: `software.${action}`,
    description: action === 'upgrade' ? 'upgrade named packages, or every pending update when none is named (patching)' : `${action} named packages`,
    stopOnCancel: false,
    validate: (p) => validateSoftwareParams(action, p),
    async run(ctx): Promise<TaskOutcome> {
      const { packages, manager: wanted, reboot } = ctx.params as { packages: string[]; manager?: PackageManager; reboot: RebootPolicy };
      const manager = wanted ?? pickManager(ctx.device, await ctx.packageTools());
      if (!manager) {
        return { status: 'failed', transient: false, exitCode: null, log: '', reason: `no package manager known for this device (OS: ${ctx.device.osName ?? ctx.device.osFamily ?? 'unknown'}); name one in params.manager or rescan it over SSH` };
      }
      for (const p of packages) {
        const err = validatePackageName(p, manager);
        if (err) return { status: 'failed', transient: false, exitCode: null, log: '', reason: `not a valid ${manager} package name: ${err}` };
      }
      const session = await ctx.open();
      try {
        const out = await runSoftwareTask(session.access, manager, { action, packages, timeoutMs: SOFTWARE_TIMEOUT_MS, signal: ctx.signal });
        let log = `# ${session.where}, ${manager}\n${out.log}`;
        if (out.status !== 'succeeded') {
          return { ...out, log };
        }
        await session.refreshInventory().then(
          () => (log += '\n# inventory refreshed\n'),
          (e: Error) => (log += `\n# inventory refresh failed: ${e.message}\n`),
        );
        if (reboot === 'always' || (reboot === 'if-required' && out.rebootRequired)) {
          const rb = await rebootAndWait(ctx, session, !!DRIVERS[manager].powershell);
          log += rb.log;
          if (!rb.ok) return { status: 'failed', transient: false, exitCode: null, log, reason: `${out.reason}; then ${rb.reason}` };
          return { ...out, log, reason: `${out.reason}; ${rb.reason}` };
        }
        return { ...out, log };
      } finally {
        await session.close().catch(() => undefined);
      }
    },
  };
}

const commandKind: JobKind = {
  name: 'command',
  description: 'a script with parameters (passed as environment variables), in sh, bash or PowerShell',
  stopOnCancel: true,
  validate(raw) {
    if (!isPlainObject(raw)) return { params: {}, problems: [{ field: '', message: 'params must be an object' }] };
    const problems = validateCommandParams(raw as never).map((p) => ({ field: p.field, message: p.message }));
    return { params: raw, problems };
  },
  async run(ctx) {
    const session = await ctx.open();
    try {
      const out = await runCommandTask(session.access, ctx.params as never, ctx.signal);
      return { ...out, log: `# ${session.where}\n${out.log}` };
    } finally {
      await session.close().catch(() => undefined);
    }
  },
};

/** Contacts nothing and succeeds: for trying schedules, windows and the run machinery itself. */
const noopKind: JobKind = {
  name: 'noop',
  description: 'does nothing on the device (optionally waits sleepMs): tries out schedules, windows and concurrency',
  stopOnCancel: true,
  validate(raw) {
    if (!isPlainObject(raw)) return { params: {}, problems: [{ field: '', message: 'params must be an object' }] };
    const problems = unknownKeys(raw, ['sleepMs']);
    const sleepMs = raw.sleepMs ?? 0;
    if (!Number.isInteger(sleepMs) || (sleepMs as number) < 0 || (sleepMs as number) > 600_000) problems.push({ field: 'sleepMs', message: 'sleepMs must be an integer from 0 to 600000' });
    return { params: { sleepMs }, problems };
  },
  async run(ctx) {
    const ms = ctx.params.sleepMs as number;
    if (ms) {
      await new Promise<void>((res) => {
        const t = setTimeout(res, ms);
        ctx.signal.addEventListener('abort', () => (clearTimeout(t), res()), { once: true });
      });
    }
    return { status: 'succeeded', reason: ms ? `waited ${ms} ms` : 'nothing to do', exitCode: 0, log: '', rebootRequired: false, changed: [] };
  },
};

export const JOBS_OWN_KINDS: JobKind[] = [softwareKind('install'), softwareKind('uninstall'), softwareKind('upgrade'), commandKind, noopKind];
