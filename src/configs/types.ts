// configs/: the contracts between the module's parts — where a configuration comes from (one
// source per platform, sources/), how it is normalized before anything is stored or shown
// (normalize.ts), compared (diff.ts), checked (compliance.ts), rendered from a golden template
// (template.ts) and put back (remediation.ts, and each source's push).
import type { ExecResult } from '../protocols/ssh/ssh.client';

/** Platforms whose configuration Teknisi backs up (a device's `platform`). */
export const CONFIG_PLATFORMS = ['cisco-ios', 'cisco-nxos', 'junos', 'eos', 'procurve', 'routeros', 'fortios', 'linux'] as const;
export type ConfigPlatform = typeof CONFIG_PLATFORMS[number];

/** What a source may do on a device: exec channels and, for CLIs without exec, an interactive shell. */
export interface ConfigSession {
  exec(command: string, opts?: { timeoutMs?: number; maxBytes?: number; stdin?: string }): Promise<ExecResult>;
  /** runs commands one after another in an interactive shell; each command's own output (echo and prompt removed) */
  shell(commands: string[], opts?: { timeoutMs?: number; maxBytes?: number }): Promise<string[]>;
}

export interface FetchOptions {
  /** Linux/Unix: absolute paths of the files that make up the host's configuration */
  files?: string[];
  timeoutMs: number;
  /** the raw configuration's cap; more is an error, never a silently cut config */
  maxBytes: number;
}

export interface FetchedConfig {
  /** the raw configuration text, as the device printed it (decoded, not yet normalized) */
  text: string;
  /** what produced it, for the version row and the log: `show running-config`, `/etc/ssh/sshd_config …` */
  source: string;
}

export interface PushResult {
  /** what the device printed, for the job's log (secrets of the pushed lines are not in it: it is masked by the caller) */
  transcript: string;
  /** lines the device rejected, with its message */
  errors: string[];
}

export interface ConfigSource {
  platform: ConfigPlatform;
  /** one line for docs and logs: the commands it runs */
  describe: string;
  fetch(session: ConfigSession, opts: FetchOptions): Promise<FetchedConfig>;
  /** applies configuration lines (config mode on network devices); absent where Teknisi does not push */
  push?(session: ConfigSession, lines: string[], opts: { timeoutMs: number; maxBytes: number }): Promise<PushResult>;
}

/**
 * One normalization rule. `drop`: lines matching `pattern` are removed (volatile lines such as
 * "! Last configuration change at …"). `mask`: in lines matching `pattern`, each capture group's
 * text is replaced with `<masked>` (secrets: enable secrets, password hashes, communities, keys).
 * `platform` null applies to every platform. Patterns are JavaScript regexes without flags,
 * tested against one line at a time (no trailing newline).
 */
export interface NormalizationRule {
  id?: number;
  platform: ConfigPlatform | null;
  action: 'drop' | 'mask';
  pattern: string;
  description: string;
  enabled: boolean;
}

export interface NormalizedConfig {
  text: string;
  /** lines dropped as volatile, values masked as secrets */
  dropped: number;
  masked: number;
}

export interface ConfigDiff {
  /** unified diff (`---`/`+++` headers with the two labels, `@@` hunks, 3 lines of context); '' when equal */
  diff: string;
  added: number;
  removed: number;
}

export type RuleSeverity = 'info' | 'low' | 'medium' | 'high' | 'critical';

/**
 * A compliance rule. must-contain: some line matches `pattern`. must-not-contain: no line
 * does. block: every block whose first line matches `block.start` (and, when `block.where` is
 * set, which has a line matching it) has a line matching `pattern`. A block is its first line
 * and the more-indented lines under it (IOS/EOS/NX-OS style; Junos `set` lines have no blocks).
 */
export interface ComplianceRule {
  id?: number;
  name: string;
  kind: 'must-contain' | 'must-not-contain' | 'block';
  pattern: string;
  block?: { start: string; where?: string };
  severity: RuleSeverity;
}

export interface RuleResult {
  passed: boolean;
  /** for a technician: what matched or what is missing, with line numbers (1-based), at most 20 items */
  detail: string;
  /** 1-based lines of the config that break the rule (must-not-contain) or blocks that lack the pattern (block) */
  lines: number[];
}
