// jobs/drivers: why a command failed, in one line, and whether a retry may fix it. Transient:
// time-outs, locks held by another package run, network and mirror trouble. Definite: a
// package that does not exist, dependency conflicts, installer exit codes, sudo refusing.
import { ExecResult } from '../../protocols/ssh/ssh.client';

export interface Rule {
  /** matched against stderr and stdout together */
  re?: RegExp;
  /** the exit status (as an unsigned 32-bit number, so that HRESULTs match either way) */
  code?: number;
  transient: boolean;
  /** the one line for a technician; `m` is the match (of re, or of the code) */
  reason: (m: RegExpExecArray) => string;
}

/** An exit status as Windows reports it: -1978335212 and 2316632084 are both 0x8A150014. */
export const u32 = (code: number | null): number | null => (code === null ? null : code >>> 0);

export interface Failure {
  transient: boolean;
  reason: string;
}

/** sudo's own refusals come first: whatever the tool would have said, it never ran. */
const SUDO: Rule[] = [
  { re: /sudo: (?:a )?password is required/, transient: false, reason: () => 'sudo refused: a password is required and the credential has none' },
  { re: /Sorry, try again\.|sudo: \d+ incorrect password attempts?|incorrect password/, transient: false, reason: () => 'sudo refused: wrong password' },
  { re: /sudo: no password was provided/, transient: false, reason: () => 'sudo refused: a password is required and the credential has none' },
  { re: /(\S+) is not in the sudoers file|user (\S+) is not allowed to execute/, transient: false, reason: (m) => `sudo refused: ${m[1] ?? m[2]} may not run this through sudo` },
  { re: /sudo: (?:no tty present|sorry, you must have a tty)/, transient: false, reason: () => 'sudo refused: it requires a terminal (requiretty); allow this account without one' },
  { re: /(?:sudo: (?:command )?not found|sh: \d*:? ?sudo: not found)/, transient: false, reason: () => 'sudo is not installed on the host' },
];

/** Network and mirror trouble any tool reports the same way (curl, glibc resolver). */
export const NETWORK: Rule[] = [
  { re: /Temporary failure (?:resolving|in name resolution) '?([^'\s]+)?/, transient: true, reason: (m) => `network: temporary failure resolving ${m[1] ?? 'a mirror name'}` },
  { re: /Could not resolve (?:host|hostname)?:? ?'?([^'\s;,()[\]]+)?/i, transient: true, reason: (m) => `network: could not resolve ${m[1] ?? 'a mirror name'}` },
  { re: /Couldn't resolve host name/i, transient: true, reason: () => 'network: could not resolve a mirror name' },
  { re: /(?:Connection timed out|Operation timed out|Network is unreachable|Connection refused|Connection reset by peer)/, transient: true, reason: (m) => `network: ${m[0].toLowerCase()} while downloading` },
];

/** sudo's refusal, when the output holds one: nothing after it can work either. */
export function sudoRefusal(r: ExecResult): Failure | null {
  const text = `${r.stderr}\n${r.stdout}`;
  for (const rule of SUDO) {
    const m = rule.re!.exec(text);
    if (m) return { transient: false, reason: rule.reason(m) };
  }
  return null;
}

const firstLine = (s: string) => s.split('\n').map((l) => l.trim()).find(Boolean) ?? '';

/** The most telling error line of an output: the tool's own error line, else the last line. */
export function errorLine(text: string): string {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  const err = lines.find((l) => /^(E:|error:|Error:|ERROR:|dpkg: error|fatal:)/.test(l));
  return (err ?? lines[lines.length - 1] ?? '').slice(0, 300);
}

export function classify(tool: string, r: ExecResult, rules: Rule[], timeoutMs: number): Failure {
  if (r.timedOut) return { transient: true, reason: `${tool} timed out after ${Math.round(timeoutMs / 1000)} s` };
  if (r.truncated) return { transient: false, reason: `${tool} printed more than the output cap and was stopped` };
  const text = `${r.stderr}\n${r.stdout}`;
  for (const rule of [...SUDO, ...rules, ...NETWORK]) {
    if (rule.code !== undefined && u32(r.code) !== u32(rule.code)) continue;
    const m = rule.re ? rule.re.exec(text) : Object.assign([String(r.code)], { index: 0, input: text }) as RegExpExecArray;
    if (m) return { transient: rule.transient, reason: firstLine(rule.reason(m)) };
  }
  if (r.code === 127) return { transient: false, reason: `${tool} is not installed on the host (command not found)` };
  const line = errorLine(text);
  // HRESULTs (Windows) read better in hex: 0x8A150003, not 2316632067
  const code = r.code === null ? 'unknown' : Math.abs(r.code) > 0xffff ? `0x${u32(r.code)!.toString(16).toUpperCase()}` : String(r.code);
  return { transient: false, reason: `${tool} exited with code ${code}${line ? `: ${line}` : ''}` };
}
