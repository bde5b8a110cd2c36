// configs/sources: Linux and other Unix hosts. A host's configuration is the set of files the
// technician lists for it (sshd_config, resolv.conf, …), read one exec each with a fixed
// command whose only variable part is the shQuote'd path, fenced: a greeting from the host's
// login scripts is not part of the file (nor, changing with each login, a false new version).
import { afterFence, fenced } from '../../protocols/ssh/fence';
import { shQuote } from '../../protocols/ssh/posix-quote';
import type { ConfigSession, ConfigSource, FetchOptions } from '../types';
import { capError, cleanOutput } from './output';

export const MAX_CONFIG_FILES = 64;
const MAX_PATH = 4096;
/** exit statuses of the read command that are not a failure of the read itself */
const MISSING = 3;
const UNREADABLE = 4;

/** Why a list of paths cannot be read, or null. Paths are absolute, one line each, at most 64. */
export function validateConfigFiles(files: unknown): string | null {
  if (!Array.isArray(files) || files.length === 0) return 'no files listed: a Linux host needs the absolute paths of its configuration files';
  if (files.length > MAX_CONFIG_FILES) return `${files.length} files listed; at most ${MAX_CONFIG_FILES}`;
  for (const f of files) {
    if (typeof f !== 'string' || f === '') return 'a path must be a non-empty string';
    if (!f.startsWith('/')) return `not an absolute path: ${JSON.stringify(f)}`;
    if (/[\0\r\n]/.test(f)) return `a path cannot contain a NUL or a line break: ${JSON.stringify(f)}`;
    if (f.length > MAX_PATH) return `a path longer than ${MAX_PATH} characters: ${JSON.stringify(f.slice(0, 60))}…`;
  }
  return null;
}

/**
 * The command that prints one file: missing (nothing at the path, or a dangling link) and
 * unreadable (a directory, a device, no permission) answer with their own exit status rather
 * than a message, so that no locale's wording is parsed.
 */
export function readFileCommand(path: string): string {
  const p = shQuote(path);
  return `test -e ${p} || exit ${MISSING}; test -f ${p} && test -r ${p} || exit ${UNREADABLE}; exec cat -- ${p}`;
}

export const linuxSource: ConfigSource = {
  platform: 'linux',
  describe: 'exec: cat of each configured file (### <path> before each)',

  async fetch(session: ConfigSession, opts: FetchOptions) {
    const problem = validateConfigFiles(opts.files);
    if (problem) throw new Error(problem);
    const files = [...new Set(opts.files as string[])];
    const deadline = Date.now() + opts.timeoutMs;
    const parts: string[] = [];
    let bytes = 0;
    for (const path of files) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`reading ${path}: the host's files took longer than ${opts.timeoutMs} ms`);
      const budget = opts.maxBytes - bytes;
      if (budget <= 0) throw capError(`reading ${path}`, opts.maxBytes);
      const res = await session.exec(fenced(readFileCommand(path)), { timeoutMs: left, maxBytes: budget });
      if (res.truncated) throw capError(`reading ${path}`, opts.maxBytes);
      if (res.timedOut) throw new Error(`reading ${path}: no complete answer within ${opts.timeoutMs} ms`);
      const own = afterFence(res.stdout);
      if (own === null) throw new Error(`reading ${path}: the host's shell did not run the command (is the login shell a POSIX shell?)`);
      // killed (by the host, a signal, a dropped channel): no answer about the file, so the
      // backup fails rather than storing the file as unreadable, which rules cannot evaluate
      if (res.code === null) throw new Error(`reading ${path}: the command ended without an exit status${res.signal ? ` (signal ${res.signal})` : ''}`);
      let part: string;
      if (res.code === MISSING) part = `### ${path} (missing)\n`;
      else if (res.code !== 0) part = `### ${path} (unreadable)\n`;
      else {
        const body = cleanOutput(own);
        part = `### ${path}\n${body}${body === '' || body.endsWith('\n') ? '' : '\n'}`;
      }
      bytes += Buffer.byteLength(part, 'utf8');
      if (bytes > opts.maxBytes) throw capError(`reading ${path}`, opts.maxBytes);
      parts.push(part);
    }
    return { text: parts.join(''), source: describeFiles(files) };
  },
};

/** `cat /etc/ssh/sshd_config /etc/resolv.conf`, cut to 255 characters for the version row */
function describeFiles(files: string[]): string {
  const all = `cat ${files.join(' ')}`;
  return all.length <= 255 ? all : `${all.slice(0, 254)}…`;
}
