// jobs/command: the host side of the `command` job kind — a script with parameters, in sh, bash
// or PowerShell. Parameters reach the script as environment variables, set ahead of it in the
// text its own shell reads (quoted for that shell), never on a command line the account's login
// shell reads, and never pasted into it unquoted.
import { scrubSecrets } from '../../common/redact';
import { randomBytes } from 'node:crypto';
import { shQuote, shScriptQuote } from '../../protocols/ssh/posix-quote';
import { ChannelRefused, SshError } from '../../protocols/ssh/ssh.client';
import { CMD_EXE_MAX, powershellCommand, psQuote } from '../../protocols/ssh/powershell';
import { HostAccess, TaskOutcome } from '../drivers/types';
import { fitLog, KIND_LOG_BYTES } from '../job-log';

export const COMMAND_SHELLS = ['sh', 'bash', 'powershell'] as const;
export type CommandShell = typeof COMMAND_SHELLS[number];

export interface CommandParams {
  script: string;
  shell?: CommandShell;
  /** 1..86,400; default 600 */
  timeoutSec?: number;
  /** name → value, exported to the script's environment */
  parameters?: Record<string, string>;
  /** sh and bash only: run the script as root through sudo */
  sudo?: boolean;
}

export interface ParamProblem {
  field: string;
  message: string;
}

export const COMMAND_LIMITS = {
  scriptBytes: 64 * 1024,
  valueBytes: 4 * 1024,
  parameters: 50,
  timeoutSec: { min: 1, max: 86_400, default: 600 },
  /** the log kept of it: its start and its end (job-log.ts) */
  logBytes: KIND_LOG_BYTES,
  /** both streams of the command; reaching it stops the command */
  execMaxBytes: 16 * 1024 * 1024,
};

const PARAM_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export function validateCommandParams(p: Partial<Record<keyof CommandParams, unknown>> & Record<string, unknown>): ParamProblem[] {
  const problems: ParamProblem[] = [];
  if (p === null || typeof p !== 'object') return [{ field: '', message: 'params must be an object' }];
  for (const k of Object.keys(p)) {
    if (!['script', 'shell', 'timeoutSec', 'parameters', 'sudo'].includes(k)) problems.push({ field: k, message: `unknown parameter ${k}` });
  }
  if (typeof p.script !== 'string' || !p.script.trim()) problems.push({ field: 'script', message: 'script must be a non-empty string' });
  else {
    if (Buffer.byteLength(p.script) > COMMAND_LIMITS.scriptBytes) problems.push({ field: 'script', message: `script must be at most ${COMMAND_LIMITS.scriptBytes} bytes` });
    if (p.script.includes('\0')) problems.push({ field: 'script', message: 'script must not contain NUL characters' });
  }
  if (p.shell !== undefined && !COMMAND_SHELLS.includes(p.shell as CommandShell)) problems.push({ field: 'shell', message: `shell must be one of ${COMMAND_SHELLS.join(', ')}` });
  if (p.timeoutSec !== undefined) {
    const t = p.timeoutSec;
    const { min, max } = COMMAND_LIMITS.timeoutSec;
    if (typeof t !== 'number' || !Number.isInteger(t) || t < min || t > max) problems.push({ field: 'timeoutSec', message: `timeoutSec must be an integer from ${min} to ${max}` });
  }
  if (p.sudo !== undefined && typeof p.sudo !== 'boolean') problems.push({ field: 'sudo', message: 'sudo must be true or false' });
  if (p.sudo === true && p.shell === 'powershell') problems.push({ field: 'sudo', message: 'sudo applies to sh and bash; Windows runs as the account the credential names' });
  if (p.parameters !== undefined) {
    const params = p.parameters;
    if (params === null || typeof params !== 'object' || Array.isArray(params)) problems.push({ field: 'parameters', message: 'parameters must be an object of name → string' });
    else {
      const entries = Object.entries(params as Record<string, unknown>);
      if (entries.length > COMMAND_LIMITS.parameters) problems.push({ field: 'parameters', message: `at most ${COMMAND_LIMITS.parameters} parameters` });
      for (const [name, value] of entries) {
        const field = `parameters.${name}`;
        if (!PARAM_NAME.test(name)) problems.push({ field, message: 'parameter names are letters, digits and _, not starting with a digit, at most 64 characters' });
        if (typeof value !== 'string') problems.push({ field, message: 'parameter values must be strings' });
        else {
          if (Buffer.byteLength(value) > COMMAND_LIMITS.valueBytes) problems.push({ field, message: `parameter values must be at most ${COMMAND_LIMITS.valueBytes} bytes` });
          if (value.includes('\0')) problems.push({ field, message: 'parameter values must not contain NUL characters' });
        }
      }
    }
  }
  return problems;
}

export interface BuiltCommand {
  command: string;
  /** what stdin carries: the script (sh, bash, a long PowerShell script), after the sudo password when sudo needs one */
  stdin?: string;
  /** the command as the log shows it */
  shown: string;
  /** keep the channel's stdin open until the command ends (POSIX_TETHER watches it) */
  holdStdin?: boolean;
}

/**
 * The POSIX side of a command, run as `sh -c TETHER teknisi MARKER`. It reads the script from
 * stdin up to the MARKER line (refusing a script cut short), then runs it in a subshell with
 * stdin at end-of-file, while a watcher keeps reading the SSH channel's stdin, which Teknisi
 * holds open until the command ends. Should the channel close first — the worker killed, the
 * connection lost, the job cancelled or timed out — the watcher reads end-of-file and hangs up
 * the command's whole process group (sshd made it a session of its own), then kills what
 * ignored the hang-up: a script is never left running on a host that Teknisi will hand to
 * another worker, so a retried target cannot run the same script twice at once, or twice to
 * completion. Builtins only, apart from sed and sleep.
 */
export const POSIX_TETHER = [
  // up to the line that starts the script: a sudo that did not ask for the password (a ticket
  // cached by the check before) leaves it on stdin, and it must never be read as script text
  'while IFS= read -r l; do [ "$l" = "$1.begin" ] && break; done;',
  's=$(sed "/^$1\\$/q");',
  'case $s in *"$1") s=${s%"$1"} ;; *) echo "teknisi: the script did not arrive whole" >&2; exit 125 ;; esac;',
  'exec 3<&0 </dev/null;',
  '{ trap "" HUP; while IFS= read -r _ <&3; do :; done; kill -HUP 0; sleep 3; kill -KILL 0; } >/dev/null 2>&1 &',
  'w=$!;',
  'exec 3<&-;',
  'trap \'kill $w 2>/dev/null\' EXIT;',
  '(eval "$s")',
  // one line: csh, some accounts' login shell, runs each line of a command line on its own
].join(' ');

/** A line that ends the script on stdin: random, so no script line can equal it by chance. */
export function scriptMarker(script: string): string {
  for (;;) {
    const m = `TEKNISI_SCRIPT_END_${randomBytes(16).toString('hex')}`;
    if (!script.includes(m)) return m;
  }
}

/**
 * sh and bash: the script travels on stdin, after `export NAME='value'` lines for the
 * parameters, so that no value is on the command line, which the account's login shell reads
 * first (csh would run a value's second line as a command of its own); only the sh that runs
 * the script reads them, quoted for it. The command line is fixed words and the one-line
 * tether. The shell reads the whole script before running it (up to a marker line, see
 * POSIX_TETHER), so a command in the script that reads stdin gets end-of-file instead of the
 * rest of the script. The caller keeps stdin open while the command runs (holdStdin).
 */
export function buildPosixCommand(p: CommandParams, sudo: false | { password?: string }, marker?: string): BuiltCommand {
  const shell = p.shell === 'bash' ? 'bash' : 'sh';
  const params = Object.entries(p.parameters ?? {});
  const text = `${params.map(([k, v]) => `export ${k}=${shScriptQuote(v)}\n`).join('')}${p.script}`;
  const end = marker ?? scriptMarker(text);
  const run = `${shell} -c ${shQuote(POSIX_TETHER)} teknisi ${end}`;
  // the log shows the parameters and what ran, without the wrapper's text (the same every time)
  const shownRun = `${params.length ? `env ${params.map(([k, v]) => shScriptQuote(`${k}=${v}`)).join(' ')} ` : ''}${shell} -c <the script, stopped if the connection drops>`;
  const script = `${end}.begin\n${text}\n${end}\n`;
  if (!sudo) return { command: run, stdin: script, shown: shownRun, holdStdin: true };
  if (sudo.password === undefined) return { command: `sudo -n -- ${run}`, stdin: script, shown: `sudo -n -- ${shownRun}`, holdStdin: true };
  // only when `sudo -n true` said a password is needed: sudo then takes the first line of stdin.
  // It may not ask after all (the check's `sudo -v` cached a ticket, which sudo keys on the
  // parent process without a terminal: sshd, for every channel of the connection): the tether
  // then skips the password line to the script's start, never running it as script text
  return { command: `sudo -S -p '' -- ${run}`, stdin: `${sudo.password}\n${script}`, shown: `sudo -S -p '' -- ${shownRun}`, holdStdin: true };
}

/**
 * PowerShell: `$env:NAME = '<value, quotes doubled>'` lines, then the script, all inside
 * -EncodedCommand. A payload too long for cmd.exe's command line goes on stdin instead, as
 * base64 (no console code page can bend it), read and run by a short encoded loader.
 */
export function buildPowerShellCommand(p: CommandParams): BuiltCommand {
  const env = Object.entries(p.parameters ?? {}).map(([k, v]) => `$env:${k} = ${psQuote(v)}`);
  const payload = [...env, p.script].join('\n');
  const inline = powershellCommand(payload);
  if (inline.length <= CMD_EXE_MAX) return { command: inline, shown: `powershell -EncodedCommand <<< ${payload}` };
  const loader = "$t = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String([Console]::In.ReadToEnd())); . ([scriptblock]::Create($t))";
  return { command: powershellCommand(loader), stdin: Buffer.from(payload, 'utf8').toString('base64'), shown: `powershell -EncodedCommand <<< ${payload}` };
}

/** The start and the end of a long log (how the script ended: its last lines, its exit code). */
function capLog(text: string): string {
  return fitLog(text, COMMAND_LIMITS.logBytes).text;
}

// a wrong password first: sudo then ends its input with "no password was provided" as well
const SUDO_REFUSED: Array<[RegExp, string]> = [
  [/Sorry, try again\.|incorrect password/, 'sudo refused: wrong password'],
  [/sudo: (?:a )?password is required|sudo: no password was provided/, 'sudo refused: a password is required and the credential has none'],
  [/(\S+) is not in the sudoers file/, 'sudo refused: this account may not use sudo'],
  [/sudo: (?:no tty present|sorry, you must have a tty)/, 'sudo refused: it requires a terminal (requiretty)'],
];

export async function runCommandTask(host: HostAccess, params: CommandParams, signal?: AbortSignal): Promise<TaskOutcome> {
  const timeoutSec = params.timeoutSec ?? COMMAND_LIMITS.timeoutSec.default;
  const password = host.sudoPassword;
  const parts: string[] = [];
  const done = (o: TaskOutcome): TaskOutcome => ({ ...o, reason: scrubSecrets(o.reason, [password]), log: capLog(scrubSecrets(parts.join(''), [password])) } as TaskOutcome);
  if (signal?.aborted) return done({ status: 'failed', transient: false, reason: 'cancelled', exitCode: null, log: '' });

  let built: BuiltCommand;
  if (params.shell === 'powershell') built = buildPowerShellCommand(params);
  else if (!params.sudo) built = buildPosixCommand(params, false);
  else if (password === undefined) built = buildPosixCommand(params, {});
  else {
    // does sudo want the password? (see buildPosixCommand: the answer decides what stdin carries)
    const probe = await host.exec('sudo -n true', { timeoutMs: 30_000, maxBytes: 64 * 1024 });
    parts.push(`$ sudo -n true\n${probe.stderr}[exit ${probe.code ?? 'unknown'}]\n`);
    if (probe.code !== 0) {
      // the password is tried on its own first, stdin closed after it: a wrong one given with the
      // script behind it made sudo read the script's next lines (parameter values among them) as
      // two more attempts, three failed logins a run where faillock's default locks at three
      const check = await host.exec("sudo -S -p '' -v", { timeoutMs: 30_000, maxBytes: 64 * 1024, stdin: `${password}\n` });
      parts.push(`$ sudo -S -p '' -v\n${check.stderr}[exit ${check.code ?? 'unknown'}]\n`);
      if (check.code !== 0) {
        const refused = SUDO_REFUSED.find(([re]) => re.test(check.stderr))?.[1] ?? `sudo refused the password (exit ${check.code ?? 'unknown'})`;
        return done({ status: 'failed', transient: false, reason: refused, exitCode: check.code, log: '' });
      }
    }
    built = buildPosixCommand(params, probe.code === 0 ? {} : { password });
  }

  parts.push(`$ ${built.shown}\n`);
  let r: Awaited<ReturnType<HostAccess['exec']>>;
  try {
    r = await host.exec(built.command, { timeoutMs: timeoutSec * 1000, maxBytes: COMMAND_LIMITS.execMaxBytes, ...(built.stdin !== undefined ? { stdin: built.stdin } : {}), ...(built.holdStdin ? { holdStdin: true } : {}) });
  } catch (err) {
    // the connection dropped while the script ran (a script that reboots the host ends this way,
    // as does a network blip): it may have done part or all of its work, so, as after a time-out,
    // it is not run again blindly; a failure before it started stays a transient one
    if (!(err instanceof SshError && err.reason === 'protocol' && !(err instanceof ChannelRefused) && /before the command finished/.test(err.message))) throw err;
    parts.push('[the connection was lost while the script ran]\n');
    return done({ status: 'failed', transient: false, reason: 'the connection was lost while the script ran: it may have run in part or whole (a reboot ends it this way); not run again', exitCode: null, log: '' });
  }
  parts.push(r.stdout, r.stdout && !r.stdout.endsWith('\n') ? '\n' : '');
  if (r.stderr) parts.push('[stderr]\n', r.stderr, r.stderr.endsWith('\n') ? '' : '\n');

  if (r.timedOut) {
    parts.push(`[timed out after ${timeoutSec} s]\n`);
    // not transient: a script stopped part-way may have done part of its work, and unlike a
    // package task there is no precheck to make a blind retry safe
    return done({ status: 'failed', transient: false, reason: `timed out after ${timeoutSec}s`, exitCode: null, log: '' });
  }
  if (r.truncated) {
    parts.push('[output cap reached: command stopped]\n');
    return done({ status: 'failed', transient: false, reason: `output exceeded ${COMMAND_LIMITS.execMaxBytes / 1024 / 1024} MiB; the command was stopped`, exitCode: null, log: '' });
  }
  parts.push(r.code === null && r.signal ? `[killed by SIG${r.signal}]\n` : `[exit ${r.code ?? 'unknown'}]\n`);
  if (params.sudo) {
    for (const [re, reason] of SUDO_REFUSED) if (re.test(r.stderr) && r.code !== 0) return done({ status: 'failed', transient: false, reason, exitCode: r.code, log: '' });
  }
  if (r.code === 0) return done({ status: 'succeeded', reason: 'exited with code 0', exitCode: 0, log: '', rebootRequired: false, changed: [] });
  return done({ status: 'failed', transient: false, reason: r.code === null && r.signal ? `killed by SIG${r.signal} on the host` : `exited with code ${r.code ?? 'unknown'}`, exitCode: r.code, log: '' });
}
