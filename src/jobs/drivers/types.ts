// jobs/drivers: the host side of software jobs — what runs on a machine through an exec
// function, and what came of it. No NestJS, no database, no connection of its own.
import { ExecResult } from '../../protocols/ssh/ssh.client';

export const PACKAGE_MANAGERS = ['apt', 'dnf', 'yum', 'zypper', 'apk', 'pacman', 'brew', 'winget', 'choco'] as const;
export type PackageManager = typeof PACKAGE_MANAGERS[number];
export type SoftwareAction = 'install' | 'uninstall' | 'upgrade';
export type RebootPolicy = 'never' | 'if-required' | 'always';
export type Exec = (command: string, opts?: { timeoutMs?: number; stdin?: string; maxBytes?: number; holdStdin?: boolean }) => Promise<ExecResult>;
export interface HostAccess {
  exec: Exec;
  /** run privileged commands through sudo */
  sudo: boolean;
  sudoPassword?: string;
}
export interface SoftwareTask {
  action: SoftwareAction;
  /** empty with upgrade = all pending updates */
  packages: string[];
  timeoutMs: number;
  signal?: AbortSignal;
}
export type TaskOutcome =
  | { status: 'skipped'; reason: string; log: string }
  | { status: 'succeeded'; reason: string; exitCode: number; log: string; rebootRequired: boolean; changed: string[] }
  | { status: 'failed'; transient: boolean; reason: string; exitCode: number | null; log: string };
