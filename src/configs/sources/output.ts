// configs/sources: what every source does to a device's answer before it becomes a raw
// configuration — terminal artefacts removed, CLI errors recognised, caps and time-outs turned
// into errors that say which command and which limit.
import type { ExecResult } from '../../protocols/ssh/ssh.client';
import type { ConfigSession, FetchOptions } from '../types';

const ANSI = /\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][A-Z0-9]|\x1b[=>EM78]/g;
// IOS/EOS " --More-- ", an ASA's "<--- More --->", ProCurve "-- MORE --, next page: Space, next
// line: Enter, quit: Control-C" and "Press any key to continue". A pager writes its prompt at the
// start of a line (the page's last line ended), and what follows on that line once the prompt is
// erased is the configuration's: only a prompt there is one. Elsewhere the same letters are
// configuration (`ip access-list extended TEST-MORE-DENY`, `hostname core-more-01`).
const PAGER = /^\s*(?:<?--+ ?More ?--+>?(?:, next page: Space, next line: Enter, quit: Control-C)? ?|Press any key to continue)/i;
// control characters other than tab and newline (CR and backspace are handled before)
const CONTROL = /[\x00-\x08\x0b-\x1f\x7f]/g;

/**
 * A device's answer as text a person would read: CRLF as LF, a bare CR rewriting its line,
 * backspaces applied, ANSI escapes, `--More--` prompts and other control characters removed.
 * The SSH client already decoded the bytes (UTF-8, Windows-1252 fallback) and cleans shell
 * output; exec output and recorded answers reach here raw, so this is done for every source.
 */
export function cleanOutput(text: string): string {
  // ProCurve moves the cursor to a new line with ESC E or "erase line, insert line"
  const withBreaks = text.replace(/\x1b\[1M\x1b\[\??\d+(?:;\d+)*[A-Za-z]\x1b\[1L|\x1bE/g, '\n');
  return withBreaks
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map(cleanLine)
    .filter((line): line is string => line !== null)
    .join('\n');
}

/** One line as read; null for a line that held nothing but a pager prompt. */
function cleanLine(raw: string): string | null {
  let line = raw.replace(ANSI, '').replace(/\r+$/, '');
  const cr = line.lastIndexOf('\r');
  if (cr >= 0) line = line.slice(cr + 1);
  if (line.includes('\b')) {
    const out: string[] = [];
    for (const c of line) {
      if (c === '\b') out.pop();
      else out.push(c);
    }
    line = out.join('');
  }
  const unpaged = line.replace(PAGER, '');
  if (unpaged !== line && unpaged.trim() === '') return null;
  return unpaged.replace(CONTROL, '');
}

/** Leading and trailing blank lines removed; one newline at the end ('' stays ''). */
export function trimBlankLines(text: string): string {
  const lines = text.split('\n');
  let start = 0;
  let end = lines.length;
  while (start < end && lines[start].trim() === '') start++;
  while (end > start && lines[end - 1].trim() === '') end--;
  return start === end ? '' : lines.slice(start, end).join('\n') + '\n';
}

/**
 * Throws when the first lines of an answer are a CLI error instead of a configuration (an
 * account without the privilege, a command the software does not know). Only the first few
 * non-blank lines are looked at: a configuration never starts with an error, and its body may
 * well contain lines that look like one (banners, descriptions).
 */
export function assertNotCliError(text: string, command: string, errorLine: RegExp): void {
  const head = text.split('\n').filter((l) => l.trim() !== '').slice(0, 3);
  const hit = head.find((l) => errorLine.test(l.trim()));
  if (hit === undefined) return;
  // IOS puts a caret line above its message: quote the message
  const message = (hit.trim() === '^' && head.find((l) => /^\s*%/.test(l))) || hit;
  throw new Error(`${command}: the device answered with an error: "${message.trim()}"${privilegeHint(message)}`);
}

function privilegeHint(line: string): string {
  return /author|permission|privilege|denied|Invalid input/i.test(line)
    ? ' (does the account have the privilege to read the configuration?)'
    : '';
}

/** The cap checked on the decoded text too, so that a source never hands on more than allowed. */
export function assertWithinCap(text: string, command: string, maxBytes: number): void {
  if (Buffer.byteLength(text, 'utf8') > maxBytes) throw capError(command, maxBytes);
}

export function capError(command: string, maxBytes: number): Error {
  return new Error(`${command}: the configuration exceeds the cap of ${maxBytes} bytes; raise the cap rather than store a cut configuration`);
}

/**
 * One command over an exec channel: its cleaned stdout, or an Error for a cap, a time-out, a
 * failure, an empty answer or one that is the CLI's own error (`cliError`, the platform's).
 */
export async function execText(session: ConfigSession, command: string, opts: FetchOptions, cliError: RegExp): Promise<string> {
  const res = await session.exec(command, { timeoutMs: opts.timeoutMs, maxBytes: opts.maxBytes });
  assertExecOk(res, command, opts);
  const text = cleanOutput(res.stdout);
  assertWithinCap(text, command, opts.maxBytes);
  assertNotEmpty(text, command);
  assertNotCliError(text, command, cliError);
  return text;
}

/**
 * Commands in one interactive shell (the last one prints the configuration): its cleaned
 * output, or an Error for a cap, an empty answer or the CLI's own error (`cliError`).
 */
export async function shellText(session: ConfigSession, commands: string[], opts: FetchOptions, cliError: RegExp): Promise<string> {
  const command = commands[commands.length - 1];
  const outputs = await session.shell(commands, { timeoutMs: opts.timeoutMs, maxBytes: opts.maxBytes });
  const raw = outputs[commands.length - 1] ?? '';
  if (Buffer.byteLength(raw, 'utf8') > opts.maxBytes) throw capError(command, opts.maxBytes);
  const text = cleanOutput(raw);
  assertNotEmpty(text, command);
  assertNotCliError(text, command, cliError);
  return text;
}

export function assertExecOk(res: ExecResult, command: string, opts: { timeoutMs: number; maxBytes: number }): void {
  if (res.truncated) throw capError(command, opts.maxBytes);
  if (res.timedOut) throw new Error(`${command}: no complete answer within ${opts.timeoutMs} ms`);
  if (res.code !== 0 && res.code !== null) {
    const why = firstLine(res.stderr) || firstLine(res.stdout) || 'no message';
    throw new Error(`${command}: exited with status ${res.code}: ${why}`);
  }
}

function firstLine(text: string): string {
  return cleanOutput(text).split('\n').find((l) => l.trim() !== '')?.trim() ?? '';
}

/** Throws when a device printed nothing that could be a configuration. */
export function assertNotEmpty(text: string, command: string): void {
  if (text.trim() === '') throw new Error(`${command}: the device printed no configuration`);
}
