// bench/fanout: peers as child processes under GNU time, with the peak RSS of their whole
// process tree sampled beside it (ansible forks one python process per fork and one ssh per
// host; xargs starts one ssh per host: GNU time's %M is only the largest single process).
// Also CPU time and listeners of the processes we measure, read from /proc.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const GNU_TIME = '/usr/bin/time';

export interface TreeRun {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
  /** GNU time's %M: the largest resident set of any one process of the tree (wait4's ru_maxrss), MB */
  maxProcRssMb: number;
  /** the largest sum of VmRSS over the whole tree at one sample (every `sampleMs`), MB */
  treeRssMb: number;
  /** most processes in the tree at one sample */
  maxProcs: number;
  /** user + system CPU of the command and every child it waited for (GNU time's %U + %S), s */
  cpuS: number;
}

/** ppid of every process, from /proc (a snapshot). */
function processTable(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid);
      if (list) list.push(Number(entry));
      else children.set(ppid, [Number(entry)]);
    } catch {
      // exited meanwhile
    }
  }
  return children;
}

/** `pid` and every process below it. */
export function tree(pid: number): number[] {
  const children = processTable();
  const out = [pid];
  for (let i = 0; i < out.length; i++) out.push(...(children.get(out[i]) ?? []));
  return out;
}

export function rssKb(pid: number): number {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** utime + stime of one process, seconds. */
export function cpuSeconds(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // fields 14 and 15 of stat(5), in USER_HZ
  } catch {
    return 0;
  }
}

/** Commands running now (GNU time's pid → its figures file), for stopRunning(). */
const running = new Map<number, string>();

/** Stops every command runTree() is running (an interrupted bench), and removes their files. */
export function stopRunning(): void {
  for (const [pid, file] of running) {
    for (const p of tree(pid).reverse()) {
      try {
        process.kill(p, 'SIGTERM');
      } catch {
        // gone
      }
    }
    fs.rmSync(file, { force: true });
  }
  running.clear();
}

/** Runs a command to its end under GNU time, sampling its process tree's RSS. */
export function runTree(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number; sampleMs?: number } = {}): Promise<TreeRun> {
  if (!fs.existsSync(GNU_TIME)) throw new Error(`${GNU_TIME} is missing: apt-get install time`);
  const timeFile = path.join(os.tmpdir(), `teknisi-bench-fanout-time-${process.pid}-${Math.random().toString(36).slice(2)}`);
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(GNU_TIME, ['-f', '%M %U %S', '-o', timeFile, cmd, ...args], { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid) running.set(child.pid, timeFile);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    let treeKb = 0;
    let maxProcs = 0;
    const sample = () => {
      // the tree below GNU time (its own few hundred kB are left out)
      const pids = tree(child.pid!).slice(1);
      maxProcs = Math.max(maxProcs, pids.length);
      treeKb = Math.max(treeKb, pids.reduce((a, p) => a + rssKb(p), 0));
    };
    const poll = setInterval(sample, opts.sampleMs ?? 50);
    const killer = opts.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs) : undefined;
    child.once('error', reject);
    child.once('close', (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      clearInterval(poll);
      if (killer) clearTimeout(killer);
      let maxKb = 0;
      let cpuS = 0;
      try {
        // GNU time prints "Command exited with non-zero status N" before the figures when it failed
        const lines = fs.readFileSync(timeFile, 'utf8').trim().split('\n');
        const [m, u, s] = lines[lines.length - 1].split(' ').map(Number);
        maxKb = m || 0;
        cpuS = (u || 0) + (s || 0);
      } catch {
        // no figures
      }
      fs.rmSync(timeFile, { force: true });
      if (child.pid) running.delete(child.pid);
      resolve({
        ms, code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'),
        maxProcRssMb: maxKb / 1024, treeRssMb: treeKb / 1024, maxProcs, cpuS,
      });
    });
  });
}

/** TCP listeners (any port) on these addresses, or on every address of port 22, as `ss` prints them. */
export async function listenersOn(addresses: string[]): Promise<string[]> {
  const r = await runPlain('ss', ['-Hltnp']);
  const want = new Set(addresses);
  return r.split('\n').filter((l) => {
    const m = /\s(\S+):(\d+)\s/.exec(l);
    return m && (want.has(m[1]) || (m[2] === '22' && (m[1] === '0.0.0.0' || m[1] === '*')));
  }).map((l) => l.trim().replace(/\s+/g, ' '));
}

function runPlain(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.once('error', () => resolve(''));
    child.once('close', () => resolve(Buffer.concat(out).toString('utf8')));
  });
}

/** Processes whose command line contains `marker` (e.g. ansible's ControlPersist masters in a directory of ours). */
export function processesMentioning(marker: string): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) out.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return out;
}

export function which(cmd: string): string | null {
  for (const dir of [...(process.env.PATH ?? '/usr/bin:/bin').split(':'), '/usr/sbin', '/sbin']) {
    const p = path.join(dir, cmd);
    if (fs.existsSync(p)) return p;
  }
  return null;
}

export const median = (xs: number[]): number => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return NaN;
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
