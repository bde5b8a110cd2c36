// jobs/drivers: running one task's commands on a host — sudo, PowerShell encoding, time left,
// and the log. The sudo password travels on stdin only, and is scrubbed from anything kept.
import { scrubSecrets } from '../../common/redact';
import { ExecOptions, ExecResult } from '../../protocols/ssh/ssh.client';
import { afterFence, fenced } from '../../protocols/ssh/fence';
import { shQuote } from '../../protocols/ssh/posix-quote';
import { powershellCommand, psQuote } from '../../protocols/ssh/powershell';
import { BoundedLog, KIND_LOG_BYTES } from '../job-log';
import { HostAccess } from './types';

/** a task's log at most: its start and its end, the middle cut (job-log.ts) */
export const LOG_CAP = KIND_LOG_BYTES;
/** per command, both streams: generous, because hitting it stops the command mid-install */
export const EXEC_MAX_BYTES = 16 * 1024 * 1024;
/** queries get at most this much of the task's time each */
export const QUERY_TIMEOUT_MS = 120_000;

/**
 * One command line through the host's shell: a PowerShell command line as it is, anything else
 * fenced (run under /bin/sh, after whatever the login script prints). `own` is the command's
 * own stdout: on POSIX hosts what follows the fence, null when no fence came back.
 */
export async function execOwn(access: HostAccess, command: string, powershell: boolean, opts: ExecOptions): Promise<ExecResult & { own: string | null }> {
  const r = await access.exec(powershell ? command : fenced(command), opts);
  return { ...r, own: powershell ? r.stdout : afterFence(r.stdout) };
}

export interface Cmd {
  /**
   * POSIX: a command line built from fixed words and shQuote'd values only (no operators: the
   * words are handed to env, and to sudo, as an argument list). Windows: a PowerShell script.
   */
  line: string;
  /** run through sudo when the host says so (package changes, metadata refresh) */
  privileged?: boolean;
  /** environment for the command; names and values are fixed strings, quoted all the same */
  env?: Record<string, string>;
  /** a query (short timeout) rather than the change itself (the task's whole remaining time) */
  query?: boolean;
}

export class TaskAborted extends Error {}
export class TaskTimedOut extends Error {}

export class HostSession {
  private readonly kept = new BoundedLog(LOG_CAP);
  private readonly deadline: number;

  constructor(
    private readonly host: HostAccess,
    /** PowerShell hosts take scripts; everything else POSIX sh */
    private readonly powershell: boolean,
    timeoutMs: number,
    private readonly signal?: AbortSignal,
    private readonly now: () => number = Date.now,
  ) {
    this.deadline = now() + timeoutMs;
  }

  /** The command line as sent, and what stdin carries (the sudo password, when one is needed). */
  build(cmd: Cmd): { command: string; stdin?: string; shown: string } {
    if (this.powershell) {
      // Windows OpenSSH sessions of an administrator are already elevated: no sudo there
      const env = Object.entries(cmd.env ?? {}).map(([k, v]) => `$env:${k} = ${psQuote(v)}`);
      const script = [...env, cmd.line].join('\n');
      return { command: powershellCommand(script), shown: `powershell -EncodedCommand <<< ${script}` };
    }
    // LC_ALL=C: the parsers and rules read the tools' English. A host's own language reaches
    // the command otherwise: Debian's pam_env gives SSH sessions the LANG of /etc/default/locale,
    // and sudo keeps it (apt-cache policy said "Installiert:", and an upgrade found nothing to
    // do). After sudo, so that sudo's env_reset cannot drop it; C, not C.UTF-8, which RHEL 7
    // lacks (names are ASCII: names.ts).
    const env = Object.entries({ LC_ALL: 'C', ...cmd.env }).map(([k, v]) => shQuote(`${k}=${v}`));
    const words = `env ${env.join(' ')} ${cmd.line}`;
    if (!cmd.privileged || !this.host.sudo) return { command: words, shown: words };
    if (this.host.sudoPassword === undefined) {
      const command = `sudo -n -- ${words}`;
      return { command, shown: command };
    }
    // sudo -S reads the password line from stdin only when it needs one (no NOPASSWD rule, no
    // cached ticket); otherwise the line would reach the command's stdin. The inner sh gives the
    // command /dev/null instead, so the password never reaches a package script.
    const command = `sudo -S -p '' -- sh -c 'exec "$@" </dev/null' sh ${words}`;
    return { command, stdin: `${this.host.sudoPassword}\n`, shown: command };
  }

  remainingMs(): number {
    return this.deadline - this.now();
  }

  async run(cmd: Cmd): Promise<ExecResult> {
    if (this.signal?.aborted) throw new TaskAborted('cancelled');
    const left = this.remainingMs();
    if (left <= 0) throw new TaskTimedOut('the task ran out of time');
    const { command, stdin, shown } = this.build(cmd);
    const timeoutMs = cmd.query ? Math.min(left, QUERY_TIMEOUT_MS) : left;
    this.append(`$ ${shown}\n`);
    // POSIX hosts: fenced, so that a greeting from the login script is neither logged nor parsed
    // (brew's JSON), and the line runs under /bin/sh whatever the login shell (fish splits $PATH)
    const { own, ...sent } = await execOwn(this.host, command, this.powershell, { timeoutMs, maxBytes: EXEC_MAX_BYTES, ...(stdin !== undefined ? { stdin } : {}) });
    const r = own === null ? sent : { ...sent, stdout: own };
    this.record(r, timeoutMs);
    return r;
  }

  private record(r: ExecResult, timeoutMs: number): void {
    const out = r.stdout + (r.stdout && !r.stdout.endsWith('\n') ? '\n' : '');
    const err = r.stderr + (r.stderr && !r.stderr.endsWith('\n') ? '\n' : '');
    const status = r.timedOut ? `[timed out after ${Math.round(timeoutMs / 1000)} s]` : r.truncated ? '[output cap reached: command stopped]' : `[exit ${r.code ?? 'unknown'}]`;
    this.append(`${out}${err ? `[stderr]\n${err}` : ''}${status}\n`);
  }

  note(text: string): void {
    this.append(`# ${text}\n`);
  }

  private append(text: string): void {
    this.kept.append(this.scrub(text));
  }

  /** Anything kept (log, reason) without the sudo password, should a host ever echo it. */
  scrub(text: string): string {
    return scrubSecrets(text, [this.host.sudoPassword]);
  }

  log(): string {
    return this.kept.text();
  }
}
