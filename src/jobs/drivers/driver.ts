// jobs/drivers: what each package manager's driver tells the task runner — its commands for
// query, refresh, pending updates, the change itself and the reboot check, and how to read them.
import { ExecResult } from '../../protocols/ssh/ssh.client';
import { shQuote } from '../../protocols/ssh/posix-quote';
import { Rule } from './classify';
import { Cmd } from './host';
import { SoftwareAction } from './types';

/** An update the manager would apply: the installed and the offered version where it says. */
export interface Pending {
  name: string;
  from?: string;
  to?: string;
}

export interface Driver {
  /** the tool's name in reasons: apt-get, dnf, winget… */
  tool: string;
  /** commands are PowerShell scripts (Windows) */
  powershell?: boolean;
  /** installed version of each named package that is installed */
  query(names: string[]): Cmd;
  /** whether the query's exit status means it answered (default: any status, as rpm -q counts missing packages in it) */
  queryOk?(r: ExecResult): boolean;
  parseQuery(r: ExecResult, names: string[]): Map<string, string>;
  /** metadata refresh before the change (apt-get update, brew update…), where the manager wants one */
  refresh?(action: SoftwareAction, all: boolean): Cmd | undefined;
  /** updates on offer for these installed packages, or for everything (null) */
  pending(names: string[] | null): Cmd;
  /** whether the pending query's exit status means it answered (default: 0) */
  pendingOk?(r: ExecResult): boolean;
  parsePending(r: ExecResult, names: string[] | null): Pending[];
  /** the change; upgrade with no names = every pending update */
  change(action: SoftwareAction, names: string[]): Cmd;
  /** whether the change's exit status means it went through (default: 0) */
  changeOk?(r: ExecResult): boolean;
  /** an exit status that itself says a reboot is needed (zypper 102, MSI 3010) */
  changeNeedsReboot?(r: ExecResult): boolean;
  reboot?: { cmd: Cmd; required(r: ExecResult): boolean };
  rules: Rule[];
}

/**
 * Lines of a command's stdout as a terminal leaves them: \r\n ends a line (PowerShell's output
 * over Windows OpenSSH), a lone \r starts it over (progress spinners); blank lines kept.
 */
export function screenLines(text: string): string[] {
  return text.split('\n').map((l) => l.replace(/\r+$/, '').split('\r').pop()!.replace(/\s+$/, ''));
}

/** Lines of a command's stdout, without \r progress overwrites and blank lines. */
export function lines(text: string): string[] {
  return screenLines(text).filter((l) => l.trim() !== '');
}

/** Validated names as shell words (quoted all the same: validation is not the only guard). */
export const words = (names: string[]): string => names.map(shQuote).join(' ');
