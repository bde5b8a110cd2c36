// configs/: remediation — the configuration lines that bring a device back to its baseline
// (a golden template's rendering or an earlier version).
import type { ConfigPlatform } from './types';

export interface Remediation {
  /** lines to push, in order, with the parent lines (and `exit`/`next`/`end`) that give them their place */
  add: string[];
  /** lines the device has and the baseline lacks, under their parents: for the technician to review, never pushed */
  extra: string[];
}

interface Entry {
  /** the line as written (indentation kept: the CLIs accept it) */
  text: string;
  /** the trimmed parent lines, outermost first */
  parents: string[];
  /** the parent lines as written */
  parentTexts: string[];
}

/** Lines that are the CLI's punctuation rather than configuration. */
function isComment(trimmed: string, platform: ConfigPlatform): boolean {
  if (platform === 'cisco-ios' || platform === 'cisco-nxos' || platform === 'eos' || platform === 'procurve') return trimmed.startsWith('!') || trimmed.startsWith(';');
  return trimmed.startsWith('#') && !(platform === 'linux' && trimmed.startsWith('### '));
}

function isStructure(trimmed: string, platform: ConfigPlatform): boolean {
  if (platform === 'fortios') return trimmed === 'next' || trimmed === 'end';
  if (platform === 'linux' || platform === 'junos' || platform === 'routeros') return false;
  return trimmed === 'end' || trimmed === 'exit' || /^exit-[a-z-]+$/.test(trimmed);
}

/** How a CLI leaves the block a header opened. */
function closer(header: string, platform: ConfigPlatform): string | null {
  if (platform === 'fortios') return header.trimStart().startsWith('edit ') ? 'next' : 'end';
  if (platform === 'linux') return null;
  return 'exit';
}

/** A Linux file header without its "(missing)"/"(unreadable)" note, so a missing file's lines are all missing. */
function fileOf(trimmed: string): string {
  return trimmed.replace(/ \((?:missing|unreadable)\)$/, '');
}

function parse(text: string, platform: ConfigPlatform): Entry[] {
  const entries: Entry[] = [];
  const stack: { indent: number; trimmed: string; text: string }[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    const trimmed = line.trim();
    if (trimmed === '' || isComment(trimmed, platform) || isStructure(trimmed, platform)) continue;
    if (platform === 'linux' && trimmed.startsWith('### ')) {
      stack.length = 0;
      stack.push({ indent: -1, trimmed: fileOf(trimmed), text: fileOf(trimmed) });
      continue;
    }
    const indent = line.length - line.trimStart().length;
    while (stack.length > 0 && stack[stack.length - 1].indent >= indent) stack.pop();
    entries.push({ text: line, parents: stack.map((s) => s.trimmed), parentTexts: stack.map((s) => s.text) });
    stack.push({ indent, trimmed, text: line });
  }
  return entries;
}

function key(parents: string[], trimmed: string): string {
  return [...parents, trimmed].join('\u0000');
}

/**
 * Entries written out with their parents, each parent once. With `closers`, moving out of a
 * block writes the CLI's way out of it (`exit`, FortiOS `next`/`end`), so the lines can be
 * pushed; without, the listing is for reading.
 */
function emit(entries: Entry[], platform: ConfigPlatform, closers: boolean): string[] {
  const out: string[] = [];
  const open: { trimmed: string; text: string }[] = [];
  const leave = (depth: number) => {
    while (open.length > depth) {
      const close = closer(open.pop()!.text, platform);
      if (closers && close) out.push(close);
    }
  };
  entries.forEach((e, k) => {
    let same = 0;
    while (same < open.length && same < e.parents.length && open[same].trimmed === e.parents[same]) same++;
    leave(same);
    for (let i = same; i < e.parents.length; i++) {
      out.push(e.parentTexts[i]);
      open.push({ trimmed: e.parents[i], text: e.parentTexts[i] });
    }
    out.push(e.text);
    // a whole missing block: the line is the parent of the next ones, and is entered once
    const next = entries[k + 1];
    if (next && next.parents.length > e.parents.length && next.parents[e.parents.length] === e.text.trim()) {
      open.push({ trimmed: e.text.trim(), text: e.text });
    }
  });
  // FortiOS applies a level when it is closed; the Cisco-style CLIs leave with the push's `end`
  if (platform === 'fortios') leave(0);
  return out;
}

function difference(from: Entry[], to: Entry[]): Entry[] {
  const present = new Set(to.map((e) => key(e.parents, e.text.trim())));
  return from.filter((e) => !present.has(key(e.parents, e.text.trim())));
}

/**
 * What to push so that `current` contains what `baseline` has, and what `current` has beyond it.
 *
 * Block-structured platforms (IOS, EOS, NX-OS, ProCurve, FortiOS, and indented Linux files such
 * as sshd_config's `Match` blocks): a line is identified by its parent lines, so a missing
 * child comes after its parent (`interface Gi0/1` then ` spanning-tree portfast`), each parent
 * written once; moving from one block to another goes through `exit` (FortiOS: `next`/`end`,
 * and every level is closed at the end). `!` comments, `exit`/`end` lines of the baseline and
 * blank lines are never pushed. Junos `set` lines and RouterOS export lines: just the missing
 * lines. Linux: the missing lines under their `### <path>` header.
 *
 * Lines the device has beyond the baseline are listed in `extra` (with their parents, same
 * form) but no command to remove them is made: the `no` form differs from command to command
 * (and a default may print nothing), so removal is left to the technician.
 */
export function missingLines(baseline: string, current: string, platform: ConfigPlatform): Remediation {
  const base = parse(baseline, platform);
  const cur = parse(current, platform);
  return { add: emit(difference(base, cur), platform, true), extra: emit(difference(cur, base), platform, false) };
}
