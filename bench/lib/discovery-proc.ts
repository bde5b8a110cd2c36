// bench/: peers as child processes (onesixtyone, nmap, snmpbulkwalk): wall time measured
// here, peak RSS from GNU time's wait4() figure when /usr/bin/time is there, else from
// polling the child's VmHWM. Also a peak-RSS reader for a running process of our own.
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export interface ProcResult {
  ms: number;
  /** peak resident set of the command (not of /usr/bin/time), MB */
  peakRssMb: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

const GNU_TIME = '/usr/bin/time';

/** VmHWM (the kernel's peak RSS of the process so far) in kB, 0 when unreadable. */
export function vmHwmKb(pid: number): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

export function which(cmd: string): string | null {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(':')) {
    const p = path.join(dir, cmd);
    if (fs.existsSync(p)) return p;
  }
  for (const dir of ['/usr/sbin', '/sbin']) if (fs.existsSync(path.join(dir, cmd))) return path.join(dir, cmd);
  return null;
}

/**
 * A peer tool the bench compares with: installs Debian's `pkg` when `cmd` is missing and this
 * runs as root (apt-get update once if the install fails), so that a fresh machine measures the
 * peers instead of quietly leaving them out. False when it is still missing.
 */
export function ensureDebianPackage(cmd: string, pkg: string, log: (s: string) => void): boolean {
  if (which(cmd)) return true;
  if (process.getuid?.() !== 0) {
    log(`  ${cmd} is missing: \`apt-get install -y ${pkg}\` as root (its rows are skipped, their goals fail)`);
    return false;
  }
  log(`  ${cmd} is missing: apt-get install -y ${pkg}...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  try {
    execFileSync('apt-get', ['install', '-y', '-q', pkg], { env, stdio: 'ignore' });
  } catch {
    execFileSync('apt-get', ['update', '-q'], { env, stdio: 'ignore' });
    execFileSync('apt-get', ['install', '-y', '-q', pkg], { env, stdio: 'ignore' });
  }
  return which(cmd) !== null;
}

/** Runs a command to its end; `stdout: false` discards its output (counted lines still returned when kept). */
export function runMeasured(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<ProcResult> {
  const useTime = fs.existsSync(GNU_TIME);
  const timeFile = useTime ? path.join(os.tmpdir(), `teknisi-bench-time-${process.pid}-${Math.random().toString(36).slice(2)}`) : '';
  const argv = useTime ? ['-f', '%M', '-o', timeFile, cmd, ...args] : args;
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(useTime ? GNU_TIME : cmd, argv, { env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    let hwm = 0;
    // without GNU time: poll VmHWM (short-lived commands may exit between polls)
    const poll = useTime ? undefined : setInterval(() => (hwm = Math.max(hwm, vmHwmKb(child.pid!))), 5);
    const killer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.once('error', reject);
    child.once('close', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      if (poll) clearInterval(poll);
      if (killer) clearTimeout(killer);
      let peakKb = hwm;
      if (useTime) {
        try {
          // GNU time prints "Command exited with non-zero status N" before the figure when it failed
          const lines = fs.readFileSync(timeFile, 'utf8').trim().split('\n');
          peakKb = Number(lines[lines.length - 1]) || 0;
        } catch {
          peakKb = 0;
        }
        fs.rmSync(timeFile, { force: true });
      }
      resolve({ ms, peakRssMb: peakKb / 1024, code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
}

export const countLines = (s: string) => (s.match(/\n/g) ?? []).length;

/** Waits (up to 10 minutes) until the 1-minute load average is at most `max`. */
export async function waitForLoad(max: number | undefined, log: (s: string) => void): Promise<void> {
  if (max === undefined || Number.isNaN(max)) return;
  const until = Date.now() + 10 * 60_000;
  while (os.loadavg()[0] > max && Date.now() < until) {
    log(`waiting for the load average (${os.loadavg()[0].toFixed(2)}) to fall to ${max}...`);
    await new Promise((r) => setTimeout(r, 15_000));
  }
}
