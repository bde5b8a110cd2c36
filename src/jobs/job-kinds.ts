// jobs/: the registry of job kinds. A kind lives with the module that owns it and registers
// itself here (software.* and command in jobs/, inventory.refresh in discovery/, config.* in
// configs/); jobs/ imports none of them. How a worker opens a session on a device is provided
// the same way (by discovery/, which owns credentials-per-device and pinned host keys).
import { Injectable } from '@nestjs/common';
import type { HostAccess, TaskOutcome } from './drivers/types';
import type { JobRun } from './job.entity';

export interface ParamProblem {
  /** under params, e.g. `packages.0` (the API prefixes `params.`) */
  field: string;
  message: string;
}

/** What a kind knows of its target device (a row read when the target starts). */
export interface TargetDevice {
  id: number;
  hostname: string | null;
  primaryIp: string | null;
  platform: string | null;
  osFamily: string | null;
  osName: string | null;
  osVersion: string | null;
  type: string | null;
}

export interface HostSession {
  access: HostAccess;
  /** where the session went, for the log (user@address:port) */
  where: string;
  /** runs commands one after another in an interactive shell (network CLIs): each one's own output */
  shell(commands: string[], opts?: { timeoutMs?: number; maxBytes?: number }): Promise<string[]>;
  /** re-collects and ingests the device's inventory over this session */
  refreshInventory(): Promise<void>;
  close(): Promise<void>;
}

/** `signal`: the target's stop (a cancel, a lost lease), which ends the connecting too. */
export type HostOpener = (device: TargetDevice, credentialId: number | null, signal?: AbortSignal) => Promise<HostSession>;

export interface KindContext {
  runId: number;
  /** how the run started: now (a one-off job), schedule (a firing), manual (Run now), retry (of the last run's failed targets) */
  runTrigger: JobRun['trigger'];
  device: TargetDevice;
  params: Record<string, unknown>;
  /** aborted when the target must stop (its lease was lost, or a cancel of a kind that stops) */
  signal: AbortSignal;
  credentialId: number | null;
  /** opens an SSH session on the device (the caller closes it) */
  open(): Promise<HostSession>;
  /** the package-manager tools the device's inventory lists (Chocolatey, App Installer, dnf…), for picking a manager */
  packageTools(): Promise<Array<{ name: string }>>;
}

export interface JobKind {
  name: string;
  description: string;
  /** a copy of the params with defaults applied, and every problem; nothing user-supplied reaches a shell unchecked */
  validate(params: unknown): { params: Record<string, unknown>; problems: ParamProblem[] };
  run(ctx: KindContext): Promise<TaskOutcome>;
  /**
   * The params as the API shows them (a job's view, its audit entry): secrets they carry
   * masked. Absent: shown as they are. The stored params, which the runs use, keep them.
   */
  shownParams?(params: Record<string, unknown>): Promise<Record<string, unknown>>;
  /**
   * On cancel, running targets of this kind are stopped (their command killed). Kinds that
   * must not be interrupted half-way — a package manager in the middle of dpkg — finish instead.
   */
  stopOnCancel: boolean;
}

@Injectable()
export class JobKindRegistry {
  private readonly kinds = new Map<string, JobKind>();
  private opener?: HostOpener;

  register(kind: JobKind): void {
    if (this.kinds.has(kind.name)) throw new Error(`Job kind ${kind.name} is registered twice`);
    this.kinds.set(kind.name, kind);
  }

  get(name: string): JobKind | undefined {
    return this.kinds.get(name);
  }

  names(): string[] {
    return [...this.kinds.keys()].sort();
  }

  provideHostOpener(opener: HostOpener): void {
    if (this.opener) throw new Error('The host opener is provided twice');
    this.opener = opener;
  }

  hostOpener(): HostOpener {
    if (!this.opener) throw new Error('No module provides SSH sessions to devices (discovery/ does)');
    return this.opener;
  }
}
