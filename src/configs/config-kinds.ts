// configs/: the job kinds this module registers into the jobs registry — config.backup (fetch,
// normalize, version when changed) and config.push (config mode lines, then a backup).
import type { JobKind, HostSession, ParamProblem } from '../jobs/job-kinds';
import { ConfigsService } from './configs.service';
import { MASK, normalize } from './normalize';
import { configSourceFor } from './sources';
import { validateConfigFiles } from './sources/linux';
import { ECHO, REFUSAL } from './sources/cli-push';
import { CONFIG_PLATFORMS } from './types';
import type { ConfigPlatform, ConfigSession, NormalizationRule, PushResult } from './types';

/** Linux and other Unix hosts: what a backup reads when the job names no files. */
export const DEFAULT_LINUX_FILES = ['/etc/ssh/sshd_config'];
export const PUSH_LIMITS = { lines: 2_000, lineChars: 1_000 };

/**
 * A push's transcript and refusals with secrets masked by the mask rules. The rules read a
 * configuration's lines as the device prints them (most are anchored at the line's start), so
 * each echoed command (`> line`) and each refusal's line (`line → message`) is masked on its own,
 * without the prefix or the message, and the device's answers between them as a block.
 */
export function maskPushOutput(r: PushResult, platform: ConfigPlatform, masks: NormalizationRule[]): PushResult {
  const mask = (text: string) => maskText(text, platform, masks);
  const out: string[] = [];
  let answers: string[] = [];
  const flush = () => {
    if (answers.length) out.push(mask(answers.join('\n')));
    answers = [];
  };
  for (const line of r.transcript.replace(/\n$/, '').split('\n')) {
    if (!line.startsWith(ECHO)) {
      answers.push(line);
      continue;
    }
    flush();
    out.push(`${ECHO}${mask(line.slice(ECHO.length))}`);
  }
  flush();
  const errors = r.errors.map((e) => {
    const at = e.indexOf(REFUSAL);
    return at < 0 ? mask(e) : `${mask(e.slice(0, at))}${REFUSAL}${mask(e.slice(at + REFUSAL.length))}`;
  });
  return { transcript: `${out.join('\n')}\n`, errors };
}

/** `text` with `platform`'s mask rules applied, without the newline `normalize` ends its text with. */
function maskText(text: string, platform: ConfigPlatform, masks: NormalizationRule[]): string {
  return normalize(text, platform, masks).text.replace(/\n$/, '');
}

const sessionOf = (s: HostSession): ConfigSession => ({ exec: (c, o) => s.access.exec(c, o), shell: (c, o) => s.shell(c, o) });

function objectParams(raw: unknown, allowed: string[]): { p: Record<string, unknown>; problems: ParamProblem[] } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { p: {}, problems: [{ field: '', message: 'params must be an object' }] };
  const p = raw as Record<string, unknown>;
  return { p, problems: Object.keys(p).filter((k) => !allowed.includes(k)).map((k) => ({ field: k.slice(0, 64), message: `unknown parameter ${k.slice(0, 64)}` })) };
}

export function configKinds(configs: ConfigsService): JobKind[] {
  const maskRules = async () => (await configs.normalizationRules()).filter((r) => r.action === 'mask');
  const backup: JobKind = {
    name: 'config.backup',
    description: "backs up the device's configuration (running config; chosen files on Linux hosts) and stores a new version when it changed",
    stopOnCancel: true,
    validate: (raw) => {
      const { p, problems } = objectParams(raw ?? {}, ['files']);
      if (p.files !== undefined) {
        const problem = validateConfigFiles(p.files);
        if (problem) problems.push({ field: 'files', message: problem });
      }
      return { params: p.files !== undefined ? { files: p.files } : {}, problems };
    },
    run: async (ctx) => {
      const source = configSourceFor(ctx.device.platform);
      if (!source) return { status: 'skipped', reason: `no configuration source for platform ${ctx.device.platform ?? 'unknown'}`, log: '' };
      const files = source.platform === 'linux' ? ((ctx.params.files as string[] | undefined) ?? DEFAULT_LINUX_FILES) : undefined;
      const s = await ctx.open();
      try {
        const r = await configs.backup(ctx.device.id, sessionOf(s), { trigger: ctx.runTrigger === 'schedule' ? 'schedule' : 'manual', jobRunId: ctx.runId, files });
        const log = `# ${s.where}\n$ ${r.source}\n${r.dropped} volatile lines dropped, ${r.masked} secrets masked\n`;
        const reason = r.changed
          ? `new version ${r.versionId}${r.previousId ? ` (+${r.added} −${r.removed} lines since version ${r.previousId})` : ' (the first)'}`
          : `unchanged since version ${r.versionId}`;
        return { status: 'succeeded', reason, exitCode: 0, log: log + reason + '\n', rebootRequired: false, changed: [] };
      } finally {
        await s.close();
      }
    },
  };

  const push: JobKind = {
    name: 'config.push',
    // the lines may set secrets (enable secret, SNMP communities): shown masked, by every
    // platform's mask rules (masking too much is the safe mistake), in the job's view and audit entry
    shownParams: async (params) => {
      const lines = params.lines;
      if (!Array.isArray(lines)) return params;
      const masks = await maskRules();
      const mask = (line: string) => {
        for (const platform of CONFIG_PLATFORMS) {
          const masked = maskText(line, platform, masks);
          if (masked !== line) return masked;
        }
        return line;
      };
      return { ...params, lines: lines.map((l) => (typeof l === 'string' ? mask(l) : l)) };
    },
    description: 'enters configuration mode and applies lines (remediation), saves, then backs the configuration up',
    // a device half-way through a list of configuration lines is left as the device is: finish
    stopOnCancel: false,
    validate: (raw) => {
      const { p, problems } = objectParams(raw, ['lines', 'baselineId']);
      const lines = p.lines;
      if (!Array.isArray(lines) || lines.length === 0) problems.push({ field: 'lines', message: 'lines must be a non-empty array of configuration lines' });
      else {
        if (lines.length > PUSH_LIMITS.lines) problems.push({ field: 'lines', message: `at most ${PUSH_LIMITS.lines} lines` });
        lines.slice(0, PUSH_LIMITS.lines).forEach((l, i) => {
          // eslint-disable-next-line no-control-regex
          if (typeof l !== 'string' || !l.trim() || l.length > PUSH_LIMITS.lineChars || /[\x00-\x08\x0a-\x1f\x7f]/.test(l)) {
            problems.push({ field: `lines.${i}`, message: `each line is one line of text, 1 to ${PUSH_LIMITS.lineChars} characters, no control characters` });
          } else if (l.includes(MASK)) {
            // a job's lines as the API shows them have their secrets masked: pushed, "<masked>" would become the password
            problems.push({ field: `lines.${i}`, message: `holds ${MASK}, where Teknisi hid a secret: type the secret itself, or leave the line out` });
          }
        });
      }
      if (p.baselineId !== undefined && !(Number.isInteger(p.baselineId) && (p.baselineId as number) > 0)) problems.push({ field: 'baselineId', message: 'baselineId must be a positive integer' });
      return { params: { lines, ...(p.baselineId !== undefined ? { baselineId: p.baselineId } : {}) }, problems };
    },
    run: async (ctx) => {
      const source = configSourceFor(ctx.device.platform);
      if (!source?.push) return { status: 'failed', transient: false, reason: `Teknisi cannot push configuration to platform ${ctx.device.platform ?? 'unknown'}`, exitCode: null, log: '' };
      const lines = ctx.params.lines as string[];
      const s = await ctx.open();
      try {
        const r = await source.push(sessionOf(s), lines, { timeoutMs: 120_000, maxBytes: 4 * 1024 * 1024 });
        // the transcript echoes the lines: mask secrets with the normalization rules' masks
        const masked = maskPushOutput(r, source.platform, await maskRules());
        let log = `# ${s.where}\n${masked.transcript}`;
        if (r.errors.length) {
          const errors = masked.errors.join('\n');
          return { status: 'failed', transient: false, reason: `the device refused ${r.errors.length} of ${lines.length} lines: ${errors.split('\n')[0]}`, exitCode: null, log: `${log}\n[refused]\n${errors}\n` };
        }
        const b = await configs.backup(ctx.device.id, sessionOf(s), { trigger: 'push', jobRunId: ctx.runId });
        log += `\n[backup after the push] ${b.changed ? `new version ${b.versionId}` : `unchanged (version ${b.versionId})`}\n`;
        return { status: 'succeeded', reason: `${lines.length} lines applied; ${b.changed ? `new version ${b.versionId}` : 'the configuration did not change'}`, exitCode: 0, log, rebootRequired: false, changed: [] };
      } finally {
        await s.close();
      }
    },
  };
  return [backup, push];
}
